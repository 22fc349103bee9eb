import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext } from '../src/runtime/context.js';
import type { Types } from 'mongoose';

const LEGACY_USERS = 6;
const LEGACY_ORDERS = 75;
/** How long a claim protects a running migration before another runner may take it over. */
const LEASE_MS = 60_000;
const BATCH_SIZE = 30;

const schemaCode = `// schema v2: a new field with a default
const userSchema = new Schema({
  email: String,
  name: String,
  plan: { type: String, enum: ['free', 'pro'],
          default: 'free' },
});`;

const backfillCode = `// count first: the backfill must touch exactly these
const missing = { plan: { $exists: false } };
const expected = await User.countDocuments(missing);
// filter on the gap only: safe to re-run, and a plan
// written since the deploy is never overwritten
const { matchedCount, modifiedCount } =
  await User.updateMany(missing,
    { $set: { plan: 'free' } });
console.log({ expected, matchedCount, modifiedCount });`;

const batchedCode = `// a versioned migration, batched by _id ranges
export const migration = {
  id: '2026-11-24-order-currency',
  async up(Order) {
    const missing = { currency: { $exists: false } };
    let last = null, modified = 0;
    for (;;) {
      const range = last ? { _id: { $gt: last } } : {};
      const batch = await Order
        .find({ ...missing, ...range })
        .sort({ _id: 1 }).limit(1000) // demo: ${BATCH_SIZE}
        .select('_id').lean();
      if (batch.length === 0) return modified;
      const upper = batch.at(-1)._id;
      const ids = { ...range._id, $lte: upper };
      const res = await Order.updateMany(
        { ...missing, _id: ids },
        { $set: { currency: 'EUR' } });
      modified += res.modifiedCount;
      last = upper;  // resume point; throttle here
    }
  },
};
// runner: claim it first with insertOne({ _id:
// migration.id, state: 'running', leaseUntil }),
// leaseUntil = now + 1 min. A duplicate-key error
// (E11000) means it is claimed: take over only a
// claim whose lease expired (its runner crashed):
// findOneAndUpdate({ _id, state: 'running',
//   leaseUntil: { $lt: now } },
//   { $set: { leaseUntil } })
// null: someone holds it, or it is done: stop.
// After up(), set state: 'done'. (In production,
// renew the lease between batches.)`;

const saveEditCode = `// PATCH /users/:id: the user edits only the name
const user = await User.findById(id);
user.name = name;
await user.save();
// save() also writes the defaulted plan; an
// updateOne({ _id: id }, { $set: { name } }) would not`;

const tolerantCode = `// shipped BEFORE the backfill: accept both shapes
const plan = user.plan ?? 'free';
const free = await User.find(
  { plan: { $in: ['free', null] } });
// { plan: null } also matches a missing plan`;

const pipelineCode = `// computed from other fields: a pipeline update
// (Mongoose 9 refuses the array without the option)
await Order.updateMany(
  { totalCents: { $exists: false } },
  [{ $set: { totalCents:
    { $multiply: ['$total', 100] } } }],
  { updatePipeline: true });`;

interface Migration {
  id: string;
  up(): Promise<{ batches: number; modified: number }>;
}

