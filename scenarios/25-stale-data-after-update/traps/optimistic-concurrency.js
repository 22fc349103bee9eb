// Scenario 25 · trap: optimistic concurrency on the
// stock. Safe (a conflicting save fails with a
// VersionError, answered 409), but on a busy product
// every collision costs a buyer a 409 and a retry,
// for a change the database could have applied
// atomically.

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
    // TRAP: save() now filters on __v: a save based on
    // an old read fails with a VersionError.
  }, { optimisticConcurrency: true }));
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
    const product = await Product.findByIdAndUpdate(
      req.params.id,
      { $set: { price: req.body.price } },
      // FIX: the document after the update; update
      // queries skip validators unless asked.
      { returnDocument: 'after',
        runValidators: true });
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    // FIX: invalidate once the write has landed;
    // deleting first lets a reader refill the old
    // value.
    cache.delete(req.params.id);
    res.json(product);
  });

  app.post('/products/:id/sell', async (req, res) => {
    const qty = Number(req.body?.qty);
    if (!Number.isInteger(qty) || qty < 1) {
      return res.status(400)
        .json({ error: 'qty must be a whole number' });
    }
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
    cache.delete(req.params.id);
    res.json(product);
  });

  // Express 5 forwards an async handler's rejection
  // here.
  app.use((err, req, res, next) => {
    if (err instanceof mongoose.Error.VersionError) {
      // TRAP: correct, but the buyer has to retry a
      // sale that could simply have happened.
      return res.status(409)
        .json({ error: 'conflict: reload and retry' });
    }
    next(err);
  });

  return app;
}
