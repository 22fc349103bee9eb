// Scenario 30's attack, run against starter.js, solution.js (`run 30`) and the learner's own file
// (`verify 30`). It plays a browser with a cookie jar, an XSS payload that copies what a page script
// can read, a thief replaying tokens, and a forged form on a sibling subdomain. Time is an injected
// clock the attack moves forward, never a sleep.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { HttpResponse, ServedApp } from '../../src/runtime/context.js';
import type { JsonValue } from '../../src/runtime/report.js';

/** The longest access-token life the checks accept: minutes, not days. */
const ACCESS_MAX_S = 15 * 60;
const APP_ORIGIN = 'https://app.example.com';
const SIBLING_ORIGIN = 'https://pages.example.com';
const ACCOUNT = { id: 'u-1001', email: 'ada@example.com', password: 'Analytical-Engine-1' };

export const checks = {
  challengeOn401: { claim: 'a 401 carries WWW-Authenticate: Bearer realm="api"', level: 'core' },
  tokenHiddenFromScripts: { claim: 'login puts no token in the body and every cookie it sets is HttpOnly, Secure and SameSite', level: 'core', broken: 'login hands the token to page scripts (JSON body or a cookie without HttpOnly/Secure/SameSite)' },
  accessExpiresInMinutes: { claim: `the access cookie is refused once the clock passes ${ACCESS_MAX_S / 60} minutes`, level: 'core', broken: 'the access token still works long after 15 minutes' },
  logoutRevokes: { claim: 'cookies copied before logout are refused after it (401)', level: 'core', broken: 'cookies copied before logout still work after it' },
  refreshRotates: { claim: 'POST /auth/refresh answers 204 with a new pair, and the new access cookie works', level: 'core', broken: 'there is no working refresh: no new pair comes back' },
  reuseRevokesFamily: { claim: 'replaying a rotated refresh token is refused and revokes the whole login: newest refresh and live access token too', level: 'core', broken: 'a replayed refresh token goes unnoticed: the login it belongs to stays alive' },
  secretsStayServerSide: { claim: 'the signing secret never appears in a response', level: 'core' },
  crossSiteWriteRefused: { claim: 'a forged same-site POST with the cookies is refused (403) and changes nothing; the app\'s own POST goes through', level: 'senior', broken: 'a forged same-site POST with the cookies changes the account' },
  concurrentRefreshOneWins: { claim: 'of two simultaneous refreshes with one token exactly one wins, and the loser revokes the login', level: 'senior', broken: 'two simultaneous refreshes with one token are not told apart' },
} as const;

export type CheckId = keyof typeof checks;

interface ParsedCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | null;
  path: string | null;
  maxAge: number | null;
}

/** Reads one Set-Cookie header the way a browser would: name=value, then attributes. */
function parseSetCookie(header: string): ParsedCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const cookie: ParsedCookie = { name: pair.slice(0, equals), value: decodeURIComponent(pair.slice(equals + 1)), httpOnly: false, secure: false, sameSite: null, path: null, maxAge: null };
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const value = rest.join('=');
    switch (rawName.toLowerCase()) {
      case 'httponly': cookie.httpOnly = true; break;
      case 'secure': cookie.secure = true; break;
      case 'samesite': cookie.sameSite = value; break;
      case 'path': cookie.path = value; break;
      case 'max-age': cookie.maxAge = Number(value); break;
      default: break;
    }
  }
  return cookie;
}

/** A minimal cookie jar: what a browser sends back on the next request (paths ignored: one site). */
class CookieJar {
  private readonly values = new Map<string, string>();

  absorb(response: Pick<HttpResponse, 'setCookies'>): ParsedCookie[] {
    const parsed = response.setCookies.map(parseSetCookie);
    for (const cookie of parsed) {
      if (cookie.value === '' || cookie.maxAge === 0) this.values.delete(cookie.name);
      else this.values.set(cookie.name, cookie.value);
    }
    return parsed;
  }

  copy(): CookieJar {
    const twin = new CookieJar();
    for (const [name, value] of this.values) twin.values.set(name, value);
    return twin;
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
  }
}

function errorOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body) return String((body as { error: unknown }).error);
  return '';
}

