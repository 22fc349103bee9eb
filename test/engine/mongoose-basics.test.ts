// The embedded engine through real mongoose 9: what every demo relies on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mongoose, { type Connection } from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

interface UserShape {
  email: string;
  name?: string;
  age?: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const userSchema = new mongoose.Schema<UserShape>(
  { email: { type: String, required: true, unique: true }, name: String, age: Number },
  { timestamps: true },
);

describe('embedded engine through mongoose', () => {
  let engine: EmbeddedMongo;
  let conn: Connection;

  before(async () => {
    engine = await startEmbeddedMongo();
    conn = await mongoose.createConnection(`${engine.uri}basics`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  });

  after(async () => {
    await conn?.close();
    await engine?.close();
  });

  test('Model.init() creates the collection and its unique index', async () => {
    const User = conn.model('InitUser', userSchema);
    await User.init();
    const indexes = await User.collection.listIndexes().toArray();
    assert.deepEqual(
      indexes.map((i) => [i.name, i.unique === true]),
      [
        ['_id_', false],
        ['email_1', true],
      ],
    );
    // A second init() meets NamespaceExists from create and must still succeed.
    await conn.model('InitUserAgain', userSchema, 'initusers').init();
    const names = (await conn.db!.listCollections().toArray()).map((c) => c.name);
    assert.ok(names.includes('initusers'));
  });

  test('create, find, update, delete, count and distinct behave as on mongod', async () => {
    const User = conn.model('CrudUser', userSchema);
    await User.init();
    const alice = await User.create({ email: 'alice@x.io', name: 'Alice', age: 30 });
    assert.ok(alice.createdAt instanceof Date);
    await User.insertMany(Array.from({ length: 250 }, (_, i) => ({ email: `u${i}@x.io`, age: i % 50 })));
    assert.equal(await User.countDocuments(), 251);
    assert.equal(await User.countDocuments({ age: { $gte: 40 } }), 50);
    assert.equal(await User.estimatedDocumentCount(), 251);

    // 251 documents need a first batch of 101 and getMore calls with Int64 cursor ids.
    const seen: string[] = [];
    for await (const doc of User.find().sort({ email: 1 }).cursor()) seen.push(doc.email);
    assert.equal(seen.length, 251);
    assert.deepEqual(seen, [...seen].sort());

    const updated = await User.findByIdAndUpdate(alice._id, { $inc: { age: 1 } }, { returnDocument: 'after' }).lean();
    assert.equal(updated?.age, 31);
    const upserted = await User.findOneAndUpdate({ email: 'new@x.io' }, { name: 'New' }, { upsert: true, returnDocument: 'after' }).lean();
    assert.equal(upserted?.email, 'new@x.io');
    assert.ok(upserted?.createdAt instanceof Date, '$setOnInsert from timestamps is applied on upsert');

    const many = await User.updateMany({ age: { $lt: 5 } }, { $set: { name: 'young' } });
    assert.equal(many.matchedCount, 25);
    assert.equal(many.modifiedCount, 25);
    assert.deepEqual((await User.distinct('name')).sort(), ['Alice', 'New', 'young']);

    const removed = await User.findOneAndDelete({ email: 'alice@x.io' }).lean();
    assert.equal(removed?.name, 'Alice');
    const deleted = await User.deleteMany({ age: { $gte: 45 } });
    assert.equal(deleted.deletedCount, 25);
    assert.equal(await User.countDocuments(), 251 - 1 + 1 - 25);

    const groups = await User.aggregate<{ _id: string; n: number }>([
      { $match: { name: 'young' } },
      { $group: { _id: '$name', n: { $sum: 1 } } },
    ]);
    assert.deepEqual(groups, [{ _id: 'young', n: 25 }]);
  });

  test('a duplicate email is rejected with E11000, keyPattern and keyValue', async () => {
    const User = conn.model('DupUser', userSchema);
    await User.init();
    await User.create({ email: 'a@x.io' });
    await assert.rejects(User.create({ email: 'a@x.io' }), (error: { code?: number; keyValue?: unknown; keyPattern?: unknown; message: string }) => {
      assert.equal(error.code, 11000);
      assert.deepEqual(error.keyValue, { email: 'a@x.io' });
      assert.deepEqual(error.keyPattern, { email: 1 });
      assert.match(error.message, /E11000 duplicate key error collection: basics\.dupusers index: email_1 dup key: \{ email: "a@x\.io" \}/);
      return true;
    });
    // findOneAndUpdate reports the duplicate as a command error, not a write error.
    await User.create({ email: 'b@x.io' });
    await assert.rejects(User.findOneAndUpdate({ email: 'b@x.io' }, { email: 'a@x.io' }), { code: 11000 });
    // Unordered insertMany carries on past the duplicate and reports its index.
    const result = await User.insertMany([{ email: 'c@x.io' }, { email: 'a@x.io' }, { email: 'd@x.io' }], {
      ordered: false,
      rawResult: true,
    }).catch((error: { writeErrors?: Array<{ index: number; code: number }>; insertedDocs?: unknown[] }) => error);
    const writeErrors = (result as { writeErrors?: Array<{ index: number; code: number }> }).writeErrors ?? [];
    assert.deepEqual(writeErrors.map((e) => [e.index, e.code]), [[1, 11000]]);
    assert.equal(await User.countDocuments(), 4);
  });

  test('many concurrent inserts of one email from separate connections: exactly one succeeds', async () => {
    const connections = await Promise.all(
      Array.from({ length: 12 }, () => mongoose.createConnection(`${engine.uri}race`).asPromise()),
    );
    try {
      const models = connections.map((c) => c.model('RaceUser', userSchema));
      await models[0]!.init();
      const outcomes = await Promise.allSettled(
        models.flatMap((Model) => Array.from({ length: 5 }, () => Model.create({ email: 'same@x.io' }))),
      );
      const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
      const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: number }).code] : []));
      assert.equal(fulfilled.length, 1);
      assert.equal(codes.length, 59);
      assert.ok(codes.every((code) => code === 11000));
      assert.equal(await models[0]!.countDocuments({ email: 'same@x.io' }), 1);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  test('drop, dropDatabase and listCollections', async () => {
    const Temp = conn.model('TempThing', new mongoose.Schema({ n: Number }));
    await Temp.init();
    await Temp.create({ n: 1 });
    await Temp.collection.drop();
    const names = (await conn.db!.listCollections().toArray()).map((c) => c.name);
    assert.ok(!names.includes('tempthings'));
    const other = conn.useDb('scratch');
    await other.collection('x').insertOne({ a: 1 });
    await other.dropDatabase();
    const dbs = await conn.db!.admin().listDatabases();
    assert.ok(!dbs.databases.some((d) => d.name === 'scratch'));
  });
});
