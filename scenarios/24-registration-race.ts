import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, HttpResponse, ServedApp } from '../src/runtime/context.js';
import type { Model } from 'mongoose';
import type { Request, Response, NextFunction } from 'express';

// Cheap on purpose: the demo needs the hash between check and insert, not a production cost.
const BCRYPT_COST = 6;
/** Registrations fired at once for the same address. */
const BURST = 5;
/** A barrier that never fills (a request failed early) must not hang the demo. */
const BARRIER_BOUND_MS = 3_000;
const PASSWORD = 'correct horse battery staple';

const naiveHandlerCode = `// NAIVE: check, hash, insert. Nothing in the
// database forbids a second document with that email.
const userSchema = new Schema({
  email: String,
  passwordHash: String,
});

app.post('/register', async (req, res) => {
  const { email, password } = req.body;
  if (await User.findOne({ email })) {
    return res.status(409)
      .json({ error: 'an account uses this email' });
  }
  // one hash long (100 ms or more at cost 12), every
  // other request also sees "no such user"
  const passwordHash = await bcrypt.hash(password, 12);
  const user = await User.create({
    email, passwordHash,
  });
  res.status(201).json({ id: user.id });
});`;

const fixedHandlerCode = `// FIX: the database decides. A unique index, built
// and awaited before the server accepts traffic;
// duplicate key (11000) -> 409.
const userSchema = new Schema(
  {
    email: {
      type: String, required: true, unique: true,
    },
    passwordHash: String,
  },
  // indexes are built deliberately, below
  { autoIndex: false },
);
const User = mongoose.model('User', userSchema);
const taken = { error: 'an account uses this email' };

app.post('/register', async (req, res) => {
  const { email, password } = req.body;
  // {"$ne": null} is a query operator, not an address
  if (typeof email !== 'string'
      || typeof password !== 'string') {
    return res.status(400)
      .json({ error: 'invalid body' });
  }
  // A fast path that saves a hash, not the guarantee:
  // racers all pass it.
  if (await User.exists({ email })) {
    return res.status(409).json(taken);
  }
  const passwordHash = await bcrypt.hash(password, 12);
  try {
    const user = await User.create({
      email, passwordHash,
    });
    res.status(201).json({ id: user.id });
  } catch (err) {
    if (err.code !== 11000) throw err;
    res.status(409).json(taken);
  }
});

// rejects if duplicates exist: a failed deploy
await User.createIndexes();
app.listen(port); // only after the index exists`;

const normalisedSchemaCode = `// SENIOR: one address, one spelling. trim and
// lowercase are setters: they run on create() and
// on query filters alike.
const userSchema = new Schema({
  email: {
    type: String, required: true, unique: true,
    trim: true, lowercase: true,
  },
  passwordHash: String,
});`;


interface UserShape {
  email: string;
  passwordHash: string;
}

interface RegistrationResult {
  statuses: number[];
  responses: HttpResponse[];
  /** How many handlers found no existing user in their existence check (findOne, or exists() once fixed). */
  passedCheck: number;
}

/**
 * Holds each request after its existence check until `size` requests have checked (or the bound
 * expires). It makes the race window certain on every run; in production the bcrypt hash between
 * check and insert opens the same window, just not on every single burst.
 */
function createBarrier(size: number, boundMs: number) {
  let arrived = 0;
  let release!: () => void;
  const allArrived = new Promise<void>((resolve) => { release = resolve; });
  const timer = setTimeout(release, boundMs);
  return {
    async arrive(): Promise<void> {
      arrived += 1;
      if (arrived >= size) {
        clearTimeout(timer);
        release();
      }
      await allArrived;
    },
    dispose(): void {
      clearTimeout(timer);
      release();
    },
  };
}

const TAKEN = { error: 'an account uses this email' };

/**
 * The body's fields go into a query filter, so they must be strings: `{"$ne": null}` would be an
 * operator. Both handlers validate, so the naive one fails only because of the race.
 */
function credentialsOf(body: unknown): { email: string; password: string } | null {
  const { email, password } = (body ?? {}) as { email?: unknown; password?: unknown };
  return typeof email === 'string' && typeof password === 'string' ? { email, password } : null;
}

function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

function sortedStatuses(responses: HttpResponse[]): number[] {
  return responses.map((response) => response.status).sort((a, b) => a - b);
}