export const attack = defineAttack({
  checks,
  preamble: 'Each file below is one app with the same routes: POST /auth/login, /auth/refresh, /auth/logout, GET /api/me, POST /api/email. '
    + 'The attack plays a browser with a cookie jar, an XSS payload that copies whatever a page script can read, and a thief replaying it. '
    + 'The app gets an injected clock that the attack moves forward, instead of sleeping through a token\'s life, and a signing secret made for this run and never printed.',
  async run(ctx, target) {
    const [{ default: jwt }, { default: cookieParser }, crypto, { client: redis, name: redisName }] = await Promise.all([
      import('jsonwebtoken'),
      import('cookie-parser'),
      import('node:crypto'),
      ctx.redis(),
    ]);
    let skewS = 0;
    const clock = { now: (): number => Math.floor(Date.now() / 1000) + skewS };
    const accessSecret = crypto.randomBytes(32);
    const accounts = {
      verify: (email: unknown, password: unknown): string | null => (email === ACCOUNT.email && password === ACCOUNT.password ? ACCOUNT.id : null),
    };
    const app = await target.start({ express: ctx.express, cookieParser, jwt, crypto, redis, clock, accessSecret, accounts });
    ctx.observe('refresh store', redisName);

    const seen: HttpResponse[] = [];
    const send = async (served: ServedApp, method: 'GET' | 'POST', path: string, jar?: CookieJar, json?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> => {
      const cookie = jar?.header();
      const response = await served.request({ method, path, json, headers: { ...headers, ...(cookie ? { cookie } : {}) } });
      seen.push(response);
      return response;
    };
    const credentials = { email: ACCOUNT.email, password: ACCOUNT.password };
    const login = async (jar: CookieJar): Promise<HttpResponse> => {
      const response = await send(app, 'POST', '/auth/login', jar, credentials);
      jar.absorb(response);
      return response;
    };

    // Anonymous: the challenge every 401 carries.
    const anonymous = await send(app, 'GET', '/api/me');
    const challenge = ctx.observe('anonymous GET /api/me', { status: anonymous.status, 'www-authenticate': anonymous.headers['www-authenticate'] ?? null });
    ctx.check('challengeOn401', anonymous.status === 401 && anonymous.headers['www-authenticate'] === 'Bearer realm="api"', challenge);

    // Login: what a page script could read.
    const browser = new CookieJar();
    const loggedIn = await send(app, 'POST', '/auth/login', browser, credentials);
    const cookies = browser.absorb(loggedIn);
    const tokenInBody = cookies.some((cookie) => cookie.value.length > 16 && loggedIn.text.includes(cookie.value))
      || /"(token|access_?token|jwt)"\s*:/i.test(loggedIn.text);
    const cookieFlags = ctx.observe('login cookies', Object.fromEntries(cookies.map((cookie) => [cookie.name,
      `${cookie.httpOnly ? 'HttpOnly' : 'script-readable'}, ${cookie.secure ? 'Secure' : 'not Secure'}, SameSite=${cookie.sameSite ?? 'unset'}, Path=${cookie.path ?? '/'}`])));
    ctx.observe('token in the JSON body', tokenInBody);
    const locked = cookies.length > 0 && cookies.every((cookie) => cookie.httpOnly && cookie.secure && cookie.sameSite !== null && cookie.sameSite.toLowerCase() !== 'none');
    ctx.check('tokenHiddenFromScripts', loggedIn.status === 200 && !tokenInBody && locked, cookieFlags, `status ${loggedIn.status}, token in body: ${String(tokenInBody)}`);
    const firstPair = browser.copy();

    // A thief copies a fresh session's cookies; the user logs out.
    const victim = new CookieJar();
    await login(victim);
    const stolen = victim.copy();
    const logout = await send(app, 'POST', '/auth/logout', victim);
    const replayMe = await send(app, 'GET', '/api/me', stolen);
    const replayRefresh = await send(app, 'POST', '/auth/refresh', stolen);
    const afterLogout = ctx.observe('stolen cookies after logout', { logout: logout.status, 'GET /api/me': replayMe.status, 'POST /auth/refresh': replayRefresh.status });
    ctx.check('logoutRevokes', replayMe.status === 401 && (replayRefresh.status === 401 || replayRefresh.status === 404), afterLogout);

    // Time passes: the clock moves past the longest access life the checks accept.
    skewS += ACCESS_MAX_S + 1;
    const expired = await send(app, 'GET', '/api/me', browser);
    ctx.observe(`GET /api/me ${ACCESS_MAX_S / 60} min later`, { status: expired.status, error: errorOf(expired.body) });
    ctx.check('accessExpiresInMinutes', expired.status === 401, expired.status);

    // Refresh rotates the pair.
    const refreshed = await send(app, 'POST', '/auth/refresh', browser);
    const renewed = browser.absorb(refreshed);
    const meAfterRefresh = await send(app, 'GET', '/api/me', browser);
    const rotation = ctx.observe('refresh', { status: refreshed.status, 'new cookies': renewed.map((cookie) => cookie.name), 'GET /api/me': meAfterRefresh.status });
    ctx.check('refreshRotates', refreshed.status === 204 && renewed.length >= 2 && meAfterRefresh.status === 200, rotation);

    // The thief replays the first, already rotated, refresh token.
    const replayed = await send(app, 'POST', '/auth/refresh', firstPair);
    const newest = await send(app, 'POST', '/auth/refresh', browser);
    const live = await send(app, 'GET', '/api/me', browser);
    const reuse = ctx.observe('replayed refresh, then the newest pair', { replayed: replayed.status, reason: errorOf(replayed.body), 'newest refresh': newest.status, 'GET /api/me': live.status });
    ctx.check('reuseRevokesFamily', replayed.status === 401 && newest.status === 401 && live.status === 401, reuse);

    // Senior: a forged form on a sibling subdomain is same-site, so SameSite still sends the cookies.
    const forgedSession = new CookieJar();
    await login(forgedSession);
    const forged = await send(app, 'POST', '/api/email', forgedSession, { email: 'attacker@evil.example' }, { origin: SIBLING_ORIGIN, 'sec-fetch-site': 'same-site' });
    const afterForged = (await send(app, 'GET', '/api/me', forgedSession)).body;
    const genuine = await send(app, 'POST', '/api/email', forgedSession, { email: 'ada@lovelace.example' }, { origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' });
    const afterGenuine = (await send(app, 'GET', '/api/me', forgedSession)).body;
    const emailOf = (body: unknown): string | null => (typeof body === 'object' && body !== null && 'email' in body ? String((body as { email: unknown }).email) : null);
    const crossSite = ctx.observe('forged same-site POST, then the app\'s own', {
      forged: forged.status, 'email after forged': emailOf(afterForged), genuine: genuine.status, 'email after genuine': emailOf(afterGenuine),
    } as { [key: string]: JsonValue });
    ctx.check('crossSiteWriteRefused', forged.status === 403 && emailOf(afterForged) === ACCOUNT.email && genuine.status === 204 && emailOf(afterGenuine) === 'ada@lovelace.example', crossSite);

    // Senior: two tabs refresh with one cookie at the same moment.
    const tabs = new CookieJar();
    await login(tabs);
    const racers = await ctx.concurrently(2, () => send(app, 'POST', '/auth/refresh', tabs));
    const statuses = racers.map((response) => response.status).sort((a, b) => a - b);
    const winner = racers.find((response) => response.status === 204);
    if (winner) tabs.absorb(winner);
    const winnerRefresh = await send(app, 'POST', '/auth/refresh', tabs);
    const race = ctx.observe('two refreshes at once', { statuses, "winner's next refresh": winnerRefresh.status });
    ctx.check('concurrentRefreshOneWins', statuses.join(',') === '204,401' && winnerRefresh.status === 401, race);

    // Nothing the server sent may contain the signing secret, in any encoding.
    const secretTexts = ['hex', 'base64', 'base64url'].map((encoding) => accessSecret.toString(encoding as BufferEncoding));
    const leaked = seen.filter((response) => secretTexts.some((text) => response.text.includes(text)
      || Object.values(response.headers).some((value) => value.includes(text)))).length;
    ctx.check('secretsStayServerSide', leaked === 0, ctx.observe('responses scanned for the secret', { responses: seen.length, leaked }));
  },
});
