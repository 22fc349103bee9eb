// Field names are client data. `__proto__`, `constructor` and `prototype` must be stored as
// ordinary fields (as mongod stores them) by every path-writing operator, projection and
// aggregation stage, and must never reach Object.prototype: one upsert on '__proto__.isAdmin'
// used to make find({isAdmin: true}) in every other database return every document.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { deserialize } from 'bson';
import type { Db, Document } from 'mongodb';
import { failsWith, useEngineClient, type TestDoc } from '../support/engine-client.js';

const SEGMENTS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object with one own field, even when the name is `__proto__` (a literal would set the prototype). */
function field(name: string, value: unknown): Document {
  return Object.fromEntries([[name, value]]) as Document;
}

/** Own property names and values of the objects every JavaScript object inherits from. */
function prototypeSnapshot(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const roots: Array<[string, object]> = [
    ['Object.prototype', Object.prototype],
    ['Array.prototype', Array.prototype],
    ['Function.prototype', Function.prototype],
    ['Object', Object],
  ];
  for (const [label, root] of roots) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(root))) {
      out.set(`${label}.${name}`, descriptor.value ?? descriptor.get);
    }
  }
  return out;
}

// BSON encoded by hand (not by js-bson's serializer, which has its own `__proto__` handling), so
// the engine receives exactly the bytes a client in any language would send.
type RawValue = string | number | boolean | RawDoc | RawValue[];
type RawDoc = Array<[string, RawValue]>;

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
}

function rawElement(name: string, value: RawValue): Buffer {
  if (typeof value === 'string') {
    const bytes = cstring(value);
    const length = Buffer.alloc(4);
    length.writeInt32LE(bytes.length);
    return Buffer.concat([Buffer.from([0x02]), cstring(name), length, bytes]);
  }
  if (typeof value === 'number') {
    const int = Buffer.alloc(4);
    int.writeInt32LE(value);
    return Buffer.concat([Buffer.from([0x10]), cstring(name), int]);
  }
  if (typeof value === 'boolean') return Buffer.concat([Buffer.from([0x08]), cstring(name), Buffer.from([value ? 1 : 0])]);
  const isArray = value.length === 0 || !Array.isArray(value[0]) || typeof value[0][0] !== 'string';
  const doc: RawDoc = isArray ? (value as RawValue[]).map((v, i) => [String(i), v]) : (value as RawDoc);
  return Buffer.concat([Buffer.from([isArray ? 0x04 : 0x03]), cstring(name), rawDocument(doc)]);
}

function rawDocument(fields: RawDoc): Buffer {
  const body = Buffer.concat(fields.map(([name, value]) => rawElement(name, value)));
  const length = Buffer.alloc(4);
  length.writeInt32LE(body.length + 5);
  return Buffer.concat([length, body, Buffer.alloc(1)]);
}

/** Sends one OP_MSG whose single section is the document `command`; resolves with the reply document. */
function sendRawCommand(port: number, command: Buffer): Promise<Document> {
  const body = Buffer.concat([Buffer.from([0]), command]);
  const head = Buffer.alloc(20);
  head.writeInt32LE(20 + body.length, 0);
  head.writeInt32LE(1, 4);
  head.writeInt32LE(2013, 12);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([head, body])));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= received.readInt32LE(0)) {
        socket.destroy();
        resolve(deserialize(received.subarray(21)));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('the engine closed the connection without a reply')));
  });
}

