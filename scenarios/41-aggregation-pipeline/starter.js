// Scenario 41 · Aggregation pipeline.
// GET /report?since= sums paid revenue per region,
// counts paid orders and lists the five latest. Keep
// the figures, and make the database do the work.
// Check: npx backend-scenarios verify 41
// Stuck? npx backend-scenarios hint 41

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
  // TODO: which index would let MongoDB find the
  // paid orders since a date without a full scan?
  const Order = db.model('Order', schema);

  const app = express();

  app.get('/report', async (req, res) => {
    const since = new Date(String(req.query.since));
    if (Number.isNaN(since.getTime())) {
      return res.status(400).json({ error: 'since' });
    }
    // TODO: every order in the collection crosses
    // the wire to be filtered and summed here.
    const orders = await Order.find().lean();
    const paid = orders.filter((order) =>
      order.status === 'paid'
      && order.createdAt >= since);
    const byRegion = new Map();
    for (const { region, total } of paid) {
      const row = byRegion.get(region)
        ?? { region, revenue: 0, orders: 0 };
      row.revenue += total;
      row.orders += 1;
      byRegion.set(region, row);
    }
    res.json({
      regions: [...byRegion.values()].sort((a, b) =>
        a.region.localeCompare(b.region)),
      paid: paid.length,
      recent: paid
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, 5).map(({ total }) => ({ total })),
    });
  });

  return app;
}