function countOf(statuses: number[], status: number): number {
  return statuses.filter((candidate) => candidate === status).length;
}

async function runDemo(ctx: DemoContext): Promise<void> {
  const bcrypt = (await import('bcrypt')).default;
  const { Schema } = ctx.mongoose;
  const app = ctx.express();
  app.use(ctx.express.json());

  // One route per version of the model; each burst installs a fresh barrier and counter.
  let barrier = createBarrier(BURST, BARRIER_BOUND_MS);
  let passedCheck = 0;
  ctx.defer(() => barrier.dispose());

  const naiveRoute = (User: Model<UserShape>) => async (req: Request, res: Response) => {
    const credentials = credentialsOf(req.body);
    if (!credentials) {
      res.status(400).json({ error: 'invalid body' });
      return;
    }
    const { email, password } = credentials;
    const existing = await User.findOne({ email });
    if (existing) {
      res.status(409).json(TAKEN);
      return;
    }
    passedCheck += 1;
    await barrier.arrive();
    const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
    const user = await User.create({ email, passwordHash });
    res.status(201).json({ id: String(user._id) });
  };

  // The fixed route keeps the friendly fast path (no hash for a known address) but no longer
  // trusts it: the insert is the real check.
  const fixedRoute = (User: Model<UserShape>) => async (req: Request, res: Response) => {
    const credentials = credentialsOf(req.body);
    if (!credentials) {
      res.status(400).json({ error: 'invalid body' });
      return;
    }
    const { email, password } = credentials;
    if (await User.exists({ email })) {
      res.status(409).json(TAKEN);
      return;
    }
    passedCheck += 1;
    await barrier.arrive();
    const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
    try {
      const user = await User.create({ email, passwordHash });
      res.status(201).json({ id: String(user._id) });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        res.status(409).json(TAKEN);
        return;
      }
      throw error;
    }
  };

  const plainSchema = () => new Schema<UserShape>({ email: String, passwordHash: String });
  const uniqueSchema = () => new Schema<UserShape>(
    { email: { type: String, required: true, unique: true }, passwordHash: String },
    { autoIndex: false },
  );

  const NaiveUser = ctx.db.model<UserShape>('NaiveUser', plainSchema());
  const FixedUser = ctx.db.model<UserShape>('FixedUser', uniqueSchema());
  const CaseSensitiveUser = ctx.db.model<UserShape>('CaseSensitiveUser', uniqueSchema());
  const NormalisedUser = ctx.db.model<UserShape>('NormalisedUser', new Schema<UserShape>(
    { email: { type: String, required: true, unique: true, trim: true, lowercase: true }, passwordHash: String },
    { autoIndex: false },
  ));

  app.post('/naive/register', naiveRoute(NaiveUser));
  app.post('/register', fixedRoute(FixedUser));
  app.post('/case-sensitive/register', fixedRoute(CaseSensitiveUser));
  app.post('/normalised/register', fixedRoute(NormalisedUser));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
  });

  // Indexes exist before the first request: the server starts only after the builds finished.
  await FixedUser.createIndexes();
  await CaseSensitiveUser.createIndexes();
  await NormalisedUser.createIndexes();
  const served: ServedApp = await ctx.serve(app);

  const burst = async (path: string, emails: string[]): Promise<RegistrationResult> => {
    barrier.dispose();
    barrier = createBarrier(emails.length, BARRIER_BOUND_MS);
    passedCheck = 0;
    const responses = await ctx.concurrently(emails.length, (index) =>
      served.request({ method: 'POST', path, json: { email: emails[index], password: PASSWORD } }));
    return { statuses: sortedStatuses(responses), responses, passedCheck };
  };

  const sameEmail = Array.from({ length: BURST }, () => 'ada@example.com');

  await ctx.step('Naive: findOne, bcrypt.hash, create — no unique index', async () => {
    ctx.showCode('the naive handler', naiveHandlerCode, 'ts');
    ctx.say(`${BURST} sign-ups for ada@example.com arrive at once. A barrier holds each request just after its findOne until all ${BURST} have checked: the window the bcrypt hash opens in production, made certain for the demo. The code shows cost 12 (production); the demo hashes at cost ${BCRYPT_COST} to stay fast, since the barrier, not the hash, holds the window open.`);
    const result = await burst('/naive/register', sameEmail);
    ctx.observe('statuses', result.statuses);
    ctx.observe('passed the findOne check', result.passedCheck);
    const created = ctx.observe('answered 201', countOf(result.statuses, 201));
    const documents = ctx.observe('documents', await NaiveUser.countDocuments({ email: 'ada@example.com' }));
    ctx.check(`all ${BURST} concurrent registrations were answered 201`, created === BURST, `statuses ${result.statuses.join(', ')}`);
    ctx.check(`the database now holds ${BURST} accounts for one email`, documents === BURST, `${documents} documents`);
    ctx.say('Every request asked "does this email exist?" before any of them had inserted, so every answer was "no". Check-then-act in the application is not atomic.');
  });

  await ctx.step('The autoIndex trap: unique: true on a collection that has duplicates', async () => {
    ctx.say('Adding `unique: true` and redeploying looks like the fix. With autoIndex, Mongoose starts the index build asynchronously after the model compiles; requests are not held back, and if the build fails nothing in the request path notices.');
    const Trap = ctx.db.model<UserShape>('TrapUser', new Schema<UserShape>({ email: { type: String, unique: true }, passwordHash: String }), NaiveUser.collection.name);
    const buildError: unknown = await Trap.init().then(() => undefined, (error: unknown) => error);
    const code = ctx.observe('index build error code', isDuplicateKeyError(buildError) ? 11000 : ((buildError as { code?: number } | undefined)?.code ?? null));
    const indexNames = (await Trap.collection.indexes()).map((index) => String(index.name));
    const hasEmailIndex = ctx.observe('email index exists', indexNames.some((name) => name.startsWith('email')));
    await Trap.create({ email: 'ada@example.com', passwordHash: 'x' });
    const documents = ctx.observe('documents after one more sign-up', await Trap.countDocuments({ email: 'ada@example.com' }));
    ctx.check('the automatic index build failed with duplicate key error 11000', code === 11000, `error code ${String(code)}`);
    ctx.check('no unique index exists afterwards', !hasEmailIndex, `indexes: ${indexNames.join(', ')}`);
    ctx.check('and the app went on accepting duplicates', documents === BURST + 1, `${documents} documents`);
    ctx.say('Two traps in one: the build races the first requests after a deploy, and it fails (unnoticed unless someone awaits init() or listens for the model\'s "index" event) when duplicates already exist. Build indexes deliberately, await them before listening, and clean up duplicates first.');
  });

  await ctx.step('Fix: unique index awaited before traffic, 11000 mapped to 409', async () => {
    ctx.showCode('the fixed model and handler', fixedHandlerCode, 'ts');
    const indexes = await FixedUser.collection.indexes();
    const emailIndex = indexes.find((index) => index.key['email'] === 1);
    ctx.observe('unique email index before the burst', emailIndex ? { name: String(emailIndex.name), unique: emailIndex.unique === true } : null);
    const result = await burst('/register', sameEmail);
    ctx.observe('statuses', result.statuses);
    ctx.observe('passed the exists() check', result.passedCheck);
    const created = ctx.observe('answered 201', countOf(result.statuses, 201));
    const conflicts = ctx.observe('answered 409', countOf(result.statuses, 409));
    const documents = ctx.observe('documents', await FixedUser.countDocuments({ email: 'ada@example.com' }));
    const conflictBody = result.responses.find((response) => response.status === 409)?.body ?? null;
    ctx.observe('a 409 body', conflictBody as { error: string } | null);
    ctx.check('the unique index existed before the first request', emailIndex?.unique === true);
    ctx.check('exactly one registration was answered 201', created === 1, `statuses ${result.statuses.join(', ')}`);
    ctx.check(`the other ${BURST - 1} were answered 409, not 500`, conflicts === BURST - 1, `statuses ${result.statuses.join(', ')}`);
    ctx.check('the database holds exactly one account', documents === 1, `${documents} documents`);
    const probe = await served.request({ method: 'POST', path: '/register', json: { email: { $ne: null }, password: PASSWORD } });
    const probeStatus = ctx.observe('email {"$ne": null}', probe.status);
    ctx.check('an operator in place of the email is refused with 400', probeStatus === 400, `status ${probeStatus}`);
    ctx.say(`All ${result.passedCheck} requests still got past the application check; the index turned the race into one insert and ${conflicts} duplicate-key errors. The type check keeps a JSON operator out of the filter.`);
  });

  await ctx.step('Senior: the same address spelled two ways', async () => {
    ctx.say('The unique index compares exact bytes. "Ada@Example.com" and "ada@example.com" reach the same mailbox at every major provider, but they are different strings, so both register: two accounts, two passwords, one person.');
    const result = await burst('/case-sensitive/register', ['Ada@Example.com', 'ada@example.com']);
    ctx.observe('statuses', result.statuses);
    const stored = (await CaseSensitiveUser.find().lean()).map((user) => user.email).sort();
    ctx.observe('stored emails', stored);
    ctx.check('without normalisation both spellings were answered 201', countOf(result.statuses, 201) === 2, `statuses ${result.statuses.join(', ')}`);
    ctx.check('two accounts now exist for one mailbox', stored.length === 2, `${stored.length} documents`);
  });

  await ctx.step('Senior fix: trim and lowercase before the index sees the value', async () => {
    ctx.showCode('normalised email', normalisedSchemaCode, 'ts');
    ctx.say('The same two sign-ups, one of them pasted with stray spaces, against a schema that trims and lower-cases.');
    const result = await burst('/normalised/register', ['Ada@Example.com', '  ada@example.com ']);
    ctx.observe('statuses', result.statuses);
    const stored = (await NormalisedUser.find().lean()).map((user) => user.email);
    ctx.observe('stored emails', stored);
    ctx.check('one spelling was answered 201, the other 409', result.statuses.join(',') === '201,409', `statuses ${result.statuses.join(', ')}`);
    ctx.check('one account, stored as ada@example.com', stored.length === 1 && stored[0] === 'ada@example.com', `stored ${JSON.stringify(stored)}`);
    ctx.say('Normalise in one place (the schema), and backfill existing rows before building the index on the normalised field. A case-insensitive collation index (strength 2) is the alternative when the original spelling must be kept.');
  });
}

