// The oplog's cap: entries every member has applied are forgotten past the capacity, positions
// stay absolute, and a reader that needs a forgotten entry is told the history is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Long, Timestamp } from 'bson';
import { LogicalClock, Oplog, type OplogEntry } from '../../src/engine/replication/oplog.js';

function entries(count: number): OplogEntry[] {
  const clock = new LogicalClock();
  return Array.from({ length: count }, (_, index) => ({ ts: clock.tick(), t: Long.ONE, wall: new Date(), op: 'i', ns: 'db.c', o: { _id: index } }));
}

test('the oplog forgets applied entries past its capacity, keeping absolute positions', () => {
  const oplog = new Oplog(3);
  const written = entries(5);
  for (const entry of written) oplog.append(entry);
  // Nothing is forgotten that a member has not applied yet.
  oplog.trim(1);
  assert.equal(oplog.start, 1);
  oplog.trim(5);
  assert.equal(oplog.start, 2, 'down to the capacity, no further');
  assert.equal(oplog.end, 5);
  assert.equal(oplog.at(2).o['_id'], 2);
  assert.throws(() => oplog.at(1), RangeError);
  assert.equal(oplog.positionAfter(written[3]!.ts), 4);
  assert.equal(oplog.holdsAfter(written[2]!.ts), true, 'after entry 2 everything is held');
  assert.equal(oplog.holdsAfter(written[0]!.ts), false, 'entry 1 is gone: history after entry 0 is lost');
  assert.equal(new Oplog(3).holdsAfter(new Timestamp({ t: 0, i: 0 })), true, 'nothing trimmed yet');
});
