// Collation in queries, sorts and index keys (strength, caseLevel, numericOrdering), the
// collection default collation, and index choice only under a matching collation, through the
// real `mongodb` driver and mongoose.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CollationOptions, Collection, Document, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { useDriverSession } from '../support/driver-session.js';

type Row = { _id: number | string } & Document;
const CASE_INSENSITIVE = { locale: 'en', strength: 2 };

function ids(docs: Document[]): unknown[] {
  return docs.map((d) => d._id);
}

function winningStage(explain: Document): string {
  const stages: string[] = [];
  let plan = explain.queryPlanner.winningPlan as Document | undefined;
  while (plan) {
    stages.push(plan.stage as string);
    plan = plan.inputStage as Document | undefined;
  }
  return stages.join(' > ');
}

describe('collation through the mongodb driver', () => {
  const session = useDriverSession('collation');

  test('a unique index with strength 2 refuses an e-mail that differs only in case', async () => {
    const users = session.db.collection<Row>('users');
    await users.createIndex({ email: 1 }, { unique: true, collation: CASE_INSENSITIVE });
    await users.insertOne({ _id: 1, email: 'ada@x.com' });
    await assert.rejects(users.insertOne({ _id: 2, email: 'Ada@X.com' }), (e: MongoServerError) => {
      assert.equal(e.code, 11000);
      assert.match(e.message, /^E11000 duplicate key error collection: collation\.users index: email_1 collation: \{ locale: "en", caseLevel: false, caseFirst: "off", strength: 2, .* \} dup key: \{ email: "Ada@X\.com" \}$/);
      return true;
    });
    await users.insertOne({ _id: 3, email: 'bob@x.com' });
    await assert.rejects(users.updateOne({ _id: 3 }, { $set: { email: 'ADA@x.com' } }), (e: MongoServerError) => e.code === 11000);
    const [index] = (await users.listIndexes().toArray()).filter((i) => i.name === 'email_1');
    assert.deepEqual(index?.collation, {
      locale: 'en', caseLevel: false, caseFirst: 'off', strength: 2, numericOrdering: false,
      alternate: 'non-ignorable', maxVariable: 'punct', normalization: false, backwards: false, version: '57.1',
    });
  });

  test('find with a collation matches case-insensitively and uses the index of that collation only', async () => {
    const users = session.db.collection<Row>('users');
    assert.deepEqual(ids(await users.find({ email: 'ADA@X.COM' }).toArray()), []);
    assert.deepEqual(ids(await users.find({ email: 'ADA@X.COM' }).collation(CASE_INSENSITIVE).toArray()), [1]);
    const collated = await users.find({ email: 'ADA@X.COM' }).collation(CASE_INSENSITIVE).explain('queryPlanner');
    assert.equal(winningStage(collated), 'FETCH > IXSCAN');
    const binary = await users.find({ email: 'ada@x.com' }).explain('queryPlanner');
    assert.equal(winningStage(binary), 'COLLSCAN', 'a simple-collation query cannot use a strength-2 index');
    assert.equal(await users.countDocuments({ email: { $in: ['ada@x.com', 'ADA@x.com'] } }, { collation: CASE_INSENSITIVE }), 1);
    // Without an index the matcher's hashed $in keys strings by the collation too.
    const list = Array.from({ length: 500 }, (_, i) => `USER${i}@X.COM`).concat('ADA@X.COM');
    assert.deepEqual(ids(await users.find({ email: { $in: list } }).hint({ $natural: 1 }).collation(CASE_INSENSITIVE).toArray()), [1]);
    assert.deepEqual(ids(await users.find({ email: { $in: list } }).hint({ $natural: 1 }).toArray()), []);
  });

  test('strength 1 ignores accents and case, strength 3 sees both, caseLevel brings case back', async () => {
    const words = session.db.collection<Row>('words');
    await words.insertMany([{ _id: 1, w: 'resume' }, { _id: 2, w: 'Résumé' }, { _id: 3, w: 'RESUME' }]);
    const matching = async (collation: CollationOptions): Promise<unknown[]> => ids(await words.find({ w: 'resume' }).collation(collation).sort({ _id: 1 }).toArray());
    assert.deepEqual(await matching({ locale: 'fr', strength: 1 }), [1, 2, 3]);
    assert.deepEqual(await matching({ locale: 'fr', strength: 2 }), [1, 3]);
    assert.deepEqual(await matching({ locale: 'fr', strength: 3 }), [1]);
    assert.deepEqual(await matching({ locale: 'fr', strength: 1, caseLevel: true }), [1]);
    assert.deepEqual(await matching({ locale: 'simple' }), [1]);
  });

  test('sort with numericOrdering compares digits as numbers; locale order puts a before B', async () => {
    const files = session.db.collection<Row>('files');
    await files.insertMany([{ _id: 1, n: 'file10' }, { _id: 2, n: 'file9' }, { _id: 3, n: 'file100' }, { _id: 4, n: 'File2' }]);
    assert.deepEqual(ids(await files.find().sort({ n: 1 }).toArray()), [4, 1, 3, 2], 'binary order');
    assert.deepEqual(ids(await files.find().sort({ n: 1 }).collation({ locale: 'en', numericOrdering: true }).toArray()), [4, 2, 1, 3]);
    assert.deepEqual(ids(await files.aggregate([{ $sort: { n: -1 } }], { collation: { locale: 'en', numericOrdering: true } }).toArray()), [3, 1, 2, 4]);
    assert.equal(await files.countDocuments({ n: { $gt: 'file9' } }, { collation: { locale: 'en', numericOrdering: true } }), 2);
  });

  test('a collection default collation applies to queries, sorts and new indexes', async () => {
    const tags = await session.db.createCollection<Row>('tags', { collation: CASE_INSENSITIVE });
    await tags.createIndex({ name: 1 }, { unique: true });
    await tags.insertOne({ _id: 1, name: 'Node' });
    await assert.rejects(tags.insertOne({ _id: 2, name: 'node' }), (e: MongoServerError) => e.code === 11000);
    assert.deepEqual(ids(await tags.find({ name: 'NODE' }).toArray()), [1]);
    assert.deepEqual(ids(await tags.find({ name: 'NODE' }).collation({ locale: 'simple' }).toArray()), []);
    assert.deepEqual(ids(await tags.find({ _id: 1 }).toArray()), [1]);
    const [info] = await session.db.listCollections({ name: 'tags' }, { nameOnly: false }).toArray();
    assert.equal((info?.options as Document).collation.strength, 2);
    assert.deepEqual(await tags.distinct('name', { name: 'node' }), ['Node']);
  });

  test('mongoose: a schema-level collation makes a unique index case-insensitive', async () => {
    const connection = await mongoose.createConnection(session.engine.uri, { dbName: 'collation-mongoose' }).asPromise();
    try {
      const schema = new mongoose.Schema({ email: { type: String, index: { unique: true, collation: CASE_INSENSITIVE } } });
      const Account = connection.model('Account', schema);
      await Account.init();
      await Account.create({ email: 'grace@x.com' });
      await assert.rejects(Account.create({ email: 'Grace@X.com' }), (e: MongoServerError) => e.code === 11000);
      const found = await Account.findOne({ email: 'GRACE@x.com' }).collation(CASE_INSENSITIVE).lean();
      assert.equal(found?.email, 'grace@x.com');
    } finally {
      await connection.close();
    }
  });

  test('invalid collations are refused as mongod refuses them', async () => {
    const c: Collection<Row> = session.db.collection<Row>('refused');
    await assert.rejects(c.find({}).collation({ strength: 2 } as never).toArray(), (e: MongoServerError) => e.code === 40414);
    await assert.rejects(c.find({}).collation({ locale: 'en', strength: 9 }).toArray(), (e: MongoServerError) => e.code === 2);
    await assert.rejects(c.find({}).collation({ locale: 'en', colour: 'red' } as never).toArray(), (e: MongoServerError) => e.code === 40415);
  });
});
