// Scenario 27 · Rejecting password reuse with bcrypt.
// A signed-in user changes their password. Refuse the
// password they already have, and one they
// used recently, when all you store is bcrypt hashes;
// prove the current password first.
// Check your fix: npx backend-scenarios verify 27   ·
// stuck? npx backend-scenarios hint 27

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
    // TODO: a user must not flip back to a password
    // used in the last few changes.
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
    const { newPassword } = req.body ?? {};
    if (typeof newPassword !== 'string') {
      return res.status(400)
        .json({ error: 'invalid body' });
    }
    // the session's user, never an id from the URL
    const user =
      await User.findById(res.locals.userId).orFail();
    // TODO: a hijacked session must not be able to
    // change the password: prove the current one
    // (a wrong one is the session's owner mistyping,
    // not a missing login).
    const newHash =
      await bcrypt.hash(newPassword, COST);
    // TODO: this is meant to refuse the password the
    // user already has. Does it ever match?
    if (newHash === user.passwordHash) {
      return res.status(400).json(
        { error: 'password used recently' });
    }
    user.passwordHash = newHash;
    await user.save();
    res.sendStatus(204);
  });

  return app;
}
