// Scenario 25's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No demo here: `run` walks starter.js, the traps and solution.js through attack.ts, and `show`
// reads them as text. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

// Snippets that teach something no code file of the exercise shows.
const optimisticCode = `const schema = new Schema(
  { name: String, price: Number, stock: Number },
  { optimisticConcurrency: true }); // __v in filter

// Express 5 forwards an async handler's rejection here
app.use((err, req, res, next) => {
  if (err instanceof mongoose.Error.VersionError) {
    return res.status(409)
      .json({ error: 'conflict: reload and retry' });
  }
  next(err);
});`;

const causalCode = `// read your own writes, even on a secondary
const session = await mongoose.startSession(
  { causalConsistency: true });
await Product.updateOne({ _id }, { price },
  { session, writeConcern: { w: 'majority' } });
const fresh = await Product.findById(_id)
  .session(session)
  .read('secondaryPreferred')
  .readConcern('majority');
// the secondary waits until it has applied the write
await session.endSession();`;

export const scenario = defineExercise({
  id: 25,
  slug: 'stale-data-after-update',
  title: 'Stale data after an update',
  // Replica lag is part of the story: the demo pauses a secondary to show it.
  requires: { replicaSet: true },
  tags: ['mongodb', 'express', 'concurrency', 'caching'],
  summary: 'Old values after a write: pre-update returns, stale caches, lost updates and replica lag.',
  question:
    'A client changes a product\'s price through your API, yet the response still shows the old price, '
    + 'other users keep seeing it for a while, and now and then one of two simultaneous edits simply '
    + 'disappears. Where can stale data come from in an Express and MongoDB service, and how do you fix each cause?',
  answer: {
    short:
      'Stale data has four separate causes, so I first find out which one it is: the handler returned the '
      + 'pre-update document (ask for returnDocument: \'after\'), a cache the write never invalidated (delete the '
      + 'key after the write, with a TTL as the safety net), a read served by a lagging secondary (read the primary '
      + 'or use a causally consistent session), or a lost update from read-modify-save. For stock and counters I '
      + 'put the condition into the update itself ($inc with stock: { $gte: qty } in the filter, 409 when nothing '
      + 'matches); for edits computed in code I use optimistic concurrency and answer a conflict with 409.',
    reasoning: [
      '"Stale data after an update" has several distinct causes, and the first job is to tell them apart: the API '
        + 'returned the wrong snapshot of the document, a cache served an entry the write never invalidated, the read '
        + 'went to a replica that had not yet applied the write, or the write itself was computed from an outdated read '
        + 'and overwrote someone else\'s change (a lost update). Each has a different fix, so I would reproduce which one it is '
        + 'before changing code.',
      'The most common one is in the handler: findOneAndUpdate and findByIdAndUpdate return the document as it was before '
        + 'the update unless told otherwise, mirroring MongoDB\'s findAndModify default. The database holds the new value, only '
        + 'the response is old. The fix is returnDocument: \'after\' (the driver\'s name; Mongoose 9 still accepts new: true but '
        + 'deprecates it and emits a warning), and usually runValidators: true as well, because update queries skip schema '
        + 'validators by default. The option only chooses which image of the document comes back; it has nothing to do '
        + 'with read preference, replicas or caches, so it cannot fix those causes.',
      'With a cache-aside cache (the handler fills it on a miss), every write path must invalidate the key, and it should do '
        + 'so after the write has committed: deleting first leaves the whole write as a window in which a concurrent reader '
        + 'refills the cache from the old document. A TTL bounds how long any missed invalidation can hurt. With several '
        + 'instances an in-process cache cannot see other instances\' writes, so the cache has to be shared (Redis) or '
        + 'invalidations broadcast.',
      'Replication is asynchronous: a read with readPreference secondary or secondaryPreferred may be served by a secondary '
        + 'that lags the primary. For read-after-write paths, read from the primary (the default), or read in the same causally '
        + 'consistent session as the write: its reads carry afterClusterTime, so a secondary waits until it has applied the session\'s '
        + 'write, whatever the concerns (the demo uses w: 1). Majority write and read concern are what keep that guarantee through a '
        + 'failover or rollback. readConcern \'majority\' on its own only promises data that cannot be rolled back, not your latest write.',
      'The lost update is a race: two requests read the same value, each computes a new one and saves, and the last save '
        + 'silently wins. When the change is arithmetic, as stock is, the idiomatic fix needs no read at all: put the '
        + 'condition in the filter and the change in the update, findOneAndUpdate({ _id, stock: { $gte: qty } }, '
        + '{ $inc: { stock: -qty } }). MongoDB applies a single-document update atomically, so concurrent sales all count, '
        + 'none needs a retry, and a sale that would overdraw matches nothing and is answered 409.',
      'When the new state is computed in code (several fields, business rules, a status machine), optimistic concurrency '
        + 'makes the version part of the write: with optimisticConcurrency: true Mongoose\'s save() filters on __v and '
        + 'increments it, so the second save matches nothing and throws a VersionError, which the API answers with 409 '
        + 'Conflict; the client reloads and retries.',
    ],
    keyPoints: [
      {
        text: 'findOneAndUpdate/findByIdAndUpdate return the pre-update document by default; ask for returnDocument: \'after\' (new: true is the deprecated alias).',
        terms: [['returnDocument', 'new: true', 'new:true'], ['before', 'pre-update', 'old document', 'old version', 'old value', 'previous', 'original', 'stale']],
        provenBy: 'Fix',
      },
      {
        text: 'A cache-aside cache must be invalidated on every write, after the write commits, with a TTL as a safety net.',
        terms: [['cache'], ['invalidat', 'evict', 'delete the', 'del(', 'bust', 'clear the cache', 'purge']],
        provenBy: 'Fix',
      },
      {
        text: 'For stock and counters, put the condition in the filter and $inc in the update: one atomic single-document write, no read, no retry; no match means 409.',
        terms: [['$inc', 'atomic update', 'atomic increment', 'atomic decrement', 'conditional update', '$gte']],
        provenBy: 'Fix',
      },
      {
        text: 'Concurrent read-modify-save loses updates; for edits computed in code, optimistic concurrency (a version in the write filter) detects it.',
        terms: [['lost update', 'overwrit', 'last write wins'], ['optimistic', 'version', '__v', 'VersionError']],
        provenBy: 'Trap: optimistic',
      },
      {
        text: 'A version conflict is answered 409 Conflict (412 with If-Match) and the client reloads and retries.',
        terms: [['409', 'conflict', '412'], ['retry', 'retries', 'retried', 'reload', 're-read', 'refetch']],
        provenBy: 'Trap: optimistic',
      },
      {
        text: 'Reads from secondaries can lag the primary; read from the primary or use causally consistent sessions for read-your-writes.',
        terms: [['secondary', 'replica', 'read preference', 'readPreference'], ['primary', 'causal', 'readConcern', 'read concern']],
      },
    ],
    code: [
      { title: 'Optimistic concurrency for edits computed in code', language: 'ts', code: optimisticCode },
      {
        title: 'HTTP-level versioning for edits that span minutes',
        language: 'ts',
        code: `// GET answers with ETag: "<__v>"; the client echoes it
app.put('/products/:id', async (req, res) => {
  const ifMatch = req.get('if-match') ?? '';
  const m = /^"(\\d+)"$/.exec(ifMatch);
  if (!m) return res.status(428).end(); // must send it
  const updated = await Product.findOneAndUpdate(
    { _id: req.params.id, __v: Number(m[1]) },
    { $set: { price: req.body.price },
      $inc: { __v: 1 } },
    { returnDocument: 'after', runValidators: true });
  if (updated) {
    const etag = \`"\${updated.__v}"\`;
    return res.set('ETag', etag).json(updated);
  }
  const exists =
    await Product.exists({ _id: req.params.id });
  // changed since the client read it, or gone
  res.status(exists ? 412 : 404).end();
});`,
      },
      { title: 'Read-your-writes on a replica set', language: 'ts', code: causalCode },
    ],
    seniorNotes: [
      'Mongoose 9 deprecates the new and returnOriginal options of findOneAndUpdate; use returnDocument: \'after\' per call, or mongoose.set(\'returnDocument\', \'after\') once if the whole codebase expects fresh documents.',
      'Versioning only protects code paths that go through it: updateOne, updateMany and findOneAndUpdate neither check nor bump __v unless you put it in the filter and $inc it yourself, so one forgotten path reopens the lost update. Mongoose\'s default versioning covers only array positions; optimisticConcurrency extends it to every path (or a listed subset).',
      'Optimistic concurrency is cheap when conflicts are rare; on a hot document (a flash-sale SKU) every loser retries and retries pile up. There the conditional $inc wins outright; a queue per key or a transaction (write conflicts surface as TransientTransactionError and withTransaction retries them) fits when several documents must change together.',
      'The conditional $inc keeps one document consistent. If the sale also writes an order document, the two writes are no longer atomic together: use a transaction on a replica set, or write the order first with a status and settle it idempotently, so a crash between the writes never loses stock or an order.',
      'The Mongoose version check protects the milliseconds between the server\'s read and write. A human edit lasts minutes: send the version to the client (ETag) and require it back (If-Match), answering 412 Precondition Failed when it no longer matches and 428 when it is missing.',
      'Deleting after the write narrows the cache race but does not close it: a slow reader whose database read started before the write can still put the old document back after the delete. Short TTLs, versioned cache keys, or writing the new value with a version compare close it; with several instances use a shared cache or pub/sub invalidation, and do not forget HTTP caches (Cache-Control, ETag) in front of the API.',
      'An in-process cache hands out shared references: a handler that mutates a cached object changes what every later request gets. Clone on read or store serialised values (as Redis forces you to).',
      'For secondary reads set maxStalenessSeconds so badly lagging members are skipped, monitor replication lag, and keep read-after-write flows on the primary or in causally consistent sessions.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A product\'s price is 20. The handler runs `const p = await Product.findByIdAndUpdate(id, { price: 25 }); res.json(p)`. What does the client receive, and what does the database hold?',
        options: [
          { text: 'The response says 20; the database holds 25.', correct: true, explanation: 'The update is applied, but by default findOneAndUpdate returns the document as it was before the update. returnDocument: \'after\' asks for the other image.' },
          { text: 'Both say 25: the reply is built after the update.', correct: false, explanation: 'The server does build the reply after applying the update, but by default it sends the pre-update image. That is the bug the demo\'s first step reproduces.' },
          { text: 'Both say 20 until save() is called on the result.', correct: false, explanation: 'findByIdAndUpdate sends the update to the server straight away; no save() is involved, and the demo reads 25 from the database.' },
          { text: 'The response says 25, but only when read from the primary.', correct: false, explanation: 'A findAndModify always runs on the primary; which image comes back is decided by returnDocument alone, not by read preference.' },
        ],
      },
      {
        prompt: 'Stock is 10. Two requests each run findById, subtract 3 and save(), and both read before either saves. The schema has no optimistic concurrency. What is the stock afterwards?',
        options: [
          { text: '7: each save writes 10 − 3, so one sale is lost.', correct: true, explanation: 'Each save sets stock to the value computed from its own read; the second overwrites the first without any error. The demo reproduces it with a barrier.' },
          { text: '4: the server applies the two saves one after the other.', correct: false, explanation: 'The writes are serialised, but each one $sets an absolute value computed from the stale read; only $inc would compose.' },
          { text: 'The second save throws a VersionError, since __v changed.', correct: false, explanation: 'Default versioning only guards array positions; a plain number changes without a version check unless optimisticConcurrency is on.' },
          { text: '10: both saves are rolled back as a write conflict.', correct: false, explanation: 'Outside a transaction there is nothing to roll back; both single-document writes succeed.' },
        ],
      },
      {
        prompt: 'Stock is 5. Two buyers each order 2 at the same moment, then a third orders 2. The handler runs findOneAndUpdate({ _id, stock: { $gte: qty } }, { $inc: { stock: -qty } }, { returnDocument: \'after\' }) and answers 409 on null. What happens?',
        options: [
          { text: 'The first two succeed (stock 1); the third gets 409.', correct: true, explanation: 'A single-document update is atomic: the filter and the $inc are applied together, so both concurrent sales count without a retry, and the third matches nothing. The demo runs exactly this.' },
          { text: 'One of the first two gets 409 and must retry, as with a version check.', correct: false, explanation: 'There is no version in the filter; the only condition is enough stock, which both sales satisfy in turn.' },
          { text: 'All three succeed and stock ends at −1: the filter is checked before the update.', correct: false, explanation: 'The server evaluates the filter and applies the update to the document as one operation; no other write can slip in between.' },
          { text: 'Both first sales see stock 5, so the stock ends at 3.', correct: false, explanation: '$inc is applied to the current value on the server, not to a value the client read.' },
        ],
      },
      {
        prompt: 'With `optimisticConcurrency: true`, the second of two concurrent read-modify-save requests fails. What should the API answer, and what should the client do?',
        options: [
          { text: '409 Conflict; the client reloads and retries its change.', correct: true, explanation: 'The request was valid but based on an outdated version; re-reading and reapplying the change resolves it.' },
          { text: '412 Precondition Failed: the stored version did not match.', correct: false, explanation: '412 answers a precondition the client sent (If-Match). Here the version check is internal to one request, so 409 says what happened.' },
          { text: '200: Mongoose retries the save with the fresh version.', correct: false, explanation: 'Mongoose throws VersionError and never retries: only the caller knows how to reapply the change.' },
          { text: '400 Bad Request: the body was built from old data.', correct: false, explanation: 'The body was fine; the conflict is about the state it was based on, which is what 409 is for.' },
        ],
      },
      {
        prompt: 'A cache-aside cache keys products by id. Why should the PATCH handler delete the key after the database write rather than before it?',
        options: [
          { text: 'A GET in between refills the cache from the old document.', correct: true, explanation: 'The whole write is a window in which a miss reloads the stale value, which then stays until the TTL. The demo holds the write open and shows it.' },
          { text: 'The order is irrelevant when both run in the same handler.', correct: false, explanation: 'Other requests run between the handler\'s awaits; the order decides what they can put into the cache.' },
          { text: 'Deleting after the write restarts the TTL at the right moment.', correct: false, explanation: 'A deleted key has no TTL; the next miss sets a fresh one either way.' },
          { text: 'Deleting first blocks readers until the write commits.', correct: false, explanation: 'A delete blocks nobody: readers simply miss, and that miss is exactly the problem.' },
        ],
      },
      {
        prompt: 'Right after a successful write, a read with readPreference \'secondaryPreferred\' sometimes returns the old value. Which change guarantees the client sees its own write?',
        options: [
          { text: 'Read the primary, or a causally consistent session.', correct: true, explanation: 'Either the read goes where the write went, or, in a causally consistent session (its reads carry afterClusterTime), the secondary waits until it has applied the session\'s write; majority concerns keep that true across a failover.' },
          { text: 'writeConcern \'majority\' on the write, nothing else.', correct: false, explanation: 'A majority acknowledgement says enough members have the write, not that the one you read from does.' },
          { text: 'Pass new: true to findOneAndUpdate.', correct: false, explanation: 'new (returnDocument) only picks which image the write returns; later reads are unaffected.' },
          { text: 'readConcern \'majority\' on the read.', correct: false, explanation: 'It returns majority-committed data as the member knows it, which can still be older than your write.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'A colleague says new: true makes Mongoose read from the primary, so the data is always fresh. Is that right?',
      answer: 'No. new, now returnDocument, only decides which image of the document findAndModify sends back: the one before the update or the one after. A findAndModify is a write, so it always runs on the primary whatever the option says, and the option has no effect on later reads, caches or secondaries. In Mongoose 9 new: true still works but logs a deprecation warning; write returnDocument: \'after\', or set it once with mongoose.set(\'returnDocument\', \'after\').',
      keyPoints: [
        { text: 'It only chooses the pre- or post-update image of the document.', terms: [['image', 'before or after', 'pre-update', 'post-update', 'which version', 'which document']] },
        { text: 'It has nothing to do with read preference, replicas or caches.', terms: [['read preference', 'primary', 'secondar', 'replica', 'cache']] },
        { text: 'new is deprecated in Mongoose 9; use returnDocument: \'after\'.', terms: [['returnDocument'], ['deprecat', 'warning', 'alias']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Two customers buy the last item in stock at the same moment. Walk me through what your handler does.',
      answer: 'I put the stock check into the update: findOneAndUpdate({ _id, stock: { $gte: qty } }, { $inc: { stock: -qty } }, { returnDocument: \'after\' }). MongoDB applies a single-document update atomically, so the first sale takes the item and the second finds stock 0, matches nothing and gets null back, which the API answers with 409. There is no read beforehand, no version and no retry loop, so it also holds up on a hot product. If the sale must also create an order, that second write needs a transaction or an idempotent two-step design.',
      keyPoints: [
        { text: 'The condition goes in the filter and the change is an $inc.', terms: [['$inc', 'conditional update', 'atomic update'], ['$gte', 'filter', 'condition']] },
        { text: 'A single-document update is atomic, so no read and no retry are needed.', terms: [['atomic', 'single-document', 'one operation'], ['no read', 'no retry', 'without a retry', 'without reading']] },
        { text: 'No match means not enough stock: answer 409.', terms: [['409', 'conflict', 'null']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Your service runs four instances behind a load balancer, each with an in-process cache. A price changes. What do users see, and how do you fix it?',
      answer: 'Only the instance that handled the write deletes its entry; the other three keep serving the old price until their entries expire, or for ever without a TTL, so users see the price flip depending on which instance answers. I would move the cache to a shared store such as Redis, so one delete reaches every instance, or keep local caches but broadcast invalidations (Redis pub/sub, or a change stream on the collection). Either way a short TTL stays as the bound for a lost message, and HTTP caches or a CDN in front need Cache-Control that fits.',
      keyPoints: [
        { text: 'Each instance only invalidates its own cache; the others stay stale.', terms: [['other instances', 'each instance', 'per instance', 'per-process', 'in-process', 'local cache']] },
        { text: 'Use a shared cache or broadcast invalidations.', terms: [['redis', 'shared cache', 'pub/sub', 'pubsub', 'broadcast', 'change stream']] },
        { text: 'Keep a TTL as the bound for a missed invalidation.', terms: [['ttl', 'expire', 'expiry', 'time to live']] },
      ],
      probes: 1,
      kind: 'scale',
    },
    {
      question: 'To take load off the primary you switch reads to secondaryPreferred. Users now sometimes see their old profile right after saving it. Why, and what do you do?',
      answer: 'Replication is asynchronous, so the secondary serving the read may not have applied the write yet. Flows that read right after writing should read from the primary. If they must use secondaries, run the write and the read in one causally consistent session: the read carries afterClusterTime, so the secondary waits until it has caught up with the session\'s write before answering (the demo shows it with w: 1); majority write and read concern keep the guarantee through a failover. maxStalenessSeconds only skips badly lagging members; it bounds staleness but never guarantees you see your own write.',
      keyPoints: [
        { text: 'Secondaries apply writes asynchronously and can lag.', terms: [['asynchron', 'lag', 'behind', 'not yet applied', 'replication delay']] },
        { text: 'Read the primary, or use a causally consistent session with majority concerns.', terms: [['primary', 'causal'], ['majority', 'session', 'primary']] },
        { text: 'maxStalenessSeconds bounds lag but is not read-your-writes.', terms: [['maxStaleness', 'bound', 'not a guarantee', 'not read-your-writes']] },
      ],
      probes: 5,
      kind: 'scale',
    },
    {
      question: 'The edit form is open for ten minutes before the user saves. Does optimisticConcurrency protect that edit?',
      answer: 'No. Mongoose\'s version check only covers the gap between the load and the save inside one request, while the form was loaded minutes earlier by another one. The version has to travel with the client: the GET sends an ETag built from __v, the PUT must send it back in If-Match, and the update filters on { _id, __v } and increments __v. A mismatch is answered 412 Precondition Failed, a missing header 428 Precondition Required, and the client shows the newer data so the user can merge.',
      keyPoints: [
        { text: 'The Mongoose check only spans one request\'s load and save.', terms: [['one request', 'same request', 'single request', 'milliseconds', 'server-side']] },
        { text: 'Send the version to the client as an ETag and require If-Match.', terms: [['etag', 'if-match']] },
        { text: '412 when it no longer matches, 428 when it is missing.', terms: [['412'], ['428', 'precondition required']] },
      ],
      kind: 'failure',
    },
    {
      question: 'Why not just wrap the read-modify-save in a transaction?',
      answer: 'It would work on a replica set, but it is optimistic too: a transaction reads from a snapshot, and if another write changes the document first, its own write fails with a WriteConflict labelled TransientTransactionError, which withTransaction answers by running the whole callback again. So you pay extra round trips, a replica-set requirement and retries under contention for what one conditional update already gives you atomically. Transactions earn their cost when several documents must change together, such as the stock, the order and the payment record.',
      keyPoints: [
        { text: 'Transaction conflicts surface as TransientTransactionError and are retried.', terms: [['write conflict', 'writeconflict', 'transienttransactionerror'], ['retr']] },
        { text: 'One document is already atomic; a conditional update is cheaper.', terms: [['single-document', 'one document', 'single document', 'already atomic'], ['$inc', 'conditional update', 'atomic update', 'cheaper']] },
        { text: 'Transactions pay off when several documents must change together.', terms: [['several documents', 'multiple documents', 'multi-document', 'more than one document']] },
      ],
      kind: 'trade-off',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db })` and resolves with the Express app once it is ready to serve. '
      + 'Define the Product model (name, price, stock) on `db`, a fresh database per run; the tool serves the app and sends the requests, so no app.listen.',
    starter: {
      title: 'Naive: old document returned, cache never invalidated, read-modify-save',
      lesson: 'Three different stale-data bugs in one service. The PATCH answered with the document as it was before the update (the database held 25, the client saw 20); '
        + 'the cache kept serving the old price because nothing removed it; and both sales read stock 5 before either wrote, so each saved 5 − 2 and one sale vanished. '
        + 'With stock 3 both passed the "enough stock?" check in JavaScript and both were sold.',
      fails: ['patchReturnsUpdate', 'cacheFreshAfterWrite', 'noRefillDuringWrite', 'noLostSale', 'noOversell'],
    },
    traps: [
      {
        file: 'traps/delete-before-write.js',
        title: 'Trap: delete the cache key before the write',
        lesson: 'Every plain read looked right, yet the GET that arrived while the write was held missed the cache, reloaded the old document and put it back: '
          + 'the stale price now stays until something else evicts it. Delete after the write; a TTL bounds whatever still slips through.',
        fails: ['noRefillDuringWrite'],
      },
      {
        file: 'traps/optimistic-concurrency.js',
        title: 'Trap: optimistic concurrency on the stock',
        lesson: 'Nothing was lost and nothing oversold: the second save filtered on the old __v, matched nothing and was answered 409. But a buyer who could simply '
          + 'have been served now has to retry, and on a hot product in a sale the retries pile up. Optimistic concurrency is the tool for edits computed in code; '
          + 'stock is arithmetic, which the database can apply atomically.',
        fails: ['noRetryNeeded'],
      },
    ],
    solution: {
      title: 'Fix: returnDocument after, invalidate after the write, conditional $inc',
      lesson: 'returnDocument: \'after\' made the response match the database; deleting the key after the write meant the reader in the window got the old price '
        + 'only while it was still true, and the next read reloaded. Each sale was one findOneAndUpdate with the stock condition in its filter: both concurrent sales '
        + 'applied with no retry, and when only one could be served the other matched nothing and got 409. The last two figures are about replication, '
        + 'not your code: with the secondaries paused, a read from a secondary returned the old price; the same read inside a causally consistent '
        + 'session waited until the secondary had applied the write, then returned it.',
    },
    hints: {
      patchReturnsUpdate: [
        'The database holds the new price, but the response does not. Which version of the document does findByIdAndUpdate hand back by default?',
        'findOneAndUpdate and findByIdAndUpdate return the document as it was before the update unless an option asks for the other one.',
        'Pass the option that asks for the document after the update (Mongoose 9 deprecates the old new: true spelling).',
      ],
      cacheFreshAfterWrite: [
        'The GET after the PATCH was a cache hit with the old price. What tells the cache that the product changed?',
        'Every write path has to remove (or replace) the cached entry for the product it changed.',
      ],
      noRefillDuringWrite: [
        'A GET arrived while the PATCH was still writing. What did it find in the cache, and what did it put there?',
        'If the key is gone before the write lands, a reader in between reloads the old document and caches it again.',
        'Invalidate once the write has completed, not before it.',
      ],
      noLostSale: [
        'Both sales read the same stock before either saved. What does each save write?',
        'A value computed in JavaScript from an earlier read overwrites whatever happened since. Can the database apply the change itself?',
        'An $inc applies the change to the current value on the server; the condition can travel in the same update\'s filter.',
      ],
      noOversell: [
        'Both sales passed the "enough stock?" check because both read stock 3. Where must the check happen so nobody can slip in between?',
        'Put the condition into the update\'s filter, so the server checks it and changes the document in one atomic operation.',
        'When the conditional update matches nothing, the stock was too low (or the product is gone): answer 409 for the former.',
      ],
      noRetryNeeded: [
        'One of two sales that could both have been served got 409. What made the second one fail?',
        'A version check turns every collision into a conflict the client must retry. For plain arithmetic the database can apply both changes without any version.',
      ],
    },
  },
});
