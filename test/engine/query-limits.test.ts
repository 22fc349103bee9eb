// One query cannot freeze every client (issue 9, item 3): $regex runs in linear time and
// maxTimeMS interrupts it, $in is a set lookup, mongod's pipeline-length and blocking-memory
// limits answer with mongod's errors, and a long read yields so other connections are served.
// Everything through the real driver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Double, Long, MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

function isCode(code: number, codeName: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof MongoServerError, `expected a server error, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.codeName, codeName);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('query limits', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  let big: Collection;

  before(async () => {
    engine = await startEmbeddedMongo();
    client = await MongoClient.connect(engine.uri);
    db = client.db('limits');
    big = db.collection('big');
    for (let i = 0; i < 100_000; i += 25_000) {
      await big.insertMany(Array.from({ length: 25_000 }, (_, j) => ({ k: i + j, s: `user${i + j}@example.com`, pad: 'x'.repeat(40) })));
    }
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  // Before: ^(a+)+$ on 29 a's and a '!' backtracked for ~14 s per document, blocking every
  // connection and ignoring maxTimeMS. On RE2 it is linear; the answer is unchanged.
  test('a catastrophic-backtracking $regex answers at once, with the same matches', { timeout: 10_000 }, async () => {
    const coll = db.collection('evil');
    await coll.insertMany([{ s: `${'a'.repeat(29)}!` }, { s: 'aaaa' }, { s: `${'a'.repeat(30)}!` }, { s: 'AAA' }]);
    const found = await coll.find({ s: { $regex: '^(a+)+$' } }, { maxTimeMS: 100 }).toArray();
    assert.deepEqual(found.map((d) => d.s), ['aaaa']);
    const folded = await coll.find({ s: { $regex: /^(a+)+$/i } }, { maxTimeMS: 100 }).toArray();
    assert.deepEqual(folded.map((d) => d.s), ['aaaa', 'AAA']);
    // $regexMatch inside $expr runs on the same linear engine.
    const viaExpr = await coll.find({ $expr: { $regexMatch: { input: '$s', regex: '^(a+)+$' } } }, { maxTimeMS: 100 }).toArray();
    assert.deepEqual(viaExpr.map((d) => d.s), ['aaaa']);
    // Patterns RE2 cannot run (backreferences) still work, on the backtracking engine.
    assert.equal(await coll.countDocuments({ s: { $regex: '^(a)\\1' } }), 3);
    await assert.rejects(coll.findOne({ s: { $regex: '(' } }), isCode(51091, 'Location51091', /Regular expression is invalid/));
  });

  test('maxTimeMS interrupts a long unindexed query with MaxTimeMSExpired (50) and mongod\'s message', async () => {
    await assert.rejects(
      big.find({ s: { $regex: 'nobody$' } }, { maxTimeMS: 1 }).toArray(),
      isCode(50, 'MaxTimeMSExpired', /^Executor error during find command :: caused by :: operation exceeded time limit$/),
    );
    await assert.rejects(
      big.aggregate([{ $match: { s: { $regex: 'nobody$' } } }], { maxTimeMS: 1 }).toArray(),
      isCode(50, 'MaxTimeMSExpired', /^PlanExecutor error during aggregation :: caused by :: operation exceeded time limit$/),
    );
    assert.equal(await big.countDocuments({ s: { $regex: 'nobody$' } }, { maxTimeMS: 60_000 }), 0);
  });

  // Before: every candidate was compared with each of the 10,000 values (26 s over 100,000 documents).
  test('$in of 10,000 values over 100,000 documents is a set lookup with BSON equality', { timeout: 15_000 }, async () => {
    const values: unknown[] = [];
    for (let i = 0; i < 10_000; i += 1) values.push(i % 2 === 0 ? new Double(i * 10) : Long.fromNumber(i * 10));
    values.push('7', '70', null);
    assert.equal(await big.countDocuments({ k: { $in: values } }), 10_000);
    assert.equal(await big.countDocuments({ k: { $nin: values } }), 90_000);
    // Strings never equal numbers; null matches a missing field; regexes in $in still match.
    assert.equal(await big.countDocuments({ k: { $in: ['7', 7.0] } }), 1);
    assert.equal(await big.countDocuments({ missing: { $in: [null, 1] }, k: { $lt: 5 } }), 5);
    assert.equal(await big.countDocuments({ s: { $in: [/^user4\d@/, 'user7@example.com'] } }), 11);
  });

  test('a pipeline of more than 1,000 stages is refused as mongod refuses it (7749501)', async () => {
    const stages = (n: number): Document[] => Array.from({ length: n }, () => ({ $match: {} }));
    assert.equal((await db.collection('evil').aggregate(stages(1_000)).toArray()).length, 4);
    const refused = isCode(7749501, 'Location7749501', /^Pipeline length must be no longer than 1000 stages\.$/);
    await assert.rejects(db.collection('evil').aggregate(stages(1_001)).toArray(), refused);
    await assert.rejects(db.collection('evil').aggregate([{ $facet: { deep: stages(1_001) } }]).toArray(), refused);
  });

  test('a blocking sort or $group past its memory limit with allowDiskUse: false answers 292', async () => {
    // mongod's server parameter, lowered so the test needs 6 MB instead of 100 MB.
    await client.db('admin').command({ setParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: 1_000_000 });
    await client.db('admin').command({ setParameter: 1, internalDocumentSourceGroupMaxMemoryBytes: 1_000_000 });
    try {
      const name = 'QueryExceededMemoryLimitNoDiskUseAllowed';
      await assert.rejects(
        big.find({}).sort({ s: -1 }).allowDiskUse(false).toArray(),
        isCode(292, name, /^Executor error during find command :: caused by :: Sort exceeded memory limit of 1000000 bytes, but did not opt in to external sorting\.$/),
      );
      await assert.rejects(
        big.aggregate([{ $project: { s: 1 } }, { $sort: { s: -1 } }], { allowDiskUse: false }).toArray(),
        isCode(292, name, /^PlanExecutor error during aggregation :: caused by :: Sort exceeded memory limit/),
      );
      await assert.rejects(
        big.aggregate([{ $group: { _id: '$k', s: { $first: '$s' } } }], { allowDiskUse: false }).toArray(),
        isCode(292, name, /Exceeded memory limit for \$group, but didn't allow external sort\. Pass allowDiskUse:true to opt in\./),
      );
      // mongod 7.0 spills to disk by default (allowDiskUseByDefault); so does the engine, in memory.
      assert.equal((await big.find({}).sort({ k: -1 }).limit(1).toArray())[0]?.k, 99_999);
      assert.deepEqual(await big.aggregate([{ $sort: { s: -1 } }, { $count: 'n' }]).toArray(), [{ n: 100_000 }]);
      // A top-k sort holds only k documents.
      assert.equal((await big.find({}).sort({ s: 1 }).limit(5).allowDiskUse(false).toArray()).length, 5);
    } finally {
      await client.db('admin').command({ setParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: 104_857_600 });
      await client.db('admin').command({ setParameter: 1, internalDocumentSourceGroupMaxMemoryBytes: 104_857_600 });
    }
  });

  // Before: a read ran to its end in one go, so nothing else on any connection moved meanwhile.
  test('a long unindexed read yields: another connection is answered while it runs', async () => {
    const pinger = await MongoClient.connect(engine.uri);
    try {
      const admin = pinger.db('admin');
      await admin.command({ ping: 1 });
      let finished = false;
      // $expr is evaluated per document by the expression engine: a slow filter, matching nothing
      // (on a fifth of the documents, to keep the test short; the scan still examines all).
      const started = performance.now();
      const query = big
        .find({ k: { $lt: 20_000 }, $expr: { $eq: [{ $concat: ['$s', '$pad'] }, 'nobody'] } })
        .toArray()
        .then((docs) => {
          finished = true;
          return docs.length;
        });
      let answeredDuring = 0;
      while (!finished) {
        await admin.command({ ping: 1 });
        if (!finished) answeredDuring += 1;
      }
      assert.equal(await query, 0);
      const queryMs = Math.round(performance.now() - started);
      assert.ok(answeredDuring >= 3, `only ${answeredDuring} pings were answered during the ${queryMs} ms query`);
      // Writes do not yield: an update of every document lands as one unit between two reads,
      // so a short read never sees the first document updated and the last one not.
      await big.createIndex({ k: 1 });
      const ends = pinger.db('limits').collection('big');
      let writing = true;
      const write = big.updateMany({}, { $set: { tag: 'after' } }).then((result) => {
        writing = false;
        return result.modifiedCount;
      });
      const mixed: string[] = [];
      let reads = 0;
      while (writing) {
        const pair = await ends.find({ k: { $in: [0, 99_999] } }).toArray();
        reads += 1;
        if (pair[0]?.tag !== pair[1]?.tag) mixed.push(`${String(pair[0]?.tag)} / ${String(pair[1]?.tag)}`);
      }
      assert.equal(await write, 100_000);
      assert.ok(reads > 0);
      assert.deepEqual(mixed, [], 'a read saw a half-applied updateMany');
    } finally {
      await pinger.close();
    }
  });
});
