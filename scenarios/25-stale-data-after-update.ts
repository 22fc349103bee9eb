import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext } from '../src/runtime/context.js';
import type { NextFunction, Request, Response } from 'express';

/**
 * Holds every arriving request until `parties` of them have arrived, so that both editors of the
 * lost-update story have read the document before either writes. Bounded: a request that waits
 * longer than `timeoutMs` fails instead of hanging the demo.
 */
function createBarrier(parties: number, timeoutMs: number): { arrive(): Promise<void> } {
  let arrived = 0;
  let release: () => void = () => undefined;
  const open = new Promise<void>((resolve) => { release = resolve; });
  return {
    async arrive(): Promise<void> {
      arrived += 1;
      if (arrived >= parties) release();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`barrier: only ${arrived} of ${parties} arrived`)), timeoutMs);
      });
      try {
        await Promise.race([open, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Holds one request at a point of its handler until the demo opens it, and tells the demo when
 * the request got there: the demo can then send another request into exactly that window.
 * Bounded like the barrier: a gate nobody reaches, or nobody opens, fails instead of hanging.
 */
function createGate(timeoutMs: number): { whenReached(): Promise<void>; pass(): Promise<void>; open(): void } {
  let markReached: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => { markReached = resolve; });
  const opened = new Promise<void>((resolve) => { release = resolve; });
  const bounded = async (what: Promise<void>, label: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gate: ${label} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([what, expired]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    whenReached: () => bounded(reached, 'no request arrived'),
    async pass(): Promise<void> {
      markReached();
      await bounded(opened, 'not opened');
    },
    open: release,
  };
}

interface ProductBody { _id?: string; name?: string; price?: number; stock?: number; __v?: number }

function bodyOf(response: { body: unknown }): ProductBody {
  return (typeof response.body === 'object' && response.body !== null ? response.body : {}) as ProductBody;
}

const naiveUpdateCode = `// naive: the default is the doc BEFORE the update
app.patch('/products/:id', async (req, res) => {
  const product = await Product.findByIdAndUpdate(
    req.params.id, { price: req.body.price });
  res.json(product);             // still the old price
});`;

const fixedUpdateCode = `app.patch('/products/:id', async (req, res) => {
  const product = await Product.findByIdAndUpdate(
    req.params.id,
    { $set: { price: req.body.price },
      $inc: { __v: 1 } },        // keep __v honest
    { returnDocument: 'after', runValidators: true });
  if (!product) {
    return res.status(404)
      .json({ error: 'not found' });
  }
  cache.delete(req.params.id);   // AFTER the write
  res.json(product);
});`;

const deleteFirstCode = `// trap: the key goes BEFORE the write
app.patch('/products/:id', async (req, res) => {
  cache.delete(req.params.id);   // too early
  const product = await Product.findByIdAndUpdate(
    req.params.id,
    { $set: { price: req.body.price },
      $inc: { __v: 1 } },
    { returnDocument: 'after', runValidators: true });
  if (!product) {
    return res.status(404)
      .json({ error: 'not found' });
  }
  res.json(product);
});`;

const cacheCode = `// cache-aside: the handler fills it on a miss
app.get('/products/:id', async (req, res) => {
  const hit = cache.get(req.params.id);
  if (hit) return res.set('x-cache', 'hit').json(hit);
  const product =
    await Product.findById(req.params.id).lean();
  cache.set(req.params.id, product);
  res.set('x-cache', 'miss').json(product);
});`;

const naiveSellCode = `// read-modify-save: new stock computed from the read
app.post('/products/:id/sell', async (req, res) => {
  const product =
    await Product.findById(req.params.id);
  // the other request has read the same stock
  product.stock -= req.body.qty;
  await product.save();          // last write wins
  res.json(product);
});`;

const atomicSellCode = `// the stock condition travels with the update
app.post('/products/:id/sell', async (req, res) => {
  const qty = Number(req.body.qty);
  if (!Number.isInteger(qty) || qty < 1) {
    return res.status(400)
      .json({ error: 'qty must be a whole number' });
  }
  const product = await Product.findOneAndUpdate(
    { _id: req.params.id, stock: { $gte: qty } },
    { $inc: { stock: -qty } },
    { returnDocument: 'after' });
  if (product) return res.json(product);
  // no match: unknown product, or too little stock
  const exists =
    await Product.exists({ _id: req.params.id });
  res.status(exists ? 409 : 404).json({
    error: exists ? 'insufficient stock' : 'not found',
  });
});`;

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

/**
 * Runs `body` with process.emitWarning captured: Mongoose reports deprecations through it, and
 * catching them keeps the terminal clean and lets the demo check the text it would have printed.
 */
async function withWarningsCaptured<T>(body: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(typeof warning === 'string' ? warning : warning.message);
  }) as typeof process.emitWarning;
  try {
    return { result: await body(), warnings };
  } finally {
    process.emitWarning = original;
  }
}

export const scenario = defineScenario({
  id: 25,
  slug: 'stale-data-after-update',
  title: 'Stale data after an update',
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
        + 'that lags the primary. For read-after-write paths, read from the primary (the default), or use a causally '
        + 'consistent session with majority write and read concern so a secondary waits until it has applied the session\'s '
        + 'write. readConcern \'majority\' on its own only promises data that cannot be rolled back, not your latest write.',
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
        provenBy: 'Fix: returnDocument',
      },
      {
        text: 'A cache-aside cache must be invalidated on every write, after the write commits, with a TTL as a safety net.',
        terms: [['cache'], ['invalidat', 'evict', 'delete the', 'del(', 'bust', 'clear the cache', 'purge']],
        provenBy: 'Fix: invalidate',
      },
      {
        text: 'For stock and counters, put the condition in the filter and $inc in the update: one atomic single-document write, no read, no retry; no match means 409.',
        terms: [['$inc', 'atomic update', 'atomic increment', 'atomic decrement', 'conditional update', '$gte']],
        provenBy: 'Fix: conditional $inc',
      },
      {
        text: 'Concurrent read-modify-save loses updates; for edits computed in code, optimistic concurrency (a version in the write filter) detects it.',
        terms: [['lost update', 'overwrit', 'last write wins'], ['optimistic', 'version', '__v', 'VersionError']],
        provenBy: 'Fix: optimistic',
      },
      {
        text: 'A version conflict is answered 409 Conflict (412 with If-Match) and the client reloads and retries.',
        terms: [['409', 'conflict', '412'], ['retry', 'retries', 'retried', 'reload', 're-read', 'refetch']],
        provenBy: 'Fix: optimistic',
      },
      {
        text: 'Reads from secondaries can lag the primary; read from the primary or use causally consistent sessions for read-your-writes.',
        terms: [['secondary', 'replica', 'read preference', 'readPreference'], ['primary', 'causal', 'readConcern', 'read concern']],
      },
    ],
    code: [
      { title: 'Naive: the response carries the old document', language: 'ts', code: naiveUpdateCode },
      { title: 'Fix: return the updated document, invalidate the cache', language: 'ts', code: fixedUpdateCode },
      { title: 'The cache-aside cache both versions use', language: 'ts', code: cacheCode },
      { title: 'Naive: read-modify-save', language: 'ts', code: naiveSellCode },
      { title: 'Fix for stock: a conditional $inc', language: 'ts', code: atomicSellCode },
      { title: 'Fix for computed edits: optimistic concurrency, 409', language: 'ts', code: optimisticCode },
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
          { text: 'Read the primary, or a causally consistent session.', correct: true, explanation: 'Either the read goes where the write went, or, in a causally consistent session with majority write and read concern, the secondary waits until it has applied the session\'s write.' },
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
      shownBy: 'Fix: returnDocument',
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
      shownBy: 'Fix: conditional $inc',
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
      answer: 'Replication is asynchronous, so the secondary serving the read may not have applied the write yet. Flows that read right after writing should read from the primary. If they must use secondaries, run the write and the read in one causally consistent session with majority write concern and majority read concern: the secondary then waits until it has caught up with the session\'s write before answering. maxStalenessSeconds only skips badly lagging members; it bounds staleness but never guarantees you see your own write.',
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
  demo: {
    async run(ctx: DemoContext): Promise<void> {
      const { Schema } = ctx.mongoose;
      const fields = { name: String, price: Number, stock: Number };
      // Same collection, two schemas: the fixed service differs only by the versioning option.
      const Product = ctx.db.model('Product', new Schema(fields), 'products');
      const VersionedProduct = ctx.db.model(
        'VersionedProduct', new Schema(fields, { optimisticConcurrency: true }), 'products');

      // Set only while a step forces an interleaving; null otherwise.
      let sellGate: { arrive(): Promise<void> } | null = null;
      let writeGate: { pass(): Promise<void> } | null = null;

      const cachedGet = (cache: Map<string, unknown>) => async (req: Request, res: Response): Promise<void> => {
        const id = String(req.params['id']);
        const hit = cache.get(id);
        if (hit) return void res.set('x-cache', 'hit').json(hit);
        const product = await Product.findById(id).lean();
        cache.set(id, product);
        res.set('x-cache', 'miss').json(product);
      };

      const naive = ctx.express();
      naive.use(ctx.express.json());
      naive.get('/products/:id', cachedGet(new Map()));
      naive.patch('/products/:id', async (req, res) => {
        const product = await Product.findByIdAndUpdate(req.params.id, { price: req.body.price });
        res.json(product);
      });
      naive.post('/products/:id/sell', async (req, res) => {
        const product = await Product.findById(req.params.id);
        if (!product) return void res.status(404).json({ error: 'not found' });
        if (sellGate) await sellGate.arrive();
        product.stock = (product.stock ?? 0) - Number(req.body.qty);
        await product.save();
        res.json(product);
      });

      const fixedCache = new Map<string, unknown>();
      const fixed = ctx.express();
      fixed.use(ctx.express.json());
      fixed.get('/products/:id', cachedGet(fixedCache));
      fixed.patch('/products/:id', async (req, res) => {
        if (writeGate) await writeGate.pass();
        // An update query bypasses save()'s versioning, so it bumps __v itself.
        const product = await VersionedProduct.findByIdAndUpdate(
          req.params.id,
          { $set: { price: req.body.price }, $inc: { __v: 1 } },
          { returnDocument: 'after', runValidators: true },
        );
        if (!product) return void res.status(404).json({ error: 'not found' });
        fixedCache.delete(req.params.id);
        res.json(product);
      });
      // The read-modify-save kept as is (the shape code has when the new state is computed in JS),
      // protected by the versioned schema.
      fixed.post('/products/:id/sell', async (req, res) => {
        const product = await VersionedProduct.findById(req.params.id);
        if (!product) return void res.status(404).json({ error: 'not found' });
        if (sellGate) await sellGate.arrive();
        product.stock = (product.stock ?? 0) - Number(req.body.qty);
        await product.save();
        res.json(product);
      });
      fixed.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
        if (err instanceof ctx.mongoose.Error.VersionError) {
          return void res.status(409).json({ error: 'conflict: the product changed, reload and retry' });
        }
        next(err);
      });

      const trapCache = new Map<string, unknown>();
      const trap = ctx.express();
      trap.use(ctx.express.json());
      trap.get('/products/:id', cachedGet(trapCache));
      trap.patch('/products/:id', async (req, res) => {
        trapCache.delete(req.params.id);
        if (writeGate) await writeGate.pass();
        const product = await VersionedProduct.findByIdAndUpdate(
          req.params.id,
          { $set: { price: req.body.price }, $inc: { __v: 1 } },
          { returnDocument: 'after', runValidators: true },
        );
        if (!product) return void res.status(404).json({ error: 'not found' });
        res.json(product);
      });

      const atomic = ctx.express();
      atomic.use(ctx.express.json());
      atomic.post('/products/:id/sell', async (req, res) => {
        const qty = Number(req.body.qty);
        if (!Number.isInteger(qty) || qty < 1) {
          return void res.status(400).json({ error: 'qty must be a whole number' });
        }
        if (sellGate) await sellGate.arrive();
        const product = await Product.findOneAndUpdate(
          { _id: req.params.id, stock: { $gte: qty } },
          { $inc: { stock: -qty } },
          { returnDocument: 'after' },
        );
        if (product) return void res.json(product);
        const exists = await Product.exists({ _id: req.params.id });
        res.status(exists ? 409 : 404).json({ error: exists ? 'insufficient stock' : 'not found' });
      });

      const naiveApp = await ctx.serve(naive);
      const fixedApp = await ctx.serve(fixed);
      const trapApp = await ctx.serve(trap);
      const atomicApp = await ctx.serve(atomic);
      const priceInDb = async (id: unknown): Promise<number | null> =>
        (await Product.findById(id).lean())?.price ?? null;
      const stockInDb = async (id: unknown): Promise<number | null> =>
        (await Product.findById(id).lean())?.stock ?? null;

      await ctx.step('Naive: update returns the old doc', async () => {
        ctx.say('findByIdAndUpdate without options: the default is the document BEFORE the update.');
        ctx.showCode('naive PATCH', naiveUpdateCode);
        const product = await Product.create({ name: 'lamp', price: 20, stock: 10 });
        const response = await naiveApp.request({ method: 'PATCH', path: `/products/${product.id}`, json: { price: 25 } });
        ctx.observe('status', response.status);
        const returned = ctx.observe('price in response', bodyOf(response).price ?? null);
        const stored = ctx.observe('price in database', await priceInDb(product._id));
        ctx.check('the database holds the new price (25)', stored === 25, `database: ${stored}`);
        ctx.check('the response still carries the old price (20)', returned === 20, `response: ${returned}`);
      }, { shows: 'failure' });

      await ctx.step("Fix: returnDocument: 'after'", async () => {
        ctx.say('Ask for the updated document. The option only picks which image comes back; it has nothing to do with read preference, replicas or caches.');
        ctx.showCode('fixed PATCH', fixedUpdateCode);
        const product = await Product.create({ name: 'desk', price: 20, stock: 10 });
        const response = await fixedApp.request({ method: 'PATCH', path: `/products/${product.id}`, json: { price: 25 } });
        ctx.observe('status', response.status);
        const returned = ctx.observe('price in response', bodyOf(response).price ?? null);
        const stored = ctx.observe('price in database', await priceInDb(product._id));
        ctx.check('the response carries the new price (25)', returned === 25, `response: ${returned}`);
        ctx.check('the response matches the database', returned === stored, `response ${returned}, database ${stored}`);
        ctx.say('The old spelling, new: true, still works in Mongoose 9 but is deprecated. The demo calls it once and catches the warning Mongoose emits:');
        const legacy = await withWarningsCaptured(() =>
          Product.findByIdAndUpdate(product._id, { price: 26 }, { new: true }).lean());
        const legacyPrice = ctx.observe('new: true price', legacy.result?.price ?? null);
        const warning = ctx.observe('warning', legacy.warnings.find((w) => w.includes('`new` option')) ?? null);
        ctx.check('new: true returns the updated document (26) but Mongoose warns it is deprecated',
          legacyPrice === 26 && warning !== null && warning.includes('deprecated') && warning.includes('returnDocument'),
          `price ${legacyPrice}, warning: ${warning ?? 'none'}`);
      }, { shows: 'fix' });

      await ctx.step('Naive: cache not invalidated', async () => {
        ctx.say('A cache-aside cache: the handler fills it on a miss. The naive PATCH writes the database but never touches the cache.');
        ctx.showCode('cache-aside cache', cacheCode);
        const product = await Product.create({ name: 'chair', price: 20, stock: 10 });
        const first = await naiveApp.request({ path: `/products/${product.id}` });
        ctx.observe('first GET', `${first.headers['x-cache'] ?? '?'} ${bodyOf(first).price}`);
        await naiveApp.request({ method: 'PATCH', path: `/products/${product.id}`, json: { price: 30 } });
        const second = await naiveApp.request({ path: `/products/${product.id}` });
        const cacheState = ctx.observe('GET after PATCH cache', second.headers['x-cache'] ?? null);
        const served = ctx.observe('GET after PATCH price', bodyOf(second).price ?? null);
        const stored = ctx.observe('price in database', await priceInDb(product._id));
        ctx.check('the database holds the new price (30)', stored === 30, `database: ${stored}`);
        ctx.check('the cache serves the old price (20) as a hit', cacheState === 'hit' && served === 20,
          `x-cache ${cacheState}, price ${served}`);
      }, { shows: 'failure' });

      /**
       * Warm the cache, start a PATCH to 30 and hold it at its gate (after the delete for the trap,
       * before the write for both), send a GET into that window, release the PATCH, then read again.
       */
      const readerDuringWrite = async (app: typeof naiveApp, name: string) => {
        const product = await Product.create({ name, price: 20, stock: 10 });
        const path = `/products/${product.id}`;
        const warm = await app.request({ path });
        const gate = createGate(2_000);
        writeGate = gate;
        try {
          const patching = app.request({ method: 'PATCH', path, json: { price: 30 } });
          await gate.whenReached();
          const during = await app.request({ path });
          gate.open();
          const patched = await patching;
          writeGate = null;
          const after = await app.request({ path });
          const again = await app.request({ path });
          return { product, warm, during, patched, after, again };
        } finally {
          writeGate = null;
          gate.open();
        }
      };
      const label = (response: { headers: Record<string, string>; body: unknown }): string =>
        `${response.headers['x-cache'] ?? '?'} ${bodyOf(response).price}`;

      await ctx.step('Fix: invalidate after the write', async () => {
        ctx.say('The fixed PATCH deletes the key once the write has committed. To test it under load the demo holds the PATCH just before its write and sends a GET into that window, then reads again after the PATCH.');
        const run = await readerDuringWrite(fixedApp, 'shelf');
        ctx.observe('first GET', label(run.warm));
        ctx.observe('GET during the write', label(run.during));
        ctx.observe('PATCH status', run.patched.status);
        const cacheState = ctx.observe('GET after PATCH cache', run.after.headers['x-cache'] ?? null);
        const served = ctx.observe('GET after PATCH price', bodyOf(run.after).price ?? null);
        ctx.check('the GET after the write misses the cache', cacheState === 'miss', `x-cache ${cacheState}`);
        ctx.check('it serves the new price (30)', served === 30, `price ${served}`);
        ctx.check('the refilled entry is fresh', run.again.headers['x-cache'] === 'hit' && bodyOf(run.again).price === 30,
          label(run.again));
      }, { shows: 'fix' });

      await ctx.step('Senior trap: delete before the write', async () => {
        ctx.say('The same timing against a PATCH that deletes the key first: the GET sent while the write is held misses, reloads the old document and caches it again.');
        ctx.showCode('delete first (trap)', deleteFirstCode);
        const run = await readerDuringWrite(trapApp, 'stool');
        const during = ctx.observe('GET during the write', label(run.during));
        ctx.observe('PATCH status', run.patched.status);
        const after = ctx.observe('GET after PATCH', label(run.after));
        const stored = ctx.observe('price in database', await priceInDb(run.product._id));
        ctx.check('the reader in the window refilled the cache from the old document', during === 'miss 20', during);
        ctx.check('after the write the cache serves the old price (20) as a hit', after === 'hit 20' && stored === 30,
          `${after}, database ${stored}`);
        ctx.say('It stays wrong until a TTL expires, if there is one. Deleting after the write narrows the window to readers whose database read spans the whole write; versioned keys or a short TTL close the rest.');
      }, { shows: 'failure', senior: true });

      const raceOfTwoSales = async (app: typeof naiveApp, id: string, qty: number) => {
        // Both handlers wait here until the other has arrived too: the interleaving production hits
        // by chance is forced on every run.
        sellGate = createBarrier(2, 2_000);
        try {
          return await ctx.concurrently(2, () =>
            app.request({ method: 'POST', path: `/products/${id}/sell`, json: { qty } }));
        } finally {
          sellGate = null;
        }
      };

      await ctx.step('Naive: lost update', async () => {
        ctx.say('Two orders of 3 arrive at once for a product with stock 10, so 4 should be left. Each handler reads, subtracts, saves. A barrier holds both requests after their read, so both read 10 before either saves: the interleaving production hits by chance, on every run.');
        ctx.showCode('naive read-modify-save', naiveSellCode);
        const product = await Product.create({ name: 'mug', price: 8, stock: 10 });
        const responses = await raceOfTwoSales(naiveApp, product.id, 3);
        const statuses = ctx.observe('statuses', responses.map((r) => r.status).sort((a, b) => a - b));
        const stock = ctx.observe('stock in database', await stockInDb(product._id));
        ctx.check('both sales were answered 200', statuses.every((s) => s === 200), `statuses ${statuses.join(', ')}`);
        ctx.check('one sale was silently lost (stock 7, not 4)', stock === 7, `stock ${stock}`);
      }, { shows: 'failure' });

      await ctx.step('Fix: conditional $inc', async () => {
        ctx.say('For arithmetic the idiomatic fix skips the read: the stock condition goes into the filter, the change into an $inc, and the server applies both to the document as one operation. Stock 5; two orders of 2 arrive together (held at a barrier just before the update so they reach the server at once), then a third order of 2.');
        ctx.showCode('conditional $inc', atomicSellCode);
        const product = await Product.create({ name: 'jug', price: 12, stock: 5 });
        const responses = await raceOfTwoSales(atomicApp, product.id, 2);
        const statuses = ctx.observe('statuses', responses.map((r) => r.status).sort((a, b) => a - b));
        const returned = ctx.observe('stock in responses', responses.map((r) => bodyOf(r).stock ?? null).sort());
        const afterBoth = ctx.observe('stock after both', await stockInDb(product._id));
        const third = await atomicApp.request({ method: 'POST', path: `/products/${product.id}/sell`, json: { qty: 2 } });
        const thirdStatus = ctx.observe('third sale status', third.status);
        ctx.observe('third sale error', (third.body as { error?: string } | null)?.error ?? null);
        const final = ctx.observe('stock after third', await stockInDb(product._id));
        ctx.check('both concurrent sales succeed with no retry (stock 5 → 1)',
          statuses.length === 2 && statuses.every((s) => s === 200) && afterBoth === 1,
          `statuses ${statuses.join(', ')}, stock ${afterBoth}`);
        ctx.check('each response carries the stock after its own sale (3 and 1)',
          JSON.stringify(returned) === JSON.stringify([1, 3]), `stocks ${JSON.stringify(returned)}`);
        ctx.check('the sale that would overdraw gets 409 and the stock stays 1', thirdStatus === 409 && final === 1,
          `status ${thirdStatus}, stock ${final}`);
      }, { shows: 'fix' });

      await ctx.step('Fix: optimistic concurrency (409)', async () => {
        ctx.say('When the new state is computed in code (several fields, business rules), the read-modify-save stays, and optimisticConcurrency: true puts __v in the save filter: the second save matches nothing. The demo keeps the same sell handler and barrier, on the versioned schema.');
        ctx.showCode('versioned schema + 409', optimisticCode);
        const product = await VersionedProduct.create({ name: 'bowl', price: 8, stock: 10 });
        const responses = await raceOfTwoSales(fixedApp, product.id, 3);
        const statuses = ctx.observe('statuses', responses.map((r) => r.status).sort((a, b) => a - b));
        const afterRace = ctx.observe('stock after race', await stockInDb(product._id));
        ctx.check('one sale succeeded, the other got 409', statuses[0] === 200 && statuses[1] === 409,
          `statuses ${statuses.join(', ')}`);
        ctx.check('the stock reflects exactly the sale that succeeded', afterRace === 7, `stock ${afterRace}`);
        ctx.say('The client that got 409 retries: the handler re-reads the current version.');
        const retry = await fixedApp.request({ method: 'POST', path: `/products/${product.id}/sell`, json: { qty: 3 } });
        ctx.observe('retry status', retry.status);
        const final = ctx.observe('stock after retry', await stockInDb(product._id));
        ctx.check('after the retry both sales are counted (stock 4)', retry.status === 200 && final === 4,
          `retry ${retry.status}, stock ${final}`);
      }, { shows: 'fix' });

      await ctx.step('Senior: replica lag', async () => {
        ctx.say('The other source of stale reads is a secondary that has not applied the write yet.');
        const hello = await ctx.db.db?.admin().command({ hello: 1 });
        const setName = typeof hello?.['setName'] === 'string' ? hello['setName'] : null;
        const topology = ctx.observe('topology', setName ? `replica set ${setName}` : hello?.['msg'] === 'isdbgrid' ? 'sharded' : 'standalone');
        if (topology === 'standalone') {
          ctx.say('This server is standalone: there is no secondary, so lag cannot be shown here and the demo claims nothing about it.');
        } else {
          ctx.say('Replication timing is not deterministic, so the demo claims nothing about lag here either.');
        }
        ctx.say('Fix for read-after-write: read the primary, or use a causally consistent session with majority concerns.');
        ctx.showCode('read-your-writes', causalCode);
      }, { shows: 'context', senior: true });
    },
  },
});
