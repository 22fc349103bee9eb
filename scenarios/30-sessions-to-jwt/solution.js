// Scenario 30 · Sessions to JWT: the reference fix. A short access JWT and an opaque, rotating
// refresh token, both in HttpOnly cookies; the refresh token's digest lives in Redis, so the server
// can rotate it, detect its reuse and revoke; logout deny-lists the access token's jti.

const ACCESS_TTL_S = 5 * 60;
const REFRESH_TTL_S = 7 * 24 * 60 * 60;
const APP_ORIGIN = 'https://app.example.com';

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
export async function createApp({
  express, cookieParser, jwt, crypto, redis, clock, accessSecret, accounts,
}) {
  const { randomBytes, randomUUID, createHash } = crypto;
  const sha256 = (text) => createHash('sha256').update(text).digest('hex');
  const emails = new Map();
  // FIX: HttpOnly (no page script reads it), Secure (HTTPS only), SameSite (a second CSRF layer).
  const cookieBase = { httpOnly: true, secure: true, sameSite: 'strict' };

  // Every 401 names the scheme to retry with (RFC 9110); "Bearer" with a realm for cookie sessions.
  function unauthorized(res, error) {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    return res.status(401).json({ error });
  }

  async function issueSession(res, userId, familyId) {
    // FIX: a short-lived access JWT with an id (jti) and its login family (fam), on the injected clock.
    const access = jwt.sign({ sub: userId, fam: familyId, jti: randomUUID(), iat: clock.now() },
      accessSecret, { algorithm: 'HS256', expiresIn: ACCESS_TTL_S });
    // FIX: an opaque refresh token; Redis keeps only its SHA-256 digest, with a TTL.
    const refresh = randomBytes(32).toString('base64url');
    const digest = sha256(refresh);
    await redis.multi()
      .hset(`rt:${digest}`, { userId, familyId })
      .expire(`rt:${digest}`, REFRESH_TTL_S)
      .sadd(`family:${familyId}`, digest)
      .expire(`family:${familyId}`, REFRESH_TTL_S)
      .exec();
    res.cookie('access_token', access, { ...cookieBase, path: '/', maxAge: ACCESS_TTL_S * 1000 });
    // FIX: the refresh cookie only travels to /auth.
    res.cookie('refresh_token', refresh, { ...cookieBase, path: '/auth', maxAge: REFRESH_TTL_S * 1000 });
  }

  async function revokeFamily(familyId) {
    const members = await redis.smembers(`family:${familyId}`);
    await redis.del(`family:${familyId}`, ...members.map((digest) => `rt:${digest}`));
    // FIX: outlives every token of the family: its live access tokens, and a refresh that raced
    // this call and wrote a new record, stay refused.
    await redis.set(`revoked-family:${familyId}`, '1', 'EX', REFRESH_TTL_S);
  }

  function verifyAccess(token) {
    // FIX: the algorithm is pinned; the token never chooses it.
    return jwt.verify(token, accessSecret, { algorithms: ['HS256'], clockTimestamp: clock.now() });
  }

  async function requireAccess(req, res, next) {
    const token = req.cookies?.access_token;
    if (typeof token !== 'string') return unauthorized(res, 'no access token');
    let claims;
    try {
      claims = verifyAccess(token);
    } catch (err) {
      // Fixed texts: the library's own messages are internals.
      return unauthorized(res, err.name === 'TokenExpiredError' ? 'token expired' : 'invalid token');
    }
    // FIX: one Redis lookup per request is the price of revocation.
    const [denied, familyRevoked] = await redis.mget(`deny:${claims.jti}`, `revoked-family:${claims.fam}`);
    if (denied !== null || familyRevoked !== null) return unauthorized(res, 'token revoked');
    res.locals.userId = claims.sub;
    next();
  }

  const app = express();
  app.use(express.json());
  app.use(cookieParser());

  // SENIOR: cookies are ambient, so writes refuse cross-site requests (Fetch Metadata, Origin).
  // SameSite is per site: a sibling subdomain is same-site and still gets the cookies.
  app.use(['/auth', '/api'], (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none')
      || (origin !== undefined && origin !== APP_ORIGIN);
    if (crossSite) return res.status(403).json({ error: 'cross-site request refused' });
    next();
  });

  app.post('/auth/login', async (req, res) => {
    const userId = accounts.verify(req.body?.email, req.body?.password);
    if (!userId) return unauthorized(res, 'bad credentials');
    if (!emails.has(userId)) emails.set(userId, String(req.body.email));
    await issueSession(res, userId, randomUUID());
    // FIX: no token in the body: nothing for a script to copy.
    res.json({ user: userId });
  });

  // FIX: rotation: each refresh token works exactly once.
  app.post('/auth/refresh', async (req, res) => {
    const presented = typeof req.cookies?.refresh_token === 'string' ? req.cookies.refresh_token : '';
    const key = `rt:${sha256(presented)}`;
    const { userId, familyId } = await redis.hgetall(key);
    if (!userId || !familyId) return unauthorized(res, 'unknown refresh token');
    if (await redis.exists(`revoked-family:${familyId}`)) return unauthorized(res, 'refresh token revoked');
    // FIX: HSETNX is atomic: of two uses of one token, exactly one wins; the other is a replay.
    if ((await redis.hsetnx(key, 'rotatedAt', String(clock.now()))) === 0) {
      await revokeFamily(familyId);
      return unauthorized(res, 'refresh token reuse detected');
    }
    await issueSession(res, userId, familyId);
    res.sendStatus(204);
  });

  app.post('/auth/logout', async (req, res) => {
    const access = req.cookies?.access_token;
    if (typeof access === 'string') {
      try {
        const claims = verifyAccess(access);
        // FIX: deny the jti for the token's remaining life, so the list cleans itself.
        const remaining = claims.exp - clock.now();
        if (remaining > 0) await redis.set(`deny:${claims.jti}`, '1', 'EX', remaining);
      } catch {
        // An expired or forged token needs no deny-list entry.
      }
    }
    const refresh = req.cookies?.refresh_token;
    if (typeof refresh === 'string') {
      const familyId = await redis.hget(`rt:${sha256(refresh)}`, 'familyId');
      if (familyId) await revokeFamily(familyId);
    }
    res.clearCookie('access_token', { ...cookieBase, path: '/' });
    res.clearCookie('refresh_token', { ...cookieBase, path: '/auth' });
    res.sendStatus(204);
  });

  app.get('/api/me', requireAccess, (req, res) => {
    res.json({ user: res.locals.userId, email: emails.get(res.locals.userId) ?? null });
  });

  app.post('/api/email', requireAccess, (req, res) => {
    if (typeof req.body?.email !== 'string') return res.status(400).json({ error: 'email required' });
    emails.set(res.locals.userId, req.body.email);
    res.sendStatus(204);
  });

  return app;
}
