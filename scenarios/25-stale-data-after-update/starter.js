// Scenario 25 · Stale data after an update.
// A product service with a cache in front of reads.
// After a price change the response and later
// reads must show the new price, and simultaneous
// sales must neither vanish nor oversell.
// Check your fix: npx backend-scenarios verify 25   ·
// stuck? npx backend-scenarios hint 25

/**
 * Called once per run with everything the app stands
 * on; resolve with the Express app once it is
 * ready to serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database: define your models on it
 *   (db.model)
 */
export async function createApp(deps) {
  const { express, mongoose, db } = deps;
  const Product = db.model('Product',
    new mongoose.Schema({
    name: String,
    price: { type: Number, min: 0 },
    stock: { type: Number, min: 0 },
  }));
  // cache-aside: the GET handler fills it on a miss
  const cache = new Map();

  const app = express();
  app.use(express.json());

  app.get('/products/:id', async (req, res) => {
    const hit = cache.get(req.params.id);
    if (hit) {
      return res.set('x-cache', 'hit').json(hit);
    }
    const product =
      await Product.findById(req.params.id).lean();
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    cache.set(req.params.id, product);
    res.set('x-cache', 'miss').json(product);
  });

  app.patch('/products/:id', async (req, res) => {
    // TODO: the client must get the product as it is
    // after this change.
    const product = await Product.findByIdAndUpdate(
      req.params.id,
      { $set: { price: req.body.price } });
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    // TODO: later reads must not be served the price
    // from before the change,
    // not even to a reader that arrives while the
    // write is in flight.
    res.json(product);
  });

  app.post('/products/:id/sell', async (req, res) => {
    const qty = Number(req.body?.qty);
    if (!Number.isInteger(qty) || qty < 1) {
      return res.status(400)
        .json({ error: 'qty must be a whole number' });
    }
    // TODO: two sales arriving together both read the
    // same stock here;
    // each must count, and together they must never
    // sell more than there is.
    const product =
      await Product.findById(req.params.id);
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    if (product.stock < qty) {
      return res.status(409)
        .json({ error: 'insufficient stock' });
    }
    product.stock -= qty;
    await product.save();
    res.json(product);
  });

  return app;
}