export const scenario = defineScenario({
  id: 32,
  slug: 'backfill-new-field',
  title: 'Backfilling a new schema field',
  tags: ['mongodb', 'migrations', 'reliability'],
  summary: 'A schema default is applied on read and stored only when a document is saved: backfill old documents idempotently.',
  question:
    'You add a field with a default value to a Mongoose schema that already has millions of documents in production. '
    + 'What happens to the existing documents, why might queries on the new field misbehave, and how do you populate it safely?',
  answer: {
    short:
      'Nothing happens to the stored documents: Mongoose applies the default when it hydrates a document, so the API '
      + 'shows it, but a query on the field runs against stored data and misses every legacy document. I ship code that '
      + 'accepts both shapes, then backfill with an updateMany filtered on `{ field: { $exists: false } }`, which is '
      + 'idempotent and never overwrites new values, batched by _id and run once as a claimed migration.',
    reasoning: [
      'MongoDB has no table schema to alter: the Mongoose schema lives in the application, so adding a field changes nothing '
        + 'in the stored documents. A default is applied when Mongoose hydrates a document, in memory only, so every legacy '
        + 'document read through a model appears to have the field while the database does not. It is written to the '
        + 'database only when that document is saved: a new one on create, a legacy one the next time some unrelated '
        + 'change is saved through save() (updateOne and findOneAndUpdate do not add it to an existing document; only an '
        + 'upsert that inserts gets it, through setDefaultsOnInsert). So legacy documents acquire '
        + 'the field piecemeal, as users happen to be saved, and any count on it drifts from day to day. '
        + 'lean() queries, the shell, aggregations and other services see the raw documents.',
      'That split is what bites: the API shows plan: \'free\' for an old user, but find({ plan: \'free\' }) runs on the server '
        + 'against the stored data and matches only the documents that happen to have it stored: new ones and legacy ones '
        + 'saved since the deploy. Counts, reports and filters on the new field are wrong until the data is backfilled, and '
        + 'a unique or partial index on it behaves differently for documents without the field.',
      'The backfill is an updateMany whose filter selects only documents still missing the field, { field: { $exists: false } }, '
        + 'with $set of the default. The filter makes it idempotent (a second run matches nothing, so it is safe to retry after a '
        + 'crash) and makes sure it never overwrites a value new code has already written. Its result reports matchedCount and '
        + 'modifiedCount, which should equal the number of documents counted as missing the field just before: not the '
        + 'number of legacy documents, since some have already gained it by being saved.',
      'Order matters when deploying: first ship code that tolerates both shapes (treat a missing field as the default, query '
        + 'with { $in: [value, null] }), then run the backfill, then remove the tolerance and, if the field must always exist, '
        + 'add validation. That way no request sees an inconsistency during the rollout.',
      'For a large collection one updateMany is a single long-running operation that cannot be paused or throttled and sends '
        + 'a burst of writes through the oplog to the secondaries. I would write it as a versioned migration script, recorded '
        + 'in a migrations collection so it runs once per environment, that walks the collection in _id ranges of a few thousand '
        + 'documents, reporting progress and pausing between batches if replication lag grows. The runner claims the '
        + 'migration before running it, so two instances deploying at once do not both run it.',
    ],
    keyPoints: [
      {
        text: 'Adding a field to a Mongoose schema does not change stored documents; defaults are applied on hydration and '
          + 'only stored when a document is saved, so untouched legacy documents never get them.',
        terms: [['default'], ['hydrat', 'on read', 'not stored', 'not persisted', 'application level', 'when the document is loaded',
          'only in mongoose', 'not written', 'not saved', 'when read', 'in memory', 'on load']],
        provenBy: 'Default on read',
      },
      {
        text: 'Queries on the new field run against the stored data and miss legacy documents until they are backfilled.',
        terms: [['query', 'find', 'count'], ['miss legacy', "won't match", 'not match', 'no match', 'finds none', 'only new',
          'returns 0', 'zero']],
        provenBy: 'Default on read',
      },
      {
        text: 'Backfill with updateMany filtered on { $exists: false } and $set of the value.',
        terms: [['updateMany', 'update many'], ['$exists']],
        provenBy: 'Backfill with',
      },
      {
        text: 'The $exists filter makes the backfill idempotent and never overwrites values written by new code; verify modifiedCount.',
        terms: [['idempotent', 'safe to re-run', 'run it again', 're-run'], ['modifiedCount', 'modified count', 'nModified']],
        provenBy: 'Run it again',
      },
      {
        text: 'Deploy code that tolerates both shapes first, then backfill, then tighten.',
        terms: [['both shapes', 'backward compatible', 'backwards compatible', 'tolerat', 'missing field'], ['deploy', 'rollout', 'release']],
        provenBy: 'Tolerate both',
      },
      {
        text: 'Large collections: a versioned migration script that batches by _id ranges, resumable and throttled.',
        terms: [['batch'], ['_id', 'range', 'cursor'], ['migration', 'script']],
        provenBy: 'Senior: batched',
      },
    ],
    code: [
      { title: 'The schema gains a field with a default', language: 'ts', code: schemaCode },
      { title: 'Backfill: idempotent updateMany', language: 'ts', code: backfillCode },
      { title: 'Tolerate both shapes until the backfill is done', language: 'ts', code: tolerantCode },
      { title: 'Versioned, batched migration for large collections', language: 'js', code: batchedCode },
      { title: 'Computed values: a pipeline update (Mongoose 9 opt-in)', language: 'js', code: pipelineCode },
    ],
    seniorNotes: [
      'Treat it as a migration, not a one-off shell command: a versioned script in the repository, reviewed, run by a migration tool (migrate-mongo or a small runner) that records what ran in each environment, with a dry-run that only counts.',
      'Batch by _id ranges (the _id index is always there) rather than skip/limit, keep each batch small enough to finish in well under a second, watch replication lag between batches, and make the job resumable from the last _id; the $exists filter already makes it safe to re-run.',
      'Claim a migration before running it: insert { _id: id, state: \'running\' } into the migrations collection; '
        + 'the duplicate-key error on _id tells a second runner (another pod of the same deploy) to stop, instead of both '
        + 'passing a findOne check and running up() together. Without more, a claim left in \'running\' by a crash is never retried: '
        + 'every later deploy skips it. So the claim carries a lease: leaseUntil (now + a minute or so), renewed between batches '
        + 'so a slow but live runner keeps it, and a runner that hits E11000 takes over only an expired one with '
        + 'findOneAndUpdate({ _id, state: \'running\', leaseUntil: { $lt: now } }, { $set: { leaseUntil: newLease } }): '
        + 'one atomic update, so only one runner wins. The $exists filter makes the re-run itself harmless.',
      'Do not wait for saves to fill the field: every save() of a legacy document writes the default, so the count '
        + 'creeps up with traffic and never reaches the total. Reports that depend on it stay wrong until the backfill.',
      'Expand, migrate, contract: ship readers that accept both shapes, backfill, then make the field required or add a $jsonSchema validator once every document has it. Rollback is then just redeploying the old code, which ignores the extra field.',
      'Indexes: build an index the new queries need before they go live; on a large collection it is a build in its own right. A partial index ({ partialFilterExpression }) can keep it small, and remember that a { $exists: false } filter cannot be answered from an index alone (an index narrows it to the null keys, then each document is fetched to tell missing from null).',
      'Values computed from other fields need an update with an aggregation pipeline ([{ $set: { fullName: { $concat: [\'$first\', \' \', \'$last\'] } } }]) so the server computes them without a round trip per document. Mongoose 9 only accepts the array with { updatePipeline: true } (or mongoose.set(\'updatePipeline\', true), or the driver\'s collection); the demo shows the refusal and the fix.',
      'lean(), aggregations and other services never see Mongoose defaults; until the backfill is done, anything outside the model sees the legacy shape.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A collection holds 1 000 users written before `plan: { type: String, default: \'free\' }` was added to the schema. None of them has been saved since. What does `User.countDocuments({ plan: \'free\' })` return before any backfill?',
        options: [
          { text: '0', correct: true, explanation: 'The query runs on the server against stored documents, and none of them has plan stored; a default is written only when a document is saved.' },
          { text: '1 000', correct: false, explanation: 'That would need the default to be stored. Mongoose applies it when it hydrates a document, which a count never does.' },
          { text: 'It throws because the field is missing.', correct: false, explanation: 'Querying a field that documents lack is legal in MongoDB; it simply matches nothing.' },
          { text: '1 000, but only with strictQuery enabled.', correct: false, explanation: 'strictQuery filters unknown paths out of filters; it does not invent stored values.' },
        ],
      },
      {
        prompt: 'Why does the backfill filter on `{ plan: { $exists: false } }` instead of updating every document?',
        options: [
          { text: 'A re-run is harmless and a plan set by new code survives.', correct: true, explanation: 'Idempotence: a re-run matches only what is still missing (nothing, once done), and a user who upgraded to pro since the deploy keeps it.' },
          { text: 'Without a filter on the updated field, updateMany changes only the first document.', correct: false, explanation: 'That is updateOne. updateMany accepts any filter, even {}, and updates every match; the choice is about correctness.' },
          { text: 'It lets MongoDB answer the filter from the index on plan alone, which is faster.', correct: false, explanation: 'Speed is not the point, and a missing-field predicate cannot be answered from an index alone: the index narrows it to null keys, then each document is fetched.' },
          { text: 'It triggers Mongoose schema validation.', correct: false, explanation: 'Update validators are off by default and unrelated to the filter.' },
        ],
      },
      {
        prompt: 'The backfill reported modifiedCount 6. You run it again unchanged. What does the second run report?',
        options: [
          { text: 'matchedCount 0 and modifiedCount 0.', correct: true, explanation: 'No document lacks the field any more, so the filter matches nothing.' },
          { text: 'matchedCount 6 and modifiedCount 0.', correct: false, explanation: 'That would be an unconditional filter setting the same value; with $exists: false the six no longer match at all.' },
          { text: 'modifiedCount 6 again.', correct: false, explanation: 'Only an update that changes values counts as modified; these documents already have the field.' },
          { text: 'A duplicate key error.', correct: false, explanation: 'updateMany with $set inserts nothing and touches no unique key.' },
        ],
      },
      {
        prompt: 'A legacy user is read with `User.findById(id).lean()`. What is its plan?',
        options: [
          { text: 'undefined: lean() skips hydration.', correct: true, explanation: 'lean() returns the raw stored object; defaults, getters and virtuals are Mongoose document features.' },
          { text: '\'free\': the schema default applies to every Mongoose read.', correct: false, explanation: 'Only hydrated documents get defaults; lean() bypasses that.' },
          { text: 'null, because Mongoose fills missing fields with null.', correct: false, explanation: 'Missing fields stay missing in lean results.' },
          { text: 'The query fails schema validation.', correct: false, explanation: 'Reads are never validated.' },
        ],
      },
      {
        prompt: 'The collection holds 80 million documents. Why batch the backfill by _id ranges instead of one updateMany?',
        options: [
          { text: 'Short batches can be throttled on replication lag and resumed from the last _id.', correct: true, explanation: 'One huge updateMany cannot be paced; batches bound every write burst, report progress and give a resume point.' },
          { text: 'updateMany stops after 1 000 documents per call, like a cursor\'s first batch.', correct: false, explanation: 'There is no such limit; updateMany updates every match.' },
          { text: 'Batches in one session make the whole backfill atomic if a pod crashes.', correct: false, explanation: 'Batching gives up atomicity across batches; the $exists filter is what makes partial progress harmless.' },
          { text: 'One updateMany locks the whole collection against reads until it finishes.', correct: false, explanation: 'WiredTiger locks documents and the operation yields; the problem is duration, oplog volume and lag, not a collection lock.' },
        ],
      },
      {
        prompt: 'You backfill `fullName` from `first` and `last` with `User.updateMany(filter, [{ $set: { fullName: { $concat: [...] } } }])` on Mongoose 9. What happens?',
        options: [
          { text: 'It throws until you pass { updatePipeline: true }.', correct: true, explanation: 'Mongoose 9 refuses an array update unless the updatePipeline option (or the global setting) is on; the demo shows the error, then the same update succeeding with the option.' },
          { text: 'Mongoose casts the array to a string and stores "[object Object]" in fullName.', correct: false, explanation: 'Mongoose does not cast pipelines; it refuses them outright without the option.' },
          { text: 'It works: the driver has accepted pipeline updates since MongoDB 4.2, so Mongoose does too.', correct: false, explanation: 'The server and the driver accept them; Mongoose 9 adds its own opt-in check on top.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'The API already shows plan: "free" for old users. Why would a query on plan still miss them?',
      answer:
        'The default lives in the application: Mongoose fills it in when it hydrates a document, in memory. A query '
        + 'runs on the server against what is stored, where the field is simply absent, so `{ plan: "free" }` matches only '
        + 'documents saved since the deploy. lean(), aggregations, the shell and other services see the stored shape too.',
      keyPoints: [
        { text: 'Defaults are applied on hydration, in memory.', terms: [['hydrat', 'in memory', 'on read', 'application']] },
        { text: 'Queries run on stored data, where the field is missing.', terms: [['stored', 'server', 'database'], ['missing', 'absent', 'not there', 'no field']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Default on read',
    },
    {
      question: 'Halfway through, the backfill pod is killed. What now?',
      answer:
        'Run it again. The filter `{ plan: { $exists: false } }` selects only documents that still lack the field, so the '
        + 'second run continues where the first stopped and touches nothing already done; with batches by _id it can also '
        + 'resume from the last _id it logged. The claim in the migrations collection carries a lease, so the next runner '
        + 'takes over an expired claim instead of skipping the migration for ever.',
      keyPoints: [
        { text: 'Idempotent filter: a re-run finishes the job and changes nothing twice.', terms: [['idempotent', 're-run', 'run it again', 'rerun', 'again'], ['$exists', 'missing']] },
        { text: 'A lease lets another runner take over a crashed claim.', terms: [['lease', 'expired', 'take over', 'takeover']] },
      ],
      probes: 3,
      kind: 'failure',
      shownBy: 'Senior: batched',
    },
    {
      question: 'The collection has 80 million documents on a replica set. How do you run it without hurting production?',
      answer:
        'As a versioned migration that walks the collection in _id ranges of a few thousand documents, each batch one '
        + 'short updateMany with the same $exists filter. Between batches it checks replication lag and pauses when '
        + 'secondaries fall behind, and it logs the last _id as a resume point. Any index the new queries need is built '
        + 'before they go live, and the job runs off-peak with a dry-run count first.',
      keyPoints: [
        { text: 'Batches by _id range, not skip/limit.', terms: [['batch'], ['_id', 'range']] },
        { text: 'Throttle on replication lag; resume from the last _id.', terms: [['lag', 'throttle', 'pause', 'sleep between'], ['resume', 'last _id', 'checkpoint']] },
      ],
      kind: 'scale',
      shownBy: 'Senior: batched',
    },
    {
      question: 'Two pods of the new release start at the same time and both run migrations on boot. What goes wrong, and how do you stop it?',
      answer:
        'Both can pass a "has it run?" check before either records it, and run the migration twice at once. The claim '
        + 'must be atomic: insert a document with the migration id as `_id`; the unique _id index lets exactly one '
        + 'insert through, and the other runner gets E11000 and stops. Better still, run migrations as a separate '
        + 'release step (a Kubernetes Job, a pipeline stage) rather than on every pod\'s boot.',
      keyPoints: [
        { text: 'Check-then-run races; claim atomically with an insert on _id (E11000 for the loser).', terms: [['_id', 'unique', 'e11000', 'duplicate key', 'atomic', 'lock']] },
        { text: 'Run migrations as one release step, not on every boot.', terms: [['job', 'release step', 'pipeline', 'separate', 'once']] },
      ],
      kind: 'failure',
      shownBy: 'Senior: batched',
    },
    {
      question: 'Next quarter you rename plan to tier. How do you do it with no downtime?',
      answer:
        'Expand, migrate, contract. First release code that writes both fields and reads tier, falling back to plan; '
        + 'then backfill tier from plan in batches (a $rename, or a pipeline update with { updatePipeline: true } in '
        + 'Mongoose 9); then release code that uses only tier; finally unset plan and drop any index on it. Each step '
        + 'can be rolled back on its own, because old code still finds the field it knows.',
      keyPoints: [
        { text: 'Expand / migrate / contract in separate releases.', terms: [['expand', 'dual write', 'write both', 'both fields']] },
        { text: 'Backfill with $rename or a pipeline update; Mongoose 9 needs updatePipeline for the latter.', terms: [['$rename', 'pipeline', 'updatepipeline', 'backfill']] },
        { text: 'Remove the old field last; every step reversible.', terms: [['$unset', 'remove', 'drop', 'contract', 'rollback', 'roll back']] },
      ],
      kind: 'trade-off',
      shownBy: 'Senior: computed',
    },
  ],
  demo: {
    async run(ctx: DemoContext): Promise<void> {
      const { Schema } = ctx.mongoose;
      const users = ctx.db.collection('users');

      await ctx.step('Legacy documents', async () => {
        ctx.say(`Version 1 of the app wrote users without a plan. ${LEGACY_USERS} are inserted through the raw collection, exactly as the old code stored them.`);
        await users.insertMany(Array.from({ length: LEGACY_USERS }, (_, i) => ({
          email: `legacy${i}@example.com`, name: `Legacy ${i}`,
        })));
        ctx.observe('legacy documents', await users.countDocuments({}));
        const missing = ctx.observe('without plan', await users.countDocuments({ plan: { $exists: false } }));
        ctx.check(`all ${LEGACY_USERS} legacy documents lack the field`, missing === LEGACY_USERS, `without plan: ${missing}`);
      }, { shows: 'context' });

      const User = ctx.db.model('User', new Schema({
        email: String,
        name: String,
        plan: { type: String, enum: ['free', 'pro'], default: 'free' },
      }), 'users');

      const app = ctx.express();
      app.use(ctx.express.json());
      app.get('/users/:id', async (req, res) => {
        const user = await User.findById(req.params.id);
        if (!user) return void res.status(404).json({ error: 'not found' });
        res.json(user);
      });
      app.patch('/users/:id', async (req, res) => {
        const name: unknown = req.body?.name;
        if (typeof name !== 'string') return void res.status(400).json({ error: 'name must be a string' });
        const user = await User.findById(req.params.id);
        if (!user) return void res.status(404).json({ error: 'not found' });
        user.name = name;
        await user.save();
        res.json(user);
      });
      app.get('/users', async (req, res) => {
        const plan = req.query['plan'] === 'pro' ? 'pro' : 'free';
        res.json({ count: await User.countDocuments({ plan }) });
      });
      const api = await ctx.serve(app);
      const countFree = async (): Promise<number | null> => {
        const response = await api.request({ path: '/users?plan=free' });
        const body = response.body as { count?: unknown } | null;
        return typeof body?.count === 'number' ? body.count : null;
      };

      let legacyId: Types.ObjectId | undefined;
      await ctx.step('Default on read, not stored', async () => {
        ctx.say('Version 2 adds plan with a default; new sign-ups are saved by the new model.');
        ctx.showCode('schema v2', schemaCode);
        await User.create({ email: 'new@example.com', name: 'New' });
        await User.create({ email: 'paid@example.com', name: 'Paid', plan: 'pro' });
        const legacy = await users.findOne({ email: 'legacy0@example.com' });
        legacyId = legacy?._id as Types.ObjectId | undefined;

        const viaApi = await api.request({ path: `/users/${String(legacyId)}` });
        const apiPlan = ctx.observe('API plan (legacy)', (viaApi.body as { plan?: string } | null)?.plan ?? null);
        const rawPlan = ctx.observe('stored plan (legacy)', (legacy && 'plan' in legacy) ? String(legacy['plan']) : '(missing)');
        const leanPlan = ctx.observe('lean() plan (legacy)',
          (await User.findById(legacyId).lean())?.plan ?? '(missing)');
        const total = ctx.observe('users', await User.countDocuments({}));
        const free = ctx.observe('GET ?plan=free count', await countFree());
        ctx.check('the API shows the default for a legacy user', apiPlan === 'free', `API plan: ${apiPlan}`);
        ctx.check('the stored legacy document has no plan', rawPlan === '(missing)', `stored: ${rawPlan}`);
        ctx.check('lean() skips hydration, so no default', leanPlan === '(missing)', `lean: ${leanPlan}`);
        ctx.check(`the query finds only the new free user, not the ${LEGACY_USERS} legacy ones`, free === 1,
          `found ${free} of ${total}`);
        ctx.say('A query runs on stored data: so far the default exists only in memory, on hydrated documents.');
      }, { shows: 'failure' });

      await ctx.step('Tolerate both shapes first', async () => {
        ctx.say('Before any backfill, ship readers that accept a missing plan.');
        ctx.showCode('tolerate both shapes first', tolerantCode);
        const tolerant = ctx.observe('tolerant query count', await User.countDocuments({ plan: { $in: ['free', null] } }));
        ctx.check('a query that treats missing as free finds them all', tolerant === LEGACY_USERS + 1, `found ${tolerant}`);
      }, { shows: 'fix' });

      await ctx.step('A save writes the default', async () => {
        ctx.say('Weeks later two legacy users rename themselves: one through a route that loads the document and calls '
          + 'save(), one through updateOne. Neither edit mentions plan.');
        ctx.showCode('an unrelated edit', saveEditCode);
        const savedUser = await users.findOne({ email: 'legacy1@example.com' });
        const updatedUser = await users.findOne({ email: 'legacy2@example.com' });
        const patch = await api.request({
          method: 'PATCH', path: `/users/${String(savedUser?._id)}`, json: { name: 'Renamed 1' },
        });
        await User.updateOne({ _id: updatedUser?._id }, { $set: { name: 'Renamed 2' } });
        const storedPlan = async (id: unknown): Promise<string> => {
          const stored = await users.findOne({ _id: id as Types.ObjectId });
          return stored && 'plan' in stored ? String(stored['plan']) : '(missing)';
        };
        ctx.observe('PATCH status', patch.status);
        const afterSave = ctx.observe('stored plan after save()', await storedPlan(savedUser?._id));
        const afterUpdate = ctx.observe('stored plan after updateOne', await storedPlan(updatedUser?._id));
        const free = ctx.observe('GET ?plan=free count', await countFree());
        const missing = ctx.observe('without plan', await users.countDocuments({ plan: { $exists: false } }));
        ctx.check('save() stored the default in a legacy document', patch.status === 200 && afterSave === 'free',
          `status ${patch.status}, stored: ${afterSave}`);
        ctx.check('updateOne left the field out', afterUpdate === '(missing)', `stored: ${afterUpdate}`);
        ctx.check('the free count drifted from 1 to 2 with no migration', free === 2, `found ${free}`);
        ctx.check(`${LEGACY_USERS - 1} legacy documents still lack the field`, missing === LEGACY_USERS - 1,
          `without plan: ${missing}`);
        ctx.say('Legacy documents gain the field one save at a time: the count creeps with traffic and is never '
          + 'complete. One more reason to backfill, and to count what is missing right before it.');
      }, { shows: 'failure' });

      await ctx.step('Backfill with updateMany', async () => {
        ctx.showCode('backfill', backfillCode);
        const expected = ctx.observe('missing before', await users.countDocuments({ plan: { $exists: false } }));
        const result = await User.updateMany({ plan: { $exists: false } }, { $set: { plan: 'free' } });
        ctx.observe('matchedCount', result.matchedCount);
        const modified = ctx.observe('modifiedCount', result.modifiedCount);
        const free = ctx.observe('GET ?plan=free count', await countFree());
        const missing = ctx.observe('without plan', await users.countDocuments({ plan: { $exists: false } }));
        const pro = ctx.observe('pro users', await users.countDocuments({ plan: 'pro' }));
        ctx.check(`modifiedCount equals the count taken just before (${expected}), not the ${LEGACY_USERS} legacy users`,
          modified === expected && expected === LEGACY_USERS - 1, `modified ${modified}`);
        ctx.check('the query now matches legacy users too', free === LEGACY_USERS + 1, `found ${free}`);
        ctx.check('no document lacks the field any more', missing === 0, `without plan: ${missing}`);
        ctx.check('the pro user set by new code was not overwritten', pro === 1, `pro users: ${pro}`);
        const stored = await users.findOne({ _id: legacyId });
        ctx.check('the plan is now stored in the legacy document', stored?.['plan'] === 'free',
          `stored: ${String(stored?.['plan'])}`);
      }, { shows: 'fix' });

      await ctx.step('Run it again', async () => {
        ctx.say('A migration must survive being re-run (a retry after a crash, a second deploy).');
        const again = await User.updateMany({ plan: { $exists: false } }, { $set: { plan: 'free' } });
        const matched = ctx.observe('matchedCount', again.matchedCount);
        const modified = ctx.observe('modifiedCount', again.modifiedCount);
        const free = ctx.observe('GET ?plan=free count', await countFree());
        ctx.check('the second run modifies nothing (idempotent)', matched === 0 && modified === 0,
          `matched ${matched}, modified ${modified}`);
        ctx.check('the data is unchanged', free === LEGACY_USERS + 1, `found ${free}`);
      }, { shows: 'fix' });

      await ctx.step('Senior: batched migration', async () => {
        ctx.say(`On a large collection: a versioned script that walks _id ranges (the code shows 1000 per batch for production; the demo uses ${BATCH_SIZE}, and ${LEGACY_ORDERS} legacy orders stand in for millions), claimed in a migrations collection before it runs.`);
        ctx.showCode('batched migration', batchedCode, 'js');
        const orders = ctx.db.collection('orders');
        await orders.insertMany(Array.from({ length: LEGACY_ORDERS }, (_, i) => ({ number: i + 1, total: 10 + (i % 7) })));
        const Order = ctx.db.model('Order', new Schema({
          number: Number, total: Number, currency: { type: String, default: 'EUR' }, channel: String,
        }), 'orders');
        const migrations = ctx.db.collection<{
          _id: string; state: 'running' | 'done'; startedAt: Date; leaseUntil?: Date; modified?: number;
        }>('migrations');

        /** A batched backfill of one order field, walking _id ranges (the code shown, for any field). */
        const backfillOrders = (id: string, field: 'currency' | 'channel', value: string): Migration => ({
          id,
          async up() {
            let last: Types.ObjectId | null = null;
            let batches = 0;
            let modified = 0;
            for (;;) {
              const range: Record<string, Types.ObjectId> = last ? { $gt: last } : {};
              const batch: Array<{ _id: Types.ObjectId }> = await Order.find({ ...(last ? { _id: range } : {}), [field]: { $exists: false } })
                .sort({ _id: 1 }).limit(BATCH_SIZE).select('_id').lean();
              const upper: Types.ObjectId | undefined = batch.at(-1)?._id;
              if (!upper) return { batches, modified };
              const result = await Order.updateMany(
                { _id: { ...range, $lte: upper }, [field]: { $exists: false } },
                { $set: { [field]: value } },
              );
              batches += 1;
              modified += result.modifiedCount;
              last = upper;
            }
          },
        });
        const addOrderCurrency = backfillOrders('2026-11-24-order-currency', 'currency', 'EUR');
        // The claim is an insert on _id: the unique _id index lets exactly one runner through, where a
        // findOne-then-run check would let two runners that start together both pass. The lease lets a
        // later runner take over a claim whose runner crashed; the takeover is one atomic
        // findOneAndUpdate on the expired lease, so again only one runner can win it.
        const runMigration = async (migration: Migration): Promise<string> => {
          const now = new Date();
          const leaseUntil = new Date(now.getTime() + LEASE_MS);
          let tookOver = false;
          try {
            await migrations.insertOne({ _id: migration.id, state: 'running', startedAt: now, leaseUntil });
          } catch (error) {
            if ((error as { code?: unknown } | null)?.code !== 11000) throw error;
            const stale = await migrations.findOneAndUpdate(
              { _id: migration.id, state: 'running', leaseUntil: { $lt: now } },
              { $set: { leaseUntil, startedAt: now } },
            );
            if (!stale) return 'skipped (E11000: already claimed)';
            tookOver = true;
          }
          const { batches, modified } = await migration.up();
          await migrations.updateOne({ _id: migration.id }, { $set: { state: 'done', modified }, $unset: { leaseUntil: '' } });
          return `${tookOver ? 'took over expired claim, ' : ''}applied: ${batches} batches, ${modified} modified`;
        };

        ctx.say('Two pods of the same deploy start the runner at the same moment.');
        const together = ctx.observe('two pods at once',
          (await Promise.all([runMigration(addOrderCurrency), runMigration(addOrderCurrency)])).sort());
        const missing = ctx.observe('orders without currency', await orders.countDocuments({ currency: { $exists: false } }));
        const record = await migrations.findOne({ _id: addOrderCurrency.id });
        const state = ctx.observe('recorded state', record?.state ?? null);
        const later = ctx.observe('next deploy', await runMigration(addOrderCurrency));
        const expectedBatches = Math.ceil(LEGACY_ORDERS / BATCH_SIZE);
        const applied = together.filter((result) => result.startsWith('applied'));
        ctx.check(`exactly one pod ran it: all ${LEGACY_ORDERS} in ${expectedBatches} batches`,
          applied.length === 1 && applied[0] === `applied: ${expectedBatches} batches, ${LEGACY_ORDERS} modified`,
          together.join(' | '));
        ctx.check('the other pod hit the duplicate key and stopped',
          together.filter((result) => result.startsWith('skipped')).length === 1, together.join(' | '));
        ctx.check('no order is left without currency', missing === 0, `without currency: ${missing}`);
        ctx.check('the migration is recorded as done', state === 'done' && record?.modified === LEGACY_ORDERS,
          JSON.stringify(record));
        ctx.check('a later deploy does not run it again', later.startsWith('skipped'), later);

        ctx.say('Another migration: its pod crashed mid-run, leaving the claim "running" with a lease that has since expired. Two pods of the next deploy start.');
        const addOrderChannel = backfillOrders('2026-11-25-order-channel', 'channel', 'web');
        const crashedAt = new Date(Date.now() - 2 * LEASE_MS);
        await migrations.insertOne({
          _id: addOrderChannel.id, state: 'running', startedAt: crashedAt, leaseUntil: new Date(crashedAt.getTime() + LEASE_MS),
        });
        const afterCrash = ctx.observe('two pods after a crash',
          (await Promise.all([runMigration(addOrderChannel), runMigration(addOrderChannel)])).sort());
        const withoutChannel = ctx.observe('orders without channel', await orders.countDocuments({ channel: { $exists: false } }));
        const crashedRecord = await migrations.findOne({ _id: addOrderChannel.id });
        ctx.observe('crashed one now', crashedRecord?.state ?? null);
        const tookOver = afterCrash.filter((result) => result.startsWith('took over'));
        ctx.check('exactly one pod took over the expired claim and finished it',
          tookOver.length === 1 && tookOver[0] === `took over expired claim, applied: ${expectedBatches} batches, ${LEGACY_ORDERS} modified`
            && afterCrash.filter((result) => result.startsWith('skipped')).length === 1,
          afterCrash.join(' | '));
        ctx.check('the crashed migration completed: no order without channel, state done',
          withoutChannel === 0 && crashedRecord?.state === 'done', `without channel: ${withoutChannel}, ${JSON.stringify(crashedRecord)}`);
        ctx.say('Deploy order: code that tolerates both shapes, then the backfill, then make the field required.');
        ctx.say('Build any index the new queries need before they go live.');
      }, { shows: 'fix', senior: true });

      await ctx.step('Senior: computed values, updatePipeline', async () => {
        ctx.say('A value computed from other fields of the same document is a pipeline update: the server computes it, '
          + 'no round trip per document. Mongoose 9 refuses an array as an update unless you opt in.');
        ctx.showCode('pipeline update', pipelineCode, 'js');
        const Order = ctx.db.model('Order');
        const missingCents = { totalCents: { $exists: false } };
        const pipeline = [{ $set: { totalCents: { $multiply: ['$total', 100] } } }];
        let refusal = '(accepted)';
        try {
          await Order.updateMany(missingCents, pipeline);
        } catch (error) {
          refusal = (error as Error).message;
        }
        ctx.observe('without the option', refusal);
        const untouched = ctx.observe('orders without totalCents', await Order.countDocuments(missingCents));
        const result = await Order.updateMany(missingCents, pipeline, { updatePipeline: true });
        const modified = ctx.observe('modifiedCount with updatePipeline', result.modifiedCount);
        const sample = await ctx.db.collection('orders').findOne({}, { sort: { number: 1 } });
        ctx.observe('first order', { total: Number(sample?.['total']), totalCents: Number(sample?.['totalCents']) });
        ctx.check('Mongoose 9 refuses a pipeline update without updatePipeline', refusal.includes('updatePipeline') && untouched === LEGACY_ORDERS, refusal);
        ctx.check('with { updatePipeline: true } the server computes every value',
          modified === LEGACY_ORDERS && Number(sample?.['totalCents']) === Number(sample?.['total']) * 100,
          `modified ${modified}, ${JSON.stringify(sample)}`);
      }, { shows: 'fix', senior: true });
    },
  },
});
