import { randomBytes } from 'node:crypto';
import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, HttpResponse, ServedApp } from '../src/runtime/context.js';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Model, SchemaOptions } from 'mongoose';

// ---------------------------------------------------------------------------------------------
// Code shown to the user.
// ---------------------------------------------------------------------------------------------

const naiveCode = `const userSchema = new Schema({
  email: String, name: String,
  password: String,              // bcrypt hash
  tokens: [{ token: String }], // session/API tokens
});
app.get('/users/:id', async (req, res) => {
  // the whole document goes out
  res.json(await User.findById(req.params.id));
});`;

const toJsonCode = `const userSchema = new Schema({ /* same fields */ }, {
  toJSON: {
    // res.json() -> JSON.stringify() -> doc.toJSON()
    transform(_doc, ret) {
      const { password, tokens, ...safe } = ret;
      return safe;
    },
  },
});`;

const leanCode = `// "Optimised" list: lean() returns plain objects.
// No document means no toJSON(): the transform
// never runs.
app.get('/users', async (_req, res) => {
  res.json(await User.find().lean());
});`;

const selectFalseCode = `const userSchema = new Schema({
  email: String, name: String,
  // left out of every query unless asked for
  password: { type: String, select: false },
  tokens: { type: [{ token: String }], select: false },
}, { toJSON: { transform: stripSecrets } }); // keep

// Login is the one place that needs the hash: opt in.
const { email, password } = req.body;
// {"email":{"$ne":null}} would be a query operator
if (typeof email !== 'string'
    || typeof password !== 'string') {
  return res.status(400).json({ error: 'bad body' });
}
const user = await User.findOne({ email })
  .select('+password');
// unknown email: compare with a dummy hash anyway,
// so both answers take as long (see scenario 33)
const ok = await bcrypt.compare(password,
  user?.password ?? DUMMY_HASH) && user !== null;
if (!ok) {
  return res.status(401)
    .set('WWW-Authenticate', 'Bearer realm="api"')
    .json({ error: 'invalid credentials' });
}
res.json(user);  // toJSON strips the hash loaded above`;

const seniorCode = `// select:false is a QUERY default. It does not touch:
const created =
  await User.create({ email, password: hash });
// holds the hash: keep the toJSON transform!
res.status(201).json(created);

// toObject() does not run the toJSON transform:
res.json({ ...created.toObject(), role }); // leaks

// Schema projections do not apply to aggregate():
await User.aggregate([{ $match: {} }]);   // leaks
await User.aggregate([{ $match: {} },
  { $project: { password: 0, tokens: 0 } }]); // ok`;

// ---------------------------------------------------------------------------------------------
// Secret scanning: every response body is checked for secret keys and for the secret values.
// ---------------------------------------------------------------------------------------------

const SECRET_KEYS = new Set(['password', 'tokens', 'token', 'passwordHash']);

