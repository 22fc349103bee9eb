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
        + 'validators by default.',
      'With a cache-aside cache (the handler fills it on a miss), every write path must invalidate the key, and it should do so after the write '
        + 'has committed: deleting first leaves a window in which a concurrent reader refills the cache from the old document. '
        + 'A TTL bounds how long any missed invalidation can hurt. With several instances an in-process cache cannot see '
        + 'other instances\' writes, so the cache has to be shared (Redis) or invalidations broadcast.',
      'Replication is asynchronous: a read with readPreference secondary or secondaryPreferred may be served by a secondary '
        + 'that lags the primary. For read-after-write paths, read from the primary (the default), or use a causally '
        + 'consistent session with majority write and read concern so a secondary waits until it has applied the session\'s '
        + 'write. readConcern \'majority\' on its own only promises data that cannot be rolled back, not your latest write.',
      'The lost update is a race: two requests read the same version, each computes a new value and saves, and the last save '
        + 'silently wins. Optimistic concurrency makes the version part of the write: with optimisticConcurrency: true Mongoose\'s '
        + 'save() filters on __v and increments it, so the second save matches nothing and throws a VersionError, which the API '
        + 'answers with 409 Conflict; the client reloads and retries. Where the change is plain arithmetic (stock, counters) an '
        + 'atomic update such as $inc with a guard in the filter avoids the read altogether.',
    ],
    keyPoints: [
      {
        text: 'findOneAndUpdate/findByIdAndUpdate return the pre-update document by default; ask for returnDocument: \'after\' (new: true is the deprecated alias).',
        terms: [['returnDocument', 'new: true', 'new:true'], ['before', 'pre-update', 'old document', 'old version', 'old value', 'previous', 'original', 'stale']],
      },
      {
        text: 'A cache-aside cache must be invalidated on every write, after the write commits, with a TTL as a safety net.',
        terms: [['cache'], ['invalidat', 'evict', 'delete the', 'del(', 'bust', 'clear the cache', 'purge']],
      },
      {
        text: 'Reads from secondaries can lag the primary; read from the primary or use causally consistent sessions for read-your-writes.',
        terms: [['secondary', 'replica', 'read preference', 'readPreference'], ['primary', 'causal', 'readConcern', 'read concern']],
      },
      {
        text: 'Concurrent read-modify-save loses updates; optimistic concurrency (a version in the write filter) detects it.',
        terms: [['lost update', 'overwrit', 'last write wins'], ['optimistic', 'version', '__v', 'VersionError']],
      },
      {
        text: 'A version conflict is answered 409 Conflict (412 with If-Match) and the client reloads and retries.',
        terms: [['409', 'conflict', '412'], ['retry', 'retries', 'retried', 'reload', 're-read', 'refetch']],
      },
      {
        text: 'For arithmetic changes an atomic update ($inc with a guard in the filter) needs no read at all.',
        terms: [['$inc', 'atomic update', 'atomic increment', 'atomic decrement']],
      },
    ],
    code: [
      { title: 'Naive: the response carries the old document', language: 'ts', code: naiveUpdateCode },
      { title: 'Fix: return the updated document, invalidate the cache', language: 'ts', code: fixedUpdateCode },
      { title: 'The cache-aside cache both versions use', language: 'ts', code: cacheCode },
      { title: 'Naive: read-modify-save', language: 'ts', code: naiveSellCode },
      { title: 'Fix: optimistic concurrency, conflicts answered 409', language: 'ts', code: optimisticCode },
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
      'Optimistic concurrency is cheap when conflicts are rare; under heavy contention on one document retries pile up, and an atomic update, a queue per key or a transaction (write conflicts surface as TransientTransactionError and withTransaction retries them) fits better.',
      'The Mongoose version check protects the milliseconds between the server\'s read and write. A human edit lasts minutes: send the version to the client (ETag) and require it back (If-Match), answering 412 Precondition Failed when it no longer matches and 428 when it is missing.',
      'Cache invalidation has its own race: a slow reader that missed before the write can put the old document back after the delete. Short TTLs, versioned cache keys, or writing the new value with a version compare close it; with several instances use a shared cache or pub/sub invalidation, and do not forget HTTP caches (Cache-Control, ETag) in front of the API.',
      'An in-process cache hands out shared references: a handler that mutates a cached object changes what every later request gets. Clone on read or store serialised values (as Redis forces you to).',
      'For secondary reads set maxStalenessSeconds so badly lagging members are skipped, monitor replication lag, and keep read-after-write flows on the primary or in causally consistent sessions.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A product\'s price is 20. The handler runs `const p = await Product.findByIdAndUpdate(id, { price: 25 }); res.json(p)`. What does the client receive, and what does the database hold?',
        options: [
          { text: 'The response says 20; the database holds 25.', correct: true, explanation: 'The update is applied, but by default findOneAndUpdate returns the document as it was before the update.' },
          { text: 'Both say 25.', correct: false, explanation: 'That needs returnDocument: \'after\' (or the deprecated new: true); the default is \'before\'.' },
          { text: 'Both say 20: the update only happens after save().', correct: false, explanation: 'findByIdAndUpdate sends the update to the server immediately; no save() is involved.' },
          { text: 'The response is null because the document changed.', correct: false, explanation: 'null means no document matched the filter; here one did.' },
        ],
      },
      {
        prompt: 'Stock is 10. Two requests each run findById, subtract 3 and save(), and both read before either saves. The schema has no optimistic concurrency. What is the stock afterwards?',
        options: [
          { text: '7: both saves write 10 − 3, so one sale is lost.', correct: true, explanation: 'Each save sets stock to the value computed from its own read; the second overwrites the first without any error.' },
          { text: '4: MongoDB applies the two writes one after the other.', correct: false, explanation: 'The writes are serialised, but each one $sets an absolute value computed from the stale read; only $inc would compose.' },
          { text: 'The second save throws a VersionError.', correct: false, explanation: 'Default versioning only guards array positions; a plain number changes without a version check unless optimisticConcurrency is on.' },
          { text: '10: concurrent saves cancel each other out.', correct: false, explanation: 'Both saves succeed; nothing is cancelled.' },
        ],
      },
      {
        prompt: 'With `optimisticConcurrency: true`, the second of two concurrent read-modify-save requests fails. What should the API answer, and what should the client do?',
        options: [
          { text: '409 Conflict; the client reloads the document and retries its change.', correct: true, explanation: 'The request was valid but based on an outdated version; re-reading and reapplying the change resolves it.' },
          { text: '500; the database failed.', correct: false, explanation: 'Nothing failed: the version check did its job. A 500 hides a condition the client can fix.' },
          { text: '400; the request body was invalid.', correct: false, explanation: 'The body was fine; the conflict is about the state it was based on.' },
          { text: '200, because Mongoose retries the save itself.', correct: false, explanation: 'Mongoose throws VersionError and never retries: only the caller knows how to reapply the change.' },
        ],
      },
      {
        prompt: 'A cache-aside cache keys products by id. Why should the PATCH handler delete the key after the database write rather than before it?',
        options: [
          { text: 'Deleting first lets a concurrent GET refill the cache from the old document before the write lands.', correct: true, explanation: 'The window between the delete and the write is exactly when a miss reloads the stale value, which then stays until the TTL.' },
          { text: 'Deleting before the write is slower.', correct: false, explanation: 'The cost is the same; the order matters for correctness.' },
          { text: 'Redis refuses to delete a key that is about to change.', correct: false, explanation: 'Redis knows nothing about your database writes.' },
          { text: 'It makes no difference.', correct: false, explanation: 'It does: the order decides whether a concurrent reader can cache the old value.' },
        ],
      },
      {
        prompt: 'Right after a successful write, a read with readPreference \'secondaryPreferred\' sometimes returns the old value. Which change guarantees the client sees its own write?',
        options: [
          { text: 'Read from the primary, or use a causally consistent session with majority write and read concern.', correct: true, explanation: 'Either the read goes where the write went, or the secondary waits until it has applied the session\'s operation time.' },
          { text: 'readConcern \'local\'.', correct: false, explanation: '\'local\' returns whatever the member has, which on a lagging secondary is the old value.' },
          { text: 'writeConcern { w: 1 }.', correct: false, explanation: 'w: 1 only waits for the primary, which makes secondary lag more likely to show.' },
          { text: 'A larger connection pool.', correct: false, explanation: 'Pool size does not change which member serves the read or how far behind it is.' },
        ],
      },
    ],
  },
  demo: {
    async run(ctx: DemoContext): Promise<void> {
      const { Schema } = ctx.mongoose;
      const fields = { name: String, price: Number, stock: Number };
      // Same collection, two schemas: the fixed service differs only by the versioning option.
      const Product = ctx.db.model('Product', new Schema(fields), 'products');
      const VersionedProduct = ctx.db.model(
        'VersionedProduct', new Schema(fields, { optimisticConcurrency: true }), 'products');

      let sellGate: { arrive(): Promise<void> } | null = null;

      const naiveCache = new Map<string, unknown>();
      const naive = ctx.express();
      naive.use(ctx.express.json());
      naive.get('/products/:id', async (req, res) => {
        const hit = naiveCache.get(req.params.id);
        if (hit) return void res.set('x-cache', 'hit').json(hit);
        const product = await Product.findById(req.params.id).lean();
        naiveCache.set(req.params.id, product);
        res.set('x-cache', 'miss').json(product);
      });
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
      fixed.get('/products/:id', async (req, res) => {
        const hit = fixedCache.get(req.params.id);
        if (hit) return void res.set('x-cache', 'hit').json(hit);
        const product = await VersionedProduct.findById(req.params.id).lean();
        fixedCache.set(req.params.id, product);
        res.set('x-cache', 'miss').json(product);
      });
      fixed.patch('/products/:id', async (req, res) => {
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

      const naiveApp = await ctx.serve(naive);
      const fixedApp = await ctx.serve(fixed);
      const priceInDb = async (id: unknown): Promise<number | null> =>
        (await Product.findById(id).lean())?.price ?? null;

      await ctx.step('Update returns the old doc', async () => {
        ctx.say('findByIdAndUpdate without options: the default is the document BEFORE the update.');
        ctx.showCode('naive PATCH', naiveUpdateCode);
        const product = await Product.create({ name: 'lamp', price: 20, stock: 10 });
        const response = await naiveApp.request({ method: 'PATCH', path: `/products/${product.id}`, json: { price: 25 } });
        ctx.observe('status', response.status);
        const returned = ctx.observe('price in response', bodyOf(response).price ?? null);
        const stored = ctx.observe('price in database', await priceInDb(product._id));
        ctx.check('the database holds the new price (25)', stored === 25, `database: ${stored}`);
        ctx.check('the response still carries the old price (20)', returned === 20, `response: ${returned}`);
      });

      await ctx.step("returnDocument: 'after'", async () => {
        ctx.say("Ask for the updated document. Mongoose 9 still accepts new: true, but deprecates it with a warning.");
        ctx.showCode('fixed PATCH', fixedUpdateCode);
        const product = await Product.create({ name: 'desk', price: 20, stock: 10 });
        const response = await fixedApp.request({ method: 'PATCH', path: `/products/${product.id}`, json: { price: 25 } });
        ctx.observe('status', response.status);
        const returned = ctx.observe('price in response', bodyOf(response).price ?? null);
        const stored = ctx.observe('price in database', await priceInDb(product._id));
        ctx.check('the response carries the new price (25)', returned === 25, `response: ${returned}`);
        ctx.check('the response matches the database', returned === stored, `response ${returned}, database ${stored}`);
      });

      await ctx.step('Cache not invalidated', async () => {
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
      });

      await ctx.step('Invalidate on write', async () => {
        ctx.say('The fixed PATCH deletes the key after the write commits, so the next GET misses and reloads.');
        const product = await Product.create({ name: 'shelf', price: 20, stock: 10 });
        const first = await fixedApp.request({ path: `/products/${product.id}` });
        ctx.observe('first GET', `${first.headers['x-cache'] ?? '?'} ${bodyOf(first).price}`);
        await fixedApp.request({ method: 'PATCH', path: `/products/${product.id}`, json: { price: 30 } });
        const second = await fixedApp.request({ path: `/products/${product.id}` });
        const cacheState = ctx.observe('GET after PATCH cache', second.headers['x-cache'] ?? null);
        const served = ctx.observe('GET after PATCH price', bodyOf(second).price ?? null);
        ctx.check('the GET after the write misses the cache', cacheState === 'miss', `x-cache ${cacheState}`);
        ctx.check('it serves the new price (30)', served === 30, `price ${served}`);
        const third = await fixedApp.request({ path: `/products/${product.id}` });
        ctx.check('the refilled entry is fresh', third.headers['x-cache'] === 'hit' && bodyOf(third).price === 30,
          `x-cache ${third.headers['x-cache']}, price ${bodyOf(third).price}`);
      });

      const raceOfTwoSales = async (app: typeof naiveApp, id: string) => {
        // Both handlers read, then wait here until the other has read too: the interleaving that
        // production hits by chance is forced on every run.
        sellGate = createBarrier(2, 2_000);
        try {
          return await ctx.concurrently(2, () =>
            app.request({ method: 'POST', path: `/products/${id}/sell`, json: { qty: 3 } }));
        } finally {
          sellGate = null;
        }
      };

      await ctx.step('Lost update', async () => {
        ctx.say('Two orders of 3 arrive at once for a product with stock 10. Each handler reads, subtracts, saves. A barrier holds both requests after their read, so both read 10 before either saves: the interleaving production hits by chance, on every run.');
        ctx.showCode('naive read-modify-save', naiveSellCode);
        const product = await Product.create({ name: 'mug', price: 8, stock: 10 });
        const responses = await raceOfTwoSales(naiveApp, product.id);
        const statuses = ctx.observe('statuses', responses.map((r) => r.status).sort((a, b) => a - b));
        const stock = ctx.observe('stock in database', (await Product.findById(product._id).lean())?.stock ?? null);
        ctx.observe('stock if both counted', 10 - 3 - 3);
        ctx.check('both sales were answered 200', statuses.every((s) => s === 200), `statuses ${statuses.join(', ')}`);
        ctx.check('one sale was silently lost (stock 7, not 4)', stock === 7, `stock ${stock}`);
      });

      await ctx.step('Optimistic concurrency: 409', async () => {
        ctx.say('optimisticConcurrency: true puts __v in the save filter; the second save matches nothing.');
        ctx.showCode('versioned schema + 409', optimisticCode);
        const product = await VersionedProduct.create({ name: 'bowl', price: 8, stock: 10 });
        const responses = await raceOfTwoSales(fixedApp, product.id);
        const statuses = ctx.observe('statuses', responses.map((r) => r.status).sort((a, b) => a - b));
        const afterRace = ctx.observe('stock after race', (await Product.findById(product._id).lean())?.stock ?? null);
        ctx.check('one sale succeeded, the other got 409', statuses[0] === 200 && statuses[1] === 409,
          `statuses ${statuses.join(', ')}`);
        ctx.check('the stock reflects exactly the sale that succeeded', afterRace === 7, `stock ${afterRace}`);
        ctx.say('The client that got 409 retries: the handler re-reads the current version.');
        const retry = await fixedApp.request({ method: 'POST', path: `/products/${product.id}/sell`, json: { qty: 3 } });
        ctx.observe('retry status', retry.status);
        const final = ctx.observe('stock after retry', (await Product.findById(product._id).lean())?.stock ?? null);
        ctx.check('after the retry both sales are counted (stock 4)', retry.status === 200 && final === 4,
          `retry ${retry.status}, stock ${final}`);
      });

      await ctx.step('Replica lag (senior)', async () => {
        ctx.say('The other source of stale reads: a secondary that has not applied the write yet.');
        const hello = await ctx.db.db?.admin().command({ hello: 1 });
        const setName = typeof hello?.['setName'] === 'string' ? hello['setName'] : null;
        const topology = ctx.observe('topology', setName ? `replica set ${setName}` : hello?.['msg'] === 'isdbgrid' ? 'sharded' : 'standalone');
        const product = await Product.create({ name: 'vase', price: 20, stock: 1 });
        await Product.updateOne({ _id: product._id }, { price: 40 });
        const fromPrimary = ctx.observe('primary read', (await Product.findById(product._id).read('primary').lean())?.price ?? null);
        const fromSecondary = ctx.observe('secondaryPreferred read',
          (await Product.findById(product._id).read('secondaryPreferred').lean())?.price ?? null);
        ctx.check('a primary read after the write is fresh', fromPrimary === 40, `primary read ${fromPrimary}`);
        if (topology === 'standalone') {
          ctx.say('Here there is one server and no secondary, so both reads are served by it: lag cannot show.');
          ctx.check('without secondaries the secondaryPreferred read is fresh too', fromSecondary === 40,
            `secondaryPreferred read ${fromSecondary}`);
          ctx.say('Run with MONGODB_URI pointing at a real replica set to see a secondary lag the primary.');
        } else {
          ctx.say('On a replica set this read may or may not lag: replication timing is not deterministic, so the demo reports what it saw and claims neither.');
        }
        ctx.say('Fix for read-after-write: read the primary, or a causally consistent session with majority concerns.');
        ctx.showCode('read-your-writes', causalCode);
      });
    },
  },
});
