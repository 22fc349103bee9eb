// Scenario 29 · Sensitive data leaking in API
// responses: the reference fix. Two layers, because
// each
// has holes the other covers: select: false keeps the
// secrets out of every query (lean ones too), and
// a transform strips them from documents that hold
// them anyway; pipelines project explicitly.

/** The cost you would use in production; the tool caps
 * it to keep the run fast. */
const COST = 12;

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
 * @param {object} deps.bcrypt
 *   bcrypt's hash(password, cost) and
 *   compare(password, hash)
 * @param {() => string} deps.newToken
 *   a fresh random session token
 */
export async function createApp(deps) {
  const { express, mongoose, db } = deps;
  const { bcrypt, newToken } = deps;
  // FIX: a new object without the secrets, for
  // documents that hold them (create(), a +password
  // load).
  const stripSecrets = (_doc, ret) => {
    const { password: _p, tokens: _t, ...safe } = ret;
    return safe;
  };
  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true },
    name: { type: String, required: true },
    // FIX: left out of every query (lean ones
    // included) unless a query asks with +password.
    // the bcrypt hash
    password: {
      type: String, required: true, select: false,
    },
    // session tokens
    tokens: {
      type: [{ token: String }], select: false,
    },
    // FIX: res.json() calls toJSON(); a spread calls
    // toObject(): strip in both.
  }, {
    toJSON: { transform: stripSecrets },
    toObject: { transform: stripSecrets },
  }));
  // Compared against when the email is unknown, so a
  // miss costs as much as a wrong password.
  const dummyHash =
    await bcrypt.hash(newToken(), COST);

  const app = express();
  app.use(express.json());

  // the list view, "optimised" with lean()
  app.get('/users', async (req, res) => {
    res.json(
      await User.find().sort({ email: 1 }).lean());
  });
  app.get('/users/:id', async (req, res) => {
    const { id } = req.params;
    const user = mongoose.isValidObjectId(id)
      ? await User.findById(id) : null;
    if (!user) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    res.json(user);
  });
  // the same user with one extra field
  app.get('/users/:id/profile', async (req, res) => {
    const { id } = req.params;
    const user = mongoose.isValidObjectId(id)
      ? await User.findById(id) : null;
    if (!user) {
      return res.status(404)
        .json({ error: 'not found' });
    }
    res.json({ ...user.toObject(), role: 'member' });
  });
  // a reporting endpoint built on an aggregation
  app.get('/users-report', async (req, res) => {
    // FIX: select: false does not apply to pipelines:
    // project the secrets out explicitly.
    res.json(await User.aggregate([
      { $match: {} },
      { $sort: { email: 1 } },
      { $project: { password: 0, tokens: 0 } },
    ]));
  });
  app.post('/register', async (req, res) => {
    const { email, name, password } = req.body ?? {};
    if (typeof email !== 'string'
        || typeof name !== 'string'
        || typeof password !== 'string') {
      return res.status(400)
        .json({ error: 'invalid body' });
    }
    const hash = await bcrypt.hash(password, COST);
    const user = await User.create({
      email, name, password: hash,
      tokens: [{ token: newToken() }],
    });
    res.status(201).json(user);
  });
  app.post('/login', async (req, res) => {
    const { email, password } = req.body ?? {};
    // {"email": {"$ne": null}} is a query operator,
    // not an address: only strings reach the filter.
    if (typeof email !== 'string'
        || typeof password !== 'string') {
      return res.status(400)
        .json({ error: 'invalid body' });
    }
    // FIX: the one place that needs the hash asks for
    // it; toJSON strips it again on the way out.
    const user =
      await User.findOne({ email })
        .select('+password');
    const ok = (await bcrypt.compare(password,
      user?.password ?? dummyHash)) && user !== null;
    if (!ok) {
      return res.status(401)
        .set('WWW-Authenticate', 'Bearer realm="api"')
        .json({ error: 'invalid credentials' });
    }
    res.json(user);
  });

  return app;
}
