// Scenario 28's attack, run against starter.js, the trap, solution.js (`run 28`) and the learner's own
// file (`verify 28`). The users collection is filled before the app starts; the attack records the
// queries each request makes (at the connection it hands over) and explains exactly those, so the
// plans and counters below are of the code that ran. They come from the selected engine: on the
// built-in one, plans follow a fixed rule and timings would measure a JavaScript engine, so no
// timing decides anything here.
import { defineAttack } from '../../src/practice/attack-contract.js';
import { learnerModel } from '../../src/practice/attack-helpers.js';
import type { RecordedQuery } from '../../src/practice/attack-contract.js';
import type { HttpResponse } from '../../src/runtime/context.js';

const USER_COUNT = 6_000;
const PAGE_SIZE = 20;
const DEEP_PAGE = 5;
const SEED_EPOCH = Date.UTC(2024, 0, 1);
const LIST_FIELDS = ['_id', 'createdAt', 'email', 'name'];

export const checks = {
  rightUsers: { claim: 'page 1 holds the 20 newest active users, newest first', level: 'core', broken: 'page 1 does not hold the 20 newest active users' },
  listIndexed: { claim: 'the page query is an index scan with no in-memory SORT, examining at most 2 × 20 keys and documents', level: 'core', broken: 'the page query scans the collection or sorts in memory' },
  listProjected: { claim: 'list items carry only _id, name, email and createdAt (no bio, avatar URL, login count)', level: 'core', broken: 'list items carry whole documents (bio, avatar URL, login count)' },
  nextPageCheap: { claim: `page ${DEEP_PAGE}, reached through \`next\`, holds the right users and examines about one page (≤ 21 keys and documents)`, level: 'core', broken: 'a deep page costs far more than one page of keys and documents' },
  stablePages: { claim: 'a user who signs up between two page requests does not make page 2 repeat anyone from page 1', level: 'core', broken: 'a sign-up between two page requests makes page 2 repeat a user' },
  countCached: { claim: 'two reads of the total cost one count, return the real figure, and the cached entry has a TTL', level: 'core', broken: 'every request pays for a fresh count' },
  projectionSameReads: { claim: 'a projection does not change how many documents the server reads (explain: the same docs examined with and without it)', level: 'core', fact: true },
} as const;

export type CheckId = keyof typeof checks;

interface UserFields { name: string; email: string; isActive: boolean; createdAt: Date; bio: string; avatarUrl: string; loginCount: number }

const BIO = 'Backend developer who enjoys distributed systems, careful schema design and long walks while a migration runs.';

