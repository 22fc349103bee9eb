// Cursor bookkeeping: batches, exhaustion and the idle timeout mongod applies (10 minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURSOR_IDLE_MS, CursorStore } from '../../src/engine/cursors.js';

const docs = Array.from({ length: 250 }, (_, n) => ({ n }));

test('the first batch holds 101 documents and getMore hands out the rest', async () => {
  const store = new CursorStore();
  const first = store.open('db.c', docs, undefined);
  assert.equal(first.batch.length, 101);
  assert.ok(!first.id.isZero());
  const cursor = store.get(first.id.toNumber());
  assert.ok(cursor);
  const second = await store.next(cursor, 100);
  assert.equal(second.batch.length, 100);
  const last = await store.next(cursor, 100);
  assert.equal(last.batch.length, 49);
  assert.ok(last.id.isZero(), 'an exhausted cursor is closed and reports id 0');
  assert.equal(store.size, 0);
});

test('a result that fits the first batch opens no cursor; singleBatch never does', () => {
  const store = new CursorStore();
  assert.ok(store.open('db.c', docs.slice(0, 10), undefined).id.isZero());
  assert.ok(store.open('db.c', docs, 5, true).id.isZero());
  assert.equal(store.size, 0);
});

test('idle cursors are closed after the timeout, busy ones are kept', () => {
  const store = new CursorStore();
  const idle = store.open('db.c', docs, 10);
  const busy = store.open('db.c', docs, 10);
  const now = Date.now();
  const busyCursor = store.get(busy.id.toNumber());
  assert.ok(busyCursor);
  busyCursor.lastUsed = now + CURSOR_IDLE_MS;
  assert.equal(store.closeIdle(now + CURSOR_IDLE_MS + 1), 1);
  assert.equal(store.get(idle.id.toNumber()), undefined);
  assert.ok(store.get(busy.id.toNumber()));
});
