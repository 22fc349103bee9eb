import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, HttpResponse, ServedApp } from '../src/runtime/context.js';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Options, Store, IncrementResponse, ClientRateLimitInfo } from 'express-rate-limit';
import type { Redis } from 'ioredis';

const WINDOW_MS = 10 * 60 * 1000;
const IP_LIMIT = 5;
const ACCOUNT_MAX_FAILS = 5;
const ACCOUNT_LOCK_S = 10 * 60;
const ATTACK_SIZE = 20;
// Cost 4 keeps 20+ logins per step fast; production uses a cost chosen from measured latency (≥10).
const DEMO_BCRYPT_COST = 4;

const email = 'grace@example.com';
const rightPassword = 'Compiler-A-0';

const naiveCode = `// NAIVE: unlimited guesses
app.post('/login', async (req, res) => {
  const { email, password } = req.body;
  const user = await User.findOne({ email }).lean();
  const ok = user !== null &&
    await bcrypt.compare(password, user.passwordHash);
  if (!ok) return res.status(401)
    .json({ error: 'invalid credentials' });
  res.json({ ok: true });
});`;

const limiterCode = `import { rateLimit } from 'express-rate-limit'; // v8
const loginLimiter = rateLimit({
  windowMs: 10 * 60 * 1000,
  limit: 5,                   // 'max' before v7
  standardHeaders: 'draft-8', // RateLimit(-Policy)
  legacyHeaders: false,       // no X-RateLimit-*
  identifier: 'login',        // the policy's name
  skipSuccessfulRequests: true, // count failures
});
app.post('/login', loginLimiter, login);`;

const trustProxyCode = `// WRONG: trusts any X-Forwarded-For: req.ip is what
// the client wrote, each forged address a new budget
app.set('trust proxy', true);
// RIGHT: trust exactly the hops you run (1 load
// balancer) or their addresses; with nothing in
// front, as in this demo, keep the default (false)
app.set('trust proxy', 1);`;

const accountLockCode = `// Failures per account in Redis: holds for any IP
const { email, password } = req.body;
// {"email":{"$ne":null}} would be a query operator
if (typeof email !== 'string' ||
    typeof password !== 'string')
  return res.status(400)
    .json({ error: 'invalid body' });
// counted for unknown e-mails too (no enumeration)
const key = \`login-fail:\${email.toLowerCase()}\`;
if (Number(await redis.get(key)) >= 5) {
  res.set('Retry-After', String(await redis.ttl(key)));
  return res.status(423)
    .json({ error: 'account temporarily locked' });
}
if (!(await checkCredentials(email, password))) {
  await redis.multi()
    .set(key, '0', 'EX', 10 * 60, 'NX').incr(key)
    .exec();
  return res.status(401)
    .json({ error: 'invalid credentials' });
}
await redis.del(key);
res.json({ ok: true });`;

const sharedStoreCode = `// PRODUCTION: the rate-limit-redis package.
// (The demo runs an equivalent in-file store.)
import { RedisStore } from 'rate-limit-redis';
const loginLimiter = rateLimit({
  ...options,
  store: new RedisStore({
    sendCommand: (command, ...args) =>
      redis.call(command, ...args),
  }),
});`;

interface LoginUser {
  email: string;
  passwordHash: string;
}

/** Counts statuses: { "401": 5, "429": 15 }. */
function tally(responses: HttpResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) counts[String(response.status)] = (counts[String(response.status)] ?? 0) + 1;
  return counts;
}

/**
 * A minimal Redis-backed store for express-rate-limit (what rate-limit-redis does, in a few lines):
 * counters live in Redis, so every app instance sees the same count.
 */
class SharedRedisStore implements Store {
  readonly prefix: string;
  readonly localKeys = false;
  private windowMs = WINDOW_MS;

