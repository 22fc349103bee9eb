// Scenario 29 · Sensitive data leaking in API
// responses.
// Users are stored with a bcrypt hash and their
// session tokens. No response of this API may carry
// either, whichever route sends the user and however
// it loads it; login must still work.
// Check your fix: npx backend-scenarios verify 29   ·
// stuck? npx backend-scenarios hint 29

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
  // TODO: the hash and the tokens must never leave the
  // server, whichever route sends a user
  // (a document, lean() objects, toObject(), what
  // create() returns, an aggregation).
  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true },
    name: { type: String, required: true },
    // the bcrypt hash
    password: { type: String, required: true },
    tokens: [{ token: String }], // session tokens
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
    res.json(await User.aggregate(
      [{ $match: {} }, { $sort: { email: 1 } }]));
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
    const user = await User.findOne({ email });
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
