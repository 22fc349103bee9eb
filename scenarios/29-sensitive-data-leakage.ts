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
// unknown email: compare against a dummy hash too
// (timing), see scenario 33
const ok = user
  && await bcrypt.compare(password, user.password);
if (!ok) {
  return res.status(401).json({ error: 'invalid' });
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

function buildUserApi(ctx: DemoContext, User: UserModel, bcrypt: Bcrypt): Express {
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
    if (!user || !(await bcrypt.compare(password, user.password))) {
      res.status(401).json({ error: 'invalid credentials' });
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
      },
      {
        text: 'A schema-level toJSON transform strips password and tokens from every serialised document.',
        terms: [['transform', 'tojson'], ['schema option', 'in the schema', 'schema-level', 'toJSON:']],
      },
      {
        text: '.lean() (and aggregate) return plain objects, so toJSON transforms do not run and the leak returns.',
        terms: [['lean'], ['plain object', 'pojo', 'not a document', 'no document', 'bypass', 'skip']],
      },
      {
        text: 'select: false on secret paths excludes them from queries by default, lean ones included.',
        terms: [['select: false', 'select:false', 'select false']],
      },
      {
        text: 'Opt in with .select(\'+password\') only where the hash is needed (login) and still respond through the transform.',
        terms: [['+password', 'select(\'+', 'opt in', 'opt-in'], ['login', 'compare']],
      },
      {
        text: 'Defence in depth: create()/save() results and aggregate() ignore select:false, so use both layers, explicit projections or DTOs, and test every response.',
        terms: [['create()', 'save()', 'aggregate', 'dto', 'allow-list', 'allowlist', 'whitelist', '$project'], ['defence in depth', 'defense in depth', 'both layers', 'scan every response', 'secret scan', 'test every']],
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
          { text: 'lean() returns plain objects, not documents, so there is no toJSON method to apply the transform', correct: true, explanation: 'The transform belongs to the document\'s toJSON(); plain objects are serialised field by field.' },
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
          { text: 'Recursively scan every response body for secret key names and for the actual secret values seeded in the test', correct: true, explanation: 'Value scanning catches a secret under a new name or nested somewhere; key scanning catches empty or renamed copies.' },
          { text: 'Check that the response is smaller than 1 KB', correct: false, explanation: 'A 60-character hash fits easily; size says nothing about content.' },
          { text: 'Check that the Content-Type is application/json', correct: false, explanation: 'That is true for leaking and clean responses alike.' },
        ],
      },
    ],
  },
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

      async function seedInto(User: UserModel): Promise<string> {
        await User.init();
        const docs = await User.insertMany(seedUsers.map((u) => ({ email: u.email, name: u.name, password: u.hash, tokens: [{ token: u.token }] })));
        return String(docs[0]?._id);
      }
      async function serveWith(User: UserModel): Promise<{ api: ServedApp; aliceId: string }> {
        const aliceId = await seedInto(User);
        return { api: await ctx.serve(buildUserApi(ctx, User, bcrypt)), aliceId };
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
      });

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
      });

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
      });

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
        ctx.check('a wrong password is refused (401), cleanly', wrong.res.status === 401 && !leaks(wrong.scan), `status ${wrong.res.status}; ${detail(wrong.scan)}`);
        ctx.check('an operator as email ({"$ne":null}) is refused (400)', operator.res.status === 400 && !leaks(operator.scan), `status ${operator.res.status}`);
      });

      await ctx.step('Senior: where select:false stops', async () => {
        ctx.showCode('create() and aggregate()', seniorCode, 'js');
        const SelectOnly = userModel(ctx, 'SelectOnlyUser', 'select:false');
        const Safe = userModel(ctx, 'SafeUser2', 'select:false+toJSON');
        const onlyApp = await serveWith(SelectOnly);
        const safeApp = await serveWith(Safe);
        const carol = { email: 'carol@example.test', name: 'Carol', password: randomBytes(12).toString('base64url') };

        const hashOf = async (User: UserModel): Promise<string[]> => {
          const doc = await User.findOne({ email: carol.email }).select('+password').lean();
          return doc?.password ? [doc.password, carol.password] : [carol.password];
        };
        const onlyRes = await onlyApp.api.request({ method: 'POST', path: '/register', json: carol });
        const onlyScan = scanForSecrets(onlyRes.body, [...secretValues, ...(await hashOf(SelectOnly))]);
        const safeRes = await safeApp.api.request({ method: 'POST', path: '/register', json: carol });
        const safeScan = scanForSecrets(safeRes.body, [...secretValues, ...(await hashOf(Safe))]);
        scanned += 2;
        ctx.observe('register (select only), status', onlyRes.status);
        ctx.observe('register (select only), secret keys', onlyScan.keys);
        ctx.observe('register (both), status', safeRes.status);
        ctx.observe('register (both), secret keys', safeScan.keys);

        const report = await fetchAndScan(safeApp.api, 'aggregate', { path: '/users-report' });
        const projected = await fetchAndScan(safeApp.api, 'aggregate+$project', { path: '/users-report?safe=1' });
        ctx.observe('responses scanned', scanned);

        ctx.check('create() response leaks with select:false alone', onlyRes.status === 201 && onlyScan.keys.includes('password') && onlyScan.values >= 1, detail(onlyScan));
        ctx.check('with the toJSON transform as well it is clean', safeRes.status === 201 && !leaks(safeScan), detail(safeScan));
        ctx.check('aggregate() ignores select:false', report.res.status === 200 && report.scan.keys.includes('password'), detail(report.scan));
        ctx.check('an explicit $project closes it', projected.res.status === 200 && !leaks(projected.scan) && Array.isArray(projected.res.body) && projected.res.body.length === seedUsers.length + 1, detail(projected.scan));
      });
    },
  },
});
