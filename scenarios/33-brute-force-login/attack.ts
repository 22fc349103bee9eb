// Scenario 33's attack, run against starter.js, the trust-proxy trap, solution.js (`run 33`) and the
// learner's own file (`verify 33`). The app sits behind one load balancer, played by the attack: it
// appends the client's real address to X-Forwarded-For, after whatever the client wrote there. So a
// botnet is many real addresses, and a forged header is a prefix the balancer leaves in place.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { HttpResponse, ServedApp } from '../../src/runtime/context.js';
import type { Options, Store, IncrementResponse, ClientRateLimitInfo } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Model } from 'mongoose';

const PASSWORD = 'Compiler-A-0';
const IP_LIMIT = 5;
const GUESSES = 7;
/** The learner writes a production cost; dozens of hashes at cost 12 would take seconds. */
const BCRYPT_MAX_COST = 4;

export const checks = {
  challengeOn401: { claim: 'a failed login is 401 with WWW-Authenticate: Bearer realm="api"', level: 'core' },
  ipLimited: { claim: `one client gets ${IP_LIMIT} guesses, then 429 with Retry-After and the draft-8 RateLimit headers, even for the right password`, level: 'core', broken: 'one client guesses without limit, and the right password gets in at the end' },
  forgedXffIgnored: { claim: 'a client forging a new X-Forwarded-For on every guess gets the same 5 guesses, then 429', level: 'core', broken: 'a forged X-Forwarded-For gives every guess a fresh budget' },
  accountLocked: { claim: `guesses at one account from ${GUESSES} different real addresses stop after ${IP_LIMIT} failures (423 or 429 with Retry-After), even for the right password`, level: 'core', broken: 'a botnet guesses one account without limit' },
  operatorRefused: { claim: 'an operator in place of the e-mail ({"$ne": null}) is answered 400', level: 'core' },
  sharedAcrossInstances: { claim: 'two instances behind the balancer share one budget: 12 guesses alternating between them get 5 answers of 401', level: 'senior', broken: 'alternating between two instances gets more guesses than one budget' },
  sameWorkForUnknownEmail: { claim: 'an unknown e-mail costs the same bcrypt work and gets the same answer as a wrong password', level: 'senior', broken: 'an unknown e-mail skips bcrypt, so its faster answer reveals which accounts exist' },
  ipv6BySubnet: { claim: 'express-rate-limit 8 keys IPv6 clients by /56 subnet: two addresses in one /56 share a budget', level: 'senior', fact: true },
} as const;

export type CheckId = keyof typeof checks;

/** A Redis store for express-rate-limit, what rate-limit-redis does in a few lines: SET NX with the window, then INCR. */
class SharedRedisStore implements Store {
  readonly prefix: string;
  readonly localKeys = false;
  private windowMs = 60_000;

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

function tally(responses: HttpResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) counts[String(response.status)] = (counts[String(response.status)] ?? 0) + 1;
  return counts;
}