describe('prototype pollution: __proto__, constructor and prototype are ordinary field names', () => {
  const env = useEngineClient();
  let db: Db;
  let victim: Db;
  const pristine = prototypeSnapshot();

  function assertPrototypesUntouched(step: string): void {
    const now = prototypeSnapshot();
    const added = [...now.keys()].filter((k) => !pristine.has(k));
    const changed = [...pristine.keys()].filter((k) => now.get(k) !== pristine.get(k));
    assert.deepEqual({ added, changed }, { added: [], changed: [] }, `after ${step}`);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined, `after ${step}`);
  }

  before(async () => {
    db = env.client.db('attacker');
    victim = env.client.db('victim');
    await victim.collection<TestDoc>('users').insertMany([{ _id: 1, name: 'a' }, { _id: 2, name: 'b', isAdmin: false }]);
  });

  for (const s of SEGMENTS) {
    test(`every update operator stores '${s}' as a field`, async () => {
      const coll = db.collection<TestDoc>(`ops_${s}`);
      await coll.insertOne({ _id: 1, n: 5, arr: [{ k: 1 }, { k: 2 }] });
      const steps: Array<[string, () => Promise<unknown>]> = [
        ['upsert seed + $setOnInsert', () => coll.updateOne({ _id: 2, [`${s}.isAdmin`]: true }, { $set: { b: 1 }, $setOnInsert: { [`${s}.onInsert`]: 1 } }, { upsert: true })],
        ['$set', () => coll.updateOne({ _id: 1 }, { $set: { [`${s}.set`]: 1, [`o.${s}.set`]: 1 } })],
        ['$inc $mul $min $max $currentDate', () => coll.updateOne({ _id: 1 }, { $inc: { [`${s}.inc`]: 2 }, $mul: { [`${s}.mul`]: 3 }, $min: { [`${s}.min`]: 1 }, $max: { [`${s}.max`]: 9 }, $currentDate: { [`${s}.when`]: true } } as Document)],
        ['$push $addToSet', () => coll.updateOne({ _id: 1 }, { $push: { [`${s}.list`]: 1 }, $addToSet: { [`${s}.tags`]: 'x' } } as Document)],
        ['$rename', () => coll.updateOne({ _id: 1 }, { $rename: { n: `${s}.renamed` } })],
        ['$unset', () => coll.updateOne({ _id: 1 }, { $unset: { [`${s}.mul`]: '', [`${s}.hasOwnProperty`]: '' } })],
        ['positional $, $[] and $[e]', () => coll.updateOne({ _id: 1, 'arr.k': 2 }, { $set: { [`arr.$.${s}.pos`]: 1, [`arr.$[].${s}.all`]: 1, [`arr.$[e].${s}.filtered`]: 1 } }, { arrayFilters: [{ 'e.k': 1 }] })],
        ['$set of a whole object', () => coll.updateOne({ _id: 1 }, { $set: { whole: field(s, { deep: 1 }) } })],
        ['insert of a raw BSON document', () => db.command({ insert: `ops_${s}`, documents: [{ _id: 3, ...field(s, { isAdmin: true }) }] })],
      ];
      for (const [label, run] of steps) {
        await run();
        assertPrototypesUntouched(label);
      }
      const docs = await coll.find({}, { sort: { _id: 1 } }).toArray();
      const when = (docs[0]?.[s] as { when?: unknown } | undefined)?.when;
      assert.ok(when instanceof Date, '$currentDate stored a date');
      assert.deepEqual(docs, [
        {
          _id: 1,
          arr: [{ k: 1, ...field(s, { all: 1, filtered: 1 }) }, { k: 2, ...field(s, { all: 1, pos: 1 }) }],
          ...field(s, { set: 1, inc: 2, max: 9, min: 1, when, list: [1], tags: ['x'], renamed: 5 }),
          o: field(s, { set: 1 }),
          whole: field(s, { deep: 1 }),
        },
        { _id: 2, ...field(s, { isAdmin: true, onInsert: 1 }), b: 1 },
        { _id: 3, ...field(s, { isAdmin: true }) },
      ]);
      // Queries read the stored field, and only the stored field.
      assert.deepEqual((await coll.find({ [`${s}.isAdmin`]: true }, { projection: { _id: 1 } }).toArray()).map((d) => d._id), [2, 3]);
      assert.equal(await coll.countDocuments({ [s]: { $exists: true } }), 3);
      assert.equal(await db.collection('empty').countDocuments({ [s]: { $exists: true } }), 0);
    });

    test(`projections and aggregation stages treat '${s}' as a field`, async () => {
      const coll = db.collection<TestDoc>(`read_${s}`);
      await db.command({ insert: `read_${s}`, documents: [{ _id: 1, a: 1, ...field(s, { x: 1, y: 2 }) }] });
      assert.deepEqual(await coll.findOne({ _id: 1 }, { projection: { [`${s}.x`]: 1 } }), { _id: 1, ...field(s, { x: 1 }) });
      assert.deepEqual(await coll.findOne({ _id: 1 }, { projection: { [s]: 0 } }), { _id: 1, a: 1 });
      assert.deepEqual(await coll.findOne({ _id: 1 }, { projection: { [`${s}.x`]: 0 } }), { _id: 1, a: 1, ...field(s, { y: 2 }) });
      assertPrototypesUntouched('find projections');
      const pipelines: Array<[Document[], Document[]]> = [
        [[{ $project: { [`${s}.x`]: 1 } }], [{ _id: 1, ...field(s, { x: 1 }) }]],
        [[{ $addFields: { [`${s}.z`]: 3 } }], [{ _id: 1, a: 1, ...field(s, { x: 1, y: 2, z: 3 }) }]],
        [[{ $set: { [`a2.${s}.z`]: 3 } }, { $project: { a2: 1, _id: 0 } }], [{ a2: field(s, { z: 3 }) }]],
        [[{ $group: { _id: `$${s}.x`, n: { $sum: `$${s}.y` } } }], [{ _id: 1, n: 2 }]],
        [[{ $group: { _id: null, ...field(s, { $sum: 1 }) } }], [{ _id: null, ...field(s, 1) }]],
        [[{ $replaceRoot: { newRoot: `$${s}` } }], [{ x: 1, y: 2 }]],
        [[{ $replaceRoot: { newRoot: { wrapped: `$${s}` } } }], [{ wrapped: { x: 1, y: 2 } }]],
      ];
      for (const [pipeline, expected] of pipelines) {
        const label = JSON.stringify(pipeline);
        assert.deepEqual(await coll.aggregate(pipeline).toArray(), expected, label);
        assertPrototypesUntouched(label);
      }
    });
  }

  test('a document with __proto__ keys sent as raw BSON bytes is stored as it came', async () => {
    const insert: RawDoc = [
      ['insert', 'raw'],
      ['documents', [[['_id', 1], ['__proto__', [['isAdmin', true]]], ['nested', [['__proto__', [['polluted', true]]]]]]]],
      ['$db', 'attacker'],
    ];
    const reply = await sendRawCommand(env.engine.port, rawDocument(insert));
    assert.deepEqual([reply.ok, reply.n], [1, 1]);
    assertPrototypesUntouched('raw insert');
    const stored = await db.collection<TestDoc>('raw').findOne({ _id: 1 });
    assert.deepEqual(stored, { _id: 1, ...field('__proto__', { isAdmin: true }), nested: field('__proto__', { polluted: true }) });
    assert.equal(await db.collection<TestDoc>('raw').countDocuments({ '__proto__.isAdmin': true }), 1);
    assert.equal(await db.collection<TestDoc>('raw').countDocuments({ isAdmin: true }), 0);
    // A _bsontype field cannot be sent back by js-bson: refused, so the collection stays readable.
    const tagged: RawDoc = [['insert', 'raw'], ['documents', [[['_id', 2], ['a', [['_bsontype', 'ObjectId']]]]]], ['$db', 'attacker']];
    const refused = await sendRawCommand(env.engine.port, rawDocument(tagged));
    assert.deepEqual([refused.n, (refused.writeErrors as Array<{ code: number }>)[0]?.code], [0, 2]);
    assert.equal((await db.collection<TestDoc>('raw').find().toArray()).length, 1);
  });

  test("'__proto__._bsontype' in an upsert is refused without breaking any connection", async () => {
    // Through the pollution, this upsert made every object look like an ObjectId and dropped every
    // connection. Now it would store {__proto__: {_bsontype: 'ObjectId'}}, which js-bson (the
    // engine's and the driver's) cannot serialize, so the engine refuses it in words.
    const coll = db.collection<TestDoc>('bsontype');
    await assert.rejects(
      coll.updateOne({ '__proto__._bsontype': 'ObjectId' }, { $set: { b: 1 } }, { upsert: true }),
      failsWith(2, /field named '_bsontype' cannot be stored/),
    );
    assertPrototypesUntouched('upsert of __proto__._bsontype');
    assert.equal((await db.command({ ping: 1 })).ok, 1);
    assert.equal((await victim.command({ ping: 1 })).ok, 1);
    assert.equal(await coll.countDocuments(), 0);
  });

  test('the other database is unaffected: no phantom isAdmin, no implicit upsert', async () => {
    const users = victim.collection<TestDoc>('users');
    assert.deepEqual(await users.find({ isAdmin: true }).toArray(), []);
    assert.deepEqual(await users.find({ constructor: { $exists: true } }).toArray(), []);
    const update = await users.updateOne({ name: 'nobody' }, { $set: { x: 1 } });
    assert.equal(update.upsertedCount, 0);
    assert.deepEqual(await users.find().sort({ _id: 1 }).toArray(), [{ _id: 1, name: 'a' }, { _id: 2, name: 'b', isAdmin: false }]);
    assertPrototypesUntouched('the whole suite');
  });
});
