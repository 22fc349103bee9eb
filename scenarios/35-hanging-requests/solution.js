// Scenario 35 · Hanging requests: the reference fix. Every branch answers, a guard answers for any
// route that still forgets, errors end in one JSON error handler, and database waits are bounded
// and answered 503.

/** The request budget: shorter than the proxy's, longer than the database waits (demo scale). */
const REQUEST_TIMEOUT_MS = 250;

/** Mongoose gives its buffering timeout no code of its own; the message identifies it. */
function isDbUnavailable(err) {
  const unreachable = ['MongooseServerSelectionError', 'MongoServerSelectionError', 'MongoNetworkError'];
  return unreachable.includes(err?.name)
    || String(err?.message).includes('buffering timed out');
}

/**
 * Called once per run; resolve with the Express app once it is ready to serve (no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db the orders database (up)
 * @param {import('mongoose').Connection} deps.reportsDb the reports database (down for this run)
 * @param {(entry: object) => void} deps.log the error log
 */
export async function createApp({ express, mongoose, db, reportsDb, log }) {
  const Order = db.model('Order', new mongoose.Schema({ item: String }));
  // FIX: a query on a disconnected database waits at most 100 ms in Mongoose's queue (10 s by default).
  const Report = reportsDb.model('Report', new mongoose.Schema({ day: String }, { bufferTimeoutMS: 100 }));

  const app = express();

  // FIX: the safety net: whatever a handler forgets, the client gets 503 within the budget.
  app.use((req, res, next) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) res.status(503).set('Retry-After', '1').json({ error: 'request timed out' });
    }, REQUEST_TIMEOUT_MS);
    // Cleared when the response is sent or the client leaves: fast requests leave no timer behind.
    res.once('finish', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
    next();
  });

  app.get('/orders/:id', async (req, res) => {
    const { id } = req.params;
    const order = mongoose.isObjectIdOrHexString(id) ? await Order.findById(id) : null;
    // FIX: the not-found branch sends a response.
    if (!order) return res.status(404).json({ error: 'order not found' });
    res.json(order);
  });

  // A route that still forgets to answer: the guard is what rescues it.
  app.get('/legacy/export', () => undefined);

  app.get('/reports/daily', async (req, res) => {
    const filter = JSON.parse(req.query.filter);
    res.json(await Report.find(filter));
  });

  app.get('/reports/latest', async (req, res) => {
    res.json(await Report.findOne().sort({ day: -1 }));
  });

  // FIX: registered last; four arguments make it the error handler. It logs with the route and
  // answers JSON without internals; a database that cannot be reached is 503, retryable.
  app.use((err, req, res, next) => {
    const status = isDbUnavailable(err) ? 503 : 500;
    log({ status, path: req.originalUrl, message: String(err?.message) });
    if (res.headersSent) return next(err);
    res.status(status).json({ error: status === 503 ? 'database unavailable' : 'internal server error' });
  });

  return app;
}
