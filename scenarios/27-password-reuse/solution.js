// Scenario 27 · Rejecting password reuse: the
// reference fix. Salted hashes never compare equal as
// strings, so reuse is decided with bcrypt.compare,
// against the current hash and a short history;
// the current password is verified first, and a wrong
// one is 403, since the session is valid.

/** How many previous hashes a change is compared
 * against, besides the current one. */
const MAX_HISTORY = 3;
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
    // FIX: the last few hashes, each with its own
    // salt; compare() reads salt and cost from each.
    passwordHistory: { type: [String], default: [] },
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
    // FIX: compare() re-hashes the candidate with each
    // stored salt; string equality never matches.
    const history =
      [user.passwordHash, ...user.passwordHistory];
    for (const old of history) {
      if (await bcrypt.compare(newPassword, old)) {
        return res.status(400).json(
          { error: 'password used recently' });
      }
    }
    // FIX: the old hash joins the history, trimmed to
    // MAX_HISTORY entries.
    user.passwordHistory =
      history.slice(0, MAX_HISTORY);
    user.passwordHash =
      await bcrypt.hash(newPassword, COST);
    await user.save();
    res.sendStatus(204);
  });

  return app;
}
