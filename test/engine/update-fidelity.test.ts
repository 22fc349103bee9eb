// Update operators the way MongoDB 7.0 applies them (issue 9 items 6, 7 and the upsert part of
// 12), through the real driver and mongoose. Expected documents and error texts are mongod's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mongoose, { type Connection } from 'mongoose';
import type { Collection, Db, Document } from 'mongodb';
import { failsWith, useEngineClient, type TestDoc } from '../support/engine-client.js';

describe('update operators with mongod semantics', () => {
  const env = useEngineClient();
  let db: Db;
  let conn: Connection;

  before(async () => {
    db = env.client.db('updates');
    conn = await mongoose.createConnection(`${env.engine.uri}updates_mongoose`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  });

  after(async () => {
    await conn?.close();
  });

  async function fresh(name: string, doc: TestDoc): Promise<Collection<TestDoc>> {
    const coll = db.collection<TestDoc>(name);
    await coll.deleteMany({});
    await coll.insertOne(doc);
    return coll;
  }

  test('two positional paths into the same array element update it ($, $[] and $[e])', async () => {
    const coll = await fresh('positional', { _id: 1, c: [{ name: 'a', t: 0 }, { name: 'b', t: 0 }, { name: 'c', t: 5 }] });
    const one = await coll.updateOne({ 'c.name': 'b' }, { $set: { 'c.$.name': 'L', 'c.$.t': 1 } });
    assert.equal(one.modifiedCount, 1);
    assert.deepEqual((await coll.findOne({ _id: 1 }))?.c, [{ name: 'a', t: 0 }, { name: 'L', t: 1 }, { name: 'c', t: 5 }]);
    await coll.updateOne({ _id: 1 }, { $inc: { 'c.$[].t': 10 }, $set: { 'c.$[].seen': true } } as Document);
    assert.deepEqual((await coll.findOne({ _id: 1 }))?.c, [
      { name: 'a', t: 10, seen: true },
      { name: 'L', t: 11, seen: true },
      { name: 'c', t: 15, seen: true },
    ]);
    await coll.updateOne({ _id: 1 }, { $set: { 'c.$[big].name': 'B', 'c.$[big].t': 0 } }, { arrayFilters: [{ 'big.t': { $gte: 11 } }] });
    assert.deepEqual((await coll.findOne({ _id: 1 }))?.c, [
      { name: 'a', t: 10, seen: true },
      { name: 'B', t: 0, seen: true },
      { name: 'B', t: 0, seen: true },
    ]);
  });

  test('mongoose timestamps on a subdocument array: updatedAt rides along the positional $set', async () => {
    const itemSchema = new mongoose.Schema({ name: String }, { timestamps: true });
    const Order = conn.model('Order', new mongoose.Schema({ items: [itemSchema] }, { timestamps: true }));
    const order = await Order.create({ items: [{ name: 'pen' }, { name: 'ink' }] });
    const ink = order.items[1] as unknown as { _id: unknown; updatedAt: Date };
    const before = ink.updatedAt;
    await new Promise((resolve) => setImmediate(resolve));
    const query = Order.updateOne({ _id: order._id, 'items._id': ink._id }, { $set: { 'items.$.name': 'blue ink' } });
    const result = await query;
    // What mongoose sent: two positional paths into the same element (refused as a conflict before).
    const sent = query.getUpdate() as { $set: Record<string, unknown> };
    assert.deepEqual(Object.keys(sent.$set).filter((k) => k.startsWith('items.$.')).sort(), ['items.$.name', 'items.$.updatedAt']);
    assert.equal(result.modifiedCount, 1);
    const stored = await Order.findById(order._id).lean<{ items: Array<{ name: string; updatedAt: Date }> }>();
    assert.equal(stored?.items[1]?.name, 'blue ink');
    assert.ok((stored?.items[1]?.updatedAt.getTime() ?? 0) >= before.getTime());
    assert.equal(stored?.items[0]?.name, 'pen');
  });

  test('true conflicts answer code 40 ConflictingUpdateOperators with mongod messages', async () => {
    const coll = await fresh('conflicts', { _id: 1, a: { b: 1 }, c: [{ t: 0 }] });
    await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { a: 1 }, $inc: { 'a.b': 1 } } as Document), failsWith(40, "Updating the path 'a.b' would create a conflict at 'a'"));
    await assert.rejects(coll.updateOne({ 'c.t': 0 }, { $set: { 'c.$.t': 1, 'c.$': 2 } }), failsWith(40, "Updating the path 'c.$' would create a conflict at 'c.$'"));
    await assert.rejects(
      coll.updateOne({ _id: 1 }, { $set: { 'c.$[i]': 2, 'c.$[j]': 3 } }, { arrayFilters: [{ 'i.t': 0 }, { 'j.t': 0 }] }),
      failsWith(40, "Update created a conflict at 'c.0'"),
    );
    await assert.rejects(
      coll.updateOne({ _id: 1 }, { $set: { 'c.$[i].t': 1 } }, { arrayFilters: [{ 'i.t': 0 }, { 'j.t': 0 }] }),
      failsWith(9, /^The array filter for identifier 'j' was not used in the update/),
    );
    await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { 'c.$[k].t': 1 } }), failsWith(2, "No array filter found for identifier 'k' in path 'c.$[k].t'"));
    await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { 'c.$.t': 1 } }), failsWith(2, 'The positional operator did not find the match needed from the query.'));
    assert.deepEqual(await coll.findOne({ _id: 1 }), { _id: 1, a: { b: 1 }, c: [{ t: 0 }] });
  });

  test('$pull with $or / $and / operator / equality conditions on an array', async () => {
    const coll = await fresh('pull', {
      _id: 1,
      items: [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: 3 }, { x: 4, y: 1 }],
      scores: [1, 5, 8, 10],
      tags: ['a', 'b', 'a'],
    });
    const or = await coll.updateOne({ _id: 1 }, { $pull: { items: { $or: [{ x: 1 }, { y: 3 }] } } as Document });
    assert.equal(or.modifiedCount, 1);
    assert.deepEqual((await coll.findOne({ _id: 1 }))?.items, [{ x: 2, y: 2 }, { x: 4, y: 1 }]);
    await coll.updateOne({ _id: 1 }, { $pull: { items: { $and: [{ x: { $gt: 3 } }, { y: 1 }] } } as Document });
    assert.deepEqual((await coll.findOne({ _id: 1 }))?.items, [{ x: 2, y: 2 }]);
    await coll.updateOne({ _id: 1 }, { $pull: { scores: { $gte: 8 }, tags: 'a' } as Document });
    const stored = await coll.findOne({ _id: 1 });
    assert.deepEqual([stored?.scores, stored?.tags], [[1, 5], ['b']]);
    // A document condition is a query on each element: {x: 2} removes {x: 2, y: 2}.
    await coll.updateOne({ _id: 1 }, { $pull: { items: { x: 2 } } as Document });
    assert.deepEqual((await coll.findOne({ _id: 1 }))?.items, []);
  });

  test('$push modifiers, $addToSet $each, $pop, $rename, $min/$max and $mul on a missing field', async () => {
    const coll = await fresh('ops', { _id: 1, arr: [3, 1], set: [1], old: 'v', lo: 5, hi: 5 });
    await coll.updateOne({ _id: 1 }, { $push: { arr: { $each: [4, 2], $sort: 1, $slice: 3 } }, $addToSet: { set: { $each: [1, 2, 2] } }, $rename: { old: 'renamed' }, $min: { lo: 2 }, $max: { hi: 9 }, $mul: { none: 3 } } as Document);
    assert.deepEqual(await coll.findOne({ _id: 1 }), { _id: 1, arr: [1, 2, 3], set: [1, 2], lo: 2, hi: 9, none: 0, renamed: 'v' });
    await coll.updateOne({ _id: 1 }, { $pop: { arr: -1 }, $push: { set: { $each: [0], $position: 0 } } } as Document);
    const stored = await coll.findOne({ _id: 1 });
    assert.deepEqual([stored?.arr, stored?.set], [[2, 3], [0, 1, 2]]);
    await assert.rejects(
      coll.updateOne({ _id: 1 }, { $rename: { 'set.0': 'first' } }),
      failsWith(2, "The source field cannot be an array element, 'set.0' in doc with _id: 1 has an array field called 'set'"),
    );
  });

  test('an update cannot create a top-level $-prefixed field (code 52), also on upsert-insert', async () => {
    const coll = await fresh('dollar', { _id: 1 });
    const message = "The dollar ($) prefixed field '$x' in '$x' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.";
    await assert.rejects(coll.updateOne({ _id: 2 }, { $set: { $x: 1 } } as Document, { upsert: true }), failsWith(52, message));
    await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { $x: 1 } } as Document), failsWith(52, message));
    // Nested $-prefixed fields are allowed (MongoDB 5.0+).
    await coll.updateOne({ _id: 1 }, { $set: { 'a.$b': 1 } });
    assert.deepEqual(await coll.find().toArray(), [{ _id: 1, a: { $b: 1 } }]);
    await assert.rejects(coll.updateOne({ _id: 3 }, { $set: { _id: { $bad: 1 } } } as Document, { upsert: true }), failsWith(52, /^_id fields may not contain '\$'-prefixed fields/));
    assert.equal(await coll.countDocuments(), 1);
  });
});
