// $jsonSchema as a query operator and as a collection validator (validationLevel,
// validationAction, bypassDocumentValidation, collMod), through the real `mongodb` driver.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal128, Double, Int32, Long, MongoServerError, ObjectId, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { useDriverSession } from '../support/driver-session.js';

const userSchema = {
  bsonType: 'object',
  required: ['name', 'email'],
  properties: {
    name: { bsonType: 'string', minLength: 2, description: 'a name of two characters or more' },
    email: { bsonType: 'string', pattern: '^[^@]+@[^@]+$' },
    age: { bsonType: ['int', 'long'], minimum: 0, maximum: 150 },
  },
};

/** Test documents choose their own _id types. */
type Row = { _id: number | string } & Document;

function isValidationFailure(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === 121;
}

describe('$jsonSchema through the mongodb driver', () => {
  const session = useDriverSession('jsonschema');

  test('a validator accepts a valid document and refuses an invalid one with 121 and errInfo', async () => {
    const users = await session.db.createCollection('users', { validator: { $jsonSchema: userSchema } });
    await users.insertOne({ name: 'Ada', email: 'ada@x.io', age: 36 });
    const badId = new ObjectId();
    const error = await users.insertOne({ _id: badId, name: 'A', age: -1 }).then(() => undefined, (e: unknown) => e);
    assert.ok(isValidationFailure(error), `expected code 121, got ${String(error)}`);
    assert.equal(error.message, 'Document failed validation');
    const errInfo = error.errInfo as Document;
    assert.ok(badId.equals(errInfo.failingDocumentId as ObjectId));
    assert.equal(errInfo.details.operatorName, '$jsonSchema');
    const rules = errInfo.details.schemaRulesNotSatisfied as Document[];
    const required = rules.find((r) => r.operatorName === 'required');
    assert.deepEqual(required?.missingProperties, ['email']);
    const properties = rules.find((r) => r.operatorName === 'properties');
    const failed = (properties?.propertiesNotSatisfied as Document[]).map((p) => [p.propertyName, p.details[0].operatorName]);
    assert.deepEqual(failed, [['name', 'minLength'], ['age', 'minimum']]);
    const name = (properties?.propertiesNotSatisfied as Document[])[0] as Document;
    assert.equal(name.description, 'a name of two characters or more');
    assert.equal(await users.countDocuments(), 1);
  });

  test('updates and replacements are validated too, unless bypassDocumentValidation', async () => {
    const users = session.db.collection('users');
    await assert.rejects(users.updateOne({ name: 'Ada' }, { $set: { email: 'no-at-sign' } }), isValidationFailure);
    await assert.rejects(users.replaceOne({ name: 'Ada' }, { name: 'Ada' }), isValidationFailure);
    await assert.rejects(users.findOneAndUpdate({ name: 'Ada' }, { $unset: { email: '' } }), isValidationFailure);
    await assert.rejects(users.updateOne({ name: 'Nobody' }, { $set: { age: 3 } }, { upsert: true }), isValidationFailure);
    assert.equal((await users.findOne({ name: 'Ada' }))?.email, 'ada@x.io');
    await users.updateOne({ name: 'Ada' }, { $set: { email: 'no-at-sign' } }, { bypassDocumentValidation: true });
    await users.insertOne({ name: 'B' }, { bypassDocumentValidation: true });
    assert.equal(await users.countDocuments({ email: 'no-at-sign' }), 1);
  });

  test('find({$jsonSchema}) selects the documents that satisfy the schema', async () => {
    const people = session.db.collection<Row>('people');
    await people.insertMany([
      { _id: 1, name: 'Ada', email: 'ada@x.io', age: 36 },
      { _id: 2, name: 'Bo', email: 'bo@x.io', age: 40.5 },
      { _id: 3, name: 'Cy', email: 'cy@x.io' },
      { _id: 4, name: 'D', email: 'd@x.io' },
      { _id: 5, name: 'Eve' },
      { _id: 6, name: 'Fay', email: 'fay@x.io', age: Long.fromNumber(20) },
    ]);
    const ids = (await people.find({ $jsonSchema: userSchema }).toArray()).map((d) => d._id);
    assert.deepEqual(ids, [1, 3, 6]);
    const notValid = (await people.find({ $nor: [{ $jsonSchema: userSchema }] }).toArray()).map((d) => d._id);
    assert.deepEqual(notValid, [2, 4, 5]);
  });

  test('$jsonSchema also works inside a $lookup pipeline and after other stages', async () => {
    const people = session.db.collection<Row>('people');
    const [joined] = await people.aggregate([
      { $match: { _id: 1 } },
      { $lookup: { from: 'people', pipeline: [{ $match: { $jsonSchema: { required: ['age'] } } }, { $project: { _id: 1 } }], as: 'withAge' } },
    ]).toArray();
    assert.deepEqual(joined?.withAge.map((d: Row) => d._id), [1, 2, 6]);
    const later = await people.aggregate([{ $addFields: { x: 1 } }, { $match: { $jsonSchema: { required: ['email'], properties: { age: { minimum: 30 } } } } }]).toArray();
    assert.deepEqual(later.map((d) => d._id), [1, 2, 3, 4]);
  });

  // Each row: a schema, documents that satisfy it, documents that do not.
  const keywordTable: Array<{ keyword: string; schema: Document; pass: Document[]; fail: Document[] }> = [
    { keyword: 'type (JSON types)', schema: { properties: { a: { type: ['number', 'null'] } } }, pass: [{ a: 1 }, { a: 1.5 }, { a: null }, {}], fail: [{ a: '1' }, { a: true }] },
    { keyword: 'bsonType double vs int', schema: { properties: { a: { bsonType: 'double' } } }, pass: [{ a: 1.5 }, { a: new Double(2) }], fail: [{ a: 2 }, { a: new Int32(2) }] },
    { keyword: 'bsonType decimal, objectId, date', schema: { properties: { d: { bsonType: 'decimal' }, o: { bsonType: 'objectId' }, t: { bsonType: 'date' } } }, pass: [{ d: Decimal128.fromString('1.1'), o: new ObjectId(), t: new Date() }], fail: [{ d: 1.1 }, { o: 'x' }, { t: 1 }] },
    { keyword: 'exclusiveMinimum / exclusiveMaximum', schema: { properties: { a: { minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true } } }, pass: [{ a: 5 }, { a: 'strings are not constrained' }], fail: [{ a: 0 }, { a: 10 }] },
    { keyword: 'maxLength counts characters', schema: { properties: { s: { maxLength: 2 } } }, pass: [{ s: 'éé' }, { s: '😀😀' }], fail: [{ s: 'abc' }] },
    { keyword: 'enum (unordered fields)', schema: { properties: { e: { enum: ['a', { x: 1, y: 2 }] } } }, pass: [{ e: 'a' }, { e: { y: 2, x: 1 } }], fail: [{ e: 'b' }, { e: { x: 1 } }] },
    { keyword: 'items, minItems, maxItems, uniqueItems', schema: { properties: { l: { items: { bsonType: 'int' }, minItems: 1, maxItems: 3, uniqueItems: true } } }, pass: [{ l: [1, 2] }], fail: [{ l: [] }, { l: [1, 2, 3, 4] }, { l: [1, 1] }, { l: [1, 'x'] }] },
    { keyword: 'tuple items and additionalItems', schema: { properties: { t: { items: [{ bsonType: 'string' }, { bsonType: 'int' }], additionalItems: false } } }, pass: [{ t: ['a', 1] }, { t: ['a'] }], fail: [{ t: [1, 'a'] }, { t: ['a', 1, 2] }] },
    { keyword: 'additionalProperties and patternProperties', schema: { properties: { _id: {}, a: {} }, patternProperties: { '^x_': { bsonType: 'int' } }, additionalProperties: false }, pass: [{ a: 1, x_n: 2 }], fail: [{ a: 1, b: 2 }, { x_n: 'no' }] },
    { keyword: 'minProperties / maxProperties', schema: { properties: { o: { minProperties: 1, maxProperties: 2 } } }, pass: [{ o: { a: 1 } }], fail: [{ o: {} }, { o: { a: 1, b: 2, c: 3 } }] },
    { keyword: 'allOf / anyOf / oneOf / not', schema: { properties: { n: { allOf: [{ minimum: 0 }], anyOf: [{ maximum: 10 }, { minimum: 100 }], oneOf: [{ multipleOf: 2 }, { multipleOf: 3 }], not: { enum: [4] } } } }, pass: [{ n: 2 }, { n: 3 }, { n: 104 }], fail: [{ n: -2 }, { n: 50 }, { n: 6 }, { n: 4 }, { n: 5 }] },
    { keyword: 'dependencies', schema: { dependencies: { card: ['billing'], vip: { required: ['since'] } } }, pass: [{ card: 1, billing: 2 }, { vip: true, since: 2020 }, {}], fail: [{ card: 1 }, { vip: true }] },
    { keyword: 'no implicit array traversal', schema: { properties: { a: { bsonType: 'string' } } }, pass: [{ a: 'x' }], fail: [{ a: ['x'] }] },
  ];

  for (const row of keywordTable) {
    test(`keyword ${row.keyword}`, async () => {
      const coll = session.db.collection<Row>(`kw_${row.keyword.replace(/\W+/g, '_')}`);
      const docs = [...row.pass, ...row.fail].map((d, i) => ({ _id: i, ...d }));
      await coll.insertMany(docs);
      const matched = (await coll.find({ $jsonSchema: row.schema }).toArray()).map((d) => d._id);
      assert.deepEqual(matched, row.pass.map((_, i) => i));
    });
  }

  test('keywords mongod does not support are refused as it refuses them', async () => {
    const refusals: Array<[Document, number, RegExp]> = [
      [{ properties: { a: { frob: 1 } } }, 9, /^Unknown \$jsonSchema keyword: frob$/],
      [{ properties: { a: { format: 'email' } } }, 9, /^\$jsonSchema keyword 'format' is not currently supported$/],
      [{ properties: { a: { type: 'integer' } } }, 9, /type 'integer' is not currently supported/],
      [{ type: 'object', bsonType: 'object' }, 9, /Cannot specify both \$jsonSchema keywords 'type' and 'bsonType'/],
      [{ properties: { a: { bsonType: 'nope' } } }, 2, /Unknown type name alias: nope/],
      [{ properties: { a: { minimum: 'x' } } }, 14, /'minimum' must be a number/],
    ];
    for (const [schema, code, message] of refusals) {
      await assert.rejects(session.db.collection('refusals').find({ $jsonSchema: schema }).toArray(), (e: MongoServerError) => e.code === code && message.test(e.message));
      await assert.rejects(session.db.createCollection(`refused_${code}`, { validator: { $jsonSchema: schema } }), (e: MongoServerError) => e.code === code);
    }
  });

  test('validationLevel moderate lets updates through for documents that were already invalid', async () => {
    const coll = session.db.collection<Row>('moderate');
    await coll.insertMany([{ _id: 'old', qty: -5 }, { _id: 'ok', qty: 5 }]);
    await session.db.command({ collMod: 'moderate', validator: { $jsonSchema: { properties: { qty: { minimum: 0 } } } }, validationLevel: 'moderate' });
    await coll.updateOne({ _id: 'old' }, { $set: { note: 'still invalid, allowed under moderate' } });
    await assert.rejects(coll.updateOne({ _id: 'ok' }, { $set: { qty: -1 } }), isValidationFailure);
    await assert.rejects(coll.insertOne({ _id: 'new', qty: -1 }), isValidationFailure);
    await session.db.command({ collMod: 'moderate', validationLevel: 'strict' });
    await assert.rejects(coll.updateOne({ _id: 'old' }, { $set: { note: 'now refused' } }), isValidationFailure);
    await session.db.command({ collMod: 'moderate', validationLevel: 'off' });
    await coll.insertOne({ _id: 'off', qty: -9 });
  });

  test('validationAction warn lets invalid writes through; listCollections shows the options', async () => {
    await session.db.createCollection('warned', { validator: { qty: { $gte: 0 } }, validationAction: 'warn' });
    await session.db.collection('warned').insertOne({ qty: -1 });
    const [info] = await session.db.listCollections({ name: 'warned' }, { nameOnly: false }).toArray();
    assert.deepEqual(info?.options, { validator: { qty: { $gte: 0 } }, validationAction: 'warn', validationLevel: 'strict' });
    await session.db.command({ collMod: 'warned', validationAction: 'error' });
    const error = await session.db.collection<Row>('warned').insertOne({ _id: 7, qty: -2 }).then(() => undefined, (e: unknown) => e);
    assert.ok(isValidationFailure(error));
    assert.deepEqual(error.errInfo, {
      failingDocumentId: 7,
      details: { operatorName: '$gte', specifiedAs: { qty: { $gte: 0 } }, reason: 'comparison failed', consideredValue: -2 },
    });
    await assert.rejects(session.db.command({ collMod: 'warned', validationLevel: 'sometimes' }), (e: MongoServerError) => e.code === 2);
    await assert.rejects(session.db.command({ collMod: 'warned', validator: { $jsonSchema: { nope: 1 } } }), (e: MongoServerError) => e.code === 9);
  });

  test('mongoose: a collection created with a $jsonSchema validator refuses what the schema forbids', async () => {
    const connection = await mongoose.createConnection(session.engine.uri, { dbName: 'jsonschema-mongoose' }).asPromise();
    try {
      const Order = connection.model('Order', new mongoose.Schema({ qty: Number, status: String }));
      await Order.createCollection({ validator: { $jsonSchema: { required: ['qty'], properties: { status: { enum: ['new', 'paid'] } } } } });
      await Order.create({ qty: 1, status: 'new' });
      await assert.rejects(Order.create({ qty: 2, status: 'lost' }), (e: MongoServerError) => {
        assert.equal(e.code, 121);
        const [rule] = (e.errInfo?.details as Document).schemaRulesNotSatisfied as Document[];
        assert.equal(rule?.propertiesNotSatisfied[0].details[0].reason, 'value was not found in enum');
        return true;
      });
      assert.equal(await Order.countDocuments(), 1);
    } finally {
      await connection.close();
    }
  });
});
