// explain figures are the engine's real work: a collection scan examines every document, an
// index scan only the keys it needs. Driven through mongoose, as the demos do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mongoose, { type Connection, type Model } from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

interface PlanNode {
  stage: string;
  indexName?: string;
  direction?: string;
  indexBounds?: Record<string, string[]>;
  inputStage?: PlanNode;
  [key: string]: unknown;
}

interface Explained {
  queryPlanner: { winningPlan: PlanNode; rejectedPlans: PlanNode[] };
  executionStats: { nReturned: number; totalKeysExamined: number; totalDocsExamined: number; executionTimeMillis: number; executionStages: PlanNode };
}

function stages(node: PlanNode | undefined): string[] {
  const out: string[] = [];
  for (let n = node; n; n = n.inputStage) out.push(n.stage);
  return out;
}

function find(node: PlanNode | undefined, stage: string): PlanNode | undefined {
  for (let n = node; n; n = n.inputStage) if (n.stage === stage) return n;
  return undefined;
}

const SIZE = 5000;

describe('planner and explain', () => {
  let engine: EmbeddedMongo;
  let conn: Connection;
  interface UserShape {
    email: string;
    isActive: boolean;
    createdAt: Date;
    tags: string[];
  }
  let User: Model<UserShape>;
  const base = Date.UTC(2026, 0, 1);

  before(async () => {
    engine = await startEmbeddedMongo();
    conn = await mongoose.createConnection(`${engine.uri}explain`).asPromise();
    User = conn.model('User', new mongoose.Schema<UserShape>({ email: String, isActive: Boolean, createdAt: Date, tags: [String] }, { autoIndex: false }));
    await User.init();
    await User.collection.insertMany(
      Array.from({ length: SIZE }, (_, i) => ({
        email: `u${i}@x.io`,
        isActive: i % 2 === 0,
        // A permutation of minutes, so insertion order is not time order.
        createdAt: new Date(base + ((i * 7919) % SIZE) * 60_000),
        tags: [`t${i % 3}`, `t${i % 5}`],
      })),
    );
  });

  after(async () => {
    await conn?.close();
    await engine?.close();
  });

  test('without an index: COLLSCAN over every document and an in-memory SORT', async () => {
    const ex = (await User.find({ isActive: true }).sort({ createdAt: -1 }).limit(20).explain('executionStats')) as unknown as Explained;
    assert.deepEqual(stages(ex.queryPlanner.winningPlan), ['SORT', 'COLLSCAN']);
    assert.equal(ex.executionStats.totalDocsExamined, SIZE);
    assert.equal(ex.executionStats.totalKeysExamined, 0);
    assert.equal(ex.executionStats.nReturned, 20);
    assert.equal(find(ex.executionStats.executionStages, 'SORT')?.limitAmount, 20);
  });

  test('with {isActive: 1, createdAt: -1}: IXSCAN provides the order and examines only what it returns', async () => {
    await User.collection.createIndex({ isActive: 1, createdAt: -1 });
    const query = User.find({ isActive: true }).sort({ createdAt: -1 }).limit(20);
    const ex = (await query.clone().explain('executionStats')) as unknown as Explained;
    assert.deepEqual(stages(ex.queryPlanner.winningPlan), ['LIMIT', 'FETCH', 'IXSCAN']);
    const ixscan = find(ex.queryPlanner.winningPlan, 'IXSCAN');
    assert.equal(ixscan?.indexName, 'isActive_1_createdAt_-1');
    assert.deepEqual(ixscan?.indexBounds, { isActive: ['[true, true]'], createdAt: ['[MaxKey, MinKey]'] });
    assert.equal(ex.executionStats.totalKeysExamined, 20);
    assert.equal(ex.executionStats.totalDocsExamined, 20);
    // And the documents really come back newest first.
    const docs = await query.lean();
    const times = docs.map((d) => d.createdAt.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.ok(docs.every((d) => d.isActive));
  });

  test('a deep skip examines skip + limit keys; a range on the index examines about limit', async () => {
    const deep = (await User.find({ isActive: true }).sort({ createdAt: -1 }).skip(1000).limit(20).explain('executionStats')) as unknown as Explained;
    // As on mongod 7.0: the bounds answer the whole filter, so SKIP runs on keys before FETCH.
    assert.deepEqual(stages(deep.queryPlanner.winningPlan), ['LIMIT', 'FETCH', 'SKIP', 'IXSCAN']);
    assert.equal(deep.executionStats.totalKeysExamined, 1020);
    assert.equal(deep.executionStats.totalDocsExamined, 20);
    assert.equal(find(deep.queryPlanner.winningPlan, 'FETCH')?.filter, undefined);
    const cutoff = new Date(base + 2000 * 60_000);
    const range = (await User.find({ isActive: true, createdAt: { $lt: cutoff } }).sort({ createdAt: -1 }).limit(20).explain('executionStats')) as unknown as Explained;
    assert.equal(range.executionStats.totalKeysExamined, 20);
    assert.equal(range.executionStats.nReturned, 20);
    assert.equal(find(range.queryPlanner.winningPlan, 'SORT'), undefined);
  });

  test('equality, $in and ranges use the index; descending sort scans backward', async () => {
    await User.collection.createIndex({ email: 1 }, { unique: true });
    const eq = (await User.find({ email: 'u42@x.io' }).explain('executionStats')) as unknown as Explained;
    assert.equal(find(eq.queryPlanner.winningPlan, 'IXSCAN')?.indexName, 'email_1');
    assert.equal(eq.executionStats.totalDocsExamined, 1);
    const inq = (await User.find({ email: { $in: ['u1@x.io', 'u2@x.io', 'u3@x.io'] } }).explain('executionStats')) as unknown as Explained;
    assert.equal(inq.executionStats.nReturned, 3);
    assert.equal(inq.executionStats.totalDocsExamined, 3);
    const backward = (await User.find({}).sort({ email: -1 }).limit(5).explain('executionStats')) as unknown as Explained;
    assert.equal(find(backward.queryPlanner.winningPlan, 'IXSCAN')?.direction, 'backward');
    assert.equal(backward.executionStats.totalKeysExamined, 5);
  });

  test('an _id lookup is an IDHACK; an anchored regex scans only its prefix', async () => {
    const one = await User.findOne({ email: 'u5@x.io' }).lean();
    const byId = (await User.find({ _id: one!._id }).explain('executionStats')) as unknown as Explained;
    assert.equal(byId.queryPlanner.winningPlan.stage, 'IDHACK');
    assert.equal(byId.executionStats.totalDocsExamined, 1);
    const prefix = (await User.find({ email: /^u12/ }).explain('executionStats')) as unknown as Explained;
    const expected = await User.countDocuments({ email: /^u12/ });
    assert.equal(prefix.executionStats.nReturned, expected);
    assert.deepEqual(find(prefix.queryPlanner.winningPlan, 'IXSCAN')?.indexBounds, { email: ['["u12", "u13")', '[/^u12/, /^u12/]'] });
    assert.ok(prefix.executionStats.totalKeysExamined <= expected + 1);
  });

  test('an $or whose branches are indexed unites index scans', async () => {
    const ex = (await User.find({ $or: [{ email: 'u1@x.io' }, { email: 'u2@x.io' }, { isActive: false, createdAt: new Date(base) }] }).explain('executionStats')) as unknown as Explained;
    assert.deepEqual(stages(ex.queryPlanner.winningPlan), ['FETCH', 'OR']);
    const expected = await User.collection.countDocuments({ $or: [{ email: 'u1@x.io' }, { email: 'u2@x.io' }, { isActive: false, createdAt: new Date(base) }] });
    assert.equal(ex.executionStats.nReturned, expected);
    assert.equal(ex.executionStats.totalDocsExamined, expected);
  });

  test('a covered query reads no documents', async () => {
    const ex = (await User.find({ email: 'u7@x.io' }, { _id: 0, email: 1 }).explain('executionStats')) as unknown as Explained;
    assert.equal(ex.queryPlanner.winningPlan.stage, 'PROJECTION_COVERED');
    assert.equal(ex.executionStats.totalDocsExamined, 0);
    const docs = await User.find({ email: 'u7@x.io' }, { _id: 0, email: 1 }).lean();
    assert.deepEqual(docs, [{ email: 'u7@x.io' }]);
  });

  test('multikey indexes find array elements once per document', async () => {
    await User.collection.createIndex({ tags: 1 });
    const ex = (await User.find({ tags: { $in: ['t0', 't1'] } }).explain('executionStats')) as unknown as Explained;
    const expected = await User.collection.countDocuments({ tags: { $in: ['t0', 't1'] } });
    assert.equal(ex.executionStats.nReturned, expected);
    assert.equal(find(ex.queryPlanner.winningPlan, 'IXSCAN')?.isMultiKey, true);
  });

  test('aggregate, count, update and delete explain', async () => {
    const agg = (await User.aggregate([{ $match: { email: 'u9@x.io' } }, { $project: { email: 1 } }]).explain('executionStats')) as unknown as {
      stages: Array<Record<string, { queryPlanner: { winningPlan: PlanNode }; executionStats: { totalDocsExamined: number } }>>;
    };
    const cursor = agg.stages[0]?.$cursor;
    assert.equal(find(cursor?.queryPlanner.winningPlan, 'IXSCAN')?.indexName, 'email_1');
    assert.equal(cursor?.executionStats.totalDocsExamined, 1);
    const db = conn.db!;
    const count = await db.command({ explain: { count: 'users', query: { isActive: false } }, verbosity: 'executionStats' });
    assert.equal(count.queryPlanner.winningPlan.stage, 'COUNT');
    assert.equal(count.executionStats.nReturned, SIZE / 2);
    const upd = await db.command({ explain: { update: 'users', updates: [{ q: { email: 'u1@x.io' }, u: { $set: { x: 1 } } }] }, verbosity: 'executionStats' });
    assert.equal(upd.queryPlanner.winningPlan.stage, 'UPDATE');
    assert.equal(upd.executionStats.totalDocsExamined, 1);
    const del = await db.command({ explain: { delete: 'users', deletes: [{ q: { isActive: true }, limit: 0 }] }, verbosity: 'queryPlanner' });
    assert.equal(del.queryPlanner.winningPlan.stage, 'DELETE');
    assert.equal(await User.countDocuments({ x: 1 }), 0, 'explain never writes');
    assert.equal(await User.countDocuments(), SIZE);
  });

  test('allPlansExecution reports the rejected candidates', async () => {
    const ex = (await User.find({ isActive: true, email: 'u10@x.io' }).explain('allPlansExecution')) as unknown as Explained & {
      executionStats: { allPlansExecution: unknown[] };
    };
    assert.equal(find(ex.queryPlanner.winningPlan, 'IXSCAN')?.indexName, 'email_1');
    assert.ok(ex.queryPlanner.rejectedPlans.length >= 1);
    assert.equal(ex.executionStats.allPlansExecution.length, ex.queryPlanner.rejectedPlans.length);
  });
});
