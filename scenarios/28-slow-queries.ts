// Scenario 28: a slow list endpoint, diagnosed with explain('executionStats') and fixed with a
// compound index (equality, then sort), projection, keyset pagination and a read-through cache.
// Every figure printed comes from this run's explain output, timers and HTTP responses.
import { defineScenario } from '../src/scenario/contract.js';
import type { Types } from 'mongoose';
import type { DemoContext, HttpResponse } from '../src/runtime/context.js';

// Enough documents for a scan to cost something, few enough to seed in about a second.
const USER_COUNT = 20_000;
const SEED_BATCH = 10_000;
const PAGE_SIZE = 20;
const DEEP_PAGE = 501; // skip = 500 * 20 = 10 000 entries
const TIMING_RUNS = 3;
const HTTP_SAMPLES = 3;
const CACHE_TTL_SECONDS = 60;
const COMPOUND_INDEX = 'isActive_1_createdAt_-1__id_-1';
const FILTER_ONLY_INDEX = 'isActive_1';

const ACTIVE = { isActive: true } as const;
const NEWEST_FIRST = { createdAt: -1 } as const;
// The pages sort on (createdAt, _id): a unique key, so a cursor names one position.
const PAGE_ORDER = { createdAt: -1, _id: -1 } as const;

interface UserShape {
  name: string;
  email: string;
  isActive: boolean;
  createdAt: Date;
  bio: string;
  avatarUrl: string;
  loginCount: number;
}

/** The figures of one explain('executionStats') answer that the story relies on. */
interface PlanSummary {
  /** Winning plan stages, outermost first, e.g. ['SORT', 'COLLSCAN']. */
  stages: string[];
  indexName: string | null;
  nReturned: number;
  keysExamined: number;
  docsExamined: number;
  rejectedPlans: number;
}

