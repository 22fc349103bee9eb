// Scenario 26 · Public read, admin-only write: the
// reference fix. Protection is the default: one
// gate in front of /products refuses every unsafe
// method to anyone but an admin, so a write route
// that forgets its guards, or one added next month,
// still fails closed.

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
 * @param {{ verify: Function }} deps.jwt jsonwebtoken
 * @param {string} deps.jwtSecret the HS256 key the
 *   tokens are signed with
 */
export async function createApp(deps) {
  const { express, mongoose, db } = deps;
  const { jwt, jwtSecret } = deps;
  const Product = db.model('Product',
    new mongoose.Schema({
    name: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
  }));

  // Who are you? 401 (with the scheme in
  // WWW-Authenticate) for no token or a bad one.
  function authenticate(req, res, next) {
    const header = req.get('authorization') ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      return res.status(401)
        .set('WWW-Authenticate', 'Bearer realm="api"')
        .json({ error: 'login required' });
    }
    try {
      res.locals.auth = jwt.verify(token, jwtSecret,
        { algorithms: ['HS256'] });
      next();
    } catch {
      res.status(401).set('WWW-Authenticate',
        'Bearer realm="api", error="invalid_token"')
        .json({ error: 'invalid token' });
    }
  }
  // May you do this? 403 for a known caller without
  // the admin role.
  function requireAdmin(req, res, next) {
    if (res.locals.auth?.role !== 'admin') {
      return res.status(403)
        .json({ error: 'admin only' });
    }
    next();
  }

  // FIX: fail closed: every unsafe method on /products
  // needs an admin, whatever a route forgets.
  const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
  function adminForUnsafeMethods(req, res, next) {
    if (SAFE.has(req.method)) return next();
    authenticate(req, res,
      () => requireAdmin(req, res, next));
  }

  const app = express();
  app.use(express.json());
  // FIX: before the routes, and scoped to the
  // admin-owned resource: a POST /login stays open.
  app.use('/products', adminForUnsafeMethods);

  app.get('/products', async (req, res) => {
    res.json(
      await Product.find().sort({ name: 1 }).lean());
  });
  app.get('/products/:id', async (req, res) => {
    const { id } = req.params;
    const product = mongoose.isValidObjectId(id)
      ? await Product.findById(id).lean() : null;
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    res.json(product);
  });
  // FIX: the gate guards every write; the routes need
  // no guards of their own.
  app.post('/products', async (req, res) => {
    const { name, price } = req.body ?? {};
    res.status(201)
      .json(await Product.create({ name, price }));
  });
  app.patch('/products/:id', async (req, res) => {
    const product = await Product.findByIdAndUpdate(
      req.params.id,
      { $set: { price: req.body?.price } },
      { returnDocument: 'after',
        runValidators: true });
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    res.json(product);
  });
  app.delete('/products/:id', async (req, res) => {
    const product =
      await Product.findByIdAndDelete(req.params.id);
    if (!product) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    res.status(204).end();
  });

  return app;
}
