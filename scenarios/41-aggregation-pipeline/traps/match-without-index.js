// Scenario 41 · trap: the right pipeline, with no
// index under its $match.

/**
 * Resolve with the Express app once it is ready to
 * serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database: define your models on it
 */
export async function createApp(deps) {
  const { express, mongoose, db } = deps;
  const schema = new mongoose.Schema({
    status: String,
    region: String,
    total: Number,
    createdAt: Date,
  });
  // TRAP: no index on status and createdAt: the
  // $match below is first, and still reads every
  // order in the collection to find the paid ones.
  const Order = db.model('Order', schema);

  const app = express();

  app.get('/report', async (req, res) => {
    const since = new Date(String(req.query.since));
    if (Number.isNaN(since.getTime())) {
      return res.status(400).json({ error: 'since' });
    }
    const [report] = await Order.aggregate([
      // $match first, so it could use an index
      // and only matching orders are read at all.
      { $match: {
        status: 'paid', createdAt: { $gte: since } } },
      // one pass, three answers.
      { $facet: {
        regions: [
          { $group: { _id: '$region',
            revenue: { $sum: '$total' },
            orders: { $sum: 1 } } },
          { $sort: { _id: 1 } },
          { $project: { _id: 0, region: '$_id',
            revenue: 1, orders: 1 } },
        ],
        paid: [{ $count: 'n' }],
        recent: [
          { $sort: { createdAt: -1 } },
          { $limit: 5 },
          { $project: { _id: 0, total: 1 } },
        ],
      } },
    ]);
    res.json({
      regions: report.regions,
      paid: report.paid[0]?.n ?? 0,
      recent: report.recent,
    });
  });

  return app;
}
