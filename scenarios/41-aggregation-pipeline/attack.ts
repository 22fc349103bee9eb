// Scenario 41's attack, run against starter.js, the trap, solution.js (`run 41`) and the learner's
// own file (`verify 41`). The attack seeds the orders, asks GET /report once, and weighs what the
// app's connection handed back to Node (BSON size of every document a find or an aggregate returned,
// through a connection plugin installed before the app compiles its model). Then it explains the
// query the app ran, as the app ran it.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';
import type { Model, PipelineStage, Schema } from 'mongoose';
import type { JsonValue } from '../../src/runtime/report.js';

const ORDERS = 1_000;
const REGIONS = ['eu', 'us', 'apac'];
const START = Date.UTC(2026, 0, 1);
const SINCE_INDEX = 400;
/** The report may carry at most this share of the collection's bytes into Node. */
const MAX_SHARE = 0.1;

export const checks = {
  reportCorrect: { claim: 'the report\'s figures match the orders: revenue and count per region, paid total, five latest', level: 'core', broken: 'the report\'s figures do not match the orders' },
  bytesBounded: { claim: `the report carries less than ${MAX_SHARE * 100}% of the collection's bytes into Node`, level: 'core', broken: 'the report carries the whole collection into Node' },
  matchUsesIndex: { claim: 'the report\'s query starts with an index scan (IXSCAN), not a collection scan', level: 'core', broken: 'the report\'s query scans the whole collection' },
  matchAfterGroupScans: { claim: 'a $match on an accumulated value after $group filters groups: the scan beneath it still reads every order', level: 'core', fact: true },
} as const;

export type CheckId = keyof typeof checks;

interface Order { status: string; region: string; total: number; createdAt: Date }
interface Report { regions?: Array<{ region: string; revenue: number; orders: number }>; paid?: number; recent?: Array<{ total: number }> }

function seedOrders(): Order[] {
  return Array.from({ length: ORDERS }, (_, index) => ({
    status: index % 4 === 0 ? 'refunded' : 'paid',
    region: REGIONS[index % REGIONS.length] ?? 'eu',
    total: (index % 97) + 1,
    createdAt: new Date(START + index * 60_000),
  }));
}

function expectedReport(orders: Order[], since: Date): Report {
  const paid = orders.filter((order) => order.status === 'paid' && order.createdAt >= since);
  const regions = [...REGIONS].sort().map((region) => {
    const rows = paid.filter((order) => order.region === region);
    return { region, revenue: rows.reduce((sum, order) => sum + order.total, 0), orders: rows.length };
  });
  const recent = [...paid].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 5).map(({ total }) => ({ total }));
  return { regions, paid: paid.length, recent };
}

/** The stages of a winning plan from the top down, e.g. "FETCH ← IXSCAN status_1_createdAt_-1". */
function planOf(explain: unknown): { plan: string; docsExamined: number | null } {
  const text = JSON.stringify(explain);
  const cursor = (explain as { stages?: Array<{ $cursor?: unknown }> }).stages?.[0]?.$cursor ?? explain;
  const planner = (cursor as { queryPlanner?: { winningPlan?: unknown } }).queryPlanner;
  const names: string[] = [];
  let stage = planner?.winningPlan as { stage?: string; indexName?: string; inputStage?: unknown; queryPlan?: unknown } | undefined;
  while (stage) {
    if (stage.queryPlan) { stage = stage.queryPlan as typeof stage; continue; }
    names.push(stage.indexName ? `${stage.stage ?? '?'} ${stage.indexName}` : stage.stage ?? '?');
    stage = stage.inputStage as typeof stage;
  }
  const examined = /"totalDocsExamined":(\d+)/.exec(text);
  return { plan: names.length > 0 ? names.join(' ← ') : 'no plan', docsExamined: examined ? Number(examined[1]) : null };
}

