// Scenario 25 · trap: the cache key is deleted BEFORE
// the write. Every plain read afterwards looks
// right, yet a reader that arrives while the write is
// in flight reloads the old document and puts it
// back in the cache, where it stays.

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
    // TRAP: invalidated first: until the write lands,
    // a miss reloads the old price.
    cache.delete(req.params.id);
    const product = await Product.findByIdAndUpdate(
      req.params.id,
      { $set: { price: req.body.price } },
      { returnDocument: 'after',
        runValidators: true });
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    res.json(product);
  });

  app.post('/products/:id/sell', async (req, res) => {
    const qty = Number(req.body?.qty);
    if (!Number.isInteger(qty) || qty < 1) {
      return res.status(400)
        .json({ error: 'qty must be a whole number' });
    }
    // FIX: no read first: the stock condition is in
    // the filter, the change an $inc, and the server
    // applies both to the document as one atomic
    // operation.
    const product = await Product.findOneAndUpdate(
      { _id: req.params.id, stock: { $gte: qty } },
      { $inc: { stock: -qty } },
      { returnDocument: 'after' });
    if (product) {
      cache.delete(req.params.id);
      return res.json(product);
    }
    // FIX: no match means an unknown product or too
    // little stock: tell them apart.
    const exists =
      await Product.exists({ _id: req.params.id });
    res.status(exists ? 409 : 404).json({
      error: exists
        ? 'insufficient stock' : 'not found',
    });
  });

  return app;
}
