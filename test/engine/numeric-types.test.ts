// Every BSON type survives a round trip through the engine, and numeric arithmetic, comparison
// and uniqueness follow mongod's type rules, observed through the real `mongodb` driver with
// promotion turned off so that the driver reports the types the server sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  MongoServerError} from 'mongodb';
import {
  Binary, BSON, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID, type Collection, type Document,
} from 'mongodb';
import { useDriverSession } from '../support/driver-session.js';

type Row = { _id: number | string } & Document;
const RAW = { promoteValues: false, promoteLongs: false, bsonRegExp: true } as const;

describe('numeric BSON types through the mongodb driver', () => {
  const session = useDriverSession('numeric');

  function coll(name: string): Collection<Row> {
    return session.db.collection<Row>(name);
  }

  test('every BSON type reads back byte for byte', async () => {
    const doc: Row = {
      _id: 1,
      int: new Int32(1),
      double: new Double(1),
      negativeZero: new Double(-0),
      fraction: 2.5,
      long: Long.fromString('9007199254740993'),
      smallLong: Long.fromNumber(7),
      decimal: Decimal128.fromString('1.10'),
      nan: Number.NaN,
      infinity: Number.POSITIVE_INFINITY,
      string: 'é😀',
      binary: new Binary(Buffer.from([1, 2, 3]), 0x80),
      uuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e').toBinary(),
      objectId: new ObjectId('65a1b2c3d4e5f60718293a4b'),
      bool: true,
      date: new Date(1700000000000),
      nullValue: null,
      regex: new BSONRegExp('^a.b$', 'imsx'),
      code: new Code('function () { return 1; }'),
      symbol: new BSONSymbol('sym'),
      timestamp: new Timestamp({ t: 1700000000, i: 7 }),
      minKey: new MinKey(),
      maxKey: new MaxKey(),
      nested: { a: [new Int32(1), new Double(2), Long.fromNumber(3)] },
    };
    await coll('roundtrip').insertOne(doc);
    const back = await coll('roundtrip').findOne({ _id: 1 }, RAW);
    assert.ok(back);
    assert.equal(
      Buffer.from(BSON.serialize(back)).toString('hex'),
      Buffer.from(BSON.serialize({ ...doc, _id: new Int32(1) })).toString('hex'),
      'the document read back serializes to the same bytes',
    );
  });

  test('$type tells int, double, long and decimal apart', async () => {
    const c = coll('types');
    await c.insertMany([
      { _id: 1, v: new Int32(5) },
      { _id: 2, v: new Double(5) },
      { _id: 3, v: Long.fromNumber(5) },
      { _id: 4, v: Decimal128.fromString('5') },
      { _id: 5, v: 5.5 },
    ]);
    const ids = async (type: string | number): Promise<unknown[]> => (await c.find({ v: { $type: type as 'int' } }).toArray()).map((d) => d._id);
    assert.deepEqual(await ids('int'), [1]);
    assert.deepEqual(await ids('double'), [2, 5]);
    assert.deepEqual(await ids(1), [2, 5]);
    assert.deepEqual(await ids('long'), [3]);
    assert.deepEqual(await ids('decimal'), [4]);
    assert.deepEqual(await ids('number'), [1, 2, 3, 4, 5]);
    // Equality still crosses numeric types, as in mongod.
    assert.equal(await c.countDocuments({ v: 5 }), 4);
  });

  test('$inc and $mul promote like mongod: int32 overflow to long, long overflow to double', async () => {
    const c = coll('arithmetic');
    const rows: Array<[string, unknown, Document, unknown]> = [
      ['long past 2^53', Long.fromString('9007199254740993'), { $inc: { v: 1 } }, Long.fromString('9007199254740994')],
      ['int32 overflow', new Int32(2147483647), { $inc: { v: 1 } }, Long.fromString('2147483648')],
      ['int32 stays int32', new Int32(40), { $inc: { v: new Int32(2) } }, new Int32(42)],
      ['int + long', new Int32(1), { $inc: { v: Long.fromNumber(2) } }, Long.fromNumber(3)],
      ['int + double', new Int32(1), { $inc: { v: 1.5 } }, new Double(2.5)],
      ['double stays double when whole', new Double(1.5), { $inc: { v: 1.5 } }, new Double(3)],
      ['long overflow', Long.MAX_VALUE, { $inc: { v: 1 } }, new Double(9223372036854775808)],
      ['decimal', Decimal128.fromString('0.1'), { $inc: { v: Decimal128.fromString('0.2') } }, Decimal128.fromString('0.3')],
      ['double + decimal', 0.5, { $inc: { v: Decimal128.fromString('0.25') } }, Decimal128.fromString('0.75')],
      ['$mul long', Long.fromString('4611686018427387904'), { $mul: { v: new Int32(2) } }, new Double(9223372036854775808)],
      ['$mul int32 overflow', new Int32(65536), { $mul: { v: new Int32(65536) } }, Long.fromString('4294967296')],
      ['$mul on a missing field writes a zero of the multiplier type', undefined, { $mul: { v: Long.fromNumber(3) } }, Long.ZERO],
      ['$max between longs past 2^53', Long.fromString('9007199254740993'), { $max: { v: Long.fromString('9007199254740992') } }, Long.fromString('9007199254740993')],
      ['$min between longs past 2^53', Long.fromString('9007199254740993'), { $min: { v: Long.fromString('9007199254740992') } }, Long.fromString('9007199254740992')],
    ];
    for (const [label, start, update, expected] of rows) {
      await c.insertOne(start === undefined ? { _id: label } : { _id: label, v: start });
      await c.updateOne({ _id: label }, update);
      const back = await c.findOne({ _id: label }, RAW);
      assert.deepEqual(back?.v, expected, label);
      assert.equal((back?.v as { _bsontype: string })._bsontype, (expected as { _bsontype: string })._bsontype, label);
    }
  });

  test('positional updates match an int64 or double in the query against the array', async () => {
    const c = coll('positional');
    await c.insertOne({ _id: 1, items: [{ v: Long.fromNumber(5), n: new Double(1) }, { v: Long.fromNumber(6), n: new Double(1) }] });
    await c.updateOne({ _id: 1, 'items.v': Long.fromNumber(6) }, { $set: { 'items.$.seen': true } });
    await c.updateOne({ _id: 1 }, { $set: { 'items.$[e].first': true } }, { arrayFilters: [{ 'e.v': Long.fromNumber(5) }] });
    const back = await c.findOne({ _id: 1 }, RAW);
    // Fields the update did not touch keep their types.
    assert.deepEqual(back?.items, [{ v: Long.fromNumber(5), n: new Double(1), first: true }, { v: Long.fromNumber(6), n: new Double(1), seen: true }]);
  });

  test('positional $inc, $bit and pipeline updates keep exact types on the engine\'s own update operators', async () => {
    const c = coll('operators');
    const big = Long.fromString('9007199254740993');
    await c.insertOne({ _id: 1, items: [{ v: Long.fromNumber(5), n: big }, { v: Long.fromNumber(6), n: new Double(1) }], i: new Int32(5), l: Long.fromNumber(5), d: new Double(5) });
    await c.updateOne({ _id: 1, 'items.v': Long.fromNumber(5) }, { $inc: { 'items.$.n': new Int32(1) } });
    await c.updateOne({ _id: 1 }, { $mul: { 'items.$[e].n': new Int32(3) } }, { arrayFilters: [{ 'e.v': Long.fromNumber(6) }] });
    // The driver's types allow one $bit form per update; mongod takes any mix.
    const bit: Document = { $bit: { i: { and: new Int32(6) }, l: { or: new Int32(2) } } };
    await c.updateOne({ _id: 1 }, bit);
    let back = await c.findOne({ _id: 1 }, RAW);
    assert.deepEqual(back?.items, [{ v: Long.fromNumber(5), n: Long.fromString('9007199254740994') }, { v: Long.fromNumber(6), n: new Double(3) }]);
    assert.deepEqual([back?.i, back?.l], [new Int32(4), Long.fromNumber(7)], '$bit keeps int32 and turns int32|int64 into int64');
    await assert.rejects(c.updateOne({ _id: 1 }, { $bit: { d: { and: new Int32(1) } } }), (e: MongoServerError) => e.code === 14);
    await c.updateOne({ _id: 1 }, [{ $set: { sum: { $add: ['$i', 1] } } }]);
    back = await c.findOne({ _id: 1 }, RAW);
    assert.deepEqual([back?.d, back?.l, back?.sum], [new Double(5), Long.fromNumber(7), new Int32(5)], 'a pipeline update leaves untouched numbers their types');
  });

  test('unique indexes and sorts keep int64 values past 2^53 apart, and 1, 1.0, NumberLong(1) together', async () => {
    const c = coll('unique');
    await c.createIndex({ v: 1 }, { unique: true });
    await c.insertOne({ _id: 1, v: Long.fromString('9007199254740993') });
    await c.insertOne({ _id: 2, v: Long.fromString('9007199254740992') });
    await c.insertOne({ _id: 3, v: Long.fromString('9007199254740994') });
    await assert.rejects(c.insertOne({ _id: 4, v: Long.fromString('9007199254740993') }), (e: MongoServerError) => {
      assert.equal(e.code, 11000);
      assert.match(e.message, /dup key: \{ v: 9007199254740993 \}/);
      return true;
    });
    await c.insertOne({ _id: 5, v: 1 });
    await assert.rejects(c.insertOne({ _id: 6, v: new Double(1) }), (e: MongoServerError) => e.code === 11000 && e.message.endsWith('dup key: { v: 1.0 }'));
    await assert.rejects(c.insertOne({ _id: 7, v: Long.fromNumber(1) }), (e: MongoServerError) => e.code === 11000);
    await assert.rejects(c.insertOne({ _id: 8, v: Decimal128.fromString('1.0') }), (e: MongoServerError) => e.code === 11000);
    const sorted = (await c.find({}, { sort: { v: -1 } }).toArray()).map((d) => d._id);
    assert.deepEqual(sorted, [3, 1, 2, 5]);
    assert.deepEqual((await c.find({ v: { $gt: Long.fromString('9007199254740992') } }).toArray()).map((d) => d._id), [1, 3]);
    assert.deepEqual((await c.find({ v: { $gt: Long.fromString('9007199254740992') } }).hint({ $natural: 1 }).toArray()).map((d) => d._id), [1, 3]);
  });

  test('an index key direction sent as a double or int64 is the number it holds', async () => {
    const c = coll('directions');
    // Other drivers send 1.0 (a Python float) or NumberLong; the node driver's types allow JS numbers only.
    await session.db.command({ createIndexes: 'directions', indexes: [{ key: { a: new Double(1), b: Long.fromNumber(-1) }, name: 'a_1_b_-1' }] });
    await c.insertMany([{ _id: 1, a: 1, b: 1 }, { _id: 2, a: 1, b: 2 }]);
    assert.deepEqual((await c.find({ a: 1 }).hint('a_1_b_-1').toArray()).map((d) => d._id), [2, 1]);
  });

  test('aggregation keeps types where it passes values through; $sum and $add stay exact for int64', async () => {
    const c = coll('aggregate');
    await c.insertMany([{ _id: 1, g: 'a', v: new Double(2) }, { _id: 2, g: 'a', v: new Int32(3) }]);
    const [matched] = await c.aggregate([{ $match: { _id: 1 } }], RAW).toArray();
    assert.deepEqual(matched?.v, new Double(2));
    const [group] = await c.aggregate([{ $group: { _id: '$g', total: { $sum: '$v' } } }]).toArray();
    assert.equal(group?.total, 5);
    const wide = coll('aggregate-wide');
    await wide.insertMany([
      { _id: 1, v: Long.fromString('9007199254740993'), i: new Int32(2147483647) },
      { _id: 2, v: Long.fromNumber(2), i: new Int32(1) },
    ]);
    const [sums] = await wide.aggregate([{ $group: { _id: null, v: { $sum: '$v' }, i: { $sum: '$i' } } }], RAW).toArray();
    assert.deepEqual(sums?.v, Long.fromString('9007199254740995'), '$sum of int64 stays exact past 2^53');
    assert.deepEqual(sums?.i, Long.fromString('2147483648'), '$sum of int32 that overflows becomes int64');
    const projected = await c.findOne({ _id: 1 }, { projection: { twice: { $multiply: ['$v', 2] } } });
    assert.equal(projected?.twice, 4, 'a find projection expression computes with a double that holds an integer');
    const [joined] = await c.aggregate([{ $match: { _id: 2 } }, { $lookup: { from: 'aggregate', localField: 'v', foreignField: 'v', as: 'same' } }]).toArray();
    assert.deepEqual(joined?.same.map((d: Row) => d._id), [2], '$lookup compares the numbers, not their wrappers');
    const [byDouble] = await c.aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'aggregate', localField: 'v', foreignField: 'v', as: 'same' } }]).toArray();
    assert.deepEqual(byDouble?.same.map((d: Row) => d._id), [1]);
    const [added] = await wide.aggregate([{ $match: { _id: 1 } }, { $project: { v: { $add: ['$v', 1] } } }], RAW).toArray();
    assert.deepEqual(added?.v, Long.fromString('9007199254740994'));
  });
});
