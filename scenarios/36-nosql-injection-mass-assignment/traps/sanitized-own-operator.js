// Scenario 36 · trap: validation and sanitizeFilter
// both on, and the app's own operator forgotten.

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
  const { express, mongoose, db, z, mailer } = deps;
  // a `$` key in any filter is wrapped in $eq,
  // so a route that forgets to validate stays safe.
  // Process-wide: set once at boot in a real app.
  mongoose.set('sanitizeFilter', true);

  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true,
      unique: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    role: { type: String, default: 'user' },
    loginCode: String,
    codeExpiresAt: Date,
  }));
  await User.createIndexes();

  // the allow-list. zod drops unknown keys, so
  // `role` never reaches create().
  const SignUp = z.object({
    email: z.email(),
    name: z.string().min(1).max(100),
  });
  // a code is six digits; an object is a 400.
  const SignIn = z.object({
    email: z.email(),
    code: z.string().regex(/^\d{6}$/),
  });

  const invalid = { error: 'invalid body' };
  // Every 401 names its scheme (RFC 9110 §11.6.1).
  const challenge = 'Bearer realm="api"';
  const app = express();
  app.use(express.json({ limit: '10kb' }));

  app.post('/signup', async (req, res) => {
    const body = SignUp.safeParse(req.body);
    if (!body.success) {
      return res.status(400).json(invalid);
    }
    const code = String(deps.crypto.randomInt(1e6))
      .padStart(6, '0');
    const user = await User.create({
      ...body.data,
      loginCode: code,
      codeExpiresAt: new Date(Date.now() + 600_000),
    });
    mailer.send(user.email, code);
    res.status(201).json({ id: user.id });
  });

  app.post('/login', async (req, res) => {
    const body = SignIn.safeParse(req.body);
    if (!body.success) {
      return res.status(400).json(invalid);
    }
    const { email, code } = body.data;
    const user = await User.findOne({
      email,
      loginCode: code,
      // TRAP: sanitizeFilter cannot tell our $gt from
      // a client's: it wraps this one in $eq too.
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