  constructor(private readonly redis: Redis, prefix: string) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [hits, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
    if (hits === null) return undefined;
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async increment(key: string): Promise<IncrementResponse> {
    const result = await this.redis.multi()
      .set(this.prefix + key, '0', 'PX', this.windowMs, 'NX')
      .incr(this.prefix + key)
      .pttl(this.prefix + key)
      .exec();
    const totalHits = Number(result?.[1]?.[1] ?? 0);
    const ttl = Number(result?.[2]?.[1] ?? this.windowMs);
    return { totalHits, resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

async function runDemo(ctx: DemoContext): Promise<void> {
  const [{ default: bcrypt }, { rateLimit }, { client: redis, name: redisName }] = await Promise.all([
    import('bcrypt'),
    import('express-rate-limit'),
    ctx.redis(),
  ]);

  const User = ctx.db.model<LoginUser>('LoginUser', new ctx.mongoose.Schema<LoginUser>({
    email: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
  }));
  await User.init();
  await User.create({ email, passwordHash: await bcrypt.hash(rightPassword, DEMO_BCRYPT_COST) });

  async function checkCredentials(body: unknown): Promise<boolean> {
    const b = (body ?? {}) as { email?: unknown; password?: unknown };
    const user = await User.findOne({ email: String(b.email ?? '') }).lean();
    return user !== null && (await bcrypt.compare(String(b.password ?? ''), user.passwordHash));
  }

  async function login(req: Request, res: Response): Promise<void> {
    if (await checkCredentials(req.body)) {
      res.json({ ok: true });
      return;
    }
    res.status(401).json({ error: 'invalid credentials' });
  }

  /** Library warnings land here instead of the console, so the demo can show them as figures. */
  function capturingLogger(into: string[]): Options['logger'] {
    const record = (error: unknown): void => {
      const code = (error as { code?: unknown } | null)?.code;
      into.push(typeof code === 'string' ? code : String(error));
    };
    return { warn: record, error: record };
  }

  function loginLimiter(logger: Options['logger'], extra: Partial<Options> = {}): RequestHandler {
    return rateLimit({
      windowMs: WINDOW_MS,
      limit: IP_LIMIT,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: 'login',
      skipSuccessfulRequests: true,
      logger,
      ...extra,
    });
  }

  function makeApp(trustProxy: boolean, guards: RequestHandler[] = [], handler: RequestHandler = login): Express {
    const app = ctx.express();
    app.set('trust proxy', trustProxy);
    app.use(ctx.express.json());
    const seenIps = new Set<string>();
    app.locals['seenIps'] = seenIps;
    app.use((req, _res, next) => {
      seenIps.add(req.ip ?? '');
      next();
    });
    app.post('/login', ...guards, handler);
    return app;
  }

  const wrong = (i: number) => ({ email, password: `guess-${i}` });
  const right = { email, password: rightPassword };
  const spoofedIp = (i: number): Record<string, string> => ({ 'x-forwarded-for': `203.0.113.${i + 1}` });

  /** The attack: `size` wrong passwords, one at a time, then the right one. */
  async function attack(served: ServedApp, spoof: boolean, size = ATTACK_SIZE): Promise<{ guesses: HttpResponse[]; final: HttpResponse }> {
    const guesses: HttpResponse[] = [];
    for (let i = 0; i < size; i += 1) {
      guesses.push(await served.request({ method: 'POST', path: '/login', json: wrong(i), headers: spoof ? spoofedIp(i) : {} }));
    }
    const final = await served.request({ method: 'POST', path: '/login', json: right, headers: spoof ? spoofedIp(size) : {} });
    return { guesses, final };
  }

  await ctx.step('Naive: unlimited guesses', async () => {
    ctx.showCode('naive login route', naiveCode, 'ts');
    const served = await ctx.serve(makeApp(false));
    const { guesses, final } = await attack(served, false);
    const counts = ctx.observe('wrong passwords', tally(guesses));
    const finalStatus = ctx.observe('right password', final.status);
    ctx.check(`all ${ATTACK_SIZE} wrong guesses answered 401`, counts['401'] === ATTACK_SIZE, JSON.stringify(counts));
    ctx.check('the right password still gets in (200)', finalStatus === 200, `status ${finalStatus}`);
    ctx.say('Nothing slows the attacker: a password list is tried at network speed.');
  });

  await ctx.step('Fix: rate limit per IP', async () => {
    ctx.showCode('express-rate-limit 8 on the login route', limiterCode, 'ts');
    const warnings: string[] = [];
    const served = await ctx.serve(makeApp(false, [loginLimiter(capturingLogger(warnings))]));
    const { guesses, final } = await attack(served, false);
    const counts = ctx.observe('wrong passwords', tally(guesses));
    const firstBlocked = guesses.find((response) => response.status === 429);
    ctx.observe('1st RateLimit', guesses[0]?.headers['ratelimit'] ?? null);
    const rateLimitHeader = ctx.observe('429 RateLimit', firstBlocked?.headers['ratelimit'] ?? null);
    const policy = ctx.observe('429 Policy', firstBlocked?.headers['ratelimit-policy'] ?? null);
    const retryAfter = ctx.observe('429 Retry-After', firstBlocked?.headers['retry-after'] ?? null);
    ctx.observe('X-RateLimit-*', Object.keys(firstBlocked?.headers ?? {}).filter((name) => name.startsWith('x-ratelimit')).length);
    const finalStatus = ctx.observe('right password', final.status);
    ctx.observe('library warnings', warnings);
    const retrySeconds = Number(retryAfter);
    ctx.check(`first ${IP_LIMIT} guesses reach the handler (401)`, counts['401'] === IP_LIMIT, JSON.stringify(counts));
    ctx.check('every later guess is refused with 429', counts['429'] === ATTACK_SIZE - IP_LIMIT, JSON.stringify(counts));
    ctx.check('429 carries RateLimit with r=0', rateLimitHeader?.includes('r=0') === true, String(rateLimitHeader));
    ctx.check(`RateLimit-Policy announces q=${IP_LIMIT}`, policy?.includes(`q=${IP_LIMIT}`) === true, String(policy));
    ctx.check('Retry-After is a wait within the window', Number.isInteger(retrySeconds) && retrySeconds > 0 && retrySeconds <= WINDOW_MS / 1000, String(retryAfter));
    ctx.check('the right password is refused too while limited', finalStatus === 429, `status ${finalStatus}`);
    ctx.say('Refusing even the right password matters: a 200 would confirm a guess to the attacker.');
  });

  await ctx.step('Bypass: trust proxy true', async () => {
    ctx.showCode('trust proxy', trustProxyCode, 'ts');
    ctx.say('The attacker sends a different X-Forwarded-For on every request.');
    const warnings: string[] = [];
    const app = makeApp(true, [loginLimiter(capturingLogger(warnings))]);
    const served = await ctx.serve(app);
    const { guesses, final } = await attack(served, true);
    const counts = ctx.observe('wrong passwords', tally(guesses));
    const seen = ctx.observe('distinct req.ip', (app.locals['seenIps'] as Set<string>).size);
    const finalStatus = ctx.observe('right password', final.status);
    ctx.observe('library warnings', warnings);
    ctx.check('no guess was limited: all 401', counts['401'] === ATTACK_SIZE, JSON.stringify(counts));
    ctx.check('the right password gets in again (200)', finalStatus === 200, `status ${finalStatus}`);
    ctx.check('each forged header became a new req.ip', seen === ATTACK_SIZE + 1, `${seen} addresses`);
    ctx.check('express-rate-limit flagged the setting', warnings.includes('ERR_ERL_PERMISSIVE_TRUST_PROXY'), warnings.join(', '));
    ctx.say('The library\'s validate checks caught it; the demo captured them through the `logger` option.');
  });

  await ctx.step('Right trust proxy', async () => {
    const warnings: string[] = [];
    const served = await ctx.serve(makeApp(false, [loginLimiter(capturingLogger(warnings))]));
    const { guesses, final } = await attack(served, true, 2 * IP_LIMIT);
    const counts = ctx.observe('wrong passwords', tally(guesses));
    const finalStatus = ctx.observe('right password', final.status);
    ctx.observe('library warnings', warnings);
    ctx.check('forged X-Forwarded-For ignored: 429 after the limit', counts['401'] === IP_LIMIT && counts['429'] === IP_LIMIT, JSON.stringify(counts));
    ctx.check('the right password stays refused (429)', finalStatus === 429, `status ${finalStatus}`);
    ctx.say('With nothing in front of the app, the default (false) is right: req.ip is the socket address. The warning it triggers (X-Forwarded-For seen while trust proxy is false) is expected here because the header is forged; in production it means a proxy exists that the app was not told about.');
  });

  await ctx.step('Per-account lock', async () => {
    ctx.showCode('failed-attempt tracking per account', accountLockCode, 'ts');
    ctx.say(`A botnet has real distinct IPs. The demo emulates ${ATTACK_SIZE + 1} of them with trust proxy true, so the IP limiter cannot help; its trustProxy validation is disabled on purpose (validate: { trustProxy: false }) because here the setting is the emulation, not a mistake.`);
    ctx.observe('counter store', redisName);
    const warnings: string[] = [];
    const ipLimiter = loginLimiter(capturingLogger(warnings), { validate: { trustProxy: false } });
    const loginWithAccountLock: RequestHandler = async (req, res) => {
      const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
      if (typeof body.email !== 'string' || typeof body.password !== 'string') {
        res.status(400).json({ error: 'invalid body' });
        return;
      }
      const key = `login-fail:${body.email.toLowerCase()}`;
      if (Number(await redis.get(key)) >= ACCOUNT_MAX_FAILS) {
        res.set('Retry-After', String(await redis.ttl(key)));
        res.status(423).json({ error: 'account temporarily locked' });
        return;
      }
      if (await checkCredentials(req.body)) {
        await redis.del(key);
        res.json({ ok: true });
        return;
      }
      await redis.multi().set(key, '0', 'EX', ACCOUNT_LOCK_S, 'NX').incr(key).exec();
      res.status(401).json({ error: 'invalid credentials' });
    };
    const app = makeApp(true, [ipLimiter], loginWithAccountLock);
    const served = await ctx.serve(app);
    const { guesses, final } = await attack(served, true);
    const counts = ctx.observe('wrong passwords', tally(guesses));
    const seen = ctx.observe('distinct req.ip', (app.locals['seenIps'] as Set<string>).size);
    const finalStatus = ctx.observe('right password', final.status);
    const retryAfter = ctx.observe('423 Retry-After', final.headers['retry-after'] ?? null);
    const failures = ctx.observe('failures stored', Number(await redis.get(`login-fail:${email}`)));
    // An operator object as e-mail, from an address the attack already used (one failure there so far).
    const injected = await served.request({
      method: 'POST', path: '/login', json: { email: { $ne: null }, password: 'x' }, headers: spoofedIp(0),
    });
    const injectedStatus = ctx.observe('operator e-mail', injected.status);
    ctx.observe('library warnings', warnings);
    ctx.check(`first ${ACCOUNT_MAX_FAILS} guesses answered 401`, counts['401'] === ACCOUNT_MAX_FAILS, JSON.stringify(counts));
    ctx.check('the account locks: later guesses 423', counts['423'] === ATTACK_SIZE - ACCOUNT_MAX_FAILS, JSON.stringify(counts));
    ctx.check('the lock holds across every IP', seen === ATTACK_SIZE + 1, `${seen} addresses`);
    ctx.check('the right password is refused while locked', finalStatus === 423, `status ${finalStatus}`);
    ctx.check('Retry-After tells when the lock ends', Number(retryAfter) > 0 && Number(retryAfter) <= ACCOUNT_LOCK_S, String(retryAfter));
    ctx.check('counting stopped at the lock threshold', failures === ACCOUNT_MAX_FAILS, `${failures}`);
    ctx.check('an operator object as e-mail is refused with 400', injectedStatus === 400, `status ${injectedStatus}`);
    ctx.check('the deliberately disabled validation stayed quiet', warnings.length === 0, warnings.join(', '));
  });

  await ctx.step('Several instances', async () => {
    ctx.showCode('shared store', sharedStoreCode, 'ts');
    ctx.say('Two app instances behind a load balancer; the attacker alternates between them.');
    ctx.say(`The code above is what production would use. rate-limit-redis is not installed here, so the demo runs an equivalent store written in this scenario (SET NX with the window as expiry, then INCR) over the same Redis client: ${redisName}.`);
    const warnings: string[] = [];
    const run = async (shared: boolean): Promise<Record<string, number>> => {
      const limiterFor = (instance: number): RequestHandler => loginLimiter(capturingLogger(warnings), shared
        ? { store: new SharedRedisStore(redis, 'rl-login:') }
        : { identifier: `login-${instance}` });
      const instances = [await ctx.serve(makeApp(false, [limiterFor(0)])), await ctx.serve(makeApp(false, [limiterFor(1)]))];
      const responses: HttpResponse[] = [];
      for (let i = 0; i < 2 * IP_LIMIT + 2; i += 1) {
        const target = instances[i % 2];
        if (target) responses.push(await target.request({ method: 'POST', path: '/login', json: wrong(i) }));
      }
      return tally(responses);
    };
    const perProcess = ctx.observe('memory stores', await run(false));
    const shared = ctx.observe('shared Redis store', await run(true));
    ctx.observe('in-file store on', redisName);
    ctx.observe('library warnings', warnings);
    ctx.check(`per-process counters let through ${2 * IP_LIMIT} guesses`, perProcess['401'] === 2 * IP_LIMIT, JSON.stringify(perProcess));
    ctx.check(`a shared store holds the limit at ${IP_LIMIT}`, shared['401'] === IP_LIMIT, JSON.stringify(shared));
    ctx.say('N instances with in-memory counters multiply the limit by N; put the counters in Redis.');
  });
}

export const scenario = defineScenario({
  id: 33,
  slug: 'brute-force-login',
  title: 'Protecting login from brute force',
  tags: ['security', 'auth', 'express', 'redis'],
  summary: 'Rate-limit login per IP (with trust proxy set right) and lock accounts after repeated failures.',
  question:
    'Your login endpoint answers every attempt as fast as it can. How do you stop an attacker from guessing '
    + 'passwords, including one who rotates IP addresses?',
  answer: {
    reasoning: [
      'Without limits an attacker tries a password list at network speed, and the endpoint answers each guess '
        + 'with 401 until one gets 200. The first layer is a rate limiter on the login route: express-rate-limit 8 '
        + 'with `windowMs`, `limit` (renamed from `max` in v7; `max` still works but is deprecated), `standardHeaders: \'draft-8\'` and '
        + '`legacyHeaders: false`. Past the limit it answers 429 Too Many Requests with the IETF `RateLimit` and '
        + '`RateLimit-Policy` headers and `Retry-After`, and it refuses even the right password, which is what makes '
        + 'the limit bite. `skipSuccessfulRequests: true` counts only failed logins.',
      'An IP limit is only as good as `req.ip`. Behind a load balancer the socket address is the balancer, so '
        + 'Express is told to read X-Forwarded-For through the `trust proxy` setting. Setting it to `true` trusts the '
        + 'left-most address a client wrote itself, so every forged header gets a fresh budget. Set it to the exact '
        + 'number of proxy hops (e.g. 1) or their addresses; express-rate-limit 8 validates this at runtime and '
        + 'reports ERR_ERL_PERMISSIVE_TRUST_PROXY.',
      'Even with correct IPs, botnets and residential proxies spread guesses over thousands of addresses. So the '
        + 'second layer tracks failures per account (the submitted e-mail, normalised, whether or not it exists, so '
        + 'the lock does not reveal which accounts exist) and locks it for a while after N failures, answering 423 '
        + 'Locked (or 429) with Retry-After, across all IPs, again refusing even the right password.',
      'Both counters must live in a shared store such as Redis (rate-limit-redis for express-rate-limit) when '
        + 'several instances run: in-memory counters are per process, so N instances multiply the limit by N. Keys '
        + 'need a TTL equal to the window so they clean themselves up.',
    ],
    keyPoints: [
      {
        text: 'Rate-limit the login route (express-rate-limit: windowMs, limit) and answer 429 past the limit.',
        terms: [['rate limit', 'rate-limit', 'ratelimit', 'throttl'], ['429', 'too many requests']],
      },
      {
        text: 'Send standard RateLimit / RateLimit-Policy headers and Retry-After so clients know when to retry.',
        terms: [['retry-after', 'retry after'], ['ratelimit header', 'ratelimit-policy', 'standardheaders', 'draft-8', 'draft-7']],
      },
      {
        text: 'Configure trust proxy to the real proxy hops; `true` lets a forged X-Forwarded-For bypass IP limits.',
        terms: [['trust proxy'], ['x-forwarded-for', 'xff', 'spoof', 'forged']],
      },
      {
        text: 'Track failed attempts per account and lock it temporarily, independent of IP (423/429).',
        terms: [['per account', 'per-account', 'per user', 'per-user', 'account lock', 'lockout', 'failed attempt'],
          ['per ip', 'ip address', 'any ip', 'across ip', 'distributed', 'botnet']],
      },
      {
        text: 'Keep counters in a shared store (Redis, rate-limit-redis) when several instances run.',
        terms: [['redis', 'shared store', 'rate-limit-redis']],
      },
      {
        text: 'Add CAPTCHA or progressive backoff after repeated failures instead of hard locks alone.',
        terms: [['captcha', 'backoff', 'exponential', 'delay']],
      },
    ],
    code: [
      { title: 'Naive: unlimited guesses', language: 'ts', code: naiveCode },
      { title: 'Fix 1: express-rate-limit 8 on the login route', language: 'ts', code: limiterCode },
      { title: 'trust proxy: wrong and right', language: 'ts', code: trustProxyCode },
      { title: 'Fix 2: per-account failure tracking with a lock', language: 'ts', code: accountLockCode },
      { title: 'Shared counters for several instances', language: 'ts', code: sharedStoreCode },
    ],
    seniorNotes: [
      'A hard account lock is itself a denial-of-service lever: anyone can lock out a victim by failing on purpose. '
        + 'Prefer escalating measures: progressive backoff (1 s, 2 s, 4 s… per account), then a CAPTCHA challenge '
        + 'after a few failures, and a short lock only as the last step; notify the user and offer a reset link.',
      'Count failures for unknown e-mails too and answer them exactly like known ones (same status, same message, '
        + 'similar timing by running a dummy bcrypt compare), or the lock and the latency reveal which accounts exist.',
      'Credential stuffing tries one password per account across millions of accounts: per-account limits do not '
        + 'see it. Global failure-rate monitoring, breached-password checks and MFA are the answers there.',
      'Run both limiters against Redis (rate-limit-redis) with keys that expire with the window; decide whether the '
        + 'login should fail open or closed when Redis is down (express-rate-limit: passOnStoreError).',
      'Set trust proxy from the real topology (hop count or the load balancer\'s CIDR), and keep '
        + 'express-rate-limit\'s validations on; disable a single check only where you did it deliberately, as the '
        + 'botnet emulation in this demo does.',
      'Validate the body\'s types (zod) or enable `mongoose.set(\'sanitizeFilter\', true)`: `{ "email": { "$ne": null } }` '
        + 'is a query operator, not an address. Passed to findOne({ email }) it matches the first user; in the lock code, '
        + 'email.toLowerCase() would throw and turn the request into a 500. The demo answers it with 400.',
      '423 Locked comes from WebDAV (RFC 4918); many APIs answer 429 for both the IP limit and the account lock, so '
        + 'clients have a single retry path driven by Retry-After.',
      'Check-then-increment on the account counter has a small race (parallel guesses can overshoot by a few); an '
        + 'atomic INCR first and a decision on its result, or a Lua script, closes it.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'With express-rate-limit (limit 5) on /login, what does the 6th wrong attempt from one IP get?',
        options: [
          { text: '401 Unauthorized', correct: false, explanation: 'The limiter answers before the handler runs, so no credential check happens.' },
          { text: '429 Too Many Requests with Retry-After', correct: true, explanation: 'The demo shows 429 with RateLimit (r=0), RateLimit-Policy and Retry-After.' },
          { text: '403 Forbidden', correct: false, explanation: '403 means authenticated but not allowed; rate limiting uses 429.' },
          { text: '503 Service Unavailable', correct: false, explanation: '503 describes the server being unable to serve, not the client exceeding a limit.' },
        ],
      },
      {
        prompt: 'Why does `app.set(\'trust proxy\', true)` break IP rate limiting?',
        options: [
          {
            text: 'req.ip then comes from the client-controlled X-Forwarded-For header, so each forged address gets a new budget.',
            correct: true,
            explanation: 'The demo sends 20 forged addresses: 20 distinct req.ip values, no 429, and the right password gets 200.',
          },
          {
            text: 'It disables express-rate-limit entirely.',
            correct: false,
            explanation: 'The limiter still runs; it is just counting per forged address.',
          },
          {
            text: 'It makes req.ip the load balancer\'s address for everyone.',
            correct: false,
            explanation: 'That is the problem of NOT trusting a real proxy: everyone shares one budget.',
          },
        ],
      },
      {
        prompt: 'An attacker uses a botnet with thousands of real IPs against one account. What stops them?',
        options: [
          { text: 'A stricter per-IP limit.', correct: false, explanation: 'Each IP stays under any per-IP limit.' },
          {
            text: 'Per-account failure tracking with a temporary lock (and CAPTCHA/backoff).',
            correct: true,
            explanation: 'The demo\'s lock triggers after 5 failures across 21 different addresses and refuses even the right password.',
          },
          { text: 'Setting trust proxy to false.', correct: false, explanation: 'That only stops forged headers; real distinct IPs remain distinct.' },
          { text: 'Returning 404 instead of 401.', correct: false, explanation: 'Changing the status code does not stop guessing.' },
        ],
      },
      {
        prompt: 'Three app instances each use express-rate-limit\'s default MemoryStore with limit 5. How many guesses per window can an attacker make?',
        options: [
          { text: '5', correct: false, explanation: 'Only with a shared store; each memory store counts on its own.' },
          { text: 'Up to 15', correct: true, explanation: 'Each process allows 5; the demo shows 2 instances letting 10 through, a shared Redis store only 5.' },
          { text: 'Unlimited', correct: false, explanation: 'Each instance still enforces its own limit.' },
        ],
      },
      {
        prompt: 'While the account is locked, the attacker finally sends the right password. What should the API answer?',
        options: [
          { text: '200, since the password is correct.', correct: false, explanation: 'That would tell the attacker the guess was right, making the lock useless.' },
          { text: 'The same lock answer (423/429 with Retry-After).', correct: true, explanation: 'The decision comes before the password check, so the right password learns nothing.' },
          { text: '401, as for any wrong password.', correct: false, explanation: 'A 401 would tell a real user their correct password is wrong and hide the lock; answer with the lock status so they know to wait or reset, and so the attacker learns nothing either way.' },
        ],
      },
    ],
  },
  demo: {
    run: runDemo,
  },
});
