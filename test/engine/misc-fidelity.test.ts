// The smaller fidelity items of issue 9 (item 12), through the real driver: DBRef fields in
// $elemMatch, 64-bit and BinData bit tests, capped create without size, unknown pipeline stages,
// server-side JavaScript, geo, listDatabases and validate. Codes and texts are mongod 7.0's.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Binary, Code, DBRef, Long, ObjectId, type Db, type Document } from 'mongodb';
import { failsWith, useEngineClient, type TestDoc } from '../support/engine-client.js';

describe('smaller mongod fidelity items', () => {
  const env = useEngineClient();
  let db: Db;

  before(() => {
    db = env.client.db('misc');
  });

  test('DBRef $id and $ref are field names inside $elemMatch and in dotted paths', async () => {
    const alice = new ObjectId();
    const bob = new ObjectId();
    const coll = db.collection<TestDoc>('refs');
    await coll.insertMany([
      { _id: 1, owners: [new DBRef('users', alice), new DBRef('users', bob)] },
      { _id: 2, owners: [new DBRef('admins', alice)] },
    ]);
    const ids = async (filter: Document): Promise<number[]> => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(await ids({ owners: { $elemMatch: { $id: bob } } }), [1]);
    assert.deepEqual(await ids({ owners: { $elemMatch: { $id: alice } } }), [1, 2]);
    assert.deepEqual(await ids({ owners: { $elemMatch: { $ref: 'admins', $id: alice } } }), [2]);
    assert.deepEqual(await ids({ 'owners.$id': bob }), [1]);
  });

  test('$bitsAllSet/$bitsAnyClear beyond 32 bits and on BinData', async () => {
    const coll = db.collection<TestDoc>('bits');
    await coll.insertMany([
      { _id: 1, n: Long.fromString('1099511627777') }, // 2^40 + 1
      { _id: 2, n: 1 },
      { _id: 3, n: -1 },
      { _id: 4, b: new Binary(Buffer.from([0b00000101, 0x80])) },
    ]);
    const ids = async (filter: Document): Promise<number[]> => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(await ids({ n: { $bitsAllSet: [0, 40] } }), [1, 3]);
    assert.deepEqual(await ids({ n: { $bitsAllSet: Long.fromString('1099511627776') } }), [1, 3]);
    assert.deepEqual(await ids({ n: { $bitsAnyClear: [40] } }), [2]);
    // A negative number is two's complement with every bit above 63 set.
    assert.deepEqual(await ids({ n: { $bitsAllSet: [100] } }), [3]);
    assert.deepEqual(await ids({ b: { $bitsAllSet: [0, 2, 15] } }), [4]);
    assert.deepEqual(await ids({ b: { $bitsAllSet: new Binary(Buffer.from([0b00000101])) } }), [4]);
    assert.deepEqual(await ids({ b: { $bitsAnyClear: [1] } }), [4]);
    assert.deepEqual(await ids({ b: { $bitsAnySet: [1, 3, 14] } }), []);
  });

  test("create with capped: true and no size answers mongod's InvalidOptions", async () => {
    await assert.rejects(db.createCollection('capped', { capped: true }), failsWith(72, "the 'size' field is required when 'capped' is true"));
    await assert.rejects(db.command({ create: 'sized', size: 1024 }), failsWith(72, "the 'capped' field needs to be true when either the 'size' or 'max' fields are present"));
    await db.createCollection('capped', { capped: true, size: 4096 });
  });

  test("an unknown pipeline stage is Unrecognized pipeline stage name: '$x' (40324)", async () => {
    const coll = db.collection<TestDoc>('stages');
    await coll.insertOne({ _id: 1 });
    await assert.rejects(coll.aggregate([{ $match: {} }, { $frobnicate: {} }]).toArray(), failsWith(40324, "Unrecognized pipeline stage name: '$frobnicate'"));
    await assert.rejects(coll.aggregate([{ match: {} }]).toArray(), failsWith(40324, "Unrecognized pipeline stage name: 'match'"));
  });

  test('$where, $function and $accumulator answer that server-side JavaScript is not supported', async () => {
    const coll = db.collection<TestDoc>('scripts');
    await coll.insertOne({ _id: 1, a: 1 });
    const noJs = /server-side JavaScript is not supported by the embedded engine/;
    await assert.rejects(coll.find({ $where: 'this.a == 1' }).toArray(), failsWith(6108304, noJs));
    await assert.rejects(coll.find({ $where: new Code('function () { return this.a == 1; }') } as Document).toArray(), failsWith(6108304, noJs));
    const fn = { $function: { body: 'function (a) { return a; }', args: ['$a'], lang: 'js' } };
    await assert.rejects(coll.find({ $expr: { $eq: [fn, 1] } }).toArray(), failsWith(31264, noJs));
    await assert.rejects(coll.aggregate([{ $addFields: { b: fn } }]).toArray(), failsWith(31264, noJs));
    const acc = { $accumulator: { init: 'function () { return 0; }', accumulate: 'function (s, a) { return s + a; }', accumulateArgs: ['$a'], merge: 'function (x, y) { return x + y; }', lang: 'js' } };
    await assert.rejects(coll.aggregate([{ $group: { _id: null, total: acc } }]).toArray(), failsWith(31264, noJs));
  });

  test('geo: 2dsphere/2d indexes are refused at creation, $near says why, $geoWithin works on points', async () => {
    const coll = db.collection<TestDoc>('places');
    await assert.rejects(coll.createIndex({ loc: '2dsphere' }), failsWith(67, /^2dsphere indexes are not supported by the embedded engine/));
    await assert.rejects(coll.createIndex({ pos: '2d' }), failsWith(67, /^2d indexes are not supported by the embedded engine/));
    await coll.insertMany([
      { _id: 1, loc: { type: 'Point', coordinates: [2.2945, 48.8584] }, pos: [1, 1] }, // Eiffel Tower
      { _id: 2, loc: { type: 'Point', coordinates: [2.3376, 48.8606] }, pos: [5, 5] }, // Louvre
      { _id: 3, loc: { type: 'Point', coordinates: [-0.1276, 51.5072] }, pos: [9, 1] }, // London
    ]);
    await assert.rejects(coll.find({ loc: { $near: { $geometry: { type: 'Point', coordinates: [2.3, 48.86] } } } }).toArray(), failsWith(291, /unable to find index for \$geoNear query/));
    const ids = async (filter: Document): Promise<number[]> => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    // 10 km around central Paris, as radians of the Earth's radius (6378.1 km).
    assert.deepEqual(await ids({ loc: { $geoWithin: { $centerSphere: [[2.32, 48.86], 10 / 6378.1] } } }), [1, 2]);
    const paris = [[[2.2, 48.8], [2.5, 48.8], [2.5, 48.9], [2.2, 48.9], [2.2, 48.8]]];
    assert.deepEqual(await ids({ loc: { $geoWithin: { $geometry: { type: 'Polygon', coordinates: paris } } } }), [1, 2]);
    assert.deepEqual(await ids({ pos: { $geoWithin: { $box: [[0, 0], [6, 6]] } } }), [1, 2]);
    assert.deepEqual(await ids({ pos: { $geoWithin: { $polygon: [[0, 0], [10, 0], [10, 2]] } } }), [3]);
    assert.deepEqual(await ids({ pos: { $geoWithin: { $center: [[0, 0], 2] } } }), [1]);
  });

  test('listDatabases (mongosh show dbs) lists admin, config and local as mongod does', async () => {
    await db.collection('listed').insertOne({ a: 1 });
    const { databases } = await env.client.db('admin').admin().listDatabases();
    const names = databases.map((d) => d.name);
    for (const name of ['admin', 'config', 'local', 'misc']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const onlyAdmin = await env.client.db('admin').command({ listDatabases: 1, nameOnly: true, filter: { name: 'admin' } });
    assert.deepEqual(onlyAdmin.databases, [{ name: 'admin' }]);
  });

  test("validate answers in mongod's shape", async () => {
    const coll = db.collection<TestDoc>('validated');
    await coll.insertMany([{ _id: 1, tags: ['a', 'b'] }, { _id: 2, tags: ['c'] }]);
    await coll.createIndex({ tags: 1 });
    const reply = await db.command({ validate: 'validated' });
    assert.equal(reply.ns, 'misc.validated');
    assert.equal(reply.valid, true);
    assert.equal(reply.nrecords, 2);
    assert.equal(reply.nIndexes, 2);
    assert.deepEqual(reply.keysPerIndex, { _id_: 2, tags_1: 3 });
    assert.deepEqual(reply.indexDetails, { _id_: { valid: true }, tags_1: { valid: true } });
    assert.deepEqual([reply.errors, reply.warnings, reply.repaired], [[], [], false]);
    await assert.rejects(db.command({ validate: 'missing' }), failsWith(26, "Collection 'misc.missing' does not exist to validate."));
  });
});