/** Deterministic users: 60 % active, one a minute apart, so createdAt orders them exactly. */
function makeUser(index: number): UserFields {
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

/** The figures of one explain('executionStats') answer. */
interface PlanSummary { stages: string[]; keysExamined: number; docsExamined: number; nReturned: number }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function summarizeExplain(explain: unknown): PlanSummary {
  const root = Array.isArray(explain) ? explain[0] : explain;
  if (!isRecord(root) || !isRecord(root.queryPlanner) || !isRecord(root.executionStats)) throw new Error('explain returned no executionStats');
  const stages: string[] = [];
  const visit = (node: unknown): void => {
    if (!isRecord(node)) return;
    // MongoDB 7+ may wrap the classic tree in `queryPlan` (explainVersion 2).
    if (isRecord(node.queryPlan)) return visit(node.queryPlan);
    if (typeof node.stage === 'string') stages.push(node.stage);
    visit(node.inputStage);
    if (Array.isArray(node.inputStages)) node.inputStages.forEach(visit);
  };
  visit(root.queryPlanner.winningPlan);
  const stats = root.executionStats;
  return { stages, keysExamined: Number(stats.totalKeysExamined), docsExamined: Number(stats.totalDocsExamined), nReturned: Number(stats.nReturned) };
}

function page(response: HttpResponse): { ids: string[]; fields: string[]; next: string | null } {
  const body = isRecord(response.body) ? response.body : {};
  const items = Array.isArray(body.items) ? body.items.filter(isRecord) : [];
  return {
    ids: items.map((item) => String(item._id)),
    fields: [...new Set(items.flatMap((item) => Object.keys(item)))].sort(),
    next: typeof body.next === 'string' ? body.next : null,
  };
}

export const attack = defineAttack({
  checks,
  timeoutMs: 20_000,
  preamble: `Each file below starts on ${USER_COUNT.toLocaleString('en')} users already stored (60 % active). The attack records the queries each request makes `
    + 'and explains exactly those; on the built-in engine the plans follow a fixed rule shaped like mongod\'s (mongod trial-runs candidate plans and caches the winner), '
    + 'so the verdicts use examined counts, never timings. Run with MONGODB_URI for mongod\'s own plans.',
  async run(ctx, target) {
    const users = ctx.db.collection('users');
    const seeded = Array.from({ length: USER_COUNT }, (_, index) => makeUser(index));
    await users.insertMany(seeded, { ordered: false });
    const { client: redis, name: redisName } = await ctx.redis();
    // Which Redis served the cache: a real server (REDIS_URL) or the in-memory mock, said plainly.
    ctx.observe('redis', redisName);
    // Each file gets an empty key space: a total cached by an earlier file must not answer for this one.
    const prefix = (redis.options as { keyPrefix?: string }).keyPrefix ?? '';
    const stale = await redis.keys(`${prefix}*`);
    if (stale.length > 0) await redis.del(...stale.map((key) => key.slice(prefix.length)));

    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, redis });
    const User = learnerModel<UserFields>(ctx, 'isActive', 'db.model(\'User\', schema)');
    const explainRecorded = async (query: RecordedQuery | undefined): Promise<PlanSummary | null> => {
      if (!query) return null;
      const options: Record<string, unknown> = {};
      if (query.sort) options['sort'] = query.sort;
      if (query.skip !== null) options['skip'] = query.skip;
      if (query.limit !== null) options['limit'] = query.limit;
      return summarizeExplain(await User.find(query.filter, query.projection ?? undefined, options).explain('executionStats'));
    };
    const lastFind = (queries: RecordedQuery[]): RecordedQuery | undefined => queries.filter((query) => query.op === 'find').at(-1);
    const expected = (await users.find({ isActive: true }).sort({ createdAt: -1, _id: -1 }).project({ _id: 1 }).toArray()).map((doc) => String(doc._id));

    // Page 1: the right users, how they were found, what they carry.
    let log = ctx.recordQueries();
    const first = await app.request({ path: '/users' });
    const firstPage = page(first);
    const firstPlan = await explainRecorded(lastFind(log.queries));
    ctx.check('rightUsers', first.status === 200 && JSON.stringify(firstPage.ids) === JSON.stringify(expected.slice(0, PAGE_SIZE)), firstPage.ids.length,
      `status ${first.status}, ${firstPage.ids.length} users`);
    ctx.observe('page 1 plan', firstPlan ? firstPlan.stages.join(' > ') : 'no find recorded');
    ctx.observe('page 1 keys / docs examined', firstPlan ? [firstPlan.keysExamined, firstPlan.docsExamined] : []);
    ctx.check('listIndexed', firstPlan !== null && !firstPlan.stages.includes('COLLSCAN') && !firstPlan.stages.includes('SORT')
      && firstPlan.keysExamined <= 2 * PAGE_SIZE && firstPlan.docsExamined <= 2 * PAGE_SIZE,
      firstPlan?.stages ?? [], firstPlan ? `${firstPlan.stages.join(' > ')}, keys ${firstPlan.keysExamined}, docs ${firstPlan.docsExamined}` : 'no find recorded');
    ctx.observe('item fields', firstPage.fields);
    ctx.observe('page 1 bytes', first.bytes);
    ctx.check('listProjected', firstPage.fields.length > 0 && firstPage.fields.every((field) => LIST_FIELDS.includes(field)), firstPage.fields);

    // A deeper page, reached the way a client does: through `next`.
    let cursor = firstPage.next;
    let deep: { ids: string[]; plan: PlanSummary | null; status: number } = { ids: [], plan: null, status: 0 };
    for (let number = 2; number <= DEEP_PAGE && cursor !== null; number += 1) {
      log = ctx.recordQueries();
      const response = await app.request({ path: `/users?after=${encodeURIComponent(cursor)}` });
      const current = page(response);
      cursor = current.next;
      if (number === DEEP_PAGE) deep = { ids: current.ids, plan: await explainRecorded(lastFind(log.queries)), status: response.status };
    }
    const deepRight = JSON.stringify(deep.ids) === JSON.stringify(expected.slice((DEEP_PAGE - 1) * PAGE_SIZE, DEEP_PAGE * PAGE_SIZE));
    ctx.observe(`page ${DEEP_PAGE} plan`, deep.plan ? deep.plan.stages.join(' > ') : 'not reached');
    ctx.observe(`page ${DEEP_PAGE} keys / docs examined`, deep.plan ? [deep.plan.keysExamined, deep.plan.docsExamined] : []);
    ctx.check('nextPageCheap', deep.status === 200 && deepRight && deep.plan !== null && deep.plan.keysExamined <= PAGE_SIZE + 1 && deep.plan.docsExamined <= PAGE_SIZE + 1,
      deep.plan ? [deep.plan.keysExamined, deep.plan.docsExamined] : null,
      deep.plan ? `right users: ${deepRight}; keys ${deep.plan.keysExamined}, docs ${deep.plan.docsExamined}` : `page ${DEEP_PAGE} not reached`);

    // A sign-up between two requests.
    const again = page(await app.request({ path: '/users' }));
    const { insertedId } = await users.insertOne(makeUser(USER_COUNT));
    const second = again.next === null ? null : await app.request({ path: `/users?after=${encodeURIComponent(again.next)}` });
    await users.deleteOne({ _id: insertedId });
    const repeated = second ? page(second).ids.filter((id) => again.ids.includes(id)).length : -1;
    ctx.check('stablePages', second !== null && second.status === 200 && repeated === 0,
      ctx.observe('users repeated on page 2 after a sign-up', repeated));

    // The total, twice.
    log = ctx.recordQueries();
    const totals = [await app.request({ path: '/stats/active-users' }), await app.request({ path: '/stats/active-users' })];
    const counts = ctx.observe('counts run for two reads of the total', log.queries.filter((query) => query.op === 'countDocuments').length);
    const activeCount = expected.length;
    const right = totals.every((response) => response.status === 200 && isRecord(response.body) && response.body.activeUsers === activeCount);
    const keys = await redis.keys(`${prefix}*`);
    const ttls = await Promise.all(keys.map((key) => redis.ttl(key.slice(prefix.length))));
    const withTtl = ctx.observe('cached keys with a TTL', ttls.filter((ttl) => ttl > 0).length);
    ctx.check('countCached', counts === 1 && right && withTtl > 0, counts, `${counts} counts, real figure: ${right}, keys with a TTL: ${withTtl}`);

    // A fact, on whatever indexes this file built: projecting changes what is sent, not what is read.
    const plain = summarizeExplain(await User.find({ isActive: true }).sort({ createdAt: -1 }).limit(PAGE_SIZE).explain('executionStats'));
    const projected = summarizeExplain(await User.find({ isActive: true }).sort({ createdAt: -1 }).limit(PAGE_SIZE).select('name email createdAt').explain('executionStats'));
    ctx.check('projectionSameReads', plain.docsExamined === projected.docsExamined,
      ctx.observe('docs examined without / with a projection', [plain.docsExamined, projected.docsExamined]));
  },
});