export const attack = defineAttack({
  checks,
  timeoutMs: 20_000,
  preamble: 'Each file below runs behind a load balancer the attack plays: it appends the client\'s real address to X-Forwarded-For, after anything the client wrote. '
    + 'Each file gets its own accounts and its own range of client addresses, so Redis counters never carry over from one file to the next. '
    + `bcrypt is capped at cost ${BCRYPT_MAX_COST} and counted, to keep the run fast and to compare the work per login. `
    + 'express-rate-limit\'s warnings are captured as figures instead of printed.',
  async run(ctx, target) {
    const [{ default: bcrypt }, { rateLimit, ipKeyGenerator }, { randomInt }, { client: redis, name: redisName }] = await Promise.all([
      import('bcrypt'), import('express-rate-limit'), import('node:crypto'), ctx.redis(),
    ]);
    let compares = 0;
    const cappedBcrypt = {
      hash: (password: string, cost: number) => bcrypt.hash(password, Math.min(Number(cost) || BCRYPT_MAX_COST, BCRYPT_MAX_COST)),
      compare: (password: string, hash: string) => {
        compares += 1;
        return bcrypt.compare(password, hash);
      },
    };
    const warnings: string[] = [];
    const record = (error: unknown): void => {
      const code = (error as { code?: unknown } | null)?.code;
      warnings.push(typeof code === 'string' ? code : String(error));
    };
    const capturedRateLimit = (options: Partial<Options> = {}) => rateLimit({ logger: { warn: record, error: record }, ...options });
    const deps = { express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, bcrypt: cappedBcrypt, rateLimit: capturedRateLimit, RedisStore: SharedRedisStore, redis };
    const app = await target.start(deps);
    ctx.observe('counter store', redisName);
    const User = ctx.db.models['User'] as Model<{ email: string; passwordHash: string }> | undefined;
    if (!User) throw new Error('createApp did not define a model named User on deps.db');

    // Per file: its own accounts and its own client addresses (10.a.b.0/24).
    const tag = randomInt(1_000_000).toString(36);
    const [a, b] = [randomInt(1, 255), randomInt(1, 255)];
    const clientIp = (host: number): string => `10.${a}.${b}.${host}`;
    const account = (name: string): string => `${name}-${tag}@example.com`;
    const passwordHash = await bcrypt.hash(PASSWORD, BCRYPT_MAX_COST);
    await User.create(['ip', 'botnet', 'timing'].map((name) => ({ email: account(name), passwordHash })));
    const login = (served: ServedApp, host: number, json: unknown, forged?: string): Promise<HttpResponse> => served.request({
      method: 'POST', path: '/login', json, headers: { 'x-forwarded-for': forged ? `${forged}, ${clientIp(host)}` : clientIp(host) },
    });

    const failed = await login(app, 250, { email: account('nobody'), password: 'guess' });
    const challenge = ctx.observe('a failed login', { status: failed.status, 'www-authenticate': failed.headers['www-authenticate'] ?? null });
    ctx.check('challengeOn401', failed.status === 401 && failed.headers['www-authenticate'] === 'Bearer realm="api"', challenge);

    // One client, one address, guessing.
    const guesses: HttpResponse[] = [];
    for (let i = 0; i < GUESSES; i += 1) guesses.push(await login(app, 1, { email: account('ip'), password: `guess-${i}` }));
    const right = await login(app, 1, { email: account('ip'), password: PASSWORD });
    const blocked = guesses.find((response) => response.status === 429);
    const limited = ctx.observe('one address: guesses, then the right password', {
      guesses: tally(guesses), right: right.status,
      'Retry-After': blocked?.headers['retry-after'] ?? null, RateLimit: blocked?.headers['ratelimit'] ?? null,
      'RateLimit-Policy': blocked?.headers['ratelimit-policy'] ?? null,
      'X-RateLimit-*': Object.keys(blocked?.headers ?? {}).filter((name) => name.startsWith('x-ratelimit')).length,
    });
    ctx.check('ipLimited', limited.guesses['401'] === IP_LIMIT && limited.guesses['429'] === GUESSES - IP_LIMIT && right.status === 429
      && Number(limited['Retry-After']) > 0 && String(limited.RateLimit).includes('r=0') && String(limited['RateLimit-Policy']).includes(`q=${IP_LIMIT}`)
      && limited['X-RateLimit-*'] === 0, limited);

    // One client forging a new left-most X-Forwarded-For every time, and trying a different
    // account each time (stuffing), so only the per-address limit can stop it.
    const forgedGuesses: HttpResponse[] = [];
    for (let i = 0; i < GUESSES; i += 1) forgedGuesses.push(await login(app, 2, { email: account(`forged${i}`), password: 'guess' }, `203.0.113.${i + 1}`));
    const forged = ctx.observe('one address, a forged X-Forwarded-For and another account each time', tally(forgedGuesses));
    ctx.check('forgedXffIgnored', forged['401'] === IP_LIMIT && forged['429'] === GUESSES - IP_LIMIT, forged);

    // A botnet: every guess from another real address.
    const botnetGuesses: HttpResponse[] = [];
    for (let i = 0; i < GUESSES; i += 1) botnetGuesses.push(await login(app, 10 + i, { email: account('botnet'), password: `guess-${i}` }));
    const botnetRight = await login(app, 30, { email: account('botnet'), password: PASSWORD });
    const botnet = ctx.observe(`${GUESSES} addresses at one account, then the right password`, {
      guesses: tally(botnetGuesses), right: botnetRight.status, 'Retry-After': botnetRight.headers['retry-after'] ?? null,
    });
    ctx.check('accountLocked', botnet.guesses['401'] === IP_LIMIT && [423, 429].includes(botnetRight.status) && Number(botnet['Retry-After']) > 0, botnet);

    const operator = await login(app, 40, { email: { $ne: null }, password: 'x' });
    ctx.check('operatorRefused', operator.status === 400, ctx.observe('e-mail {"$ne": null}', operator.status));

    // A second instance on the same database and Redis; the attacker alternates, one address,
    // a different (unknown) e-mail each time so no account lock interferes.
    const second = await target.start(deps);
    const instances = [app, second];
    const alternating: HttpResponse[] = [];
    for (let i = 0; i < 12; i += 1) alternating.push(await login(instances[i % 2]!, 50, { email: account(`stuffing${i}`), password: 'guess' }));
    const shared = ctx.observe('12 guesses alternating between two instances', tally(alternating));
    ctx.check('sharedAcrossInstances', shared['401'] === IP_LIMIT, shared);

    // Work per login: three wrong passwords for a real account, three for unknown e-mails, each
    // from a fresh address so no limit interferes.
    const workOf = async (email: (i: number) => string, firstHost: number): Promise<{ compares: number; answers: string[] }> => {
      const before = compares;
      const answers: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await login(app, firstHost + i, { email: email(i), password: `guess-${i}` });
        answers.push(`${response.status} ${response.text}`);
      }
      return { compares: compares - before, answers };
    };
    const known = await workOf(() => account('timing'), 60);
    const unknown = await workOf((i) => account(`ghost${i}`), 70);
    const work = ctx.observe('bcrypt compares for 3 logins: known / unknown e-mail', { known: known.compares, unknown: unknown.compares });
    ctx.check('sameWorkForUnknownEmail', known.compares === 3 && unknown.compares === 3 && known.answers.join() === unknown.answers.join(), work,
      `${known.answers[0] ?? ''} vs ${unknown.answers[0] ?? ''}`);

    const subnetKeys = [ipKeyGenerator('2001:db8:0:12::1'), ipKeyGenerator('2001:db8:0:34::9')];
    ctx.check('ipv6BySubnet', subnetKeys[0] === subnetKeys[1], ctx.observe('IPv6 keys of two addresses in one /56', subnetKeys));
    ctx.observe('library warnings', [...new Set(warnings)]);
  },
});
