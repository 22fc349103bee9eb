// Scenario 30 · Sessions to JWT: the first migration attempt.
// The app moved its logins from server-side sessions to a JWT. Make a stolen token short-lived and
// revocable: logout must end it, refresh must rotate, and a replayed refresh token must end the
// whole login. Check your fix: npx backend-scenarios verify 30   ·   stuck? npx backend-scenarios hint 30

const TOKEN_TTL_S = 30 * 24 * 60 * 60;

/**
 * Called once per run with everything the app stands on; resolve with the Express app once it is
 * ready to serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('cookie-parser')} deps.cookieParser
 * @param {typeof import('jsonwebtoken')} deps.jwt
 * @param {typeof import('node:crypto')} deps.crypto
 * @param {import('ioredis').Redis} deps.redis
 * @param {{ now(): number }} deps.clock seconds since the epoch; the tool moves it forward
 * @param {Buffer} deps.accessSecret the signing key (from a secret store in production)
 * @param {{ verify(email: unknown, password: unknown): string | null }} deps.accounts user id or null
 */
export async function createApp({ express, cookieParser, jwt, clock, accessSecret, accounts }) {
  const emails = new Map();

  // Every 401 names the scheme to retry with (RFC 9110).
  function unauthorized(res, error) {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    return res.status(401).json({ error });
  }

  function requireToken(req, res, next) {
    try {
      const claims = jwt.verify(String(req.cookies?.token ?? ''), accessSecret,
        { algorithms: ['HS256'], clockTimestamp: clock.now() });
      res.locals.userId = claims.sub;
      next();
    } catch {
      unauthorized(res, 'invalid token');
    }
  }

  const app = express();
  app.use(express.json());
  app.use(cookieParser());

  app.post('/auth/login', (req, res) => {
    const userId = accounts.verify(req.body?.email, req.body?.password);
    if (!userId) return unauthorized(res, 'bad credentials');
    if (!emails.has(userId)) emails.set(userId, String(req.body.email));
    // TODO: a token stolen from this response stays useful for a month.
    const token = jwt.sign({ sub: userId, iat: clock.now() }, accessSecret,
      { algorithm: 'HS256', expiresIn: TOKEN_TTL_S });
    // TODO: page scripts (and so any XSS payload) can read this cookie and this body.
    res.cookie('token', token, { maxAge: TOKEN_TTL_S * 1000 });
    res.json({ user: userId, token });
  });

  // TODO: the client needs a way to get a fresh short-lived token without logging in again,
  // and a stolen copy of that way in must be detectable.

  app.post('/auth/logout', (req, res) => {
    // TODO: this deletes the browser's copy; every other copy keeps working.
    res.clearCookie('token').sendStatus(204);
  });

  app.get('/api/me', requireToken, (req, res) => {
    res.json({ user: res.locals.userId, email: emails.get(res.locals.userId) ?? null });
  });

  // TODO (senior): cookies ride along on forged cross-site writes too.
  app.post('/api/email', requireToken, (req, res) => {
    if (typeof req.body?.email !== 'string') return res.status(400).json({ error: 'email required' });
    emails.set(res.locals.userId, req.body.email);
    res.sendStatus(204);
  });

  return app;
}