type PlanNode = { stage?: unknown; indexName?: unknown; inputStage?: unknown; inputStages?: unknown; queryPlan?: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectStages(node: unknown, stages: string[], indexes: string[]): void {
  if (!isRecord(node)) return;
  const plan = node as PlanNode;
  // MongoDB 7+ may wrap the classic tree in `queryPlan` (explainVersion 2); read through it.
  if (isRecord(plan.queryPlan)) return collectStages(plan.queryPlan, stages, indexes);
  if (typeof plan.stage === 'string') stages.push(plan.stage);
  if (typeof plan.indexName === 'string') indexes.push(plan.indexName);
  if (plan.inputStage !== undefined) collectStages(plan.inputStage, stages, indexes);
  if (Array.isArray(plan.inputStages)) for (const child of plan.inputStages) collectStages(child, stages, indexes);
}

function summarizeExplain(explain: unknown): PlanSummary {
  const root = Array.isArray(explain) ? explain[0] : explain;
  if (!isRecord(root) || !isRecord(root.queryPlanner) || !isRecord(root.executionStats)) {
    throw new Error(`explain('executionStats') returned no queryPlanner/executionStats: ${JSON.stringify(root)?.slice(0, 300)}`);
  }
  const stages: string[] = [];
  const indexes: string[] = [];
  collectStages(root.queryPlanner.winningPlan, stages, indexes);
  const stats = root.executionStats;
  const rejected = root.queryPlanner.rejectedPlans;
  return {
    stages,
    indexName: indexes[0] ?? null,
    nReturned: Number(stats.nReturned),
    keysExamined: Number(stats.totalKeysExamined),
    docsExamined: Number(stats.totalDocsExamined),
    rejectedPlans: Array.isArray(rejected) ? rejected.length : 0,
  };
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Median of the responses' own durations, rounded like every other figure. */
function medianDurationMs(responses: HttpResponse[]): number {
  const times = responses.map((response) => response.durationMs).sort((a, b) => a - b);
  return roundMs(times[Math.floor(times.length / 2)] ?? 0);
}

/**
 * Median wall-clock time of `runs` executions (one slow outlier, GC or a neighbour's CPU, does not
 * decide), with the result of the first run.
 */
async function timed<T>(runs: number, body: () => Promise<T>): Promise<{ medianMs: number; result: T }> {
  const times: number[] = [];
  let first: { value: T } | undefined;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const value = await body();
    times.push(performance.now() - started);
    first ??= { value };
  }
  if (!first) throw new Error('timed() needs at least one run');
  times.sort((a, b) => a - b);
  return { medianMs: roundMs(times[Math.floor(times.length / 2)] ?? 0), result: first.value };
}

const BIO = 'Backend developer who enjoys distributed systems, careful schema design, readable code reviews '
  + 'and long walks while a migration runs. Speaks at meetups about indexes, caching and on-call life.';
const SEED_EPOCH = Date.UTC(2024, 0, 1);

/**
 * Deterministic users: 60 % active, one per minute, so createdAt is unique (keyset pagination
 * relies on it). Flat documents with long strings: the list view needs two short fields of them.
 */
function makeUser(index: number): UserShape {
  return {
    name: `User ${index}`,
    email: `user${index}@example.com`,
    isActive: (index * 7) % 10 < 6,
    createdAt: new Date(SEED_EPOCH + index * 60_000),
    bio: `${BIO} #${index}`,
    avatarUrl: `https://cdn.example.com/avatars/${index.toString(16).padStart(8, '0')}/original.png`,
    loginCount: (index * 13) % 500,
  };
}

function idsOf(body: unknown): string[] {
  const items = isRecord(body) && Array.isArray(body.items) ? body.items : body;
  if (!Array.isArray(items)) return [];
  return items.map((item) => (isRecord(item) ? String(item._id) : ''));
}

async function runDemo(ctx: DemoContext): Promise<void> {
  const { Schema } = ctx.mongoose;
  const userSchema = new Schema<UserShape>({
    name: String,
    email: String,
    isActive: Boolean,
    createdAt: Date,
    bio: String,
    avatarUrl: String,
    loginCount: Number,
  }, { autoIndex: false });
  // Declared in the schema, built by an explicit migration (autoIndex off, as in production).
  // _id last: the keyset pages use it as a tiebreaker; the hot query uses the first two fields.
  userSchema.index({ isActive: 1, createdAt: -1, _id: -1 });
  const User = ctx.db.model<UserShape>('User', userSchema);
  await User.createCollection();

  const newestActive = () => User.find(ACTIVE).sort(NEWEST_FIRST).limit(PAGE_SIZE);
  let activeCount = 0;
  let naiveIds: string[] = [];

  await ctx.step(`Seed ${USER_COUNT.toLocaleString('en')} users`, async () => {
    ctx.say(`Seeding through the driver's insertMany in batches of ${SEED_BATCH} (trusted fixture data: no Mongoose casting or validation needed).`);
    const started = performance.now();
    for (let first = 0; first < USER_COUNT; first += SEED_BATCH) {
      const batch = Array.from({ length: Math.min(SEED_BATCH, USER_COUNT - first) }, (_, offset) => makeUser(first + offset));
      await User.collection.insertMany(batch, { ordered: false });
    }
    ctx.observe('seed ms', roundMs(performance.now() - started));
    const total = ctx.observe('users', await User.estimatedDocumentCount());
    activeCount = ctx.observe('active users', await User.countDocuments(ACTIVE));
    ctx.check(`the collection holds ${USER_COUNT} users`, total === USER_COUNT, `count ${total}`);
    ctx.check('60 % of them are active', activeCount === USER_COUNT * 0.6, `active ${activeCount}`);
  }, { shows: 'context' });

  await ctx.step('No index: COLLSCAN', async () => {
    ctx.say('The endpoint lists the 20 newest active users. Only the _id index exists: the migration that builds the schema\'s index has not run.');
    ctx.showCode('The hot query', 'User.find({ isActive: true })\n  .sort({ createdAt: -1 })\n  .limit(20)', 'ts');
    if (ctx.engine.name === 'embedded') {
      ctx.say('The plans, counters and timings below come from the built-in engine: its explain is shaped like mongod\'s and its counters follow the same rules, but its planner is a fixed rule and its timings measure a JavaScript engine. mongod trial-runs candidate plans and caches the winner; run with MONGODB_URI to see its own figures.');
    }
    const indexNames = ctx.observe('indexes', (await User.collection.indexes()).map((index) => String(index.name)));
    const plan = summarizeExplain(await newestActive().explain('executionStats'));
    ctx.observe('stages', plan.stages);
    ctx.observe('docs examined', plan.docsExamined);
    ctx.observe('keys examined', plan.keysExamined);
    ctx.observe('returned', plan.nReturned);
    const naive = await timed(TIMING_RUNS, () => newestActive().lean());
    naiveIds = naive.result.map((user) => String(user._id));
    ctx.observe('median ms', naive.medianMs);
    ctx.check('only the _id index exists', indexNames.length === 1 && indexNames[0] === '_id_', indexNames.join(', '));
    ctx.check('the plan is a collection scan (COLLSCAN)', plan.stages.includes('COLLSCAN'), plan.stages.join(' > '));
    ctx.check('the sort happens in memory (SORT stage)', plan.stages.includes('SORT'), plan.stages.join(' > '));
    ctx.check('every document was examined to return 20', plan.docsExamined === USER_COUNT && plan.nReturned === PAGE_SIZE,
      `examined ${plan.docsExamined}, returned ${plan.nReturned}`);
    ctx.say(`Examined per returned document: ${Math.round(plan.docsExamined / Math.max(plan.nReturned, 1))}. The cost grows with the collection, not with the page.`);
  }, { shows: 'failure' });

  await ctx.step('Compound index: IXSCAN', async () => {
    ctx.say('Equality field first, then the sort field: the index walk yields active users already newest-first, and the limit stops it after 20 entries. _id comes last as a tiebreaker for the keyset pages further on.');
    ctx.showCode('The fix', [
      'userSchema.index(',
      '  { isActive: 1, createdAt: -1, _id: -1 });',
      '// in the deploy migration; resolves once built:',
      'await User.createIndexes();',
    ].join('\n'), 'ts');
    const buildStarted = performance.now();
    await User.createIndexes();
    ctx.observe('build ms', roundMs(performance.now() - buildStarted));
    const indexNames = ctx.observe('indexes', (await User.collection.indexes()).map((index) => String(index.name)));
    const plan = summarizeExplain(await newestActive().explain('executionStats'));
    ctx.observe('stages', plan.stages);
    ctx.observe('index', plan.indexName);
    ctx.observe('docs examined', plan.docsExamined);
    ctx.observe('keys examined', plan.keysExamined);
    ctx.observe('returned', plan.nReturned);
    const indexed = await timed(TIMING_RUNS, () => newestActive().lean());
    const indexedIds = indexed.result.map((user) => String(user._id));
    ctx.observe('median ms', indexed.medianMs);
    ctx.check(`the index ${COMPOUND_INDEX} exists`, indexNames.includes(COMPOUND_INDEX), indexNames.join(', '));
    ctx.check('the plan is an index scan on it (IXSCAN)', plan.stages.includes('IXSCAN') && plan.indexName === COMPOUND_INDEX,
      `${plan.stages.join(' > ')} on ${String(plan.indexName)}`);
    ctx.check('no COLLSCAN and no in-memory SORT', !plan.stages.includes('COLLSCAN') && !plan.stages.includes('SORT'), plan.stages.join(' > '));
    ctx.check(`keys and docs examined stay within 2 x ${PAGE_SIZE}`,
      plan.nReturned === PAGE_SIZE && plan.keysExamined <= 2 * PAGE_SIZE && plan.docsExamined <= 2 * PAGE_SIZE,
      `keys ${plan.keysExamined}, docs ${plan.docsExamined}, returned ${plan.nReturned}`);
    ctx.check('the same 20 users come back, in the same order', JSON.stringify(indexedIds) === JSON.stringify(naiveIds));
  }, { shows: 'fix' });

  const app = ctx.express();
  app.get('/users/full', async (_req, res) => {
    res.json(await User.find(ACTIVE).sort(NEWEST_FIRST).limit(PAGE_SIZE).lean());
  });
  app.get('/users/slim', async (_req, res) => {
    res.json(await User.find(ACTIVE).sort(NEWEST_FIRST).limit(PAGE_SIZE).select('name email createdAt').lean());
  });
  /** The page after (at, id): the exact filter the route runs and the keyset step explains. */
  const afterCursor = (at: Date, id: Types.ObjectId) => ({
    ...ACTIVE,
    // The top-level range bounds the index scan; the $or only breaks createdAt ties.
    createdAt: { $lte: at },
    $or: [{ createdAt: { $lt: at } }, { _id: { $lt: id } }],
  });
  const pageQuery = (filter: Record<string, unknown>) =>
    User.find(filter).sort(PAGE_ORDER).limit(PAGE_SIZE).select('name email createdAt');
  app.get('/users', async (req, res) => {
    // Query values are strings, arrays (a repeated key) or objects: type them before they reach a filter.
    const { after, afterId, page } = req.query;
    let items: { _id: unknown; createdAt: Date }[];
    if (after !== undefined || afterId !== undefined) {
      const at = typeof after === 'string' ? new Date(after) : null;
      if (at === null || Number.isNaN(at.getTime()) || typeof afterId !== 'string' || !ctx.mongoose.isValidObjectId(afterId)) {
        res.status(400).json({ message: 'bad cursor' });
        return;
      }
      items = await pageQuery(afterCursor(at, new ctx.mongoose.Types.ObjectId(afterId))).lean();
    } else {
      const pageNumber = Math.max(1, Number.parseInt(typeof page === 'string' ? page : '1', 10) || 1);
      items = await pageQuery(ACTIVE).skip((pageNumber - 1) * PAGE_SIZE).lean();
    }
    const last = items.at(-1);
    res.json({ items, next: last ? { after: last.createdAt.toISOString(), afterId: String(last._id) } : null });
  });

  const { client: redis, name: redisName } = await ctx.redis();
  // The runtime gives each run its own key space and removes it afterwards.
  const cacheKey = 'stats:active-users';
  let loaderCalls = 0;
  app.get('/stats/active-users', async (_req, res) => {
    const cached = await redis.get(cacheKey);
    if (cached !== null) {
      res.set('X-Cache', 'HIT').json(JSON.parse(cached));
      return;
    }
    loaderCalls += 1;
    const body = { activeUsers: await User.countDocuments(ACTIVE) };
    await redis.set(cacheKey, JSON.stringify(body), 'EX', CACHE_TTL_SECONDS);
    res.set('X-Cache', 'MISS').json(body);
  });
  const server = await ctx.serve(app);

  await ctx.step('Projection: select fields', async () => {
    ctx.say('The list view shows a name, an email and a join date, yet the naive route ships whole documents (bio, avatar URL...).');
    ctx.showCode('Project in the query', [
      "const FIELDS = 'name email createdAt';",
      'User.find({ isActive: true })',
      '  .sort({ createdAt: -1 }).limit(20)',
      '  .select(FIELDS).lean()',
    ].join('\n'), 'ts');
    const full = await server.request({ path: '/users/full' });
    const slim = await server.request({ path: '/users/slim' });
    ctx.observe('full bytes', full.bytes);
    ctx.observe('slim bytes', slim.bytes);
    ctx.observe('smaller by', `${Math.round((1 - slim.bytes / Math.max(full.bytes, 1)) * 100)}%`);
    const slimFields = Array.isArray(slim.body) && isRecord(slim.body[0]) ? Object.keys(slim.body[0]).sort() : [];
    ctx.observe('slim fields', slimFields);
    ctx.check('both routes answer 200 with the same 20 users',
      full.status === 200 && slim.status === 200 && idsOf(full.body).length === PAGE_SIZE
        && JSON.stringify(idsOf(full.body)) === JSON.stringify(idsOf(slim.body)),
      `statuses ${full.status}/${slim.status}`);
    ctx.check('the slim body carries only _id, name, email, createdAt',
      JSON.stringify(slimFields) === JSON.stringify(['_id', 'createdAt', 'email', 'name']), slimFields.join(', '));
    ctx.check('the slim response is under half the size', slim.bytes * 2 < full.bytes, `${slim.bytes} vs ${full.bytes} bytes`);

    ctx.say('What the projection does not change: the server still fetches each whole document and drops fields afterwards. It saves serialisation, network, driver decoding and the HTTP body, not reads. Only a covered query, projecting nothing but indexed fields, skips the documents.');
    const projected = summarizeExplain(await newestActive().select('name email createdAt').explain('executionStats'));
    ctx.observe('projected stages', projected.stages);
    ctx.observe('projected docs examined', projected.docsExamined);
    ctx.showCode('Covered: only indexed fields', [
      'User.find({ isActive: true })',
      '  .sort({ createdAt: -1 }).limit(20)',
      "  .select('createdAt')  // _id: in the index too",
    ].join('\n'), 'ts');
    const covered = summarizeExplain(await newestActive().select('createdAt').explain('executionStats'));
    ctx.observe('covered stages', covered.stages);
    ctx.observe('covered docs examined', covered.docsExamined);
    ctx.check('with the projection the server still reads every returned document (FETCH)',
      projected.stages.includes('FETCH') && projected.docsExamined === PAGE_SIZE,
      `${projected.stages.join(' > ')}, docs ${projected.docsExamined}`);
    ctx.check('a covered projection reads no documents at all',
      !covered.stages.includes('FETCH') && covered.docsExamined === 0 && covered.nReturned === PAGE_SIZE,
      `${covered.stages.join(' > ')}, docs ${covered.docsExamined}`);
  }, { shows: 'fix' });

  const skip = (DEEP_PAGE - 1) * PAGE_SIZE;
  /**
   * A newer active user arrives between two page requests, the way a feed grows while someone
   * scrolls; removed again afterwards so later counts still match the seed.
   */
  const withNewcomer = async <T>(after: () => Promise<T>): Promise<T> => {
    const newcomer = makeUser(USER_COUNT);
    const { insertedId } = await User.collection.insertOne(newcomer);
    try {
      return await after();
    } finally {
      await User.collection.deleteOne({ _id: insertedId });
    }
  };
  let deepCursor = { after: '', afterId: '' };
  let deepSkipIds: string[] = [];

  await ctx.step('Naive: deep skip', async () => {
    ctx.say(`Page ${DEEP_PAGE} with skip(${skip}): the server still walks every skipped entry before returning 20.`);
    const previous = await server.request({ path: `/users?page=${DEEP_PAGE - 1}` });
    const next = isRecord(previous.body) && isRecord(previous.body.next) ? previous.body.next : {};
    deepCursor = { after: typeof next.after === 'string' ? next.after : '', afterId: typeof next.afterId === 'string' ? next.afterId : '' };
    // Three requests, the median printed: a single sample can be the one a GC pause landed on.
    const skipSamples: HttpResponse[] = [];
    for (let sample = 0; sample < HTTP_SAMPLES; sample += 1) {
      skipSamples.push(await server.request({ path: `/users?page=${DEEP_PAGE}` }));
    }
    deepSkipIds = idsOf(skipSamples[0]?.body);
    const skipPlan = summarizeExplain(await pageQuery(ACTIVE).skip(skip).explain('executionStats'));
    ctx.observe('skip stages', skipPlan.stages);
    ctx.observe('skip keys', skipPlan.keysExamined);
    ctx.observe('skip docs', skipPlan.docsExamined);
    ctx.observe(`skip http ms (median of ${HTTP_SAMPLES})`, medianDurationMs(skipSamples));
    ctx.check(`skip walks at least skip + limit = ${skip + PAGE_SIZE} index keys`,
      skipPlan.stages.includes('IXSCAN') && skipPlan.keysExamined >= skip + PAGE_SIZE && skipPlan.nReturned === PAGE_SIZE,
      `${skipPlan.stages.join(' > ')}, keys ${skipPlan.keysExamined}`);

    ctx.say('And offsets shift: a user who signs up between two requests pushes everyone one place down, so page 2 starts with the last user of page 1.');
    const page1 = await server.request({ path: '/users?page=1' });
    const page2 = await withNewcomer(() => server.request({ path: '/users?page=2' }));
    const lastOfPage1 = idsOf(page1.body).at(-1);
    const repeated = ctx.observe('page 2 repeats the end of page 1', idsOf(page2.body)[0] === lastOfPage1);
    ctx.check('with skip, an insert between requests shows a user twice', page1.status === 200 && page2.status === 200 && repeated,
      `page 2 starts with ${idsOf(page2.body)[0]}, page 1 ended with ${lastOfPage1}`);
  }, { shows: 'failure' });

  await ctx.step('Fix: keyset cursor', async () => {
    ctx.say('A keyset cursor instead sends back the last (createdAt, _id) seen and seeks to it.');
    const cursorQuery = `after=${encodeURIComponent(deepCursor.after)}&afterId=${deepCursor.afterId}`;
    const keysetSamples: HttpResponse[] = [];
    for (let sample = 0; sample < HTTP_SAMPLES; sample += 1) {
      keysetSamples.push(await server.request({ path: `/users?${cursorQuery}` }));
    }
    const byKeyset = keysetSamples[0]!;
    const repeatedParam = await server.request({ path: `/users?${cursorQuery}&after=${encodeURIComponent(deepCursor.after)}` });
    ctx.showCode('Keyset (cursor) pagination', [
      '// at, id: the last createdAt and _id the client saw',
      'User.find({',
      '  isActive: true,',
      '  createdAt: { $lte: at },',
      '  $or: [',
      '    { createdAt: { $lt: at } },',
      '    { _id: { $lt: id } },',
      '  ],',
      '}).sort({ createdAt: -1, _id: -1 }).limit(20)',
      "  .select('name email createdAt')",
    ].join('\n'), 'ts');
    ctx.say('This is the query explained below, built by the same function the route calls.');
    const validCursor = deepCursor.after !== '' && ctx.mongoose.isValidObjectId(deepCursor.afterId);
    const keysetPlan = validCursor
      ? summarizeExplain(await pageQuery(afterCursor(new Date(deepCursor.after), new ctx.mongoose.Types.ObjectId(deepCursor.afterId))).explain('executionStats'))
      : null;
    ctx.observe('keyset stages', keysetPlan?.stages ?? []);
    ctx.observe('keyset index', keysetPlan?.indexName ?? null);
    ctx.observe('keyset keys', keysetPlan?.keysExamined ?? -1);
    ctx.observe('keyset docs', keysetPlan?.docsExamined ?? -1);
    ctx.observe(`keyset http ms (median of ${HTTP_SAMPLES})`, medianDurationMs(keysetSamples));
    ctx.observe('status, ?after= twice', repeatedParam.status);
    ctx.check(`page ${DEEP_PAGE - 1} handed out a (createdAt, _id) cursor`, validCursor, JSON.stringify(deepCursor));
    ctx.check(`the cursor page holds the same 20 users as page ${DEEP_PAGE}`,
      byKeyset.status === 200 && deepSkipIds.length === PAGE_SIZE && JSON.stringify(idsOf(byKeyset.body)) === JSON.stringify(deepSkipIds),
      `status ${byKeyset.status}`);
    ctx.check(`the keyset query is one IXSCAN on ${COMPOUND_INDEX}, no SORT`,
      keysetPlan !== null && keysetPlan.indexName === COMPOUND_INDEX
        && keysetPlan.stages.filter((stage) => stage === 'IXSCAN').length === 1
        && !keysetPlan.stages.includes('SORT') && !keysetPlan.stages.includes('COLLSCAN'),
      keysetPlan ? `${keysetPlan.stages.join(' > ')} on ${String(keysetPlan.indexName)}` : 'no cursor');
    // One entry past the page at most: the cursor's own row, which the $or filters out.
    ctx.check('it examines about one page, not the skipped depth',
      keysetPlan !== null && keysetPlan.nReturned === PAGE_SIZE
        && keysetPlan.keysExamined <= PAGE_SIZE + 1 && keysetPlan.docsExamined <= PAGE_SIZE + 1,
      keysetPlan ? `keys ${keysetPlan.keysExamined}, docs ${keysetPlan.docsExamined}` : 'no cursor');

    const page1 = await server.request({ path: '/users?page=1' });
    const first = isRecord(page1.body) && isRecord(page1.body.next) ? page1.body.next : {};
    const page2 = await withNewcomer(() =>
      server.request({ path: `/users?after=${encodeURIComponent(String(first.after))}&afterId=${String(first.afterId)}` }));
    const overlap = ctx.observe('users on both pages, insert between', idsOf(page2.body).filter((id) => idsOf(page1.body).includes(id)).length);
    ctx.check('the same insert between requests repeats nobody with the cursor', page2.status === 200 && idsOf(page2.body).length === PAGE_SIZE && overlap === 0,
      `status ${page2.status}, overlap ${overlap}`);
    ctx.check('a repeated ?after= (an array, not a string) gets 400', repeatedParam.status === 400, `status ${repeatedParam.status}`);
  }, { shows: 'fix' });

  await ctx.step('Read-through cache (TTL)', async () => {
    ctx.say(`The total shown beside every list costs a count over all active users on each request. Cache it for ${CACHE_TTL_SECONDS}s in Redis: ${redisName}.`);
    ctx.showCode('Read-through with a TTL', [
      'const hit = await redis.get(key);',
      'if (hit !== null) {',
      "  return res.set('X-Cache', 'HIT')",
      '    .json(JSON.parse(hit));',
      '}',
      'const count = await User',
      '  .countDocuments({ isActive: true });',
      'const body = { activeUsers: count };',
      "await redis.set(key, JSON.stringify(body), 'EX', 60);",
      "res.set('X-Cache', 'MISS').json(body);",
    ].join('\n'), 'ts');
    ctx.observe('redis', redisName);
    const first = await server.request({ path: '/stats/active-users' });
    const second = await server.request({ path: '/stats/active-users' });
    const ttl = await redis.ttl(cacheKey);
    ctx.observe('1st', first.headers['x-cache'] ?? 'none');
    ctx.observe('1st ms', roundMs(first.durationMs));
    ctx.observe('2nd', second.headers['x-cache'] ?? 'none');
    ctx.observe('2nd ms', roundMs(second.durationMs));
    ctx.observe('db queries', loaderCalls);
    ctx.observe('ttl s', ttl);
    ctx.check('the first read misses and the second hits',
      first.headers['x-cache'] === 'MISS' && second.headers['x-cache'] === 'HIT',
      `${first.headers['x-cache'] ?? 'none'} then ${second.headers['x-cache'] ?? 'none'}`);
    ctx.check('the database was queried once for two reads', loaderCalls === 1, `loader ran ${loaderCalls} times`);
    ctx.check('both answers carry the real active count',
      first.status === 200 && second.status === 200 && JSON.stringify(first.body) === JSON.stringify(second.body)
        && isRecord(first.body) && first.body.activeUsers === activeCount,
      `${first.text} / ${second.text}`);
    ctx.check(`the entry expires within ${CACHE_TTL_SECONDS}s`, ttl > 0 && ttl <= CACHE_TTL_SECONDS, `ttl ${ttl}`);
  }, { shows: 'fix' });

  await ctx.step('Senior trap: filter-only index', async () => {
    ctx.say(`An index on the filter field alone is "used" but does not help much: it fetches every active user and still sorts in memory. The explain is hinted to { isActive: 1 } (${FILTER_ONLY_INDEX}) to show that plan.`);
    await User.collection.createIndex({ isActive: 1 });
    const filterOnly = summarizeExplain(await newestActive().hint({ isActive: 1 }).explain('executionStats'));
    ctx.observe(`stages, hint ${FILTER_ONLY_INDEX}`, filterOnly.stages);
    ctx.observe(`docs, hint ${FILTER_ONLY_INDEX}`, filterOnly.docsExamined);
    ctx.check(`with ${FILTER_ONLY_INDEX}: IXSCAN, yet an in-memory SORT`,
      filterOnly.stages.includes('IXSCAN') && filterOnly.stages.includes('SORT') && filterOnly.indexName === FILTER_ONLY_INDEX,
      `${filterOnly.stages.join(' > ')} on ${String(filterOnly.indexName)}`);
    ctx.check('it fetches every active user to return 20', filterOnly.docsExamined === activeCount,
      `docs ${filterOnly.docsExamined}, active ${activeCount}`);
  }, { shows: 'failure', senior: true });

  await ctx.step('Senior: which plan wins', async () => {
    ctx.say('Without a hint both indexes are candidates. mongod decides by trial: it runs the candidate plans side by side for a short trial period, keeps the most productive one (most results for the least work, with a bonus for no blocking SORT), and caches that choice per query shape. The entry goes when an index is added or dropped, and a cached plan that suddenly needs far more work than when it was cached is planned again.');
    if (ctx.engine.name === 'embedded') {
      ctx.say('The built-in engine does not race plans: it applies a fixed rule (prefer an index that also gives the sort) that reaches the same choice here. So this step shows the shape of the answer, not mongod\'s trial.');
    }
    const chosen = summarizeExplain(await newestActive().explain('executionStats'));
    ctx.observe('winning index', chosen.indexName);
    ctx.observe('rejected plans', chosen.rejectedPlans);
    ctx.check(`the winning plan uses ${COMPOUND_INDEX} with no SORT; the filter-only plan is listed as rejected`,
      chosen.indexName === COMPOUND_INDEX && !chosen.stages.includes('SORT') && chosen.rejectedPlans >= 1,
      `${chosen.stages.join(' > ')} on ${String(chosen.indexName)}, ${chosen.rejectedPlans} rejected`);
    ctx.say('Redundant indexes still cost on every write and in RAM: drop { isActive: 1 }, since the compound index starts with it and serves the same filters.');
  }, { shows: 'context', senior: true });
}

export const scenario = defineScenario({
  id: 28,
  slug: 'slow-queries',
  title: 'Optimising slow MongoDB queries behind an API',
  tags: ['mongodb', 'performance', 'express', 'caching'],
  summary: 'explain() shows the collection scan; a compound index, projection, keyset pages and a TTL cache fix it.',
  question: 'A list endpoint of your Node/Express API has become slow as the users collection grew. How do you find out why, and what do you change in the query, the indexes and the API so it stays fast?',
  answer: {
    short:
      'I find the slow query with the profiler or slow-query log and read explain("executionStats"): a COLLSCAN, an '
      + 'in-memory SORT, or thousands of documents examined to return 20 is the bug. Then I add a compound index in '
      + 'equality-sort-range order ({ isActive: 1, createdAt: -1 }), project and lean() to send less, replace deep skip '
      + 'with keyset pagination, and cache hot reads that tolerate staleness with a TTL, checking each change with explain.',
    reasoning: [
      'I start by measuring rather than guessing: the database profiler or slow-query log (or APM traces) tells me which query is slow, and `explain("executionStats")` tells me why. I read three things: the winning plan\'s stages (COLLSCAN means no index was usable; a SORT stage means the documents are sorted in memory, a blocking step with a memory limit), and the ratio of totalKeysExamined and totalDocsExamined to nReturned. A healthy query examines about as many entries as it returns; examining 20 000 documents to return 20 is the bug.',
      'The main fix is an index shaped for the query. For `find({ isActive: true }).sort({ createdAt: -1 }).limit(20)` that is a compound index `{ isActive: 1, createdAt: -1 }`: equality fields first, then the sort field, then range fields (the ESR guideline). The server jumps to the active users and walks them already in the requested order, so the limit stops the scan after 20 keys and there is no in-memory sort. An index on `isActive` alone is a trap: it is low-cardinality, so the server fetches every active user and still sorts them. I declare the index in the schema, but build it deliberately (a migration or `Model.createIndexes()` at deploy) with autoIndex off in production, and confirm with explain that the plan changed.',
      'Then I send less data. A projection (`.select("name email")`) shrinks what the server serialises and sends, what the driver decodes and the HTTP response, but for an ordinary query the server still fetches each whole document and drops fields afterwards, so it does not reduce reads. Only a covered query, whose filter, sort and projection use nothing but fields of one index (`_id` excluded unless the index holds it), answers from the index and examines no documents. `.lean()` skips building Mongoose documents, a real CPU saving on read-only endpoints.',
      'Pagination with `skip` gets slower with every page: the server must walk and discard every skipped entry, so page 501 costs 10 020 index keys, and pages shift when rows are inserted between requests. For feeds and infinite scroll I use keyset (cursor) pagination: the client sends back the last sort value it saw and the next page is `createdAt < cursor`, an index seek that costs the page size whatever the depth. It needs a unique, indexed sort key, so in general I add `_id` as a tiebreaker to both the sort and the cursor; the price is that you cannot jump to an arbitrary page number.',
      'Finally, for hot reads that tolerate a little staleness (a dashboard total, a public list) I add a read-through cache in Redis: look up the key, on a miss run the query and store the answer with a TTL that bounds how stale it can get, and delete the key on writes where correctness matters. Caching comes after the index, not instead of it: a cold cache, an eviction or a new query parameter sends traffic straight back to the database.',
    ],
    keyPoints: [
      {
        text: 'Diagnose with the profiler / slow-query log and explain("executionStats"): COLLSCAN, an in-memory SORT, docs examined far above docs returned.',
        terms: [['explain', 'executionStats', 'profiler', 'slow query'], ['COLLSCAN', 'collection scan', 'docsExamined', 'docs examined', 'examined']],
        provenBy: 'No index',
      },
      {
        text: 'Create a compound index matching filter then sort (equality, sort, range): { isActive: 1, createdAt: -1 } gives IXSCAN with no SORT stage.',
        terms: [['compound index', 'compound'], ['isActive', 'filter', 'equality', 'esr'], ['createdAt', 'sort']],
        provenBy: 'Compound index',
      },
      {
        text: 'Return only the fields the client needs (projection with select) and use lean() for read-only endpoints; the server still reads whole documents unless the query is covered.',
        terms: [['projection', 'select', 'only the fields', 'only needed fields']],
        provenBy: 'Projection',
      },
      {
        text: 'Deep skip walks and discards every skipped entry; keyset (cursor) pagination on the indexed sort field costs only the page.',
        terms: [['skip'], ['keyset', 'cursor', 'range query', 'range filter', 'range condition', 'seek', '$lt', '$gt']],
        provenBy: 'Fix: keyset',
      },
      {
        text: 'Cache hot, staleness-tolerant reads in Redis with a TTL (read-through / cache-aside), invalidating on writes where needed.',
        terms: [['cache', 'redis'], ['a ttl', 'the ttl', 'ttl of', 'ttl:', '(ttl', 'time to live', 'expire', 'expiry', 'expiration']],
        provenBy: 'Read-through cache',
      },
      {
        text: 'Indexes are not free: each one slows writes and takes RAM; build them deliberately and verify the plan after.',
        terms: [['index', 'indexes'], ['slow writes', 'write cost', 'write overhead', 'every write', 'every insert', 'memory', 'working set', 'in ram']],
      },
    ],
    code: [
      {
        title: 'Naive: no usable index, full documents, skip',
        language: 'ts',
        code: `app.get('/users', async (req, res) => {
  const page = Number(req.query.page ?? 1);
  const users = await User.find({ isActive: true })
    .sort({ createdAt: -1 })
    .skip((page - 1) * 20) // walks every skipped entry
    .limit(20);            // full, hydrated documents
  res.json(users);
});
// explain: SORT > COLLSCAN,
//   totalDocsExamined = collection size`,
      },
      {
        title: 'Fix: ESR index, projection, lean, keyset cursor',
        language: 'ts',
        code: `userSchema.index(
  { isActive: 1, createdAt: -1, _id: -1 });
// production: autoIndex off; build it at deploy:
await User.createIndexes();

app.get('/users', async (req, res) => {
  const { after, afterId } = req.query;
  const filter: Record<string, unknown> =
    { isActive: true };
  if (after !== undefined || afterId !== undefined) {
    // typed: an array (repeated key) or an object
    // (?after[$ne]=, extended parser) is refused
    const at = new Date(String(after));
    if (typeof after !== 'string'
        || Number.isNaN(at.getTime())
        || typeof afterId !== 'string'
        || !mongoose.isValidObjectId(afterId)) {
      return res.status(400)
        .json({ message: 'bad cursor' });
    }
    // (createdAt, _id) is unique: no user is skipped
    // or repeated at a page boundary. The top-level
    // range bounds the index scan; $or breaks ties.
    const id = new mongoose.Types.ObjectId(afterId);
    filter.createdAt = { $lte: at };
    filter.$or = [
      { createdAt: { $lt: at } },
      { _id: { $lt: id } },
    ];
  }
  const items = await User.find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(20)
    .select('name email createdAt')
    .lean();
  const last = items.at(-1);
  res.json({
    items,
    next: last
      && { after: last.createdAt, afterId: last._id },
  });
});
// The demo's keyset step explains this exact query:
// one IXSCAN on the index, no SORT stage, about one
// page of keys examined. Verify yours the same way.`,
      },
      {
        title: 'Read-through cache with a TTL (ioredis)',
        language: 'ts',
        code: `async function cached<T>(
  key: string, ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit) as T;
  const value = await load();
  await redis.set(key, JSON.stringify(value),
    'EX', ttlSeconds);
  return value;
}

app.get('/stats/active-users', async (_req, res) => {
  const activeUsers = await cached('stats:active', 60,
    () => User.countDocuments({ isActive: true }));
  res.json({ activeUsers });
});
// writes that must show at once:
//   await redis.del('stats:active');`,
      },
    ],
    seniorNotes: [
      'Index order follows ESR (equality, sort, range). `{ createdAt: -1, isActive: 1 }` avoids the sort but walks past every inactive user; `{ isActive: 1 }` alone fetches every active user and sorts them. Drop indexes that are a prefix of another, unless the shorter one is unique, partial or sparse, or has a different collation: each index costs every insert and update, and the working set (hot data plus indexes) must fit in RAM.',
      'Make the slow path visible before users do: profiler or slow-query log with a threshold, `planSummary` in logs, and in tests or CI an explain assertion on critical queries (no COLLSCAN, keys examined close to returned). Atlas/Ops Manager index suggestions are a hint, not a design.',
      'In-memory sorts are capped (100 MB per stage); past it the query spills to disk (allowDiskUse, default on since 6.0) or fails. A SORT stage in a hot path is a design smell even when it fits.',
      'Covered queries: project only indexed fields and exclude `_id` and explain shows totalDocsExamined 0. Counting every page is expensive too: show "more" instead of a total, use estimatedDocumentCount for whole-collection counts, or cache the total.',
      'Caching brings its own failure modes: stampedes when a hot key expires (single-flight or a lock, jittered TTLs), keys that forget a parameter or the user scope (data leaking between users), and stale data after writes (delete on write, short TTLs). Measure hit ratio; a cache that rarely hits is just latency.',
      'Bound every list query: a `maxTimeMS` (Mongoose `.maxTimeMS(2000)`) makes a plan regression fail fast with an error you can alert on, instead of holding a pool connection while it scans; and check that the indexes plus the working set still fit in RAM as the data grows.',
      'mongod chooses among candidate plans by trial: it runs them side by side for a short period, keeps the most productive and caches it per query shape ($planCacheStats shows the entries). A plan chosen for one set of values can be poor for another on skewed data, and replanning only happens when the cached plan needs far more work than expected; explain("allPlansExecution") shows the race, and a better compound index is the lasting fix (hint() or, from MongoDB 8.0, setQuerySettings as a stopgap).',
      'After missing indexes, the next usual suspect on Mongoose list endpoints is per-document queries: populate() batches one $in query per path, but a loop that awaits a lookup per row is N+1. Populate with a field selection, use $lookup in an aggregation, or store the few fields the list needs on the document itself.',
      'Build indexes on large collections deliberately: since MongoDB 4.2 builds take an exclusive lock only at the start and end but still cost I/O and replication lag; roll them out per replica (rolling builds) for very large collections and watch the effect on writes.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'explain("executionStats") for find({ isActive: true }).sort({ createdAt: -1 }).limit(20) shows SORT > COLLSCAN, totalDocsExamined 25000 and nReturned 20. What does it tell you?',
        options: [
          { text: 'No index serves it: every document was read and sorted in memory.', correct: true, explanation: 'COLLSCAN means every document was read; the SORT stage is the blocking in-memory sort; 25 000 examined for 20 returned is the ratio to fix.' },
          { text: 'It is fine: only executionTimeMillis matters, not examined counts.', correct: false, explanation: 'Time on a small or cached dataset hides the problem; examined-to-returned grows with the collection and is what explodes in production.' },
          { text: 'The limit was ignored, so 25 000 documents went to the client.', correct: false, explanation: 'nReturned is 20: the limit held. Examined counts what the server read, not what it sent.' },
          { text: 'The _id index was used, but walked in the wrong direction.', correct: false, explanation: 'An index use would appear as IXSCAN; COLLSCAN means no index at all.' },
        ],
      },
      {
        prompt: 'Which single index best serves find({ isActive: true }).sort({ createdAt: -1 }).limit(20)?',
        options: [
          { text: '{ isActive: 1 }', correct: false, explanation: 'Low-cardinality filter only: the server fetches every active user and still sorts them in memory (IXSCAN under a SORT stage), as the senior trap step shows.' },
          { text: '{ isActive: 1, createdAt: -1 }', correct: true, explanation: 'Equality first, then the sort field: the walk starts at the active users in createdAt order, so the limit stops it after 20 keys and no SORT stage appears.' },
          { text: '{ createdAt: -1, isActive: 1 }', correct: false, explanation: 'It avoids the sort, but walks the whole timeline and skips inactive users key by key; with a rare filter value it scans most of the index.' },
          { text: 'Two separate indexes, { isActive: 1 } and { createdAt: -1 }', correct: false, explanation: 'The planner normally picks one index per plan (index intersection is rare and cannot give both the filter and the order); a compound index is the tool.' },
        ],
      },
      {
        prompt: 'The list query now ends in .select(\'name email createdAt\'). What does that save?',
        options: [
          { text: 'Bytes sent and decoded; each document is still read.', correct: true, explanation: 'The server fetches each whole document and drops the other fields afterwards (FETCH in explain, 20 documents examined); only a covered query skips the documents.' },
          { text: 'Disk reads: the server loads only the three fields.', correct: false, explanation: 'Documents are stored and read whole; the projection is applied after the fetch unless the query is covered.' },
          { text: 'Nothing: Mongoose projects after the full result arrives.', correct: false, explanation: 'The projection is sent to the server with the query; the demo\'s slim response is under half the size.' },
          { text: 'The FETCH stage: the query becomes covered by the index.', correct: false, explanation: 'name and email are not in the index, so the server must fetch the documents. The demo\'s covered variant selects only createdAt (and _id, which the index holds).' },
        ],
      },
      {
        prompt: 'With the compound index in place, page 501 is fetched with skip(10000).limit(20). What does explain report?',
        options: [
          { text: 'About 20 keys: skip jumps straight to the wanted position.', correct: false, explanation: 'B-tree indexes do not store positions; the server must walk the skipped entries one by one.' },
          { text: 'About 10 020 keys: every skipped entry is walked.', correct: true, explanation: 'The cost is linear in the page depth; a range condition on the sort key (keyset pagination) seeks directly to the page instead.' },
          { text: 'A COLLSCAN: skip turns off index use for the query.', correct: false, explanation: 'The index is still used (IXSCAN with a SKIP stage); it is just walked further.' },
          { text: 'None: skip is applied by the driver on the client side.', correct: false, explanation: 'skip is applied by the server; the driver only receives the 20 returned documents.' },
        ],
      },
      {
        prompt: 'Why does robust keyset pagination sort and filter on (createdAt, _id) rather than createdAt alone?',
        options: [
          { text: 'MongoDB cannot range-compare Date values with $lt or $gt alone.', correct: false, explanation: 'Dates compare fine; the problem is ties, not the operator.' },
          { text: 'Ties in createdAt would skip or repeat users at a page edge.', correct: true, explanation: 'The cursor must identify a unique position; _id breaks ties, and the index should include it so the walk stays in index order.' },
          { text: 'Adding _id to the sort makes each response smaller.', correct: false, explanation: 'Adding a sort key does not change the payload size.' },
          { text: 'Without _id in the filter the query cannot use any index.', correct: false, explanation: '{ isActive: 1, createdAt: -1 } serves createdAt-only keyset queries; _id is for correctness at ties.' },
        ],
      },
      {
        prompt: 'A read-through cache answers X-Cache: MISS on the first request and HIT on the second. What bounds how stale a hit can be if nothing invalidates the key?',
        options: [
          { text: 'The TTL set when the value was stored (EX 60).', correct: true, explanation: 'After the TTL the key disappears and the next read goes to the database; invalidating on write tightens it further.' },
          { text: 'MongoDB\'s index, which tells Redis when documents change.', correct: false, explanation: 'MongoDB does not talk to your cache; you would need change streams or explicit invalidation.' },
          { text: 'Nothing: Redis always returns the latest database value.', correct: false, explanation: 'Redis returns what you stored; it knows nothing about the database behind it.' },
          { text: 'The HTTP keep-alive timeout of the connection.', correct: false, explanation: 'Connection reuse has nothing to do with how long a cached value lives.' },
        ],
      },
      {
        prompt: 'A query that was fast yesterday is slow today; no index changed, and explain now shows a different winning plan. What is a likely cause?',
        options: [
          { text: 'A cached plan chosen for other values no longer fits.', correct: true, explanation: 'mongod picks a plan by trial for a query shape and caches it; on skewed data the cached plan can be poor for other values until a replan. $planCacheStats and explain("allPlansExecution") show it.' },
          { text: 'The planner picks at random among the valid indexes.', correct: false, explanation: 'Selection is deterministic given the trial results; it is the cached choice that outlives the data it was chosen for.' },
          { text: 'Indexes expire after a while unless they are used.', correct: false, explanation: 'Only TTL indexes expire, and they expire documents, not themselves.' },
          { text: 'explain output is cached, so it shows an older plan.', correct: false, explanation: 'explain plans the query afresh and reports the candidates it tried.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Before you open explain: how do you find which query is slow in production?',
      answer: 'I let the database tell me. mongod logs every operation slower than slowms (100 ms by default) with its planSummary and keys and documents examined, and the profiler (db.setProfilingLevel(1, { slowms })) stores the same in system.profile; Atlas shows it in the Query Profiler. On the application side, APM traces or the driver\'s command monitoring tie a slow request to the command it sent. Then I run explain("executionStats") on that exact query shape.',
      keyPoints: [
        { text: 'The slow-query log or profiler, with a slowms threshold.', terms: [['profiler', 'slow query', 'slow-query', 'slowms', 'system.profile', 'query profiler']] },
        { text: 'APM or command monitoring links requests to commands.', terms: [['apm', 'trace', 'tracing', 'command monitoring', 'opentelemetry']] },
        { text: 'Then explain("executionStats") on the exact shape.', terms: [['explain', 'executionstats']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'No index',
    },
    {
      question: 'The query becomes find({ isActive: true, age: { $gte: 18 } }).sort({ createdAt: -1 }).limit(20). Which index now?',
      answer: 'Following equality, sort, range: { isActive: 1, createdAt: -1, age: 1 }. With age before createdAt the range would split the index into many createdAt runs, so the server would have to sort in memory again; with age last the walk stays in createdAt order, the age condition is checked on the index keys, and the limit stops it early. If the age range were very selective, { isActive: 1, age: 1, createdAt: -1 } with a small in-memory sort could examine less, so I confirm the choice with explain on real data.',
      keyPoints: [
        { text: 'Equality, then sort, then range: { isActive, createdAt, age }.', terms: [['esr', 'equality', 'sort, range', 'sort then range', 'sort before range'], ['createdat']] },
        { text: 'A range before the sort field brings back the in-memory SORT.', terms: [['in-memory sort', 'blocking sort', 'sort stage', 'in memory']] },
        { text: 'Check the choice with explain on real data.', terms: [['explain', 'measure', 'real data', 'selective']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Compound index',
    },
    {
      question: 'Does the projection reduce what the server reads from disk?',
      answer: 'No, not for an ordinary query. The server fetches each matching document whole (from the WiredTiger cache or disk) and removes the fields afterwards, so the projection saves serialisation, network, driver decoding and memory in the app, not reads. The exception is a covered query: when the filter, the sort and every projected field are in one index, explain shows no FETCH and totalDocsExamined 0. lean() is a separate saving: no Mongoose documents are built.',
      keyPoints: [
        { text: 'The server still reads the whole document: it saves transfer and decoding, not reads.', terms: [['whole document', 'full document', 'still read', 'still fetch', 'fetch'], ['network', 'serialis', 'serializ', 'decod', 'bytes']] },
        { text: 'Only a covered query examines no documents.', terms: [['covered'], ['index', 'docsexamined', 'docs examined', 'no fetch']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Projection',
    },
    {
      question: 'The query was fast yesterday and is slow today with the same indexes, and explain shows a different winning plan. What happened, and what do you do?',
      answer: 'Most likely the plan cache. mongod chose the plan for this query shape by a trial run and cached it; a plan that won for yesterday\'s values can be poor for today\'s on skewed data, and it is only re-planned when it needs far more work than when it was cached. I would look at $planCacheStats and explain("allPlansExecution"), clear the entry (planCacheClear) to confirm, and fix it for good with an index that wins for every value. hint(), or MongoDB 8.0\'s setQuerySettings, is a stopgap.',
      keyPoints: [
        { text: 'A cached plan chosen by trial for one set of values.', terms: [['plan cache', 'cached plan', 'plancache'], ['trial', 'values', 'skew', 'shape']] },
        { text: 'Inspect with $planCacheStats or allPlansExecution; clear to confirm.', terms: [['$plancachestats', 'plancachestats', 'allplansexecution', 'plancacheclear']] },
        { text: 'Fix with a better index; hint or query settings as a stopgap.', terms: [['index'], ['hint', 'setquerysettings', 'query settings']] },
      ],
      kind: 'failure',
      shownBy: 'Senior: which plan wins',
    },
    {
      question: 'The list now shows each user\'s team, and it is slow again. What do you look for?',
      answer: 'Extra queries per page. Mongoose\'s populate() batches one $in query per populated path, which is fine if it selects only the fields the list needs; a loop that awaits Team.findById for each row is N+1 and costs a round trip per user. I check the driver\'s command log or APM for the query count per request, then populate with a select, use $lookup in an aggregation, or copy the team name onto the user when it rarely changes.',
      keyPoints: [
        { text: 'Per-row lookups are N+1 round trips.', terms: [['n+1', 'per row', 'per document', 'each user', 'round trip']] },
        { text: 'populate batches by path; select fields, $lookup or denormalise.', terms: [['populate', '$lookup', 'lookup', 'denormalis', 'denormaliz', 'embed']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Product wants numbered pages with a total ("page 37 of 412"). Keyset cannot jump. What do you propose?',
      answer: 'I would be honest about the cost: a total means counting every match on each request, and deep numbered pages mean deep skips. Options are to cap the depth (skip is fine for the first few dozen pages, and nobody reads page 400), cache the total or show an estimate (estimatedDocumentCount only for a whole collection), and keep keyset for infinite scroll and API clients. If users really need to jump around a large result set, that is a search engine\'s job.',
      keyPoints: [
        { text: 'Counting and deep skip both cost work proportional to the data.', terms: [['count', 'total'], ['skip', 'expensive', 'cost']] },
        { text: 'Cap the depth, cache or estimate the total, keep keyset for scrolling.', terms: [['cap', 'limit the depth', 'max page', 'cache the total', 'estimate', 'estimateddocumentcount']] },
      ],
      kind: 'trade-off',
    },
  ],
  demo: {
    run: runDemo,
  },
});
