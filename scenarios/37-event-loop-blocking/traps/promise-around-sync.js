// Scenario 37 · trap: the synchronous hash wrapped
// in a Promise and deferred with setImmediate.

/**
 * Resolve with the Express app once it is ready to
 * serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database: define your models on it
 * @param {Pick<typeof import('node:crypto'),
 *   'pbkdf2' | 'pbkdf2Sync' | 'randomBytes'
 *   | 'timingSafeEqual'>} deps.crypto
 */
export async function createApp(deps) {
  const { express, mongoose, db, crypto } = deps;
  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true,
      unique: true, lowercase: true, trim: true },
    salt: String,
    hash: String,
  }));
  await User.createIndexes();

  // OWASP: PBKDF2-HMAC-SHA256, 600,000 iterations.
  // TRAP: a Promise and setImmediate change when
  // the hash starts, not where it runs: on this
  // thread, blocking everything once it starts.
  const hashPassword = (password, salt) =>
    new Promise((resolve) => setImmediate(() =>
      resolve(crypto.pbkdf2Sync(password, salt,
        600_000, 32, 'sha256'))));

  const app = express();
  app.use(express.json({ limit: '10kb' }));
  const isText = (v) => typeof v === 'string'
    && v.length > 0 && v.length <= 200;
  const b64 = (s) => Buffer.from(s ?? '', 'base64');
  const invalid = { error: 'invalid body' };
  // Every 401 names its scheme (RFC 9110 §11.6.1).
  const challenge = 'Bearer realm="api"';

  app.get('/health', (req, res) => {
    res.json({ ok: true });
  });

  app.post('/signup', async (req, res) => {
    const { email, password } = req.body ?? {};
    if (!isText(email) || !isText(password)) {
      return res.status(400).json(invalid);
    }
    const salt = crypto.randomBytes(16);
    const key = await hashPassword(password, salt);
    await User.create({ email,
      salt: salt.toString('base64'),
      hash: key.toString('base64') });
    res.status(201).json({ email });
  });

  app.post('/login', async (req, res) => {
    const { email, password } = req.body ?? {};
    if (!isText(email) || !isText(password)) {
      return res.status(400).json(invalid);
    }
    const user = await User.findOne({ email });
    // Hash for an unknown email too: same timing.
    const key = await hashPassword(password,
      b64(user?.salt));
    const stored = b64(user?.hash);
    const same = stored.length === key.length
      && crypto.timingSafeEqual(key, stored);
    if (!user || !same) {
      res.set('WWW-Authenticate', challenge);
      return res.status(401).json({ error: 'no' });
    }
    res.json({ signedInAs: user.email });
  });

  return app;
}
