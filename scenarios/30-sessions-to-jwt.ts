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
  if (!userId) return res.status(401)
    .json({ error: 'unknown refresh token' });
  // HSETNX is atomic: only the first use wins
  if (!(await redis.hsetnx(key, 'rotatedAt', now()))) {
    await revokeFamily(familyId);  // replay: theft
    return res.status(401)
      .json({ error: 'refresh token reuse detected' });
  }
  await issueSession(res, userId, familyId);
  res.sendStatus(204);
});`;

const verifyCode = `// Every protected route: verify, then deny-lists
const claims = jwt.verify(req.cookies.access_token,
  accessSecret,
  { algorithms: ['HS256'], clockTimestamp: now() });
const [denied, famRevoked] = await redis.mget(
  \`deny:\${claims.jti}\`,
  \`revoked-family:\${claims.fam}\`);
if (denied || famRevoked) return res.status(401)
  .json({ error: 'token revoked' });

// logout: deny the jti for the token's remaining life
// (Redis refuses an EX of 0 or less: guard it)
const ttl = claims.exp - now();
if (ttl > 0) {
  await redis.set(\`deny:\${claims.jti}\`, '1',
    'EX', ttl);
}`;

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
    // Access tokens of the family may still be alive for up to ACCESS_TTL_S: refuse them too.
    await redis.set(`revoked-family:${familyId}`, '1', 'EX', ACCESS_TTL_S);
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

  async function requireAccess(req: Request, res: Response, next: NextFunction): Promise<void> {
    const token: unknown = req.cookies?.['access_token'];
    if (typeof token !== 'string') {
      res.status(401).json({ error: 'no access token' });
      return;
    }
    let claims: ReturnType<typeof verifyAccess>;
    try {
      claims = verifyAccess(token);
    } catch (error) {
      res.status(401).json({ error: (error as Error).message });
      return;
    }
    const [denied, familyRevoked] = await redis.mget(`deny:${claims.jti}`, `revoked-family:${claims.fam}`);
    if (denied !== null || familyRevoked !== null) {
      res.status(401).json({ error: 'token revoked' });
      return;
    }
    res.locals['userId'] = claims.sub;
    next();
  }

  const app = ctx.express();
  app.use(ctx.express.json());
  app.use(cookieParser());

  // --- legacy (naive) routes ---
  app.post('/legacy/login', (req, res) => {
    if (!credentialsOk(req.body)) {
      res.status(401).json({ error: 'bad credentials' });
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
    } catch (error) {
      res.status(401).json({ error: (error as Error).message });
    }
  });
  app.post('/legacy/logout', (_req, res) => {
    res.clearCookie('token').sendStatus(204);
  });

  // --- fixed routes ---
  app.post('/auth/login', async (req, res) => {
    if (!credentialsOk(req.body)) {
      res.status(401).json({ error: 'bad credentials' });
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
      res.status(401).json({ error: 'unknown refresh token' });
      return;
    }
    if ((await redis.hsetnx(key, 'rotatedAt', String(now()))) === 0) {
      await revokeFamily(familyId);
      res.status(401).json({ error: 'refresh token reuse detected' });
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

  const served: ServedApp = await ctx.serve(app);
  const allResponses: HttpResponse[] = [];
  const send = async (method: 'GET' | 'POST', path: string, jar?: CookieJar, json?: unknown): Promise<HttpResponse> => {
    const headers: Record<string, string> = {};
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
  });

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
  });

  await ctx.step('Expired access token', async () => {
    ctx.showCode('verify with an injected clock, then the deny-lists', verifyCode, 'ts');
    ctx.say(`The demo moves its clock ${ACCESS_TTL_S + 1} s ahead (jwt.verify clockTimestamp) instead of sleeping.`);
    clockSkewS += ACCESS_TTL_S + 1;
    const me = await send('GET', '/api/me', browser);
    const status = ctx.observe('GET /api/me', me.status);
    const reason = ctx.observe('reason', errorOf(me.body));
    ctx.check('expired access token refused with 401', status === 401 && reason === 'jwt expired', `${status} ${reason}`);
  });

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
  });

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
  });

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

    const secretTexts = [accessSecret, legacySecret].flatMap((secret) => [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')]);
    const leaked = allResponses.some((response) => secretTexts.some((text) => response.text.includes(text)
      || Object.values(response.headers).some((value) => value.includes(text))));
    ctx.observe('responses scanned', allResponses.length);
    ctx.check('signing secrets (per run, random) never left the server', !leaked);
  });
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
    reasoning: [
      'A JWT is verified by its signature alone, so the server cannot take one back before it expires. The '
        + 'naive migration (one 30-day token returned in the JSON body and kept in localStorage or a readable '
        + 'cookie) turns every XSS bug into a month-long account takeover, and "logout" only deletes the browser '
        + 'copy. The design has to bound how long a stolen token is useful and give the server a way to revoke.',
      'Split the session in two. The access token is a JWT with a short life (minutes), verified statelessly on '
        + 'every request with a pinned algorithm (`algorithms: [\'HS256\']` or an asymmetric key) and a signing key from a '
        + 'secret store, shared by all instances and rotated with overlapping keys (a `kid` header selects the key). '
        + 'The refresh token is long-lived, opaque (random bytes), and '
        + 'its digest is stored server-side in Redis with a TTL, so the server can look it up, expire it and delete it.',
      'For browsers both travel in cookies with `HttpOnly` (page scripts cannot read them), `Secure` (HTTPS only) '
        + 'and `SameSite=Strict` (never sent on cross-site requests) or `Lax` (sent only on top-level GET '
        + 'navigations, so state-changing routes must never be GETs), the main CSRF defence, and the refresh '
        + 'cookie is scoped with `Path=/auth` so it is only sent to the refresh and logout endpoints. The tokens '
        + 'never appear in a response body.',
      'Refresh rotates: each refresh token works exactly once and is replaced by a new pair. The old one is kept '
        + 'marked as used, so a second presentation is detectable; since either the user or the thief may be '
        + 'presenting it, the server revokes the whole token family (every refresh token descended from that login) '
        + 'and both must log in again. Marking must be atomic (HSETNX, SET NX or a Lua script) so two concurrent '
        + 'refreshes cannot both win.',
      'Logout deletes the refresh family and puts the access token\'s `jti` on a deny-list whose TTL equals the '
        + 'token\'s remaining lifetime (`exp - now`), so the list stays small and cleans itself. Checking that list '
        + 'costs one Redis lookup per request, which is the price of revocability; the short access lifetime bounds '
        + 'the damage when Redis is unavailable and you choose to fail open.',
    ],
    keyPoints: [
      {
        text: 'Access JWTs that expire within minutes, paired with an opaque refresh token the server stores (Redis, with TTL).',
        terms: [['short-lived', 'short lived', 'minutes', 'expiresin'], ['refresh'], ['redis', 'server-side', 'database']],
      },
      {
        text: 'Cookies with HttpOnly, Secure and SameSite; tokens never in localStorage or the JSON body.',
        terms: [['httponly', 'http-only', 'http only'], ['samesite', 'same-site', 'same site']],
      },
      {
        text: 'Refresh token rotation: each refresh token is single-use and replaced by a new pair.',
        terms: [['rotat', 'single-use', 'one-time']],
      },
      {
        text: 'Reuse of a rotated refresh token signals theft: revoke the whole token family.',
        terms: [['reuse', 'replay'], ['family', 'revoke all', 'all sessions']],
      },
      {
        text: 'Revocation via a deny-list keyed by jti with a TTL equal to the token\'s remaining lifetime.',
        terms: [['jti', 'token id'], ['deny', 'blacklist', 'blocklist', 'revok'], ['a ttl', 'the ttl', 'ttl of', 'ttl equal', 'ttl:', '(ttl', 'time to live', 'expire', 'remaining life']],
      },
      {
        text: 'Verify with a pinned algorithm and a secret from a secret store, never hard-coded.',
        terms: [['algorithm', 'alg:', 'hs256', 'rs256', 'eddsa'], ['secret']],
      },
    ],
    code: [
      { title: 'Naive: a readable 30-day token, logout revokes nothing', language: 'ts', code: legacyCode },
      { title: 'Login: access cookie + refresh token stored in Redis', language: 'ts', code: loginCode },
      { title: 'Refresh: rotation with reuse detection', language: 'ts', code: rotateCode },
      { title: 'Verify and revoke: jti deny-list, remaining-life TTL', language: 'ts', code: verifyCode },
    ],
    seniorNotes: [
      'Migrate without a flag day: for a while the auth middleware accepts the old session cookie OR the new access '
        + 'token, and a request with a valid session gets a token pair issued; remove the session store once traffic '
        + 'on it drops to zero.',
      'Cookie-based auth brings CSRF back into scope: SameSite covers most of it, but state-changing endpoints that '
        + 'must work cross-site (or old browsers) need a CSRF token or an Origin check. Bearer headers avoid CSRF but '
        + 'force the token into JavaScript, i.e. back into reach of XSS.',
      'Strict reuse detection revokes on a legitimate race (two tabs refreshing at once). Production systems allow a '
        + 'short grace window in which the just-rotated token returns the same new pair, instead of revoking.',
      'Prefer asymmetric signing (RS256/EdDSA) with a `kid` header when other services verify tokens: they get only the '
        + 'public key, and keys can be rotated by publishing a JWKS. Never accept `alg: none` or let the token pick the '
        + 'algorithm.',
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
        prompt: 'In the legacy design, a user logs out and an attacker replays a copied 30-day JWT. What happens and why?',
        options: [
          {
            text: '200: the signature is still valid and nothing server-side records that the token was revoked.',
            correct: true,
            explanation: 'Stateless verification only checks signature and exp; the demo\'s stolen token works after logout.',
          },
          {
            text: '401: clearing the cookie invalidates the token.',
            correct: false,
            explanation: 'clearCookie only removes the browser\'s copy; the attacker has another copy.',
          },
          {
            text: '403: the server notices the token comes from another IP.',
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
            text: 'Issue a new pair, since the token has not expired yet.',
            correct: false,
            explanation: 'That defeats rotation: a stolen copy would keep working indefinitely.',
          },
          {
            text: 'Reject it and revoke the whole token family, forcing a new login.',
            correct: true,
            explanation: 'The server cannot tell thief from user, so every token from that login is revoked (the demo\'s newest refresh then gets 401).',
          },
          {
            text: 'Reject only that token and keep the newest one valid.',
            correct: false,
            explanation: 'If the thief was first to rotate, the newest token belongs to the thief.',
          },
        ],
      },
      {
        prompt: 'Why does the logout deny-list entry for a jti get a TTL equal to exp − now?',
        options: [
          {
            text: 'After exp the token is refused anyway, so keeping the entry longer only grows the list.',
            correct: true,
            explanation: 'The demo shows the entry\'s TTL matching the token\'s remaining life.',
          },
          {
            text: 'Redis requires a TTL on every key.',
            correct: false,
            explanation: 'Redis keys can live forever; the TTL is a design choice.',
          },
          {
            text: 'So the user can log back in with the same token once it expires.',
            correct: false,
            explanation: 'An expired token is never accepted again, deny-listed or not.',
          },
          {
            text: 'Because jsonwebtoken reads the deny-list TTL during verify.',
            correct: false,
            explanation: 'jsonwebtoken knows nothing about Redis; the middleware checks the deny-list after verify.',
          },
        ],
      },
      {
        prompt: 'How do you test that an expired access token is refused without the test waiting for it to expire?',
        options: [
          {
            text: 'Inject the clock: sign with an `iat` you control and verify with `clockTimestamp` (or fake timers), then move time past `exp`.',
            correct: true,
            explanation: 'Signing and verifying read the same injected clock, so time moves deterministically; the demo does exactly this.',
          },
          {
            text: 'Edit the exp claim of the token in the test.',
            correct: false,
            explanation: 'Editing the payload breaks the signature: verify fails with "invalid signature", which tests the wrong thing.',
          },
          {
            text: 'Sleep in the test for the access lifetime.',
            correct: false,
            explanation: 'Minutes per test, and flaky near the boundary; a suite cannot sleep through lifetimes.',
          },
        ],
      },
    ],
  },
  demo: {
    run: runDemo,
  },
});
