// find() projections in mongod 7.0's shapes (issue 9 item 9), through the driver and mongoose:
// `{_id: 1}` alone, the positional `arr.$`, `$elemMatch` (an inclusion) and `$slice` (not one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mongoose, { type Connection } from 'mongoose';
import type { Collection } from 'mongodb';
import { failsWith, useEngineClient } from '../support/engine-client.js';

interface School {
  _id: number;
  zipcode: string;
  students: Array<{ name: string; school: number; age: number }>;
  grades?: number[];
}

const SCHOOLS: School[] = [
  { _id: 1, zipcode: '63109', students: [{ name: 'john', school: 102, age: 10 }, { name: 'jess', school: 102, age: 11 }, { name: 'jeff', school: 108, age: 15 }], grades: [80, 85, 90] },
  { _id: 2, zipcode: '63110', students: [{ name: 'ajax', school: 100, age: 7 }, { name: 'achilles', school: 100, age: 8 }], grades: [70, 95] },
  { _id: 3, zipcode: '63109', students: [{ name: 'barney', school: 102, age: 7 }], grades: [60] },
];

describe('find projections with mongod shapes', () => {
  const env = useEngineClient();
  let coll: Collection<School>;
  let conn: Connection;

  before(async () => {
    coll = env.client.db('projections').collection<School>('schools');
    await coll.insertMany(SCHOOLS);
    conn = await mongoose.createConnection(`${env.engine.uri}projections`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  });

  after(async () => {
    await conn?.close();
  });

  test('{_id: 1} alone returns only _id (Model.exists, .select("_id"))', async () => {
    assert.deepEqual(await coll.find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray(), [{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const Schools = conn.model('School', new mongoose.Schema({ _id: Number, zipcode: String }), 'schools');
    assert.deepEqual(await Schools.exists({ zipcode: '63110' }), { _id: 2 });
    assert.deepEqual(await Schools.find({ zipcode: '63109' }).select('_id').sort({ _id: 1 }).lean(), [{ _id: 1 }, { _id: 3 }]);
    // {_id: 0} alone is an exclusion: every other field is kept.
    assert.deepEqual(await coll.findOne({ _id: 3 }, { projection: { _id: 0 } }), { zipcode: '63109', students: [{ name: 'barney', school: 102, age: 7 }], grades: [60] });
  });

  test('the positional arr.$ returns the first element the query matched, and only the included fields', async () => {
    assert.deepEqual(await coll.findOne({ 'students.school': 108 }, { projection: { 'students.$': 1 } }), { _id: 1, students: [{ name: 'jeff', school: 108, age: 15 }] });
    assert.deepEqual(await coll.findOne({ _id: 1, grades: { $gte: 85 } }, { projection: { zipcode: 1, 'grades.$': 1 } }), { _id: 1, zipcode: '63109', grades: [85] });
    await assert.rejects(
      coll.findOne({ _id: 1 }, { projection: { 'grades.$': 1 } }),
      failsWith(51246, "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array"),
    );
  });

  test('$elemMatch is an inclusion: _id and the first matching element; no match leaves the field out', async () => {
    const found = await coll.find({ zipcode: '63109' }, { projection: { students: { $elemMatch: { school: 102 } } } }).sort({ _id: 1 }).toArray();
    assert.deepEqual(found, [{ _id: 1, students: [{ name: 'john', school: 102, age: 10 }] }, { _id: 3, students: [{ name: 'barney', school: 102, age: 7 }] }]);
    const older = await coll.find({}, { projection: { zipcode: 1, students: { $elemMatch: { age: { $gt: 10 } } } } }).sort({ _id: 1 }).toArray();
    assert.deepEqual(older, [
      { _id: 1, zipcode: '63109', students: [{ name: 'jess', school: 102, age: 11 }] },
      { _id: 2, zipcode: '63110' },
      { _id: 3, zipcode: '63109' },
    ]);
  });

  test('$slice alone keeps the other fields; inclusion and exclusion do not mix (31254, 31253)', async () => {
    assert.deepEqual(await coll.findOne({ _id: 2 }, { projection: { students: 0, grades: { $slice: -1 } } }), { _id: 2, zipcode: '63110', grades: [95] });
    assert.deepEqual(await coll.findOne({ _id: 1 }, { projection: { grades: { $slice: [1, 1] } } }), { ...SCHOOLS[0], grades: [85] });
    await assert.rejects(coll.findOne({}, { projection: { zipcode: 1, grades: 0 } }), failsWith(31254, 'Cannot do exclusion on field grades in inclusion projection'));
    await assert.rejects(coll.findOne({}, { projection: { grades: 0, zipcode: 1 } }), failsWith(31253, 'Cannot do inclusion on field zipcode in exclusion projection'));
  });
});
