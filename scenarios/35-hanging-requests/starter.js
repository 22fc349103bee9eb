// Scenario 35 · Hanging requests: some calls never complete.
// Make every request end with an answer in bounded time: a missing order, a route that forgets
// to answer, a handler that throws, and a database that cannot be reached.
// Check your fix: npx backend-scenarios verify 35   ·   stuck? npx backend-scenarios hint 35

/**
 * Called once per run; resolve with the Express app once it is ready to serve (no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db the orders database (up)
 * @param {import('mongoose').Connection} deps.reportsDb the reports database (down for this run)
 * @param {(entry: object) => void} deps.log the error log
 */
export async function createApp({ express, mongoose, db, reportsDb }) {
  const Order = db.model('Order', new mongoose.Schema({ item: String }));
  // TODO: while the reports database is down, a query on it must fail long before the client gives up.
  const Report = reportsDb.model('Report', new mongoose.Schema({ day: String }));

  const app = express();

  // TODO: whatever a route forgets, the client must get an answer within a budget.

  app.get('/orders/:id', async (req, res) => {
    const { id } = req.params;
    const order = mongoose.isObjectIdOrHexString(id) ? await Order.findById(id) : null;
    if (!order) {
      // TODO: every path of a handler must end the response.
      res.status(404);
      return;
    }
    res.json(order);
  });

  // A route that still forgets to answer (someone else's code).
  app.get('/legacy/export', () => undefined);

  app.get('/reports/daily', async (req, res) => {
    const filter = JSON.parse(req.query.filter);
    res.json(await Report.find(filter));
  });

  app.get('/reports/latest', async (req, res) => {
    res.json(await Report.findOne().sort({ day: -1 }));
  });

  // TODO: errors must reach the client as this API's JSON, without internals, and be logged.

  return app;
}
