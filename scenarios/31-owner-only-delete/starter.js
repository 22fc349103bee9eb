// Scenario 31 · Owner-only delete: authenticated, never authorised.
// DELETE /users/:id must let users delete their own account and admins any account, and nobody
// else; a deleted or demoted account must lose that power at once.
// Check your fix: npx backend-scenarios verify 31   ·   stuck? npx backend-scenarios hint 31

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

  function authenticate(req, res, next) {
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
    // TODO: a valid signature says who this was; it says nothing about whether the account still
    // exists or what role it has now.
    res.locals.auth = { sub };
    next();
  }

  const app = express();
  app.use(express.json());

  app.delete('/users/:id', authenticate, async (req, res) => {
    // TODO: only the account's owner or an admin may delete it; a stranger must not even learn
    // whether the id exists.
    // TODO: an id that is not an ObjectId is "no such account".
    const deleted = await User.findByIdAndDelete(req.params.id);
    if (!deleted) return res.status(404).json({ error: 'not found' });
    res.status(204).end();
  });

  return app;
}
