import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, HttpResponse, ServedApp } from '../src/runtime/context.js';
import type { JsonValue } from '../src/runtime/report.js';
import type { Request, Response, NextFunction } from 'express';
import type { JwtPayload } from 'jsonwebtoken';

// Access tokens are short-lived (5 min) and stateless; refresh tokens live 7 days in Redis.
const ACCESS_TTL_S = 5 * 60;
const REFRESH_TTL_S = 7 * 24 * 60 * 60;
const LEGACY_TTL_S = 30 * 24 * 60 * 60;

const demoUser = { id: 'u-1001', email: 'ada@example.com', password: 'Analytical-Engine-1' };

const legacyCode = `// NAIVE: one long-lived JWT the page can read
app.post('/legacy/login', (req, res) => {
  const token = jwt.sign({ sub: user.id }, secret,
    { expiresIn: '30d' });
  // no httpOnly, no secure: document.cookie reads it
  res.cookie('token', token, { maxAge: 30 * DAY });
  res.json({ token });   // kept in localStorage
});
app.post('/legacy/logout', (req, res) => {
  // deletes the browser copy; the token stays valid
  res.clearCookie('token').sendStatus(204);
});`;

const loginCode = `// FIX: short access JWT + refresh token in Redis
const base = { httpOnly: true, secure: true,
  sameSite: 'strict' };
async function issueSession(res, userId, familyId) {
  const access = jwt.sign({ sub: userId,
    fam: familyId, jti: randomUUID(), iat: now() },
    accessSecret,
    { algorithm: 'HS256', expiresIn: ACCESS_TTL_S });
  // opaque; Redis keeps only its SHA-256 digest
  const refresh =
    randomBytes(32).toString('base64url');
  const digest = sha256(refresh);
  await redis.multi()
    .hset(\`rt:\${digest}\`, { userId, familyId })
    .expire(\`rt:\${digest}\`, REFRESH_TTL_S)
    .sadd(\`family:\${familyId}\`, digest)
    .expire(\`family:\${familyId}\`, REFRESH_TTL_S)
    .exec();
  res.cookie('access_token', access, { ...base,
    path: '/', maxAge: ACCESS_TTL_S * 1000 });
  res.cookie('refresh_token', refresh, { ...base,
    path: '/auth', maxAge: REFRESH_TTL_S * 1000 });
}`;

const rotateCode = `// Rotation: a refresh token works exactly once
app.post('/auth/refresh', async (req, res) => {
  const presented = req.cookies.refresh_token ?? '';
  const key = \`rt:\${sha256(presented)}\`;
  const { userId, familyId } =
    await redis.hgetall(key);
  if (!userId) {
    return unauthorized(res, 'unknown refresh token');
  }
  if (await redis.exists(
    \`revoked-family:\${familyId}\`)) {
    return unauthorized(res, 'refresh token revoked');
  }
  // HSETNX is atomic: only the first use wins
  if (!(await redis.hsetnx(key, 'rotatedAt', now()))) {
    await revokeFamily(familyId);  // replay: theft
    return unauthorized(res,
      'refresh token reuse detected');
  }
  await issueSession(res, userId, familyId);
  res.sendStatus(204);
});

async function revokeFamily(familyId) {
  const members = await redis.smembers(
    \`family:\${familyId}\`);
  await redis.del(\`family:\${familyId}\`,
    ...members.map((d) => \`rt:\${d}\`));
  // Outlives every token of the family: its live
  // access tokens, and a refresh that raced this
  // call and wrote a new record, stay refused.
  await redis.set(\`revoked-family:\${familyId}\`,
    '1', 'EX', REFRESH_TTL_S);
}`;

const verifyCode = `// Every protected route: verify, then deny-lists
function unauthorized(res, error) {
  // RFC 9110: a 401 names the scheme to retry with
  res.set('WWW-Authenticate', 'Bearer realm="api"');
  return res.status(401).json({ error });
}
let claims;
try {
  claims = jwt.verify(req.cookies.access_token,
    accessSecret,
    { algorithms: ['HS256'], clockTimestamp: now() });
} catch (err) {   // fixed texts, no library internals
  return unauthorized(res, err.name ===
    'TokenExpiredError' ? 'token expired'
    : 'invalid token');
}
const [denied, famRevoked] = await redis.mget(
  \`deny:\${claims.jti}\`,
  \`revoked-family:\${claims.fam}\`);
if (denied || famRevoked) {
  return unauthorized(res, 'token revoked');
}

// logout: deny the jti for the token's remaining life
// (Redis refuses an EX of 0 or less: guard it)
const ttl = claims.exp - now();
if (ttl > 0) {
  await redis.set(\`deny:\${claims.jti}\`, '1',
    'EX', ttl);
}`;

const crossSiteCode = `// Cookies are ambient: refuse cross-site writes
const appOrigin = 'https://app.example.com';
app.use(['/auth', '/api'], (req, res, next) => {
  const safe = ['GET', 'HEAD', 'OPTIONS'];
  if (safe.includes(req.method)) return next();
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  // neither header: treat as a non-browser client
  const crossSite = (site !== undefined
      && site !== 'same-origin' && site !== 'none')
    || (origin !== undefined && origin !== appOrigin);
  if (crossSite) return res.status(403)
    .json({ error: 'cross-site request refused' });
  next();
});`;

interface CookieFlags {
  [key: string]: JsonValue;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | null;
  path: string | null;
  maxAge: number | null;
}

interface ParsedCookie {
  name: string;
  value: string;
  flags: CookieFlags;
}

/** Reads one Set-Cookie header the way a browser would: name=value, then attributes. */
function parseSetCookie(header: string): ParsedCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const flags: CookieFlags = { httpOnly: false, secure: false, sameSite: null, path: null, maxAge: null };
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const value = rest.join('=');
    switch (rawName.toLowerCase()) {
      case 'httponly': flags.httpOnly = true; break;
      case 'secure': flags.secure = true; break;
      case 'samesite': flags.sameSite = value; break;
      case 'path': flags.path = value; break;
      case 'max-age': flags.maxAge = Number(value); break;
      default: break;
    }
  }
  return { name: pair.slice(0, equals), value: decodeURIComponent(pair.slice(equals + 1)), flags };
}