export const scenario = defineScenario({
  id: 24,
  slug: 'registration-race',
  title: 'Registration race: one email, many accounts',
  tags: ['mongodb', 'concurrency', 'auth', 'express'],
  summary: 'Check-then-insert lets simultaneous sign-ups all succeed; a unique index built before traffic and 11000 → 409 make it one.',
  question:
    'Your sign-up handler looks the email up and creates the user only when it finds nothing. Two (or five) '
    + 'requests for the same new address arrive in the same instant. What happens, and how do you guarantee '
    + 'one account per email?',
  answer: {
    reasoning: [
      'The lookup and the insert are two separate operations, and every request can run its lookup before any of them '
        + 'has inserted. The slow bcrypt hash between the two widens that gap to the length of one hash (often 100 ms or '
        + 'more at a production cost), so under a double-click or a retrying client every request sees "no such user" and every request creates one.',
      'Only the database sees all writes, so only the database can enforce uniqueness: a unique index on email. '
        + 'The losing inserts then fail with duplicate-key error 11000, which the handler turns into 409 Conflict '
        + 'instead of a 500. The findOne can stay as a cheap fast path for the common case, but it is no longer the guarantee.',
      'The index must exist before traffic. Mongoose\'s autoIndex starts the build asynchronously after the model '
        + 'compiles and does not hold requests back, so the first requests after a deploy can race the build; and if duplicates already exist the '
        + 'build fails and the app keeps running without it. Build indexes as a deliberate step (a migration, or '
        + 'awaiting createIndexes() before listen), and treat a failure as a failed deploy.',
      'Uniqueness is only as good as the value indexed: "Ada@Example.com" and "ada@example.com" are different '
        + 'bytes. Normalise (trim, lowercase) before storing and before querying, or index with a case-insensitive collation.',
    ],
    keyPoints: [
      { text: 'findOne-then-create is a check-then-act race: concurrent requests all pass the check', terms: [['race', 'concurrent', 'simultaneous', 'at the same time'], ['findone', 'check-then', 'check then', 'lookup', 'exists(', 'look up']] },
      { text: 'A unique index on email makes the database reject the second insert', terms: [['unique index', 'unique: true', 'unique constraint']] },
      { text: 'Map duplicate-key error 11000 to 409 Conflict, not 500', terms: [['11000', 'duplicate key', 'e11000'], ['409', 'conflict']] },
      { text: 'Build and await the index before serving; autoIndex races traffic and fails silently on existing duplicates', terms: [['autoindex', 'createindexes', 'init()', 'before traffic', 'before listen', 'migration']] },
      { text: 'Normalise email (trim + lowercase) or use a case-insensitive collation', terms: [['lowercase', 'lower-case', 'normalis', 'normaliz', 'collation', 'case-insensitive']] },
    ],
    code: [
      { title: 'Naive: check, hash, insert', language: 'ts', code: naiveHandlerCode },
      { title: 'Fix: unique index awaited at startup, 11000 → 409', language: 'ts', code: fixedHandlerCode },
      { title: 'Senior: normalise the email in the schema', language: 'ts', code: normalisedSchemaCode },
    ],
    seniorNotes: [
      'Clean up existing duplicates (merge or disable accounts) before building the index: the build fails while they exist.',
      'On a large live collection, build the index in a migration and watch it finish; never rely on application start-up to do it implicitly.',
      'Return the same 409 body whether the address was caught by the fast path or by the index, so clients see one behaviour.',
      'Account enumeration: a 409 on sign-up tells an attacker the address is registered. Where that matters, answer 202 and send an email either way.',
      'An upsert (findOneAndUpdate({ email }, { $setOnInsert: … }, { upsert: true })) is not race-free on its own: two upserts can both insert unless a unique index exists. A transaction does not help either, because two inserts of different documents do not conflict. The unique index is the guarantee.',
      'Validate the body before it reaches a filter: a JSON body {"email": {"$ne": null}} turns findOne({ email }) into "any user". Check typeof (or parse with zod), or enable mongoose.set(\'sanitizeFilter\', true).',
      'Other unique identifiers (usernames, phone numbers) need the same treatment, each with its own normalisation rules.',
      'RFC 5321 lets the local part (before the @) be case-sensitive, but no major provider treats it so; lower-casing the whole address is the practical choice. Keep the original spelling in a second field if you want to display it.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'Five sign-ups for one new email arrive together; the handler runs findOne, then bcrypt.hash, then create, and the collection has no unique index. What does the database hold afterwards?',
        options: [
          { text: 'One account: findOne sees the first insert', correct: false, explanation: 'All five lookups finish before the first insert (the hash sits between them), so none of them sees it.' },
          { text: 'Five accounts for the same email', correct: true, explanation: 'Each request passed its own check before any insert happened; nothing in the database forbids the duplicates.' },
          { text: 'It depends on Mongoose\'s write concern', correct: false, explanation: 'Write concern controls acknowledgement and durability, not uniqueness.' },
        ],
      },
      {
        prompt: 'With a unique index on email, what should the handler do when create() throws an error with code 11000?',
        options: [
          { text: 'Let Express answer 500: it is a server error', correct: false, explanation: 'A duplicate registration is a conflict caused by the request, not a server fault.' },
          { text: 'Retry the insert until it succeeds', correct: false, explanation: 'It can never succeed: the address is taken.' },
          { text: 'Answer 409 Conflict with a clear message', correct: true, explanation: '11000 is the duplicate-key error; 409 says the resource already exists.' },
          { text: 'Delete the older account and insert again', correct: false, explanation: 'That would destroy a real user\'s account.' },
        ],
      },
      {
        prompt: 'You add `unique: true` to the email path and deploy; the collection already contains duplicate emails. What happens with Mongoose\'s default autoIndex?',
        options: [
          { text: 'Mongoose removes the duplicates, then builds the index', correct: false, explanation: 'Neither Mongoose nor MongoDB deletes data to satisfy an index.' },
          { text: 'The app refuses to start', correct: false, explanation: 'The build is started asynchronously; nothing stops the app unless you await init() or createIndexes().' },
          { text: 'The index build fails with 11000 and the app keeps accepting duplicates', correct: true, explanation: 'The failure surfaces only on Model.init() or the model\'s "index" event; requests keep inserting duplicates.' },
        ],
      },
      {
        prompt: 'The unique index is in place. Which pair of sign-ups can still create two accounts for one mailbox?',
        options: [
          { text: '"ada@example.com" twice, at the same instant', correct: false, explanation: 'Identical values collide on the index whatever the timing.' },
          { text: '"Ada@Example.com" and "ada@example.com"', correct: true, explanation: 'Different bytes, different index keys: normalise (trim, lowercase) or use a case-insensitive collation.' },
          { text: '"ada@example.com" on two different app servers', correct: false, explanation: 'The index lives in the database, so it covers every app server.' },
        ],
      },
    ],
  },
  demo: {
    run: runDemo,
  },
});
