// Scenario 29's attack, run against starter.js, the traps, solution.js (`run 29`) and the learner's own
// file (`verify 29`): every route that sends a user is called, and every response body is scanned for
// secret field names and for the actual secrets seeded in this run (passwords, hashes, tokens).
import { randomBytes } from 'node:crypto';
import { defineAttack } from '../../src/practice/attack-contract.js';
import { learnerModel, cappedBcrypt } from '../../src/practice/attack-helpers.js';
import type { HttpRequest, HttpResponse, ServedApp } from '../../src/runtime/context.js';

/** The learner writes a production cost; the run caps it to stay fast. */
const BCRYPT_MAX_COST = 4;
const SECRET_KEYS = new Set(['password', 'tokens', 'token', 'passwordHash']);

export const checks = {
  byIdClean: { claim: 'GET /users/:id carries no hash and no token', level: 'core', broken: 'GET /users/:id leaks the password hash or a token' },
  listClean: { claim: 'GET /users (lean() objects) carries no hash and no token', level: 'core', broken: 'GET /users (lean() objects) leaks the password hash or a token' },
  profileClean: { claim: 'GET /users/:id/profile (a toObject() spread) carries no hash and no token', level: 'core', broken: 'GET /users/:id/profile (a toObject() spread) leaks a secret' },
  registerClean: { claim: 'POST /register answers 201 with the document create() returned, and no secret in it', level: 'core', broken: 'POST /register echoes a secret back from create()' },
  reportClean: { claim: 'GET /users-report (an aggregation) carries no hash and no token', level: 'core', broken: 'GET /users-report (an aggregation) leaks a secret' },
  loginClean: { claim: 'login with the right password answers 200, and its body carries no secret', level: 'core', broken: 'the login response carries a secret' },
  refusalsChallenged: { claim: 'a wrong password and an unknown email both get 401 with a Bearer challenge, and clean bodies', level: 'core', broken: 'a refused login is not a 401 with a Bearer challenge and a clean body' },
  operatorRefused: { claim: 'an operator in place of the email ({"$ne": null}) is answered 400', level: 'core', broken: 'an operator in place of the email gets past the login' },
  hashesStored: { claim: 'the database still stores a bcrypt hash for every user: only the responses are stripped', level: 'core', broken: 'the stored bcrypt hashes are gone, not just hidden' },
} as const;

export type CheckId = keyof typeof checks;

interface SecretScan {
  /** Secret key names found anywhere in the body, sorted, unique. */
  keys: string[];
  /** How many string values contain one of the real secrets. */
  values: number;
  /** JSON paths of the hits, for the detail of a failed check. */
  paths: string[];
}

