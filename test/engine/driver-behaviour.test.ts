// Error shapes, batches, cursors and index options through the real `mongodb` driver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Long, MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

describe('embedded engine through the mongodb driver', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    // One test below sets the failCommand fail point, a test command.
    engine = await startEmbeddedMongo({ enableTestCommands: true });
    client = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
    db = client.db('driver');
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  test('unknown commands and transactions fail like a standalone mongod', async () => {
    await assert.rejects(db.command({ frobnicate: 1 }), (error: MongoServerError) => {
      assert.equal(error.code, 59);
      assert.equal(error.codeName, 'CommandNotFound');
      return true;
    });
    await assert.rejects(db.command({ find: 'x', txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false }), (error: MongoServerError) => {
      assert.equal(error.code, 20);
      assert.equal(error.codeName, 'IllegalOperation');
      return true;
    });
    const hello = await db.admin().command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.equal(hello.maxWireVersion, 21);
    assert.equal((await db.admin().command({ buildInfo: 1 })).version, engine.version);
  });

  test('_id is generated when missing and immutable afterwards (code 66)', async () => {
    const coll = db.collection('ids');
    const { insertedId } = await coll.insertOne({ a: 1 });
    const stored = await coll.findOne({ a: 1 });
    assert.deepEqual(stored?._id, insertedId);
    await assert.rejects(coll.updateOne({ a: 1 }, { $set: { _id: 5 } }), { code: 66 });
    // Setting _id to its current value is allowed, as on mongod.
    const same = await coll.updateOne({ a: 1 }, { $set: { _id: insertedId, a: 2 } });
    assert.equal(same.modifiedCount, 1);
    await assert.rejects(coll.replaceOne({ a: 2 }, { _id: 7, a: 3 }), { code: 66 });
  });

  test('write errors carry the index of the failing statement in ordered and unordered batches', async () => {
    const coll = db.collection<{ _id: number }>('batches');
    await coll.insertOne({ _id: 2 });
    const ordered = await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }], { ordered: true }).catch((e: unknown) => e);
    assert.ok(ordered instanceof MongoServerError);
    assert.deepEqual((ordered as unknown as { writeErrors: Array<{ index: number; code: number }> }).writeErrors.map((e) => [e.index, e.code]), [[1, 11000]]);
    assert.equal(await coll.countDocuments(), 2, 'an ordered batch stops at the first error');
    const unordered = await coll.insertMany([{ _id: 1 }, { _id: 4 }, { _id: 2 }, { _id: 5 }], { ordered: false }).catch((e: unknown) => e);
    const errors = (unordered as { writeErrors: Array<{ index: number; code: number }> }).writeErrors;
    assert.deepEqual(errors.map((e) => [e.index, e.code]), [[0, 11000], [2, 11000]]);
    assert.equal(await coll.countDocuments(), 4, 'an unordered batch carries on');
  });

  test('cursors: batchSize, getMore across batches and killCursors', async () => {
    const coll = db.collection<{ n: number }>('cursors');
    await coll.insertMany(Array.from({ length: 250 }, (_, n) => ({ n })));
    const commands: string[] = [];
    const listener = (event: { commandName: string }): void => {
      commands.push(event.commandName);
    };
    const monitored = await MongoClient.connect(engine.uri, { monitorCommands: true });
    try {
      monitored.on('commandStarted', listener);
      const mcoll = monitored.db('driver').collection<{ n: number }>('cursors');
      const all = await mcoll.find({}, { batchSize: 60 }).sort({ n: 1 }).toArray();
      assert.deepEqual(all.map((d) => d.n), Array.from({ length: 250 }, (_, n) => n));
      assert.equal(commands.filter((c) => c === 'getMore').length, 4);
      const reply = await monitored.db('driver').command({ find: 'cursors', batchSize: 10 });
      // The driver promotes an Int64 that fits in a double to a number; the wire type is Int64.
      const id = Long.fromValue(reply.cursor.id as number | Long);
      assert.ok(!id.isZero());
      assert.equal(reply.cursor.firstBatch.length, 10);
      const killed = await monitored.db('driver').command({ killCursors: 'cursors', cursors: [id] });
      assert.equal(killed.cursorsKilled.length, 1);
      await assert.rejects(monitored.db('driver').command({ getMore: id, collection: 'cursors' }), { code: 43 });
    } finally {
      await monitored.close();
    }
  });

  test('sparse, partial and compound unique indexes', async () => {
    const sparse = db.collection('sparse');
    await sparse.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ a: 1 }, { a: 2 }, { nick: 'x' }]);
    await assert.rejects(sparse.insertOne({ nick: 'x' }), { code: 11000 });

    const partial = db.collection('partial');
    await partial.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { deleted: false } });
    await partial.insertMany([{ email: 'a', deleted: false }, { email: 'a', deleted: true }, { email: 'a', deleted: true }]);
    await assert.rejects(partial.insertOne({ email: 'a', deleted: false }), { code: 11000 });

    const compound = db.collection('compound');
    await compound.createIndex({ org: 1, email: 1 }, { unique: true });
    await compound.insertMany([{ org: 1, email: 'a' }, { org: 2, email: 'a' }]);
    await assert.rejects(compound.insertOne({ org: 1, email: 'a' }), (error: MongoServerError) => {
      assert.deepEqual(error.keyValue, { org: 1, email: 'a' });
      assert.match(error.message, /index: org_1_email_1 dup key: \{ org: 1, email: "a" \}/);
      return true;
    });
  });

  test('building a unique index over duplicates fails and leaves no index behind', async () => {
    const coll = db.collection('dupbuild');
    await coll.insertMany([{ email: 'a' }, { email: 'a' }]);
    await assert.rejects(coll.createIndex({ email: 1 }, { unique: true }), { code: 11000 });
    const names = (await coll.listIndexes().toArray()).map((i) => i.name);
    assert.deepEqual(names, ['_id_']);
  });

  test('an update that creates a duplicate is a write error; updates are checked against other documents only', async () => {
    const coll = db.collection('upd');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([{ email: 'a', n: 1 }, { email: 'b', n: 1 }]);
    const same = await coll.updateOne({ email: 'a' }, { $set: { email: 'a', n: 2 } });
    assert.equal(same.modifiedCount, 1);
    await assert.rejects(coll.updateOne({ email: 'b' }, { $set: { email: 'a' } }), { code: 11000 });
    await assert.rejects(coll.updateOne({ email: 'zzz' }, { $set: { email: 'a' } }, { upsert: true }), { code: 11000 });
  });

  test('updates that do not fit the document fail with mongod codes', async () => {
    const coll = db.collection('badupdates');
    await coll.insertOne({ _id: 1 as never, s: 'text', n: 5, arr: [1] });
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['$inc on a string', { $inc: { s: 1 } }, 14],
      ['$inc with a string', { $inc: { n: 'x' } }, 14],
      ['$push on a number', { $push: { n: 1 } }, 2],
      ['a path through a scalar', { $set: { 'n.deep': 1 } }, 28],
      ['two operators on one path', { $inc: { n: 1 }, $set: { n: 2 } }, 40],
      ['an unknown modifier', { $frobnicate: { n: 1 } }, 9],
    ];
    for (const [label, update, code] of cases) {
      await assert.rejects(coll.updateOne({ _id: 1 as never }, update), (error: MongoServerError) => {
        assert.equal(error.code, code, label);
        return true;
      });
    }
    assert.deepEqual(await coll.findOne({ _id: 1 as never }), { _id: 1, s: 'text', n: 5, arr: [1] });
  });

  test('values of different types sort in BSON order', async () => {
    const coll = db.collection('mixed');
    const date = new Date(0);
    await coll.insertMany([{ v: 'b' }, { v: 2 }, { v: null }, { v: true }, { v: date }, { v: { x: 1 } }, { v: [0] }, { v: 1.5 }, {}]);
    const values = (await coll.find({}, { projection: { _id: 0 } }).sort({ v: 1 }).toArray()).map((d) => d.v);
    assert.deepEqual(values, [null, undefined, [0], 1.5, 2, 'b', { x: 1 }, true, date]);
  });

  test('the profiler records slow operations with the work their plan did', async () => {
    const profiledDb = client.db('profiled');
    const coll = profiledDb.collection('items');
    await coll.insertMany(Array.from({ length: 2000 }, (_, k) => ({ k, email: `u${k}@x.io` })));
    await coll.createIndex({ email: 1 });
    assert.equal((await profiledDb.command({ profile: 2 })).was, 0);
    await coll.find({ k: { $gte: 1990 } }).toArray();
    await coll.findOne({ email: 'u7@x.io' });
    await profiledDb.command({ profile: 0 });
    const entries = await profiledDb.collection('system.profile').find({ op: 'query' }).toArray();
    assert.deepEqual(
      entries.map((e) => [e.planSummary, e.docsExamined, e.nreturned]),
      [
        ['COLLSCAN', 2000, 10],
        ['IXSCAN { email: 1 }', 1, 1],
      ],
    );
  });

  test('maxTimeMS stops a long scan with MaxTimeMSExpired (50)', async () => {
    const coll = db.collection('slow');
    await coll.insertMany(Array.from({ length: 30_000 }, (_, k) => ({ k, s: `v${(k * 7919) % 30_000}` })));
    // An in-memory sort of 30k documents cannot finish within a microsecond-scale budget.
    await assert.rejects(coll.find({}).sort({ s: -1 }).maxTimeMS(1).toArray(), (error: MongoServerError) => {
      assert.equal(error.code, 50);
      assert.equal(error.codeName, 'MaxTimeMSExpired');
      return true;
    });
    assert.equal((await coll.find({}).sort({ s: -1 }).limit(1).maxTimeMS(60_000).toArray()).length, 1);
  });

  test('the failCommand fail point fails, or holds back, a chosen command', async () => {
    const coll = db.collection('failing');
    await coll.insertOne({ a: 1 });
    const admin = client.db('admin');
    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], errorCode: 2 } });
    // (A "node is shutting down" code such as 91 would make the driver retry the read instead.)
    await assert.rejects(coll.findOne({}), { code: 2 });
    assert.deepEqual(await coll.findOne({}, { projection: { _id: 0 } }), { a: 1 }, 'times: 1 fails once');
    // blockConnection delays the reply without stalling other connections.
    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['count'], blockConnection: true, blockTimeMS: 300 } });
    const slow = coll.estimatedDocumentCount();
    let pinged = false;
    const other = await MongoClient.connect(engine.uri);
    try {
      await other.db('admin').command({ ping: 1 });
      pinged = true;
    } finally {
      await other.close();
    }
    assert.equal(await slow, 1);
    assert.equal(pinged, true);
  });

  test('aggregation knows BSON types: $toObjectId and $type', async () => {
    const coll = db.collection('types');
    const id = new ObjectId();
    await coll.insertOne({ ref: id.toHexString(), n: 1, d: 1.5 });
    const [row] = await coll
      .aggregate([{ $project: { _id: 0, oid: { $toObjectId: '$ref' }, idType: { $type: '$_id' }, n: { $type: '$n' }, d: { $type: '$d' } } }])
      .toArray();
    assert.deepEqual(row, { oid: id, idType: 'objectId', n: 'int', d: 'double' });
    assert.equal(await coll.countDocuments({ _id: { $type: 'objectId' } }), 1);
  });

  test('$text needs a text index and ranks by textScore', async () => {
    const coll = db.collection('articles');
    await coll.insertMany([
      { title: 'Running with Node streams', body: 'streams everywhere' },
      { title: 'Express routing', body: 'middleware' },
      { title: 'Mongo indexes', body: 'node driver' },
    ]);
    await assert.rejects(coll.find({ $text: { $search: 'node' } }).toArray(), { code: 27 });
    await coll.createIndex({ title: 'text', body: 'text' });
    const ranked = await coll
      .find({ $text: { $search: 'node stream' } }, { projection: { _id: 0, title: 1, score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    assert.deepEqual(ranked.map((d) => d.title), ['Running with Node streams', 'Mongo indexes']);
    assert.ok((ranked[0]?.score as number) > (ranked[1]?.score as number));
    const negated = await coll.find({ $text: { $search: 'node -mongo' } }).toArray();
    assert.deepEqual(negated.map((d) => d.title), ['Running with Node streams']);
  });

  test('TTL indexes expire documents', async () => {
    const coll = db.collection('sessions');
    await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 0 });
    await coll.insertMany([{ createdAt: new Date(Date.now() - 60_000) }, { createdAt: new Date(Date.now() + 3_600_000) }]);
    const deadline = Date.now() + 5000;
    while ((await coll.countDocuments()) > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await coll.countDocuments(), 1);
  });
});