interface SecretScan {
  /** Secret key names found anywhere in the body, sorted, unique. */
  keys: string[];
  /** How many string values contain one of the real secrets (hashes, tokens, passwords). */
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
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
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

// ---------------------------------------------------------------------------------------------
// Models and the app.
// ---------------------------------------------------------------------------------------------

interface UserFields {
  email: string;
  name: string;
  password: string;
  tokens: { token: string }[];
}

type UserModel = Model<UserFields>;

function stripSecrets<T extends { password?: unknown; tokens?: unknown }>(_doc: unknown, ret: T): Omit<T, 'password' | 'tokens'> {
  const { password: _password, tokens: _tokens, ...safe } = ret;
  return safe;
}

type Protection = 'none' | 'toJSON' | 'select:false' | 'select:false+toJSON';

function userModel(ctx: DemoContext, name: string, protection: Protection): UserModel {
  const hidden = protection === 'select:false' || protection === 'select:false+toJSON';
  const withTransform = protection === 'toJSON' || protection === 'select:false+toJSON';
  const tokenSchema = new ctx.mongoose.Schema({ token: String }, { _id: false });
  const options: SchemaOptions<UserFields> = withTransform ? { toJSON: { transform: stripSecrets } } : {};
  const schema = new ctx.mongoose.Schema<UserFields>({
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    password: { type: String, required: true, select: !hidden },
    tokens: { type: [tokenSchema], select: !hidden },
  }, options);
  return ctx.db.model<UserFields>(name, schema);
}

function buildUserApi(ctx: DemoContext, User: UserModel, bcrypt: Bcrypt, dummyHash: string): Express {
  const app = ctx.express();
  app.use(ctx.express.json());
  // Hydrated documents: res.json() calls each document's toJSON().
  app.get('/users', async (_req, res) => {
    res.json(await User.find().sort({ email: 1 }));
  });
  // The "faster" list: plain objects straight from the driver.
  app.get('/users-lean', async (_req, res) => {
    res.json(await User.find().sort({ email: 1 }).lean());
  });
  // A reporting endpoint built on aggregate, once naively and once with an explicit projection.
  app.get('/users-report', async (req, res) => {
    const project = req.query['safe'] === '1' ? [{ $project: { password: 0, tokens: 0 } }] : [];
    res.json(await User.aggregate([{ $match: {} }, { $sort: { email: 1 } }, ...project]));
  });
  app.get('/users/:id', async (req, res) => {
    const user = ctx.mongoose.isValidObjectId(req.params.id) ? await User.findById(req.params.id) : null;
    if (!user) res.status(404).json({ error: 'not found' });
    else res.json(user);
  });
  // Adds a field by spreading toObject(): toObject() does not run the toJSON transform.
  app.get('/users/:id/profile', async (req, res) => {
    const user = ctx.mongoose.isValidObjectId(req.params.id) ? await User.findById(req.params.id) : null;
    if (!user) res.status(404).json({ error: 'not found' });
    else res.json({ ...user.toObject(), role: 'member' });
  });
  app.post('/login', async (req, res) => {
    const { email, password } = req.body as { email?: unknown; password?: unknown };
    // Typed before it reaches a filter: {"email":{"$ne":null}} would be a query operator.
    if (typeof email !== 'string' || typeof password !== 'string') {
      res.status(400).json({ error: 'bad body' });
      return;
    }
    const user = await User.findOne({ email }).select('+password');
    // An unknown email still costs one compare, so timing does not reveal which emails exist.
    const ok = (await bcrypt.compare(password, user?.password ?? dummyHash)) && user !== null;
    if (!ok) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="api"').json({ error: 'invalid credentials' });
      return;
    }
    res.json(user);
  });
  app.post('/register', async (req, res) => {
    const { email, name, password } = req.body as { email?: unknown; name?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof name !== 'string' || typeof password !== 'string') {
      res.status(400).json({ error: 'bad body' });
      return;
    }
    const hash = await bcrypt.hash(password, BCRYPT_COST);
    const created = await User.create({ email, name, password: hash, tokens: [{ token: randomBytes(24).toString('base64url') }] });
    res.status(201).json(created);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err instanceof Error ? err.message : 'internal error' });
  });
  return app;
}

interface Bcrypt {
  hash(data: string, rounds: number): Promise<string>;
  compare(data: string, encrypted: string): Promise<boolean>;
}

// Real bcrypt hashes, at a low cost so the demo stays fast; production uses 10 to 12.
const BCRYPT_COST = 8;

interface SeedUser {
  email: string;
  name: string;
  plain: string;
  hash: string;
  token: string;
}

// ---------------------------------------------------------------------------------------------