function scanForSecrets(body: unknown, secretValues: readonly string[]): SecretScan {
  const keys = new Set<string>();
  const paths: string[] = [];
  let values = 0;
  const visit = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      if (secretValues.some((secret) => node.includes(secret))) {
        values += 1;
        paths.push(path);
      }
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}[${index}]`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (SECRET_KEYS.has(key)) {
          keys.add(key);
          paths.push(`${path}.${key}`);
        }
        visit(value, `${path}.${key}`);
      }
    }
  };
  visit(body, '$');
  return { keys: [...keys].sort(), values, paths };
}

const leaks = (scan: SecretScan): boolean => scan.keys.length > 0 || scan.values > 0;
const detail = (scan: SecretScan): string => (scan.paths.length > 0 ? scan.paths.slice(0, 4).join(', ') : 'nothing found');

interface UserFields { email: string; name: string; password: string; tokens: { token: string }[] }

export const attack = defineAttack({
  checks,
  preamble: 'Each file below gets a fresh database with two users (real bcrypt hashes of random passwords, and a session token each), and the same calls: '
    + 'every route that sends a user, a registration, and logins right and wrong. Every response body is scanned for secret field names (password, token, tokens) '
    + `and for the secrets themselves. bcrypt is capped at cost ${BCRYPT_MAX_COST} to keep the run fast.`,
  async run(ctx, target) {
    const bcrypt = (await import('bcrypt')).default;
    const newToken = (): string => randomBytes(24).toString('base64url');
    const app: ServedApp = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, bcrypt: cappedBcrypt(bcrypt, BCRYPT_MAX_COST), newToken });
    const User = learnerModel<UserFields>(ctx, 'password', 'db.model(\'User\', schema)');

    const people = [{ email: 'alice@example.test', name: 'Alice' }, { email: 'bob@example.test', name: 'Bob' }];
    const seeded = await Promise.all(people.map(async (person) => {
      const plain = randomBytes(12).toString('base64url');
      return { ...person, plain, hash: await bcrypt.hash(plain, BCRYPT_MAX_COST), token: newToken() };
    }));
    // Written past the model, so neither its options nor its hooks decide what is stored.
    const inserted = await User.collection.insertMany(seeded.map((u) => ({ email: u.email, name: u.name, password: u.hash, tokens: [{ token: u.token }] })));
    const aliceId = String(inserted.insertedIds[0]);
    const alice = seeded[0];
    if (!alice) throw new Error('seeding failed');
    const secrets = seeded.flatMap((u) => [u.plain, u.hash, u.token]);

    /** One request, its body scanned, the figures recorded under `label`. */
    const scanned = async (label: string, request: HttpRequest, extra: string[] = []): Promise<{ response: HttpResponse; scan: SecretScan }> => {
      const response = await app.request(request);
      const scan = scanForSecrets(response.body, [...secrets, ...extra]);
      ctx.observe(`${label}: status, secret keys, secret values`, [response.status, scan.keys.join(' ') || '-', scan.values]);
      return { response, scan };
    };
    const clean = (result: { response: HttpResponse; scan: SecretScan }, status: number): boolean => result.response.status === status && !leaks(result.scan);

    const byId = await scanned('GET /users/:id', { path: `/users/${aliceId}` });
    ctx.check('byIdClean', clean(byId, 200), byId.scan.keys, detail(byId.scan));
    const list = await scanned('GET /users (lean)', { path: '/users' });
    ctx.check('listClean', clean(list, 200), list.scan.keys, detail(list.scan));
    const profile = await scanned('GET /users/:id/profile (toObject)', { path: `/users/${aliceId}/profile` });
    ctx.check('profileClean', clean(profile, 200), profile.scan.keys, detail(profile.scan));

    const carol = { email: 'carol@example.test', name: 'Carol', password: randomBytes(12).toString('base64url') };
    const registered = await app.request({ method: 'POST', path: '/register', json: carol });
    const stored = await User.collection.findOne({ email: carol.email });
    const carolSecrets = [carol.password, String(stored?.['password'] ?? carol.password),
      ...((stored?.['tokens'] as { token?: string }[] | undefined) ?? []).map((entry) => String(entry.token ?? carol.password))];
    const registerScan = scanForSecrets(registered.body, [...secrets, ...carolSecrets]);
    ctx.observe('POST /register (create()): status, secret keys, secret values', [registered.status, registerScan.keys.join(' ') || '-', registerScan.values]);
    ctx.check('registerClean', registered.status === 201 && !leaks(registerScan), registerScan.keys, detail(registerScan));

    const report = await scanned('GET /users-report (aggregate)', { path: '/users-report' }, carolSecrets);
    ctx.check('reportClean', clean(report, 200) && Array.isArray(report.response.body) && report.response.body.length === seeded.length + 1,
      report.scan.keys, detail(report.scan));

    const login = await scanned('login, right password', { method: 'POST', path: '/login', json: { email: alice.email, password: alice.plain } });
    ctx.check('loginClean', clean(login, 200), login.response.status, `status ${login.response.status}; ${detail(login.scan)}`);
    const wrong = await scanned('login, wrong password', { method: 'POST', path: '/login', json: { email: alice.email, password: `${alice.plain}x` } });
    const unknown = await scanned('login, unknown email', { method: 'POST', path: '/login', json: { email: 'nobody@example.test', password: alice.plain } });
    const challenge = ctx.observe('401 challenge', wrong.response.headers['www-authenticate'] ?? null);
    ctx.check('refusalsChallenged',
      [wrong, unknown].every((result) => clean(result, 401) && /^bearer\b/i.test(result.response.headers['www-authenticate'] ?? '')),
      [wrong.response.status, unknown.response.status], `challenge ${challenge ?? 'none'}`);
    const operator = await scanned('login, {"$ne": null} as email', { method: 'POST', path: '/login', json: { email: { $ne: null }, password: alice.plain } });
    ctx.check('operatorRefused', operator.response.status === 400, operator.response.status);

    const hashes = await User.collection.countDocuments({ password: { $regex: /^\$2[aby]\$/ } });
    ctx.check('hashesStored', hashes === seeded.length + 1, ctx.observe('bcrypt hashes in the database', hashes));
  },
});