/** A minimal cookie jar: what a browser would send back on the next request. */
class CookieJar {
  private readonly values = new Map<string, string>();

  absorb(response: HttpResponse): ParsedCookie[] {
    const parsed = response.setCookies.map(parseSetCookie);
    for (const cookie of parsed) {
      if (cookie.value === '' || cookie.flags.maxAge === 0) this.values.delete(cookie.name);
      else this.values.set(cookie.name, cookie.value);
    }
    return parsed;
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
  }
}

function errorOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body) return String((body as { error: unknown }).error);
  return '';
}

async function runDemo(ctx: DemoContext): Promise<void> {
  // Loaded together: each is a separate cold import.
  const [{ default: jwt }, { default: cookieParser }, { randomBytes, randomUUID, createHash }, { client: redis, name: redisName }] = await Promise.all([
    import('jsonwebtoken'),
    import('cookie-parser'),
    import('node:crypto'),
    ctx.redis(),
  ]);

  // Generated per run and never printed: nothing in the output can be replayed elsewhere.
  const legacySecret = randomBytes(32);
  const accessSecret = randomBytes(32);
  // An injected clock: the demo moves time forward instead of sleeping through a token's life.
  let clockSkewS = 0;
  const now = (): number => Math.floor(Date.now() / 1000) + clockSkewS;
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
  const credentialsOk = (body: unknown): boolean => {
    const b = (body ?? {}) as { email?: unknown; password?: unknown };
    return b.email === demoUser.email && b.password === demoUser.password;
  };
  const cookieBase = { httpOnly: true, secure: true, sameSite: 'strict' } as const;

  async function revokeFamily(familyId: string): Promise<void> {
    const members = await redis.smembers(`family:${familyId}`);
    await redis.del(`family:${familyId}`, ...members.map((digest) => `rt:${digest}`));
    // Outlives every token of the family: its live access tokens, and a refresh that raced this
    // call and wrote a new record afterwards, stay refused (the concurrent-refresh step shows it).
    await redis.set(`revoked-family:${familyId}`, '1', 'EX', REFRESH_TTL_S);
  }

  async function issueSession(res: Response, userId: string, familyId: string): Promise<void> {
    const access = jwt.sign({ sub: userId, fam: familyId, jti: randomUUID(), iat: now() }, accessSecret, {
      algorithm: 'HS256',
      expiresIn: ACCESS_TTL_S,
    });
    const refresh = randomBytes(32).toString('base64url');
    const digest = sha256(refresh);
    await redis.multi()
      .hset(`rt:${digest}`, { userId, familyId })
      .expire(`rt:${digest}`, REFRESH_TTL_S)
      .sadd(`family:${familyId}`, digest)
      .expire(`family:${familyId}`, REFRESH_TTL_S)
      .exec();
    res.cookie('access_token', access, { ...cookieBase, path: '/', maxAge: ACCESS_TTL_S * 1000 });
    res.cookie('refresh_token', refresh, { ...cookieBase, path: '/auth', maxAge: REFRESH_TTL_S * 1000 });
  }

  const verifyAccess = (token: string): JwtPayload & { jti: string; fam: string; exp: number } => {
    const claims = jwt.verify(token, accessSecret, { algorithms: ['HS256'], clockTimestamp: now() });
    if (typeof claims === 'string') throw new Error('unexpected string payload');
    return claims as JwtPayload & { jti: string; fam: string; exp: number };
  };

  // RFC 9110 §15.5.2: a 401 names the scheme to retry with. Cookie sessions have no registered
  // scheme; "Bearer" with a realm is the common choice, and every 401 here carries it.
  function unauthorized(res: Response, error: string): void {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    res.status(401).json({ error });
  }

  async function requireAccess(req: Request, res: Response, next: NextFunction): Promise<void> {
    const token: unknown = req.cookies?.['access_token'];
    if (typeof token !== 'string') {
      unauthorized(res, 'no access token');
      return;
    }
    let claims: ReturnType<typeof verifyAccess>;
    try {
      claims = verifyAccess(token);
    } catch (error) {
      // Fixed texts: the library's own messages ("invalid signature"…) are internals.
      unauthorized(res, (error as Error).name === 'TokenExpiredError' ? 'token expired' : 'invalid token');
      return;
    }
    const [denied, familyRevoked] = await redis.mget(`deny:${claims.jti}`, `revoked-family:${claims.fam}`);
    if (denied !== null || familyRevoked !== null) {
      unauthorized(res, 'token revoked');
      return;
    }
    res.locals['userId'] = claims.sub;
    next();
  }

  const app = ctx.express();
  app.use(ctx.express.json());
  app.use(cookieParser());
  // Only the fixed app guards writes against cross-site requests; the legacy routes stay naive.
  const appOrigin = 'https://app.example.com';
  const safeMethods = ['GET', 'HEAD', 'OPTIONS'];
  app.use(['/auth', '/api'], (req, res, next) => {
    if (safeMethods.includes(req.method)) return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none')
      || (origin !== undefined && origin !== appOrigin);
    if (crossSite) {
      res.status(403).json({ error: 'cross-site request refused' });
      return;
    }
    next();
  });

  // --- legacy (naive) routes ---
  app.post('/legacy/login', (req, res) => {
    if (!credentialsOk(req.body)) {
      unauthorized(res, 'bad credentials');
      return;
    }
    const token = jwt.sign({ sub: demoUser.id }, legacySecret, { expiresIn: LEGACY_TTL_S });
    res.cookie('token', token, { maxAge: LEGACY_TTL_S * 1000 });
    res.json({ token });
  });
  app.get('/legacy/me', (req, res) => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : req.cookies?.['token'];
    try {
      const claims = jwt.verify(String(token ?? ''), legacySecret, { algorithms: ['HS256'] });
      res.json({ user: typeof claims === 'string' ? claims : claims.sub });
    } catch {
      unauthorized(res, 'invalid token');
    }
  });
  app.post('/legacy/logout', (_req, res) => {
    res.clearCookie('token').sendStatus(204);
  });

  // --- fixed routes ---
  app.post('/auth/login', async (req, res) => {
    if (!credentialsOk(req.body)) {
      unauthorized(res, 'bad credentials');
      return;
    }
    await issueSession(res, demoUser.id, randomUUID());
    res.json({ user: demoUser.id });
  });
  app.post('/auth/refresh', async (req, res) => {
    const presented: unknown = req.cookies?.['refresh_token'];
    const key = `rt:${sha256(typeof presented === 'string' ? presented : '')}`;
    const record = await redis.hgetall(key);
    const userId = record['userId'];
    const familyId = record['familyId'];
    if (!userId || !familyId) {
      unauthorized(res, 'unknown refresh token');
      return;
    }
    if ((await redis.exists(`revoked-family:${familyId}`)) === 1) {
      unauthorized(res, 'refresh token revoked');
      return;
    }
    if ((await redis.hsetnx(key, 'rotatedAt', String(now()))) === 0) {
      await revokeFamily(familyId);
      unauthorized(res, 'refresh token reuse detected');
      return;
    }
    await issueSession(res, userId, familyId);
    res.sendStatus(204);
  });
  app.post('/auth/logout', async (req, res) => {
    const access: unknown = req.cookies?.['access_token'];
    if (typeof access === 'string') {
      try {
        const claims = verifyAccess(access);
        const remaining = claims.exp - now();
        if (remaining > 0) await redis.set(`deny:${claims.jti}`, '1', 'EX', remaining);
      } catch {
        // An expired or forged token needs no deny-list entry.
      }
    }
    const refresh: unknown = req.cookies?.['refresh_token'];
    if (typeof refresh === 'string') {
      const familyId = await redis.hget(`rt:${sha256(refresh)}`, 'familyId');
      if (familyId) await revokeFamily(familyId);
    }
    res.clearCookie('access_token', { ...cookieBase, path: '/' });
    res.clearCookie('refresh_token', { ...cookieBase, path: '/auth' });
    res.sendStatus(204);
  });
  app.get('/api/me', requireAccess, (_req, res) => {
    res.json({ user: res.locals['userId'] as string });
  });
  // A state-changing route for the cross-site step: what a forged form would aim at.
  const emails = new Map<string, string>([[demoUser.id, demoUser.email]]);
  app.post('/api/email', requireAccess, (req, res) => {
    const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string') {
      res.status(400).json({ error: 'email required' });
      return;
    }
    emails.set(res.locals['userId'] as string, email);
    res.sendStatus(204);
  });

  const served: ServedApp = await ctx.serve(app);
  const allResponses: HttpResponse[] = [];
  const send = async (method: 'GET' | 'POST', path: string, jar?: CookieJar, json?: unknown, extraHeaders: Record<string, string> = {}): Promise<HttpResponse> => {
    const headers: Record<string, string> = { ...extraHeaders };
    const cookie = jar?.header();
    if (cookie) headers['cookie'] = cookie;
    const response = await served.request({ method, path, headers, json });
    allResponses.push(response);
    return response;
  };
  const credentials = { email: demoUser.email, password: demoUser.password };

  await ctx.step('Legacy: long-lived token', async () => {
    ctx.showCode('naive JWT migration', legacyCode, 'ts');
    const login = await send('POST', '/legacy/login', undefined, credentials);
    const bodyToken = (login.body as { token?: unknown } | null)?.token;
    const stolen = typeof bodyToken === 'string' ? bodyToken : '';
    const cookie = login.setCookies.map(parseSetCookie).find((c) => c.name === 'token');
    ctx.observe('login', login.status);
    const inBody = ctx.observe('token in JSON body', stolen.length > 0);
    ctx.observe('cookie flags', cookie?.flags ?? null);
    const decoded = jwt.decode(stolen) as JwtPayload | null;
    const lifetimeDays = ctx.observe('lifetime days', Math.round(((decoded?.exp ?? 0) - (decoded?.iat ?? 0)) / 86_400));
    ctx.check('token readable by page scripts (body, no HttpOnly)', inBody && cookie?.flags.httpOnly === false);
    ctx.check('token lives for weeks', lifetimeDays >= 30, `${lifetimeDays} days`);

    ctx.say('An XSS payload copies the token; then the user logs out.');
    const logout = await send('POST', '/legacy/logout');
    ctx.observe('logout', logout.status);
    const replay = await served.request({ method: 'GET', path: '/legacy/me', headers: { authorization: `Bearer ${stolen}` } });
    allResponses.push(replay);
    const replayStatus = ctx.observe('stolen after logout', replay.status);
    ctx.check('stolen token still works after logout', replayStatus === 200, `status ${replayStatus}`);
    ctx.say('Logout only deleted the browser copy: nothing server-side can revoke a JWT.');
  }, { shows: 'failure' });

  const browser = new CookieJar();
  let firstRefresh = '';

  await ctx.step('Login: cookies + Redis', async () => {
    ctx.showCode('login issues an access/refresh pair', loginCode, 'ts');
    ctx.say('The signing secret is 32 random bytes made for this run (crypto.randomBytes) and never printed; in production it comes from a secret store.');
    ctx.observe('refresh store', redisName);
    const login = await send('POST', '/auth/login', browser, credentials);
    const cookies = browser.absorb(login);
    const access = cookies.find((c) => c.name === 'access_token');
    const refresh = cookies.find((c) => c.name === 'refresh_token');
    firstRefresh = refresh?.value ?? '';
    ctx.observe('login', login.status);
    ctx.observe('access cookie', access?.flags ?? null);
    ctx.observe('refresh cookie', refresh?.flags ?? null);
    const decoded = jwt.decode(access?.value ?? '') as JwtPayload | null;
    const accessLifetime = ctx.observe('access lifetime s', (decoded?.exp ?? 0) - (decoded?.iat ?? 0));
    const refreshTtl = ctx.observe('refresh TTL s', await redis.ttl(`rt:${sha256(firstRefresh)}`));
    const tokensInBody = (access !== undefined && login.text.includes(access.value))
      || (refresh !== undefined && login.text.includes(refresh.value));
    ctx.observe('token in JSON body', tokensInBody);
    const locked = [access, refresh].every((c) => c?.flags.httpOnly === true && c.flags.secure && c.flags.sameSite === 'Strict');
    ctx.check('both cookies are HttpOnly, Secure, SameSite=Strict', locked);
    ctx.check('refresh cookie only travels to /auth', refresh?.flags.path === '/auth', `path ${refresh?.flags.path}`);
    ctx.check('no token in the response body', !tokensInBody);
    ctx.check('access token is short-lived', accessLifetime === ACCESS_TTL_S, `${accessLifetime} s`);
    ctx.check('refresh token stored in Redis with a TTL', refreshTtl > 0 && refreshTtl <= REFRESH_TTL_S, `ttl ${refreshTtl}`);
    const me = await send('GET', '/api/me', browser);
    ctx.observe('GET /api/me', me.status);
    ctx.check('the access cookie authenticates', me.status === 200, `status ${me.status}`);
  }, { shows: 'fix' });

  await ctx.step('Expired access token', async () => {
    ctx.showCode('verify with an injected clock, then the deny-lists', verifyCode, 'ts');
    ctx.say(`The demo moves its clock ${ACCESS_TTL_S + 1} s ahead (jwt.verify clockTimestamp) instead of sleeping.`);
    clockSkewS += ACCESS_TTL_S + 1;
    const me = await send('GET', '/api/me', browser);
    const status = ctx.observe('GET /api/me', me.status);
    const reason = ctx.observe('reason', errorOf(me.body));
    const challenge = ctx.observe('WWW-Authenticate', me.headers['www-authenticate'] ?? null);
    ctx.check('expired access token refused with 401', status === 401 && reason === 'token expired', `${status} ${reason}`);
    ctx.check('the 401 names the scheme to retry with', challenge === 'Bearer realm="api"', String(challenge));
  }, { shows: 'fix' });

  let rotatedRefresh = '';
  await ctx.step('Refresh rotates the pair', async () => {
    ctx.showCode('refresh with rotation and reuse detection', rotateCode, 'ts');
    const refreshed = await send('POST', '/auth/refresh', browser);
    const cookies = browser.absorb(refreshed);
    rotatedRefresh = cookies.find((c) => c.name === 'refresh_token')?.value ?? '';
    ctx.observe('refresh', refreshed.status);
    ctx.observe('new cookies', cookies.map((c) => c.name));
    const rotated = ctx.observe('refresh rotated', rotatedRefresh !== '' && rotatedRefresh !== firstRefresh);
    const oldMarked = ctx.observe('old marked used', (await redis.hget(`rt:${sha256(firstRefresh)}`, 'rotatedAt')) !== null);
    const me = await send('GET', '/api/me', browser);
    ctx.observe('GET /api/me', me.status);
    ctx.check('refresh answers 204 with a new pair', refreshed.status === 204 && cookies.length === 2, `status ${refreshed.status}`);
    ctx.check('the refresh token changed and the old one is spent', rotated && oldMarked);
    ctx.check('the new access token works', me.status === 200, `status ${me.status}`);
  }, { shows: 'fix' });

  await ctx.step('Reuse revokes the family', async () => {
    ctx.say('An attacker replays the first refresh token, which was already rotated.');
    const attacker = new CookieJar();
    attacker.absorb({ setCookies: [`refresh_token=${encodeURIComponent(firstRefresh)}`] } as HttpResponse);
    const replay = await send('POST', '/auth/refresh', attacker);
    const replayStatus = ctx.observe('old refresh', replay.status);
    ctx.observe('reason', errorOf(replay.body));
    const legit = await send('POST', '/auth/refresh', browser);
    const legitStatus = ctx.observe('newest refresh', legit.status);
    const me = await send('GET', '/api/me', browser);
    const meStatus = ctx.observe('GET /api/me', me.status);
    const keysLeft = ctx.observe('family tokens left', await redis.exists(`rt:${sha256(firstRefresh)}`, `rt:${sha256(rotatedRefresh)}`));
    ctx.check('replayed refresh token detected (401)', replayStatus === 401 && errorOf(replay.body).includes('reuse'));
    ctx.check('the whole family is revoked: newest refresh 401', legitStatus === 401, `status ${legitStatus}`);
    ctx.check('live access token of the family refused', meStatus === 401, `status ${meStatus}`);
    ctx.check('family refresh records deleted from Redis', keysLeft === 0, `${keysLeft} left`);
    ctx.say('Either party may be the thief, so both lose the session and must log in again.');
  }, { shows: 'fix' });

  await ctx.step('Logout revokes by jti', async () => {
    ctx.say('A fresh login; a thief copies both cookies; then the user logs out.');
    const session = new CookieJar();
    session.absorb(await send('POST', '/auth/login', session, credentials));
    const stolen = session.get('access_token') ?? '';
    const stolenRefresh = session.get('refresh_token') ?? '';
    const claims = jwt.decode(stolen) as JwtPayload | null;
    const logout = await send('POST', '/auth/logout', session);
    ctx.observe('logout', logout.status);
    const remaining = (claims?.exp ?? 0) - now();
    const denyTtl = await redis.ttl(`deny:${claims?.jti ?? ''}`);
    ctx.observe('deny TTL s', denyTtl);
    ctx.observe('token life left s', remaining);
    const thief = new CookieJar();
    thief.absorb({ setCookies: [`access_token=${encodeURIComponent(stolen)}`, `refresh_token=${encodeURIComponent(stolenRefresh)}`] } as HttpResponse);
    const me = await send('GET', '/api/me', thief);
    const meStatus = ctx.observe('stolen access', me.status);
    const refreshed = await send('POST', '/auth/refresh', thief);
    const refreshStatus = ctx.observe('stolen refresh', refreshed.status);
    ctx.check('logout answers 204', logout.status === 204, `status ${logout.status}`);
    ctx.check('stolen access token refused after logout', meStatus === 401, `status ${meStatus}`);
    ctx.check('stolen refresh token refused after logout', refreshStatus === 401, `status ${refreshStatus}`);
    ctx.check('deny-list entry expires with the token', denyTtl > 0 && Math.abs(denyTtl - remaining) <= 2, `ttl ${denyTtl}, left ${remaining}`);
  }, { shows: 'fix' });

  await ctx.step('Senior: cross-site writes refused', async () => {
    ctx.showCode('Origin / Fetch Metadata check on writes', crossSiteCode, 'ts');
    ctx.say('SameSite is scoped to the site, not the origin: a page on a sibling subdomain '
      + '(pages.example.com, user content) is same-site, so a browser still attaches the Strict cookies to its forged POST. '
      + 'The demo sends what such a browser sends: the cookies, Origin and Sec-Fetch-Site.');
    const session = new CookieJar();
    session.absorb(await send('POST', '/auth/login', session, credentials));
    const forged = await send('POST', '/api/email', session, { email: 'attacker@evil.example' },
      { origin: 'https://pages.example.com', 'sec-fetch-site': 'same-site' });
    const forgedStatus = ctx.observe('forged POST (same-site)', forged.status);
    const afterForged = ctx.observe('email after forged POST', emails.get(demoUser.id) ?? null);
    const genuine = await send('POST', '/api/email', session, { email: 'ada@lovelace.example' },
      { origin: appOrigin, 'sec-fetch-site': 'same-origin' });
    const genuineStatus = ctx.observe('POST from the app', genuine.status);
    const afterGenuine = ctx.observe('email after genuine POST', emails.get(demoUser.id) ?? null);
    ctx.check('a same-site forged write is refused (403) and changes nothing', forgedStatus === 403 && afterForged === demoUser.email, `${forgedStatus}, ${afterForged}`);
    ctx.check('the same write from the app\'s own origin goes through', genuineStatus === 204 && afterGenuine === 'ada@lovelace.example', `${genuineStatus}, ${afterGenuine}`);
  }, { shows: 'fix', senior: true });

  await ctx.step('Senior: two refreshes race', async () => {
    ctx.say('Two tabs wake up together and refresh with the same cookie at the same moment.');
    const session = new CookieJar();
    session.absorb(await send('POST', '/auth/login', session, credentials));
    const racers = await ctx.concurrently(2, () => send('POST', '/auth/refresh', session));
    const statuses = ctx.observe('statuses', racers.map((r) => r.status).sort((a, b) => a - b));
    ctx.observe('loser', racers.map((r) => errorOf(r.body)).filter(Boolean));
    const winner = racers.find((r) => r.status === 204);
    if (winner) session.absorb(winner);
    const afterRace = await send('POST', '/auth/refresh', session);
    const afterStatus = ctx.observe("winner's new refresh", afterRace.status);
    const me = await send('GET', '/api/me', session);
    const meStatus = ctx.observe("winner's new access", me.status);
    ctx.check('HSETNX lets exactly one of two concurrent refreshes win', statuses.join(',') === '204,401', statuses.join(','));
    ctx.check('the loser is read as reuse: the whole family is revoked', afterStatus === 401 && meStatus === 401, `${afterStatus}, ${meStatus}`);
    ctx.say('Atomic, and strict: an honest two-tab race logs the user out. Production answers the loser '
      + 'with the pair just issued during a short grace window instead of revoking.');
  }, { shows: 'fix', senior: true });

  await ctx.step('Secrets never left the server', async () => {
    const secretTexts = [accessSecret, legacySecret].flatMap((secret) => [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')]);
    const leaked = allResponses.some((response) => secretTexts.some((text) => response.text.includes(text)
      || Object.values(response.headers).some((value) => value.includes(text))));
    ctx.observe('responses scanned', allResponses.length);
    ctx.check('signing secrets (per run, random) never left the server', !leaked);
  }, { shows: 'fix' });
}

export const scenario = defineScenario({
  id: 30,
  slug: 'sessions-to-jwt',
  title: 'Moving from session cookies to JWT',
  tags: ['security', 'auth', 'express', 'redis'],
  summary: 'Short access token in an HttpOnly cookie, rotating refresh token in Redis, revocation by jti.',
  question:
    'A legacy Express app keeps its logins in server-side sessions. You are asked to move it to JWT. '
    + 'How do you do that without making tokens easy to steal or impossible to revoke?',
  answer: {
    short:
      'First I ask what JWT buys us: for a browser-only app, a session id in Redis behind an HttpOnly cookie is '
      + 'simpler and revocable. If tokens are needed, the access JWT lives minutes in an HttpOnly, Secure, SameSite '
      + 'cookie, the refresh token is opaque, stored hashed in Redis and rotated on every use (reuse revokes the '
      + 'whole family), and logout deny-lists the access token\'s id until it expires.',
    reasoning: [
      'Question the premise before designing. A JWT\'s selling point is that anyone holding the key can verify it '
        + 'without calling you: other services, third parties (with a public key), mobile clients, single sign-on. '
        + 'A browser-only monolith gets none of that, and once you add revocation (below) every request reads Redis '
        + 'again, exactly like a session store. If that is the situation, the honest answer is to keep server-side '
        + 'sessions (a Redis store, a session id rotated at login, an HttpOnly cookie) and say why; the rest of this '
        + 'answer is for when tokens are genuinely needed.',
      'A JWT is verified by its signature alone, so the server cannot take one back before it expires. The '
        + 'naive migration (one 30-day token returned in the JSON body and kept in localStorage or a readable '
        + 'cookie) turns every XSS bug into a month-long account takeover, and "logout" only deletes the browser '
        + 'copy. The design has to bound how long a stolen token is useful and give the server a way to revoke.',
      'Split the session in two. The access token is a JWT with a short life (minutes), verified statelessly on '
        + 'every request with a pinned algorithm (`algorithms: [\'HS256\']` or an asymmetric key) and a signing key from a '
        + 'secret store, shared by all instances and rotated with overlapping keys (a `kid`, key id, header selects the key). '
        + 'The refresh token is long-lived, opaque (random bytes), and '
        + 'its digest is stored server-side in Redis with a TTL, so the server can look it up, expire it and delete it.',
      'For browsers both travel in cookies with `HttpOnly` (page scripts cannot read them) and `Secure` (HTTPS only), '
        + 'and the refresh cookie is scoped with `Path=/auth` so it only reaches the refresh and logout endpoints. The '
        + 'tokens never appear in a response body. Cookies are sent automatically, which brings cross-site request '
        + 'forgery (CSRF) back: `SameSite=Strict` or `Lax` is a useful second layer, not the defence, because it is '
        + 'scoped to the site (a sibling subdomain counts as same-site) and `Lax` still sends cookies on top-level GETs. '
        + 'So state-changing routes check `Origin` or Fetch Metadata (`Sec-Fetch-Site`), or require a CSRF token, and '
        + 'nothing changes state on a GET.',
      'Refresh rotates: each refresh token works exactly once and is replaced by a new pair. The old one is kept '
        + 'marked as used, so a second presentation is detectable; since either the user or the thief may be '
        + 'presenting it, the server revokes the whole token family (every refresh token descended from that login) '
        + 'and both must log in again. Marking must be atomic (HSETNX, SET NX or a Lua script) so two concurrent '
        + 'refreshes cannot both win.',
      'Logout deletes the refresh family and puts the access token\'s `jti` (its unique id claim) on a deny-list whose '
        + 'TTL equals the token\'s remaining lifetime (`exp - now`), so the list stays small and cleans itself. Checking '
        + 'that list costs one Redis lookup per request, which is the price of revocability; the short access lifetime '
        + 'bounds the damage when Redis is unavailable and you choose to fail open. Every 401 carries '
        + '`WWW-Authenticate: Bearer realm="api"`, so clients know which scheme to retry with.',
    ],
    keyPoints: [
      {
        text: 'Access JWTs that expire within minutes, paired with an opaque refresh token the server stores (Redis, with TTL).',
        terms: [['short-lived', 'short lived', 'minutes', 'expiresin'], ['refresh'], ['redis', 'server-side', 'database']],
        provenBy: 'Login',
      },
      {
        text: 'Cookies with HttpOnly, Secure and SameSite; tokens never in localStorage or the JSON body.',
        terms: [['httponly', 'http-only', 'http only'], ['samesite', 'same-site', 'same site']],
        provenBy: 'Login',
      },
      {
        text: 'Refresh token rotation: each refresh token is single-use and replaced by a new pair.',
        terms: [['rotat', 'single-use', 'one-time']],
        provenBy: 'Refresh rotates',
      },
      {
        text: 'Reuse of a rotated refresh token signals theft: revoke the whole token family.',
        terms: [['reuse', 'replay'], ['family', 'revoke all', 'all sessions']],
        provenBy: 'Reuse',
      },
      {
        text: 'Revocation via a deny-list keyed by jti with a TTL equal to the token\'s remaining lifetime.',
        terms: [['jti', 'token id'], ['deny', 'blacklist', 'blocklist', 'revok'], ['a ttl', 'the ttl', 'ttl of', 'ttl equal', 'ttl:', '(ttl', 'time to live', 'expire', 'remaining life']],
        provenBy: 'Logout',
      },
      {
        text: 'Verify with a pinned algorithm and a secret from a secret store, never hard-coded.',
        terms: [['algorithm', 'alg:', 'hs256', 'rs256', 'es256'], ['secret']],
      },
      {
        text: 'Ask why JWT at all: for a browser-only app server-side sessions are simpler and revocable; JWT pays off when other services or clients verify tokens themselves.',
        terms: [['session id', 'server-side session', 'session store', 'express-session'], ['other service', 'microservice', 'third part', 'mobile', 'public key', 'jwks', 'sso', 'oidc']],
      },
      {
        text: 'Cookie auth needs CSRF protection: SameSite is defence in depth; check Origin or Sec-Fetch-Site (or a CSRF token) on writes, never change state on GET.',
        terms: [['csrf', 'cross-site request'], ['origin', 'sec-fetch-site', 'fetch metadata', 'csrf token', 'double-submit', 'synchronizer']],
        provenBy: 'Senior: cross-site',
      },
    ],
    code: [
      { title: 'Naive: a readable 30-day token, logout revokes nothing', language: 'ts', code: legacyCode },
      { title: 'Login: access cookie + refresh token stored in Redis', language: 'ts', code: loginCode },
      { title: 'Refresh: rotation with reuse detection', language: 'ts', code: rotateCode },
      { title: 'Verify and revoke: jti deny-list, remaining-life TTL', language: 'ts', code: verifyCode },
      { title: 'Writes refuse cross-site requests (Origin, Sec-Fetch-Site)', language: 'ts', code: crossSiteCode },
    ],
    seniorNotes: [
      'Migrate without a flag day: for a while the auth middleware accepts the old session cookie OR the new access '
        + 'token, and a request with a valid session gets a token pair issued; remove the session store once traffic '
        + 'on it drops to zero.',
      'Name the access cookie `__Host-access_token`: browsers then insist on Secure, Path=/ and no Domain attribute, '
        + 'so a sibling subdomain cannot plant or overwrite it (cookie tossing). Bearer headers avoid CSRF altogether '
        + 'but put the token within reach of any script that runs in the page, i.e. of XSS.',
      'Strict reuse detection revokes on a legitimate race (two tabs refreshing at once, as the demo shows). Production '
        + 'systems allow a short grace window in which the just-rotated token returns the pair it already issued, instead '
        + 'of revoking.',
      'Prefer asymmetric signing (RS256 or ES256; EdDSA needs the `jose` library, jsonwebtoken 9 lacks it) with a `kid` '
        + 'header when other services verify tokens: they get only the public key, published as a JWKS (a JSON list of '
        + 'public keys by kid), and keys rotate by publishing the next one before signing with it. Never accept '
        + '`alg: none` or let the token pick the algorithm.',
      'Decide how the deny-list fails: if Redis is down, failing closed logs everybody out, failing open accepts revoked '
        + 'tokens for at most the access lifetime. Keep that lifetime short enough that failing open is acceptable.',
      'A JWT payload is signed, not encrypted: it is only base64url-encoded, so anyone holding the token reads its '
        + 'claims. Put an id, a role and the token ids in it, never personal data or secrets (or use JWE).',
      'Revoke all families of a user on password change or account compromise (index families by user id in Redis).',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'In the legacy design, a user logs out and an attacker replays a copied 30-day JWT. What happens?',
        options: [
          {
            text: '200: the signature and exp still check out, and nothing marks it revoked.',
            correct: true,
            explanation: 'Stateless verification only checks signature and expiry; the demo\'s stolen token works after logout.',
          },
          {
            text: '401: logout cleared the cookie, and with it every copy the server would accept.',
            correct: false,
            explanation: 'clearCookie only asks the browser to drop its copy; the server keeps no record, and the attacker has another copy.',
          },
          {
            text: '403: the server notices the token is presented from a different IP address.',
            correct: false,
            explanation: 'A JWT carries no binding to an IP, and the legacy server checks none.',
          },
        ],
      },
      {
        prompt: 'Which cookie attribute stops an XSS payload from reading the access token with document.cookie?',
        options: [
          { text: 'Secure', correct: false, explanation: 'Secure restricts the cookie to HTTPS; scripts can still read it.' },
          { text: 'HttpOnly', correct: true, explanation: 'HttpOnly cookies are sent with requests but invisible to page scripts.' },
          { text: 'SameSite=Strict', correct: false, explanation: 'SameSite limits cross-site sending (CSRF); it does not hide the cookie from scripts.' },
          { text: 'Path=/auth', correct: false, explanation: 'Path limits which URLs receive the cookie, not script access.' },
        ],
      },
      {
        prompt: 'A refresh token that was already rotated is presented again. What should the server do?',
        options: [
          {
            text: 'Issue a new pair: it has not expired, so a repeat is most likely a client retry.',
            correct: false,
            explanation: 'That defeats rotation: a stolen copy would keep working indefinitely. (A short grace window for a genuine race returns the pair already issued, not a fresh one.)',
          },
          {
            text: 'Refuse it and revoke every token of that login\'s family.',
            correct: true,
            explanation: 'The server cannot tell thief from user, so every token from that login is revoked (the demo\'s newest refresh and live access token then get 401).',
          },
          {
            text: 'Refuse only the replayed token; the newest token of the family stays valid.',
            correct: false,
            explanation: 'If the thief was first to rotate, the newest token belongs to the thief.',
          },
        ],
      },
      {
        prompt: 'Why does the logout deny-list entry for a jti get a TTL equal to exp − now?',
        options: [
          {
            text: 'Past exp the token fails verification anyway; a longer entry only bloats the list.',
            correct: true,
            explanation: 'The demo shows the entry\'s TTL matching the token\'s remaining life.',
          },
          {
            text: 'Redis evicts keys without a TTL first when memory runs short, so every key needs one.',
            correct: false,
            explanation: 'The reverse: the volatile-* eviction policies only evict keys that have a TTL, and the default policy evicts nothing. The TTL is a design choice.',
          },
          {
            text: 'So the user can log back in with the same token once the entry has expired.',
            correct: false,
            explanation: 'By then the token itself has expired, and an expired token is never accepted again.',
          },
        ],
      },
      {
        prompt: 'How do you test that an expired access token is refused without the test waiting for it to expire?',
        options: [
          {
            text: 'Give sign and verify one injected clock (clockTimestamp or fake timers) and move it past exp.',
            correct: true,
            explanation: 'Signing and verifying read the same clock, so time moves deterministically; the demo does exactly this.',
          },
          {
            text: 'Decode the token, set exp to a time in the past, re-encode it and keep the original signature.',
            correct: false,
            explanation: 'The signature covers the payload: verify fails with an invalid-signature error, which tests the wrong thing.',
          },
          {
            text: 'Sleep for the access lifetime; five minutes in CI is acceptable for a security test.',
            correct: false,
            explanation: 'Minutes per test, and flaky near the boundary; a suite cannot sleep through lifetimes.',
          },
        ],
      },
      {
        prompt: 'The app is one Express monolith used only by its own browser front end. What is the strongest argument against moving it to JWT?',
        options: [
          {
            text: 'A session id in Redis is revocable and simpler, and nobody else verifies tokens.',
            correct: true,
            explanation: 'JWT pays off when other services, third parties or mobile clients verify tokens themselves (with a public key). With revocation, this design reads Redis on every request anyway.',
          },
          {
            text: 'A JWT cannot be stored in a cookie, so the front end must keep it in localStorage.',
            correct: false,
            explanation: 'Any string fits in a cookie under about 4 KB; the demo keeps its access JWT in an HttpOnly cookie.',
          },
          {
            text: 'Verifying a JWT needs a database round trip per request, which a session lookup avoids.',
            correct: false,
            explanation: 'Backwards: a signature check needs no round trip; a session lookup does. Revocation is what brings the round trip back.',
          },
        ],
      },
      {
        prompt: 'The access cookie is SameSite=Strict. What still holds about CSRF?',
        options: [
          {
            text: 'Writes still check Origin or Sec-Fetch-Site, or a CSRF token; SameSite is a second layer.',
            correct: true,
            explanation: 'SameSite is scoped to the site: a sibling subdomain is same-site and still gets the cookies, as the demo\'s forged POST shows; the Origin check refuses it.',
          },
          {
            text: 'Nothing: Strict stops the browser from sending the cookie on any request from another origin.',
            correct: false,
            explanation: 'Strict is about sites, not origins: pages.example.com and app.example.com are the same site.',
          },
          {
            text: 'HttpOnly cookies cannot be used by another page, so CSRF only threatens Bearer headers.',
            correct: false,
            explanation: 'Backwards: HttpOnly hides the cookie from scripts, but the browser still attaches it to forged requests. Bearer headers are the ones CSRF cannot use.',
          },
          {
            text: 'A GET route may change state as long as the cookie is Strict or Lax.',
            correct: false,
            explanation: 'Lax sends cookies on top-level GET navigations, and GETs are prefetched and cached: never change state on GET.',
          },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Your design reads Redis on every request. So what did JWT buy you over a session id in Redis?',
      answer:
        'For a browser-only app, very little: the deny-list and family check make it stateful again, and a server-side '
        + 'session behind the same HttpOnly cookie would be simpler, smaller and revocable at once. JWT earns its keep '
        + 'when someone else verifies the token without calling us: other services, partners holding a public key from a '
        + 'JWKS, mobile clients, or single sign-on. In this hybrid the access token is stateless only within its few '
        + 'minutes; I would say that trade-off out loud, or keep sessions.',
      keyPoints: [
        { text: 'Revocation makes it stateful: every request reads Redis, like a session store.', terms: [['redis', 'lookup', 'stateful', 'round trip']] },
        { text: 'Server-side sessions are simpler for a browser-only app.', terms: [['session']] },
        { text: 'JWT pays off when others verify it: services, partners (public key / JWKS), mobile, SSO.', terms: [['other service', 'microservice', 'partner', 'third part', 'public key', 'jwks', 'mobile', 'sso']] },
      ],
      probes: 6,
      kind: 'probe',
    },
    {
      question: 'You moved the tokens into cookies. What does that do to CSRF, and is SameSite enough?',
      answer:
        'Cookies are attached automatically, so a forged form on another page can ride the session: CSRF is back in '
        + 'scope. SameSite helps but is defence in depth: it works per site, so a sibling subdomain still gets the '
        + 'cookies, and Lax sends them on top-level GETs. On every state-changing route I check Origin or Sec-Fetch-Site '
        + 'against our own origin, or require a CSRF token (synchronizer or signed double-submit), and no GET changes state.',
      keyPoints: [
        { text: 'Cookies are ambient, so CSRF applies.', terms: [['csrf', 'cross-site request', 'forged']] },
        { text: 'SameSite is per site and Lax allows top-level GETs: a second layer only.', terms: [['samesite', 'same-site'], ['subdomain', 'site', 'lax', 'defence in depth', 'defense in depth', 'layer']] },
        { text: 'Check Origin / Sec-Fetch-Site or use a CSRF token on writes; no state change on GET.', terms: [['origin', 'sec-fetch', 'fetch metadata', 'csrf token', 'double-submit', 'synchronizer']] },
      ],
      probes: 7,
      kind: 'probe',
      shownBy: 'Senior: cross-site',
    },
    {
      question: 'Two tabs refresh at the same moment with the same refresh token. What happens, and would you change it?',
      answer:
        'HSETNX lets exactly one request win; the other looks like a replay, so the family is revoked and the user is '
        + 'logged out in both tabs, as the demo shows. That is safe but hostile. I would keep a short grace window '
        + '(a few seconds) in which presenting the just-rotated token returns the pair it already produced, and only '
        + 'treat it as theft after that window, or serialise refreshes in the client.',
      keyPoints: [
        { text: 'The atomic mark lets one win; the loser reads as reuse and revokes the family.', terms: [['one win', 'only one', 'exactly one', 'hsetnx', 'atomic'], ['revok', 'logged out', 'log out']] },
        { text: 'A short grace window returns the already-issued pair instead of revoking.', terms: [['grace', 'window', 'leeway'], ['same pair', 'already issued', 'previous', 'cached', 'return']] },
      ],
      probes: 3,
      kind: 'failure',
      shownBy: 'Senior: two refreshes',
    },
    {
      question: 'How do you rotate the signing key without logging everybody out?',
      answer:
        'Give every token a `kid` header naming its key, and let verifiers hold a small set of keys by kid. Roll in '
        + 'two phases: first publish the new key to every verifier (for asymmetric keys, add its public half to the JWKS), '
        + 'then start signing with it, and drop the old key only after the longest-lived token it signed has expired. '
        + 'Verifiers must pick the key by kid but still pin the algorithm, never trusting the token\'s `alg`.',
      keyPoints: [
        { text: 'A kid header selects the key; verifiers keep several keys.', terms: [['kid', 'key id']] },
        { text: 'Publish first, sign later, retire after the longest token lifetime.', terms: [['overlap', 'publish', 'both keys', 'old key', 'previous key', 'two phases'], ['expire', 'lifetime', 'until']] },
        { text: 'Asymmetric keys via a JWKS for other verifiers; algorithm stays pinned.', terms: [['jwks', 'public key', 'rs256', 'es256', 'asymmetric']] },
      ],
      kind: 'security',
    },
    {
      question: 'Redis goes down for ten minutes. What do users see?',
      answer:
        'Refresh cannot work at all: it must read and write Redis, so it fails closed and clients keep their current '
        + 'access token until it expires. For the deny-list check I choose explicitly: failing closed turns the outage '
        + 'into a full logout, failing open accepts revoked access tokens for at most the access lifetime (five minutes '
        + 'here). That bound is why the access token is short, and the choice belongs in the runbook and the alerts.',
      keyPoints: [
        { text: 'Refresh fails closed: no rotation without the store.', terms: [['refresh'], ['fail', 'unavailable', 'cannot', '503']] },
        { text: 'The deny-list check must choose fail open or fail closed.', terms: [['fail open', 'fail-open', 'fails open'], ['fail closed', 'fail-closed', 'fails closed']] },
        { text: 'Failing open is bounded by the short access lifetime.', terms: [['lifetime', 'minutes', 'short-lived', 'expire']] },
      ],
      kind: 'failure',
    },
    {
      question: 'A mobile app and a single-page app on another domain now need the same API. Where do their tokens live?',
      answer:
        'The mobile app is not a browser: it sends the access token in an `Authorization: Bearer` header and keeps the '
        + 'refresh token in the platform\'s secure storage (Keychain, Android Keystore), so CSRF does not apply. A '
        + 'cross-site SPA would need `SameSite=None` cookies plus real CSRF checks, or tokens in JavaScript; the safer '
        + 'pattern is a backend-for-frontend on the SPA\'s own site that holds the tokens and gives the browser only an '
        + 'HttpOnly session cookie.',
      keyPoints: [
        { text: 'Mobile: Bearer header, refresh token in Keychain/Keystore, no CSRF.', terms: [['bearer', 'authorization header'], ['keychain', 'keystore', 'secure storage']] },
        { text: 'Cross-site SPA: SameSite=None with CSRF checks, or a backend-for-frontend.', terms: [['backend-for-frontend', 'backend for frontend', 'bff', 'samesite=none', 'samesite none']] },
      ],
      kind: 'trade-off',
    },
  ],
  demo: {
    run: runDemo,
  },
});