export const attack = defineAttack({
  checks,
  preamble: `Each file below gets a fresh database with ${ORDERS.toLocaleString('en')} orders, and GET /report is asked for the paid orders since the ${SINCE_INDEX}th. `
    + 'A plugin on the connection the app is given weighs every document a find or an aggregate hands back to Node (BSON size); '
    + 'then the query the app ran is explained as it ran.',
  async run(ctx: AttackContext, target) {
    const { BSON } = ctx.mongoose.mongo;
    const sizeOf = (value: unknown): number => (Array.isArray(value) ? value : [value])
      .reduce((sum: number, document: unknown) => sum + (document && typeof document === 'object' ? BSON.calculateObjectSize(document as Record<string, unknown>) : 0), 0);
    const seen = { bytes: 0, documents: 0, pipeline: null as PipelineStage[] | null, filter: null as Record<string, unknown> | null };
    ctx.db.plugin((schema: Schema) => {
      schema.pre('find', function capture() { seen.filter = this.getFilter(); seen.pipeline = null; });
      schema.post('find', (documents: unknown) => { seen.bytes += sizeOf(documents); seen.documents += Array.isArray(documents) ? documents.length : 0; });
      schema.pre('aggregate', function capture() { seen.pipeline = this.pipeline(); seen.filter = null; });
      schema.post('aggregate', (documents: unknown) => { seen.bytes += sizeOf(documents); seen.documents += Array.isArray(documents) ? documents.length : 0; });
    });

    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db });
    const Order = Object.values(ctx.db.models).find((model) => model.schema.path('region') !== undefined) as unknown as Model<Order> | undefined;
    if (!Order) throw new Error('no model with a `region` path was defined on deps.db (db.model(\'Order\', schema))');

    const orders = seedOrders();
    await Order.collection.insertMany(orders.map((order) => ({ ...order })));
    const collectionBytes = sizeOf(await Order.collection.find().toArray());
    const since = new Date(START + SINCE_INDEX * 60_000);

    seen.bytes = 0;
    seen.documents = 0;
    const response = await app.request({ path: `/report?since=${since.toISOString()}` });
    const moved = { bytes: seen.bytes, documents: seen.documents };
    const pipeline = seen.pipeline;
    const filter = seen.filter;

    const expected = expectedReport(orders, since);
    const body = response.body as Report;
    // Key order is the pipeline's business: compare field by field.
    const normalised = {
      regions: body?.regions?.map(({ region, revenue, orders: count }) => ({ region, revenue, orders: count })),
      paid: body?.paid,
      recent: body?.recent?.map(({ total }) => ({ total })),
    };
    const same = JSON.stringify(normalised) === JSON.stringify(expected);
    ctx.check('reportCorrect', response.status === 200 && same, ctx.observe('the report', response.status === 200 ? (JSON.parse(response.text) as JsonValue) : response.status),
      same ? undefined : `expected ${JSON.stringify(expected)}`);

    const weighed = ctx.observe('into Node for one report', { bytes: moved.bytes, documents: moved.documents, collectionBytes });
    ctx.check('bytesBounded', moved.bytes < collectionBytes * MAX_SHARE, weighed, `${moved.bytes} of ${collectionBytes} bytes (${Math.round((100 * moved.bytes) / collectionBytes)}%)`);

    const explained = pipeline !== null
      ? planOf(await Order.aggregate(pipeline).explain())
      : filter !== null ? planOf(await Order.find(filter).explain()) : { plan: 'no query ran', docsExamined: null };
    const shown = ctx.observe(pipeline !== null ? 'explain of the report\'s pipeline' : 'explain of the report\'s find', explained);
    ctx.check('matchUsesIndex', explained.plan.includes('IXSCAN') && !explained.plan.includes('COLLSCAN'), shown);

    const groupFirst: PipelineStage[] = [
      { $group: { _id: { status: '$status', region: '$region' }, revenue: { $sum: '$total' } } },
      // On the accumulated revenue: no optimiser can move this ahead of $group (mongod does move a
      // $match on a group-key field such as _id.status, so that one would not show the point).
      { $match: { revenue: { $gt: 1000 } } },
    ];
    const afterGroup = ctx.observe('explain, $group then $match on the summed revenue', planOf(await Order.aggregate(groupFirst).explain()));
    ctx.check('matchAfterGroupScans', afterGroup.plan.includes('COLLSCAN') && afterGroup.docsExamined === ORDERS, afterGroup);
  },
});
