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
  if (!ok) {
    // every 401 names its scheme (RFC 9110)
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    return res.status(401)
      .json({ error: 'invalid credentials' });
  }
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
  // the 10 minutes run from the FIRST failure
  await redis.multi()
    .set(key, '0', 'EX', 10 * 60, 'NX').incr(key)
    .exec();
  res.set('WWW-Authenticate', 'Bearer realm="api"');
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

const timingCode = `// Unknown e-mail: compare against a dummy hash, so
// every login costs one bcrypt compare
const dummyHash = await bcrypt.hash(
  randomBytes(16).toString('hex'), COST);
async function checkCredentials(email, password) {
  const user = await User.findOne({ email }).lean();
  const ok = await bcrypt.compare(password,
    user?.passwordHash ?? dummyHash);
  return user !== null && ok;
}`;

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
  const [{ default: bcrypt }, { rateLimit, ipKeyGenerator }, { randomBytes }, { client: redis, name: redisName }] = await Promise.all([
    import('bcrypt'),
    import('express-rate-limit'),
    import('node:crypto'),
    ctx.redis(),
  ]);

  const User = ctx.db.model<LoginUser>('LoginUser', new ctx.mongoose.Schema<LoginUser>({
    email: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
  }));
  await User.init();
  await User.create({ email, passwordHash: await bcrypt.hash(rightPassword, DEMO_BCRYPT_COST) });

  // Counted, so the demo can show how much work a login does for known and unknown e-mails: a
  // count is deterministic where a latency difference of a few milliseconds would not be.
  let bcryptCompares = 0;
  const compare = (password: string, hash: string): Promise<boolean> => {
    bcryptCompares += 1;
    return bcrypt.compare(password, hash);
  };
  const dummyHash = await bcrypt.hash(randomBytes(16).toString('hex'), DEMO_BCRYPT_COST);

  /** The naive check: an unknown e-mail short-circuits before bcrypt, and answers faster. */
  async function checkCredentialsShortCircuit(body: unknown): Promise<boolean> {
    const b = (body ?? {}) as { email?: unknown; password?: unknown };
    const user = await User.findOne({ email: String(b.email ?? '') }).lean();
    return user !== null && (await compare(String(b.password ?? ''), user.passwordHash));
  }

  /** The fixed check: one bcrypt compare per login, whether or not the account exists. */
  async function checkCredentials(body: unknown): Promise<boolean> {
    const b = (body ?? {}) as { email?: unknown; password?: unknown };
    const user = await User.findOne({ email: String(b.email ?? '') }).lean();
    const ok = await compare(String(b.password ?? ''), user?.passwordHash ?? dummyHash);
    return user !== null && ok;
  }

  // RFC 9110 §15.5.2: a 401 names the scheme to authenticate with; the decided one for this API.
  function invalidCredentials(res: Response): void {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    res.status(401).json({ error: 'invalid credentials' });
  }

  async function login(req: Request, res: Response): Promise<void> {
    if (await checkCredentialsShortCircuit(req.body)) {
      res.json({ ok: true });
      return;
    }
    invalidCredentials(res);
  }

  async function timingSafeLogin(req: Request, res: Response): Promise<void> {
    if (await checkCredentials(req.body)) {
      res.json({ ok: true });
      return;
    }
    invalidCredentials(res);
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
    const challenge = ctx.observe('401 WWW-Authenticate', guesses[0]?.headers['www-authenticate'] ?? null);
    const finalStatus = ctx.observe('right password', final.status);
    ctx.check(`all ${ATTACK_SIZE} wrong guesses answered 401`, counts['401'] === ATTACK_SIZE, JSON.stringify(counts));
    ctx.check('each 401 names its scheme (WWW-Authenticate)', challenge === 'Bearer realm="api"', String(challenge));
    ctx.check('the right password still gets in (200)', finalStatus === 200, `status ${finalStatus}`);
    ctx.say('Nothing slows the attacker: a password list is tried at network speed.');
  }, { shows: 'failure' });

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
    // express-rate-limit 8 keys IPv6 clients by subnet (ipv6Subnet, default /56): one home or
    // cloud host holds a whole /64, so per-address budgets would be free to multiply.
    const sameSubnet = [ipKeyGenerator('2001:db8:0:12::1'), ipKeyGenerator('2001:db8:0:34::9')];
    ctx.observe('IPv6 keys (/56)', sameSubnet);
    ctx.check('two IPv6 addresses in one /56 share one budget', sameSubnet[0] === sameSubnet[1], sameSubnet.join(' vs '));
  }, { shows: 'fix' });

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
  }, { shows: 'failure' });

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
  }, { shows: 'fix' });

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
      invalidCredentials(res);
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
  }, { shows: 'fix' });

  const warnings: string[] = [];
  /** Two instances behind a balancer, the attacker alternating; per-process or shared counters. */
  const runTwoInstances = async (shared: boolean): Promise<Record<string, number>> => {
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
  await ctx.step('Several instances: memory stores', async () => {
    ctx.say('Two app instances behind a load balancer; the attacker alternates between them. Each instance '
      + 'keeps its counters in its own memory (the default MemoryStore).');
    const perProcess = ctx.observe('memory stores', await runTwoInstances(false));
    ctx.check(`per-process counters let through ${2 * IP_LIMIT} guesses`, perProcess['401'] === 2 * IP_LIMIT, JSON.stringify(perProcess));
    ctx.say('N instances with in-memory counters multiply the limit by N.');
  }, { shows: 'failure' });

  await ctx.step('Fix: one shared Redis store', async () => {
    ctx.showCode('shared store', sharedStoreCode, 'ts');
    ctx.say(`The code above is what production would use. rate-limit-redis is not installed here, so the demo runs an equivalent store written in this scenario (SET NX with the window as expiry, then INCR) over the same Redis client: ${redisName}.`);
    const shared = ctx.observe('shared Redis store', await runTwoInstances(true));
    ctx.observe('in-file store on', redisName);
    ctx.observe('library warnings', warnings);
    ctx.check(`a shared store holds the limit at ${IP_LIMIT}`, shared['401'] === IP_LIMIT, JSON.stringify(shared));
  }, { shows: 'fix' });

  /** Logs in `count` times with a wrong password and returns how many bcrypt compares that cost. */
  const comparesFor = async (served: ServedApp, who: string, count: number): Promise<{ compares: number; answers: string[] }> => {
    const before = bcryptCompares;
    const answers: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const response = await served.request({ method: 'POST', path: '/login', json: { email: who, password: `guess-${i}` } });
      answers.push(`${response.status} ${response.text}`);
    }
    return { compares: bcryptCompares - before, answers };
  };
  const probes = 3;
  const unknownEmail = 'nobody@example.com';

  await ctx.step('Senior: unknown e-mails skip bcrypt', async () => {
    ctx.say(`The naive check returns before bcrypt when no user matches, so an unknown e-mail answers faster: a timing oracle that tells which accounts exist. The demo counts bcrypt compares (deterministic) rather than timing milliseconds (noisy): ${probes} wrong logins each.`);
    const served = await ctx.serve(makeApp(false, [], login));
    const known = await comparesFor(served, email, probes);
    const unknown = await comparesFor(served, unknownEmail, probes);
    ctx.observe('compares, known e-mail', known.compares);
    ctx.observe('compares, unknown e-mail', unknown.compares);
    ctx.check('an unknown e-mail costs no bcrypt work: the latency gives it away', known.compares === probes && unknown.compares === 0,
      `known ${known.compares}, unknown ${unknown.compares}`);
  }, { shows: 'failure', senior: true });

  await ctx.step('Senior fix: dummy compare', async () => {
    ctx.showCode('the same work for every e-mail', timingCode, 'ts');
    const served = await ctx.serve(makeApp(false, [], timingSafeLogin));
    const known = await comparesFor(served, email, probes);
    const unknown = await comparesFor(served, unknownEmail, probes);
    ctx.observe('compares, known e-mail', known.compares);
    ctx.observe('compares, unknown e-mail', unknown.compares);
    ctx.observe('answer, unknown e-mail', unknown.answers[0] ?? null);
    ctx.check('every login costs one bcrypt compare, known or not', known.compares === probes && unknown.compares === probes,
      `known ${known.compares}, unknown ${unknown.compares}`);
    ctx.check('and the answers are identical', known.answers.join() === unknown.answers.join(), `${known.answers[0]} vs ${unknown.answers[0]}`);
    ctx.say('The per-account lock above uses this check, and counts failures for unknown e-mails too, so neither its latency nor its lock reveals an account.');
  }, { shows: 'fix', senior: true });
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
    short:
      'Two layers: a rate limit per client IP on the login route (429 with Retry-After, even for the right password), '
      + 'with `trust proxy` set to the real proxy hops so a forged X-Forwarded-For cannot reset it; and a failure '
      + 'counter per account that locks or slows it across all IPs, because botnets rotate addresses. Both counters '
      + 'live in Redis so every instance shares them, and unknown e-mails get the same answer and the same work.',
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
      'Do not let the login reveal which accounts exist: the same status and message for an unknown e-mail, failures '
        + 'counted for it too, and the same work, because returning before bcrypt makes unknown e-mails answer measurably '
        + 'faster. Comparing against a dummy hash costs every login one compare. Every 401 also carries '
        + '`WWW-Authenticate: Bearer realm="api"`, the challenge RFC 9110 asks of it.',
    ],
    keyPoints: [
      {
        text: 'Rate-limit the login route (express-rate-limit: windowMs, limit) and answer 429 past the limit.',
        terms: [['rate limit', 'rate-limit', 'ratelimit', 'throttl'], ['429', 'too many requests']],
        provenBy: 'Fix: rate limit',
      },
      {
        text: 'Send standard RateLimit / RateLimit-Policy headers and Retry-After so clients know when to retry.',
        terms: [['retry-after', 'retry after'], ['ratelimit header', 'ratelimit-policy', 'standardheaders', 'draft-8', 'draft-7']],
        provenBy: 'Fix: rate limit',
      },
      {
        text: 'Configure trust proxy to the real proxy hops; `true` lets a forged X-Forwarded-For bypass IP limits.',
        terms: [['trust proxy'], ['x-forwarded-for', 'xff', 'spoof', 'forged']],
        provenBy: 'Bypass',
      },
      {
        text: 'Track failed attempts per account and lock it temporarily, independent of IP (423/429).',
        terms: [['per account', 'per-account', 'per user', 'per-user', 'account lock', 'lockout', 'failed attempt'],
          ['per ip', 'ip address', 'any ip', 'across ip', 'distributed', 'botnet']],
        provenBy: 'Per-account',
      },
      {
        text: 'Keep counters in a shared store (Redis, rate-limit-redis) when several instances run.',
        terms: [['redis', 'shared store', 'rate-limit-redis']],
        provenBy: 'Fix: one shared',
      },
      {
        text: 'Add CAPTCHA or progressive backoff after repeated failures instead of hard locks alone.',
        terms: [['captcha', 'backoff', 'exponential', 'delay']],
      },
      {
        text: 'No account enumeration: the same answer and the same bcrypt work for unknown e-mails (a dummy hash).',
        terms: [['enumerat', 'unknown e-mail', 'unknown email', 'exist'], ['dummy', 'same answer', 'same response', 'timing', 'constant']],
        provenBy: 'Senior fix: dummy',
      },
    ],
    code: [
      { title: 'Naive: unlimited guesses', language: 'ts', code: naiveCode },
      { title: 'Fix 1: express-rate-limit 8 on the login route', language: 'ts', code: limiterCode },
      { title: 'trust proxy: wrong and right', language: 'ts', code: trustProxyCode },
      { title: 'Fix 2: per-account failure tracking with a lock', language: 'ts', code: accountLockCode },
      { title: 'Shared counters for several instances', language: 'ts', code: sharedStoreCode },
      { title: 'The same bcrypt work for unknown e-mails', language: 'ts', code: timingCode },
    ],
    seniorNotes: [
      'A hard account lock is itself a denial-of-service lever: anyone can lock out a victim by failing on purpose. '
        + 'Prefer escalating measures: progressive backoff (1 s, 2 s, 4 s… per account), then a CAPTCHA challenge '
        + 'after a few failures, and a short lock only as the last step; notify the user and offer a reset link.',
      'IPv6 and shared addresses: one home or cloud host gets a whole /64, so express-rate-limit 8 keys IPv6 clients '
        + 'by subnet (`ipv6Subnet`, /56 by default, as the demo checks). The opposite problem is carrier-grade NAT and '
        + 'office networks, where hundreds of honest users share one IPv4 address: keep the per-IP limit generous and let '
        + 'the per-account layer do the precise work.',
      'The account lock here expires ten minutes after the FIRST failure (SET NX EX, then INCR), not ten minutes after '
        + 'locking. Say which you mean; to lock from the moment of locking, EXPIRE the key again when the count reaches '
        + 'the threshold.',
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
            text: 'req.ip comes from a header the client writes, so each forged value is a new budget.',
            correct: true,
            explanation: 'With true, Express takes the left-most X-Forwarded-For address. The demo sends 20 forged addresses: 20 distinct req.ip values, no 429, and the right password gets 200.',
          },
          {
            text: 'express-rate-limit skips every request that arrives through a proxy it was told to trust.',
            correct: false,
            explanation: 'The limiter still runs (and warns, ERR_ERL_PERMISSIVE_TRUST_PROXY); it is just counting per forged address.',
          },
          {
            text: 'req.ip becomes the load balancer\'s address, so all users share one budget.',
            correct: false,
            explanation: 'That is the problem of NOT trusting a real proxy: everyone shares one budget.',
          },
        ],
      },
      {
        prompt: 'An attacker uses a botnet with thousands of real IPs against one account. What stops them?',
        options: [
          { text: 'A per-IP limit of one guess per minute instead of five per ten minutes.', correct: false, explanation: 'Each IP stays under any per-IP limit; a stricter one mostly hurts users behind shared addresses.' },
          {
            text: 'Counting failures per account, with backoff or a lock.',
            correct: true,
            explanation: 'The demo\'s lock triggers after 5 failures across 21 different addresses and refuses even the right password. CAPTCHA and progressive backoff soften it.',
          },
          { text: 'Setting trust proxy to false, so forwarded addresses are ignored.', correct: false, explanation: 'That only stops forged headers; real distinct IPs remain distinct.' },
        ],
      },
      {
        prompt: 'Three app instances each use express-rate-limit\'s default MemoryStore with limit 5. How many guesses per window can an attacker make?',
        options: [
          { text: '5: the load balancer shares the counters', correct: false, explanation: 'Only with a shared store; each memory store counts on its own.' },
          { text: 'Up to 15', correct: true, explanation: 'Each process allows 5; the demo shows 2 instances letting 10 through, a shared Redis store only 5.' },
          { text: 'Unlimited: counters reset on every hop', correct: false, explanation: 'Each instance still enforces its own limit.' },
        ],
      },
      {
        prompt: 'While the account is locked, the attacker finally sends the right password. What should the API answer?',
        options: [
          { text: '200: a correct password proves the caller is the owner, so it should lift the lock.', correct: false, explanation: 'That would tell the attacker the guess was right, making the lock useless.' },
          { text: 'The lock answer: 423 or 429 with Retry-After.', correct: true, explanation: 'The decision comes before the password check, so the right password learns nothing.' },
          { text: '401, exactly as for any wrong password, so the lock stays hidden.', correct: false, explanation: 'A 401 would tell a real user their correct password is wrong and hide the lock; answer with the lock status so they know to wait or reset, and so the attacker learns nothing either way.' },
        ],
      },
      {
        prompt: 'Login answers 401 for both unknown e-mails and wrong passwords, with the same message. How can an attacker still tell which e-mails have accounts?',
        options: [
          { text: 'Unknown e-mails skip bcrypt, so they answer faster.', correct: true, explanation: 'A timing oracle: the demo counts 0 bcrypt compares for an unknown e-mail and 1 for a known one, then fixes it with a dummy hash.' },
          { text: 'They cannot: identical status codes and bodies hide everything an attacker can see.', correct: false, explanation: 'Latency is observable too, and so is a lock that only ever triggers for real accounts.' },
          { text: 'MongoDB adds a header naming the collection when findOne matches a document.', correct: false, explanation: 'The database never talks to the HTTP client; the app decides every header.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'The attacker has a botnet of ten thousand residential IPs. What does your per-IP limit do now?',
      answer:
        'Almost nothing: each address stays under the limit. The per-account layer is what holds, counting failures per '
        + 'normalised e-mail in Redis regardless of the source address, as the demo shows across 21 addresses. I pair it '
        + 'with progressive backoff or a CAPTCHA rather than only a hard lock, and watch the global failure rate to see '
        + 'the attack as a whole.',
      keyPoints: [
        { text: 'Per-IP limits miss distributed attacks.', terms: [['botnet', 'distributed', 'many ip', 'each ip', 'per-ip', 'per ip']] },
        { text: 'Count failures per account across all IPs.', terms: [['per account', 'per-account', 'per user', 'account']] },
        { text: 'Backoff or CAPTCHA; global failure-rate monitoring.', terms: [['backoff', 'captcha', 'delay', 'monitor', 'alert']] },
      ],
      probes: 3,
      kind: 'probe',
      shownBy: 'Per-account',
    },
    {
      question: 'You run the app behind one load balancer. How do you set trust proxy, and what goes wrong with true?',
      answer:
        'Set it to the number of proxies I run (1) or their addresses, so req.ip is the address the balancer saw. With '
        + '`true` Express takes the left-most X-Forwarded-For entry, which the client writes itself: every forged value '
        + 'is a fresh rate-limit budget, as the demo shows with 21 distinct req.ip values. express-rate-limit 8 warns '
        + 'about it (ERR_ERL_PERMISSIVE_TRUST_PROXY); keep those validations on.',
      keyPoints: [
        { text: 'Trust exactly the hops you run (hop count or addresses).', terms: [['trust proxy'], ['1', 'hop', 'cidr', 'address of the']] },
        { text: 'true trusts a client-written X-Forwarded-For: forged addresses bypass the limit.', terms: [['x-forwarded-for', 'xff', 'forged', 'spoof']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Bypass',
    },
    {
      question: 'Anyone can lock any account by failing five times on purpose. How do you stop the lock from becoming a denial of service?',
      answer:
        'Escalate instead of slamming the door: after a few failures add a growing delay per account, then a CAPTCHA, '
        + 'and only then a short lock, with an e-mail to the owner and a reset link that still works. Requests from a '
        + 'device or IP that has logged in successfully before can get a separate, larger budget, so a victim is not '
        + 'locked out by a stranger. MFA makes a guessed password far less useful in the first place.',
      keyPoints: [
        { text: 'Progressive backoff and CAPTCHA before a hard lock.', terms: [['backoff', 'delay', 'captcha', 'progressive']] },
        { text: 'Known devices/IPs keep their own budget; notify the owner; reset still works.', terms: [['known device', 'trusted device', 'device', 'notify', 'e-mail', 'email', 'reset']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'How do attackers learn which e-mails have accounts at all, and how does your login avoid telling them?',
      answer:
        'Through any difference: a different message, a lock that only triggers for real accounts, or timing, because '
        + 'a login that returns before bcrypt answers unknown e-mails faster. I answer both cases with the same 401 and '
        + 'body, count failures for unknown e-mails too, and compare against a dummy hash so every login costs one '
        + 'bcrypt compare; the demo counts the compares before and after. Sign-up and password reset need the same care.',
      keyPoints: [
        { text: 'Same status and body; failures counted for unknown e-mails.', terms: [['same', 'identical'], ['unknown', 'not exist', 'enumerat']] },
        { text: 'Timing: a dummy bcrypt compare for unknown e-mails.', terms: [['timing', 'faster', 'latency'], ['dummy', 'fake hash', 'always compare']] },
      ],
      probes: 6,
      kind: 'security',
      shownBy: 'Senior: unknown',
    },
    {
      question: 'Credential stuffing: one password per account across a million accounts, from many IPs. Which of your layers sees it?',
      answer:
        'Neither, really: each account sees one failure and each IP a handful. What works is global: monitor the '
        + 'failure rate and the share of logins from known-breached credentials, check passwords against breach lists at '
        + 'sign-up and login (k-anonymity APIs such as Have I Been Pwned), offer or require MFA, and add bot detection '
        + 'or a CAPTCHA when the global failure rate spikes.',
      keyPoints: [
        { text: 'Per-account and per-IP limits miss low-and-slow stuffing.', terms: [['stuffing', 'one attempt', 'one password', 'low and slow']] },
        { text: 'Global failure-rate monitoring, breached-password checks, MFA.', terms: [['global', 'monitor', 'breach', 'pwned', 'mfa', 'two-factor', '2fa']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Redis is down. Does login fail open or closed?',
      answer:
        'It is a decision, not an accident. express-rate-limit passes requests through when the store errors only with '
        + '`passOnStoreError: true`; by default the error reaches Express and the login fails. Failing closed stops every '
        + 'login during the outage; failing open removes brute-force protection for its duration. Many teams fail open '
        + 'for the IP limiter but keep a small in-process fallback limit and alert loudly, since the outage is short and '
        + 'the account lock is also gone.',
      keyPoints: [
        { text: 'Choose fail open or closed explicitly (passOnStoreError).', terms: [['fail open', 'fail-open', 'fail closed', 'fail-closed', 'passonstoreerror']] },
        { text: 'A local fallback limit and an alert bound the risk.', terms: [['fallback', 'in-memory', 'local', 'alert']] },
      ],
      kind: 'failure',
    },
  ],
  demo: {
    run: runDemo,
  },
});
