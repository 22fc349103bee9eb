// Scenario 31 · Owner-only delete: the reference fix. Authentication says who calls; the route
// decides what they may touch: the owner or an admin, compared by value, decided before any lookup.

/**
 * Called once per run with everything the app stands on; resolve with the Express app once it is
 * ready to serve (the tool serves it: no app.listen). Tokens carry the user's id as `sub`.
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db a fresh database: define your models on it (db.model)
 * @param {typeof import('jsonwebtoken')} deps.jwt
 * @param {Buffer} deps.jwtSecret the HS256 signing key
 */
export async function createApp({ express, mongoose, db, jwt, jwtSecret }) {
  const User = db.model('User', new mongoose.Schema({
    email: { type: String, required: true },
    role: { type: String, enum: ['admin', 'user'], default: 'user' },
  }));

  // Every 401 names the scheme to retry with (RFC 9110).
  function unauthorized(res, error) {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    return res.status(401).json({ error });
  }

  async function authenticate(req, res, next) {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    let sub;
    try {
      const claims = scheme === 'Bearer' && token
        ? jwt.verify(token, jwtSecret, { algorithms: ['HS256'] }) : undefined;
      sub = claims?.sub;
    } catch {
      sub = undefined;
    }
    if (typeof sub !== 'string') return unauthorized(res, 'authentication required');
    // FIX: load the caller on every request: a deleted or demoted account loses its power at once.
    const me = mongoose.isObjectIdOrHexString(sub) ? await User.findById(sub) : null;
    if (!me) return unauthorized(res, 'account no longer exists');
    res.locals.user = me;
    next();
  }

  const app = express();
  app.use(express.json());

  app.delete('/users/:id', authenticate, async (req, res) => {
    const me = res.locals.user;
    const { id } = req.params;
    // FIX: a malformed id is "no such account", not a CastError 500.
    if (!mongoose.isObjectIdOrHexString(id)) return res.status(404).json({ error: 'not found' });
    // FIX: ownership by value (ObjectId.equals takes an ObjectId or a hex string), decided before any
    // lookup, so a stranger gets 403 whether or not the id exists.
    const isSelf = me._id.equals(id);
    if (!isSelf && me.role !== 'admin') return res.status(403).json({ error: 'forbidden' });
    const deleted = await User.findByIdAndDelete(id);
    if (!deleted) return res.status(404).json({ error: 'not found' });
    res.status(204).end();
  });

  return app;
}