export const scenario = defineScenario({
  id: 29,
  slug: 'sensitive-data-leakage',
  title: 'Sensitive data leaking in API responses',
  tags: ['security', 'mongodb', 'express'],
  summary: 'A user endpoint returns password hashes and tokens; toJSON, lean() and select:false decide what leaks.',
  question:
    'A colleague notices that GET /users/:id returns the bcrypt password hash and the user\'s session tokens. ' +
    'How do you stop secrets from leaving the API with Mongoose, and which everyday coding patterns would ' +
    'quietly bring the leak back?',
  answer: {
    short:
      'res.json() sends whatever toJSON() produces, so I keep secrets in with two layers: select: false on the '
      + 'password and token paths, so queries never load them (login opts in with .select(\'+password\')), and a toJSON '
      + 'transform in the schema for documents that hold them anyway, such as what create() returns. Each layer has holes '
      + '(lean() and toObject() skip the transform; create() and aggregate() ignore select: false), so sensitive '
      + 'endpoints also get an explicit projection or an allow-list DTO, and a test scans every response for secret '
      + 'keys and values.',
    reasoning: [
      'The leak happens because res.json() serialises whatever it is given: a Mongoose document becomes JSON through its toJSON() method, which by default includes every stored field, the hash and the token array included. A bcrypt hash is not the password, but it allows offline guessing, and tokens are credentials in themselves, so both must never leave the server.',
      'The first layer is a toJSON transform in the schema options: it runs whenever a document is serialised and removes password and tokens (returning a new object without them is cleaner than deleting from it). Putting it in the schema, not in each route, means every endpoint that sends a document benefits. It only changes the output; the database still holds the hash, which login needs.',
      'That layer has a well-known hole: .lean() returns plain objects straight from the driver, not documents, so there is no toJSON to call and the transform never runs. The same is true of aggregate() and of the raw driver. A teammate "optimising" a list endpoint with lean() silently reintroduces the leak, which is why I do not rely on output transforms alone.',
      'The second layer is select: false on the secret paths. It makes every find query exclude them by default, lean or not, so the hash is never even loaded where it is not needed. The one place that needs it opts in explicitly with .select(\'+password\'), compares with bcrypt.compare and still answers through toJSON, so the loaded hash is stripped again on the way out.',
      'Neither layer is complete on its own: select: false does not affect the document returned by create() or save() (it holds the hash you just set) nor aggregation pipelines, and toJSON does not affect lean or aggregate. Nor does it run for toObject(): `res.json({ ...doc.toObject(), role })` or `res.json(doc.toObject())` sends the hash, because toJSON only runs when the document itself is serialised. So I use both, add an explicit $project in pipelines or a response DTO (an allow-list of fields) on sensitive endpoints, and add a test that scans every response body for secret keys and for the actual secret values.',
    ],
    keyPoints: [
      {
        text: 'res.json() serialises the whole document via toJSON(), so stored secrets (hash, tokens) leave unless removed.',
        terms: [['tojson', 'res.json', 'serializ', 'serialis'], ['password', 'hash', 'token']],
        provenBy: 'Naive',
      },
      {
        text: 'A schema-level toJSON transform strips password and tokens from every serialised document.',
        terms: [['transform', 'tojson'], ['schema option', 'in the schema', 'schema-level', 'toJSON:']],
        provenBy: 'Fix 1',
      },
      {
        text: '.lean() (and aggregate) return plain objects, so toJSON transforms do not run and the leak returns.',
        terms: [['lean'], ['plain object', 'pojo', 'not a document', 'no document', 'bypass', 'skip']],
        provenBy: 'Pitfall',
      },
      {
        text: 'select: false on secret paths excludes them from queries by default, lean ones included.',
        terms: [['select: false', 'select:false', 'select false']],
        provenBy: 'Fix 2',
      },
      {
        text: 'Opt in with .select(\'+password\') only where the hash is needed (login) and still respond through the transform.',
        terms: [['+password', 'select(\'+', 'opt in', 'opt-in'], ['login', 'compare']],
        provenBy: 'Fix 2',
      },
      {
        text: 'Defence in depth: create()/save() results and aggregate() ignore select:false, so use both layers, explicit projections or DTOs, and test every response.',
        terms: [['create()', 'save()', 'aggregate', 'dto', 'allow-list', 'allowlist', 'whitelist', '$project'], ['defence in depth', 'defense in depth', 'both layers', 'scan every response', 'secret scan', 'test every']],
        provenBy: 'Senior fix',
      },
    ],
    code: [
      { title: 'Naive: the document as stored', language: 'js', code: naiveCode },
      { title: 'Fix 1: a toJSON transform in the schema', language: 'js', code: toJsonCode },
      { title: 'The hole: lean() skips toJSON', language: 'js', code: leanCode },
      { title: 'Fix 2: select:false, opt in for login', language: 'js', code: selectFalseCode },
      { title: 'What select:false does not cover', language: 'js', code: seniorCode },
    ],
    seniorNotes: [
      'OWASP files this under API3:2023 Broken Object Property Level Authorization, which joins excessive data exposure (this scenario) with its input-side twin, mass assignment: a User.create(req.body) or an update with req.body lets a client set role or password fields. Allow-list fields on the way in as well as on the way out.',
      'Do not store raw session or API tokens at all: keep a SHA-256 digest of each high-entropy random token and hash the presented token to look it up. Then a leaked document, backup or log line holds nothing that logs anyone in.',
      'Prefer allow-lists to deny-lists for public representations: a DTO or mapper that names the fields to send cannot leak a secret field added to the schema next year, a deny-list can.',
      'select:false is a query default: the document returned by create()/save(), aggregation pipelines ($lookup of users included) and the raw driver ignore it. Keep the toJSON transform and project explicitly in pipelines.',
      '`toJSON` only runs when the document itself is serialised: `res.json({ ...doc.toObject(), role })` or `res.json(doc.toObject())` bypasses it and sends the hash. Set the same transform on `toObject` in the schema options, or map to a DTO.',
      'populate() of a user into another document honours select:false, but a populate select of \'+password\' or a hand-written $lookup in a pipeline brings the hash back; review those like any projection.',
      'Put a secret scanner in the test suite (keys and actual seeded secret values, recursively) and run it over every endpoint; it catches the lean() regression the day it is written.',
      'Secrets leak through more than bodies: error messages that echo a document, logs of req.body on /login, and debug fields. Redact at the logger too.',
      'Treat a leaked hash as a credential exposure: rotate sessions and tokens, force password resets, and check the bcrypt cost is high enough that offline guessing is expensive.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'The schema has a toJSON transform that removes password. Why does GET /users, implemented as User.find().lean(), still return hashes?',
        options: [
          { text: 'lean() returns plain objects, which have no toJSON to run', correct: true, explanation: 'The transform belongs to the document\'s toJSON(); plain objects are serialised field by field, as the demo\'s lean list shows.' },
          { text: 'res.json() calls toObject(), not toJSON()', correct: false, explanation: 'res.json() uses JSON.stringify, which calls toJSON() when an object has one; hydrated documents are transformed.' },
          { text: 'lean() re-reads the document from the primary, bypassing the schema cache', correct: false, explanation: 'lean() skips hydration; it has nothing to do with which member is read.' },
          { text: 'Transforms only run on findById, not on find', correct: false, explanation: 'The demo\'s hydrated find() list was clean; what matters is document versus plain object.' },
        ],
      },
      {
        prompt: 'password has select: false. How does the login route get the hash to compare?',
        options: [
          { text: 'User.findOne({ email }).select(\'+password\')', correct: true, explanation: 'The + prefix includes a path that the schema deselects by default; other queries stay safe.' },
          { text: 'User.findOne({ email }).lean()', correct: false, explanation: 'lean() still applies the schema\'s select:false projection; the demo shows the hash absent.' },
          { text: 'User.findOne({ email }): select:false only affects toJSON, the query still loads the hash', correct: false, explanation: 'select:false is a query projection: without +password the hash is not loaded at all, so there is nothing to compare.' },
          { text: 'Remove select:false and rely on the toJSON transform', correct: false, explanation: 'That reopens the lean() and aggregate holes the demo shows.' },
        ],
      },
      {
        prompt: 'The schema has select: false on password but no toJSON transform. What does POST /register send back with res.status(201).json(await User.create({...}))?',
        options: [
          { text: 'The new user without password, because select:false hides it everywhere', correct: false, explanation: 'select:false is a query projection; create() returns the document you built, hash included.' },
          { text: 'The new user including the password hash', correct: true, explanation: 'Nothing queried the document, so no projection was applied; the demo measures this leak.' },
          { text: 'A 500, because select:false fields cannot be written', correct: false, explanation: 'select:false affects reading only; writes store the field normally.' },
        ],
      },
      {
        prompt: 'Which check in a test best catches a future leak?',
        options: [
          { text: 'Assert that response.body.password is undefined on GET /users/:id', correct: false, explanation: 'One key on one endpoint misses tokens, nested copies and other endpoints.' },
          { text: 'Scan every body recursively for secret keys and seeded values', correct: true, explanation: 'Value scanning catches a secret under a new name or nested somewhere; key scanning catches empty or renamed copies. The demo scans every response it receives.' },
          { text: 'Snapshot-test each response and review the diffs by eye', correct: false, explanation: 'A snapshot records the leak as the expected output; a reviewer skims a 60-character hash easily.' },
          { text: 'Lint for res.json(user) calls in route handlers', correct: false, explanation: 'Leaks come through lean(), toObject(), create() and pipelines too; a lint rule on one call shape misses them.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'A teammate speeds up the list endpoint with lean(). What can go wrong, and how do you stop it coming back?',
      answer: 'lean() hands back plain objects from the driver, so nothing of the document layer runs: no toJSON transform, no getters or virtuals. If the transform was the only protection, the hashes and tokens go straight out, which is what the demo shows. select: false on the secret paths keeps them out of lean queries too, and a test that scans every endpoint\'s response for secret keys and seeded values fails the day someone adds lean() to a route that lacks it.',
      keyPoints: [
        { text: 'lean() returns plain objects, so transforms do not run.', terms: [['lean'], ['plain object', 'pojo', 'transform', 'tojson']] },
        { text: 'select: false keeps secrets out of lean queries.', terms: [['select: false', 'select:false']] },
        { text: 'A secret-scanning test over every endpoint catches the regression.', terms: [['scan', 'test every', 'every endpoint', 'every response']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Pitfall',
    },
    {
      question: 'With select: false on password, how does login get the hash, and where does select: false not protect you?',
      answer: 'Login asks for it explicitly with .select(\'+password\'), the only place that needs it, and still answers through toJSON so the hash is stripped on the way out. select: false is a projection default for queries, so it does nothing for the document create() or save() hand back, for aggregation pipelines (a $lookup into users included), for the raw driver, or for a populate that asks for +password. Those paths need the toJSON transform, an explicit $project or a DTO.',
      keyPoints: [
        { text: 'Login opts in with .select(\'+password\').', terms: [['+password', 'opt in', 'opt-in']] },
        { text: 'create()/save() results, aggregate and the raw driver ignore it.', terms: [['create', 'save', 'aggregate', 'pipeline', 'driver', '$lookup']] },
      ],
      probes: 3,
      kind: 'probe',
      shownBy: 'Fix 2',
    },
    {
      question: 'Where do you remove the secrets: in each route, or somewhere else? Why?',
      answer: 'In the schema: a toJSON transform in the schema options runs whenever any route serialises a document of that model, so the next endpoint someone writes is covered without thinking about it. Deleting fields in each route is forgotten on the first new route. I return a new object without the fields rather than deleting from the one I was given, and set the same transform on toObject so a spread does not bypass it; lean() and aggregate still need the other layer.',
      keyPoints: [
        { text: 'A schema-level toJSON transform covers every route.', terms: [['schema'], ['transform', 'tojson']] },
        { text: 'Per-route deletion is forgotten on the next route.', terms: [['every route', 'each route', 'per route', 'per-route', 'forgotten', 'next endpoint', 'new route']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Fix 1',
    },
    {
      question: 'Deny-list the secret fields, or allow-list what each response may contain?',
      answer: 'For anything public I prefer an allow-list: a small mapper or DTO per representation (toPublicUser) that names the fields it sends. A deny-list fails open: the field someone adds to the schema next year, a recovery code or an API key, goes out until somebody remembers to add it. The price is a little mapping code per resource, which output validation (a zod schema that strips unknown keys) can share. I keep select: false and the transform underneath as a second layer.',
      keyPoints: [
        { text: 'An allow-list or DTO names exactly the fields sent.', terms: [['allow-list', 'allowlist', 'whitelist', 'dto', 'mapper']] },
        { text: 'A deny-list fails open for fields added later.', terms: [['fail open', 'fails open', 'new field', 'added later', 'next year', 'future field']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'The user document stores the user\'s session tokens. Even with select: false, what would you change?',
      answer: 'I would stop storing the tokens themselves. A session token is a credential, so anything that reads the collection, a backup, a log line or one leaky endpoint, could log in as the user. Store a SHA-256 digest of each high-entropy random token and hash the presented token to look it up; a fast hash is enough because the token is random, unlike a password. Better still, keep sessions in their own collection with an expiry (a TTL index) so each device can be listed and revoked.',
      keyPoints: [
        { text: 'Store a digest of each token, not the token.', terms: [['digest', 'hash of the token', 'hashed token', 'sha-256', 'sha256', 'hash the token']] },
        { text: 'A fast hash suffices because tokens are high-entropy.', terms: [['random', 'entropy'], ['fast', 'sha', 'no bcrypt', 'not bcrypt']] },
      ],
      kind: 'security',
    },
    {
      question: 'Besides response bodies, where else do these secrets leave the server?',
      answer: 'Logs first: a logger that writes req.body on /login, an error that includes the document, Mongoose\'s debug output printing queries. Then error responses that echo internals, APM and analytics payloads, and caches that store whole documents. I redact at the logger (pino\'s redact paths, for instance), never log whole documents or bodies of auth routes, return generic error messages, and treat any hash that did leak as exposed: force resets and revoke sessions.',
      keyPoints: [
        { text: 'Logs, error messages and monitoring payloads leak too.', terms: [['log'], ['error', 'apm', 'debug', 'monitoring']] },
        { text: 'Redact at the logger and keep error responses generic.', terms: [['redact'], ['generic', 'logger', 'pino']] },
      ],
      kind: 'security',
    },
  ],
  demo: {
    async run(ctx) {
      const bcrypt = (await import('bcrypt')).default as Bcrypt;

      // Real secrets, generated per run: the scanner looks for these exact values.
      const people = [
        { email: 'alice@example.test', name: 'Alice' },
        { email: 'bob@example.test', name: 'Bob' },
      ];
      const seedUsers: SeedUser[] = await Promise.all(people.map(async (person) => {
        const plain = randomBytes(12).toString('base64url');
        return { ...person, plain, hash: await bcrypt.hash(plain, BCRYPT_COST), token: randomBytes(24).toString('base64url') };
      }));
      const secretValues = seedUsers.flatMap((u) => [u.plain, u.hash, u.token]);
      // Compared against when the email is unknown, so a miss costs as much as a wrong password.
      const dummyHash = await bcrypt.hash(randomBytes(12).toString('base64url'), BCRYPT_COST);

      async function seedInto(User: UserModel): Promise<string> {
        await User.init();
        const docs = await User.insertMany(seedUsers.map((u) => ({ email: u.email, name: u.name, password: u.hash, tokens: [{ token: u.token }] })));
        return String(docs[0]?._id);
      }
      async function serveWith(User: UserModel): Promise<{ api: ServedApp; aliceId: string }> {
        const aliceId = await seedInto(User);
        return { api: await ctx.serve(buildUserApi(ctx, User, bcrypt, dummyHash)), aliceId };
      }

      let scanned = 0;
      /** Request, scan the body, record what was found under `label`. */
      async function fetchAndScan(api: ServedApp, label: string, request: Parameters<ServedApp['request']>[0], extraSecrets: string[] = []): Promise<{ res: HttpResponse; scan: SecretScan }> {
        const res = await api.request(request);
        const scan = scanForSecrets(res.body, [...secretValues, ...extraSecrets]);
        scanned += 1;
        ctx.observe(`${label}, status`, res.status);
        ctx.observe(`${label}, secret keys`, scan.keys);
        ctx.observe(`${label}, secret values`, scan.values);
        return { res, scan };
      }
      const leaks = (s: SecretScan): boolean => s.keys.length > 0 || s.values > 0;
      const detail = (s: SecretScan): string => (s.paths.length ? s.paths.slice(0, 4).join(', ') : 'nothing found');

      await ctx.step('Naive: document sent as is', async () => {
        ctx.showCode('naive', naiveCode, 'js');
        ctx.say('Each response body is scanned. "secret keys": names of secret fields found in it (password, token, tokens); "secret values": how many strings in it hold one of the real seeded secrets (a hash, a token).');
        const { api, aliceId } = await serveWith(userModel(ctx, 'LeakyUser', 'none'));
        const byId = await fetchAndScan(api, 'by id', { path: `/users/${aliceId}` });
        const list = await fetchAndScan(api, 'list', { path: '/users' });
        ctx.check('GET /users/:id leaks the hash and tokens', byId.res.status === 200 && byId.scan.keys.includes('password') && byId.scan.keys.includes('tokens') && byId.scan.values >= 2, detail(byId.scan));
        ctx.check('GET /users leaks them for every user', list.res.status === 200 && list.scan.values >= 2 * seedUsers.length, detail(list.scan));
      }, { shows: 'failure' });

      let JsonSafeUser: UserModel | undefined;
      let jsonSafeApi: ServedApp | undefined;

      await ctx.step('Fix 1: toJSON transform', async () => {
        ctx.showCode('toJSON transform', toJsonCode, 'js');
        JsonSafeUser = userModel(ctx, 'JsonSafeUser', 'toJSON');
        const served = await serveWith(JsonSafeUser);
        jsonSafeApi = served.api;
        const byId = await fetchAndScan(served.api, 'by id', { path: `/users/${served.aliceId}` });
        const list = await fetchAndScan(served.api, 'list', { path: '/users' });
        const stored = await JsonSafeUser.countDocuments({ password: { $exists: true } });
        ctx.observe('hashes in db', stored);
        ctx.check('GET /users/:id is clean', byId.res.status === 200 && !leaks(byId.scan), detail(byId.scan));
        ctx.check('GET /users (documents) is clean', list.res.status === 200 && !leaks(list.scan), detail(list.scan));
        ctx.check('the database still holds the hashes', stored === seedUsers.length, `${stored} stored`);
      }, { shows: 'fix' });

      await ctx.step('Pitfall: lean(), toObject()', async () => {
        if (!JsonSafeUser || !jsonSafeApi) throw new Error('previous step did not run');
        ctx.showCode('lean list', leanCode, 'js');
        const [leanDoc] = await JsonSafeUser.find().sort({ email: 1 }).limit(1).lean();
        ctx.observe('lean has toJSON', typeof (leanDoc as { toJSON?: unknown } | undefined)?.toJSON === 'function');
        const list = await fetchAndScan(jsonSafeApi, 'lean list', { path: '/users-lean' });
        ctx.check('the same model leaks again through lean()', list.res.status === 200 && list.scan.keys.includes('password') && list.scan.values >= 2 * seedUsers.length, detail(list.scan));
        ctx.say('Spreading toObject() to add a field is the same hole: toJSON only runs when the document itself is serialised.');
        ctx.showCode('toObject() spread', [
          'const user = await User.findById(id);',
          "res.json({ ...user.toObject(), role: 'member' });",
        ].join('\n'), 'js');
        const aliceDoc = await JsonSafeUser.findOne().sort({ email: 1 });
        const spread = await fetchAndScan(jsonSafeApi, 'toObject spread', { path: `/users/${String(aliceDoc?._id)}/profile` });
        ctx.check('a toObject() spread leaks the hash too', spread.res.status === 200 && spread.scan.keys.includes('password') && spread.scan.values >= 1, detail(spread.scan));
      }, { shows: 'failure' });

      await ctx.step('Fix 2: select: false', async () => {
        ctx.showCode('select:false + opt-in', selectFalseCode, 'js');
        const SafeUser = userModel(ctx, 'SafeUser', 'select:false+toJSON');
        const { api, aliceId } = await serveWith(SafeUser);
        const lean = await fetchAndScan(api, 'lean list', { path: '/users-lean' });
        const byId = await fetchAndScan(api, 'by id', { path: `/users/${aliceId}` });
        const [alice] = seedUsers;
        if (!alice) throw new Error('no seed user');

        const withoutOptIn = await SafeUser.findOne({ email: alice.email }).lean();
        const withOptIn = await SafeUser.findOne({ email: alice.email }).select('+password').lean();
        ctx.observe('hash loaded by default', typeof withoutOptIn?.password === 'string');
        ctx.observe('hash with +password', typeof withOptIn?.password === 'string');

        const login = await fetchAndScan(api, 'login', { method: 'POST', path: '/login', json: { email: alice.email, password: alice.plain } });
        const wrong = await fetchAndScan(api, 'wrong password', { method: 'POST', path: '/login', json: { email: alice.email, password: `${alice.plain}x` } });
        const operator = await fetchAndScan(api, 'operator email', { method: 'POST', path: '/login', json: { email: { $ne: null }, password: alice.plain } });

        ctx.check('lean list is clean', lean.res.status === 200 && !leaks(lean.scan), detail(lean.scan));
        ctx.check('GET /users/:id is clean', byId.res.status === 200 && !leaks(byId.scan), detail(byId.scan));
        ctx.check('queries omit the hash unless asked with +password', withoutOptIn?.password === undefined && withOptIn?.password === alice.hash);
        ctx.check('login works and its response is clean', login.res.status === 200 && !leaks(login.scan), `status ${login.res.status}; ${detail(login.scan)}`);
        const unknown = await fetchAndScan(api, 'unknown email', { method: 'POST', path: '/login', json: { email: 'nobody@example.test', password: alice.plain } });
        ctx.observe('401 challenge', wrong.res.headers['www-authenticate'] ?? null);
        ctx.check('a wrong password and an unknown email both get 401 with a Bearer challenge, cleanly',
          [wrong, unknown].every((r) => r.res.status === 401 && r.res.headers['www-authenticate'] === 'Bearer realm="api"' && !leaks(r.scan)),
          `statuses ${wrong.res.status}/${unknown.res.status}, challenge ${wrong.res.headers['www-authenticate'] ?? 'none'}; ${detail(wrong.scan)}`);
        ctx.check('an operator as email ({"$ne":null}) is refused (400)', operator.res.status === 400 && !leaks(operator.scan), `status ${operator.res.status}`);
      }, { shows: 'fix' });

      const carol = { email: 'carol@example.test', name: 'Carol', password: randomBytes(12).toString('base64url') };
      /** The secrets a scan looks for once carol is registered: the seed's, her password and her stored hash. */
      const withCarol = async (User: UserModel): Promise<string[]> => {
        const doc = await User.findOne({ email: carol.email }).select('+password').lean();
        return [...secretValues, carol.password, ...(doc?.password ? [doc.password] : [])];
      };
      const Safe = userModel(ctx, 'SafeUser2', 'select:false+toJSON');
      const safeApp = await serveWith(Safe);

      await ctx.step('Senior trap: where select:false stops', async () => {
        ctx.showCode('create() and aggregate()', seniorCode, 'js');
        ctx.say('select:false is a default of queries. Two everyday paths are not queries: the document create() hands back, and an aggregation pipeline.');
        const SelectOnly = userModel(ctx, 'SelectOnlyUser', 'select:false');
        const onlyApp = await serveWith(SelectOnly);
        const onlyRes = await onlyApp.api.request({ method: 'POST', path: '/register', json: carol });
        const onlyScan = scanForSecrets(onlyRes.body, await withCarol(SelectOnly));
        scanned += 1;
        ctx.observe('register (select only), status', onlyRes.status);
        ctx.observe('register (select only), secret keys', onlyScan.keys);
        const report = await fetchAndScan(safeApp.api, 'aggregate', { path: '/users-report' });
        ctx.check('create() response leaks with select:false alone', onlyRes.status === 201 && onlyScan.keys.includes('password') && onlyScan.values >= 1, detail(onlyScan));
        ctx.check('aggregate() ignores select:false', report.res.status === 200 && report.scan.keys.includes('password'), detail(report.scan));
      }, { shows: 'failure', senior: true });

      await ctx.step('Senior fix: both layers, explicit $project', async () => {
        ctx.say('Keep the toJSON transform beside select:false, and project explicitly in every pipeline that touches users.');
        const safeRes = await safeApp.api.request({ method: 'POST', path: '/register', json: carol });
        const safeScan = scanForSecrets(safeRes.body, await withCarol(Safe));
        scanned += 1;
        ctx.observe('register (both), status', safeRes.status);
        ctx.observe('register (both), secret keys', safeScan.keys);
        const projected = await fetchAndScan(safeApp.api, 'aggregate+$project', { path: '/users-report?safe=1' }, await withCarol(Safe));
        ctx.observe('responses scanned', scanned);
        ctx.check('with the toJSON transform as well, the create() response is clean', safeRes.status === 201 && !leaks(safeScan), detail(safeScan));
        ctx.check('an explicit $project closes the pipeline', projected.res.status === 200 && !leaks(projected.scan) && Array.isArray(projected.res.body) && projected.res.body.length === seedUsers.length + 1, detail(projected.scan));
      }, { shows: 'fix', senior: true });
    },
  },
});
