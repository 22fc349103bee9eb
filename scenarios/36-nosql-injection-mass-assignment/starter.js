// Scenario 36 · NoSQL injection and mass assignment.
// Sign-up mails a six-digit sign-in code; /login
// trades it for a session. Make sure no JSON body can
// sign in without the code or make itself an admin.
// Check: npx backend-scenarios verify 36
// Stuck? npx backend-scenarios hint 36

/**
 * Resolve with the Express app once it is ready to
 * serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database: define your models on it
 * @param {typeof import('zod').z} deps.z zod 4
 * @param {{ send(to: string, code: string): void }}
 *   deps.mailer delivers a sign-in code
 * @param {{ randomInt(max: number): number }}
 *   deps.crypto node:crypto's randomInt
 */
export async function createApp(deps) {
  const { express, mongoose, db, mailer } = deps;
  // TODO (senior): a route that forgets to check its
  // input must still not run the client's operators.

  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true,
      unique: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    role: { type: String, default: 'user' },
    loginCode: String,
    codeExpiresAt: Date,
  }));
  await User.createIndexes();

  const invalid = { error: 'invalid body' };
  // Every 401 names its scheme (RFC 9110 §11.6.1).
  const challenge = 'Bearer realm="api"';
  const app = express();
  app.use(express.json({ limit: '10kb' }));

  app.post('/signup', async (req, res) => {
    if (!req.body?.email || !req.body?.name) {
      return res.status(400).json(invalid);
    }
    const code = String(deps.crypto.randomInt(1e6))
      .padStart(6, '0');
    // TODO: only the fields a client may set should
    // reach the new document.
    const user = await User.create({
      ...req.body,
      loginCode: code,
      codeExpiresAt: new Date(Date.now() + 600_000),
    });
    mailer.send(user.email, code);
    res.status(201).json({ id: user.id });
  });

  app.post('/login', async (req, res) => {
    // TODO: a code is six digits; whatever else
    // arrives here goes straight into the filter.
    const { email, code } = req.body ?? {};
    if (!email || !code) {
      return res.status(400).json(invalid);
    }
    const user = await User.findOne({
      email,
      loginCode: code,
      codeExpiresAt: { $gt: new Date() },
    });
    if (!user) {
      res.set('WWW-Authenticate', challenge);
      return res.status(401).json({ error: 'no' });
    }
    res.json({ signedInAs: user.email });
  });

  return app;
}
