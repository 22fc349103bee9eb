// Scenario 27 · trap: bcrypt.compare against the
// current hash only. The same password is refused,
// but nothing remembers the one before it: A → B → A
// goes straight through.

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
 * @param {Map<string, string>} deps.sessions
 *   signed-in sessions: bearer token → user id
 */
export async function createApp(deps) {
  const { express, mongoose, db } = deps;
  const { bcrypt, sessions } = deps;
  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true },
    passwordHash: { type: String, required: true },
  }));

  // Who are you? The session's user; 401 names its
  // scheme (RFC 9110) when there is none.
  function authenticate(req, res, next) {
    const header = req.get('authorization') ?? '';
    const [scheme, token] = header.split(' ');
    const userId = scheme?.toLowerCase() === 'bearer'
      && token ? sessions.get(token) : undefined;
    if (!userId) {
      return res.status(401)
        .set('WWW-Authenticate', 'Bearer realm="api"')
        .json({ error: 'login required' });
    }
    res.locals.userId = userId;
    next();
  }

  const app = express();
  app.use(express.json());

  app.put('/me/password', authenticate,
    async (req, res) => {
    const { currentPassword, newPassword } =
      req.body ?? {};
    if (typeof currentPassword !== 'string'
        || typeof newPassword !== 'string') {
      return res.status(400)
        .json({ error: 'invalid body' });
    }
    // the session's user, never an id from the URL
    const user =
      await User.findById(res.locals.userId).orFail();
    // FIX: prove the current password first; the
    // session is valid, so a wrong one is 403, not
    // 401.
    const known = user.passwordHash;
    const proven =
      await bcrypt.compare(currentPassword, known);
    if (!proven) {
      return res.status(403)
        .json({
          code: 'current_password_invalid',
          error: 'current password is wrong',
        });
    }
    // TRAP: only the current hash: the password before
    // it is forgotten the moment it changes.
    const same =
      await bcrypt.compare(newPassword,
        user.passwordHash);
    if (same) {
      return res.status(400).json(
        { error: 'password used recently' });
    }
    user.passwordHash =
      await bcrypt.hash(newPassword, COST);
    await user.save();
    res.sendStatus(204);
  });

  return app;
}
