// Scenario 32's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads the code files as text, and `run`/`verify` run them through
// attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
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
        provenBy: 'Naive',
      },
      {
        text: 'Queries on the new field run against the stored data and miss legacy documents until they are backfilled.',
        terms: [['query', 'find', 'count'], ['miss legacy', "won't match", 'not match', 'no match', 'finds none', 'only new',
          'returns 0', 'zero']],
        provenBy: 'Naive',
      },
      {
        text: 'Backfill with updateMany filtered on { $exists: false } and $set of the value.',
        terms: [['updateMany', 'update many'], ['$exists']],
        provenBy: 'Fix',
      },
      {
        text: 'The $exists filter makes the backfill idempotent and never overwrites values written by new code; verify modifiedCount.',
        terms: [['idempotent', 'safe to re-run', 'run it again', 're-run'], ['modifiedCount', 'modified count', 'nModified']],
        provenBy: 'Fix',
      },
      {
        text: 'Deploy code that tolerates both shapes first, then backfill, then tighten.',
        terms: [['both shapes', 'backward compatible', 'backwards compatible', 'tolerat', 'missing field'], ['deploy', 'rollout', 'release']],
        provenBy: 'Fix',
      },
      {
        text: 'Large collections: a versioned migration script that batches by _id ranges, resumable and throttled.',
        terms: [['batch'], ['_id', 'range', 'cursor'], ['migration', 'script']],
        provenBy: 'Fix',
      },
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
      shownBy: 'Naive',
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
      shownBy: 'Fix',
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
      shownBy: 'Fix',
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
      shownBy: 'Fix',
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
      shownBy: 'Fix',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db })`, the API (resolve with the Express app; no app.listen), and '
      + '`async function runMigration({ mongoose, db, batchSize })`, the backfill the deploy runs, resolving with `{ status: \'applied\' | \'skipped\', batches, modified }`. '
      + 'Both use the User model on `db`; the users collection already holds documents stored before `plan` existed.',
    starter: {
      title: 'Naive: a default in the schema and updateMany({})',
      lesson: 'The API showed legacy users as free, but the count ran on stored data and missed them. The backfill then set every document to free, '
        + 'overwriting the user who had upgraded to pro, and both pods ran it. Defaults live in the application; stored data needs a real, filtered backfill.',
      fails: ['countIncludesLegacy', 'backfillFillsGap', 'proPreserved', 'onePodRuns'],
    },
    solution: {
      title: 'Fix: tolerant reads, $exists backfill in _id batches, claimed once',
      lesson: 'The count treated a missing plan as free until the data caught up. The migration touched exactly the documents still missing the field, in small _id batches, '
        + 'kept the upgrade to pro, ran in one pod only (the other hit E11000 on the claim) and changed nothing when a later deploy ran it again.',
    },
    hints: {
      countIncludesLegacy: [
        'The API shows plan "free" for legacy users. Does the database hold that value?',
        'A query runs against stored documents, where legacy users have no plan at all. How do you match "free or missing"?',
        'Until the backfill is done, count { plan: { $in: [\'free\', null] } }: a null in a filter also matches a missing field.',
      ],
      backfillFillsGap: [
        'Which documents does the backfill need to touch, and which does it touch now?',
        'Filter the update on the gap: { plan: { $exists: false } }; its modifiedCount should equal the count missing just before.',
      ],
      proPreserved: [
        'Someone upgraded to pro after the deploy and before the backfill. What does updateMany({}, { $set: { plan: \'free\' } }) do to them?',
        'Only documents that lack the field may get the default: the same $exists filter protects values new code has written.',
      ],
      onePodRuns: [
        'Two pods start together; both ask "has it run?" before either has recorded it. What can let exactly one through?',
        'Claim the migration with an insert whose _id is the migration\'s id in a migrations collection; the unique _id index refuses the second claim (E11000), and that runner returns skipped.',
        'Record the claim as done when the backfill finishes, so a later deploy skips it too.',
      ],
    },
  },
});
