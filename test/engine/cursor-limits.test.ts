// Open cursors cannot take the engine down (issue 9, item 2): a find cursor keeps its paused
// plan instead of its results, what cursors hold is bounded with a clear error, idle cursors
// close after cursorTimeoutMillis unless opened with noCursorTimeout, and getMore/killCursors
// answer as before. Everything through the real driver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

async function fill(coll: Collection, count: number): Promise<void> {
  for (let i = 0; i < count; i += 20_000) {
    await coll.insertMany(Array.from({ length: Math.min(20_000, count - i) }, (_, j) => ({ k: i + j, r: (i + j) * 7919 % count })));
  }
}

async function serverStatus(client: MongoClient): Promise<Document> {
  return client.db('admin').command({ serverStatus: 1 });
}

function isCode(code: number, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof MongoServerError, `expected a server error, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('5,000 abandoned cursors over 100,000 documents', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;

  before(async () => {
    engine = await startEmbeddedMongo();
    client = await MongoClient.connect(engine.uri, { maxPoolSize: 20 });
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  // Before the fix each cursor held its whole result array (~780 KiB here): 5,000 of them
  // needed ~3.8 GiB and the process died of a V8 heap out-of-memory.
  test('are held as paused plans: a few KiB each, the process heap stays bounded', { timeout: 60_000 }, async () => {
    const coll = client.db('cursors').collection('big');
    await fill(coll, 100_000);
    const db = client.db('cursors');
    const heapBefore = process.memoryUsage().heapUsed;
    // Raw find commands: the server-side cursors are abandoned, the client keeps nothing.
    const ids: unknown[] = [];
    for (let wave = 0; wave < 50; wave += 1) {
      const replies = await Promise.all(Array.from({ length: 100 }, () => db.command({ find: 'big', filter: {}, batchSize: 2 })));
      for (const reply of replies) ids.push(reply.cursor.id);
    }
    const status = await serverStatus(client);
    assert.equal(status.metrics.cursor.open.total, 5_000);
    const held = Number(status.embeddedEngine.cursorRetainedBytes);
    assert.ok(held < 5_000 * 8 * 1024, `open cursors hold ${held} bytes by the engine's estimate`);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 512 * 1024 * 1024, `heap grew by ${grown} bytes for 5,000 idle cursors (driver included)`);
    // Still cursors: one more resumes where it stopped and reads the collection to its end once.
    const opened = await db.command({ find: 'big', filter: {}, batchSize: 2 });
    const rest = await db.command({ getMore: opened.cursor.id, collection: 'big', batchSize: 200_000 });
    const ks = [...opened.cursor.firstBatch, ...rest.cursor.nextBatch].map((doc: Document) => doc.k as number);
    assert.equal(String(rest.cursor.id), '0');
    assert.equal(new Set(ks).size, 100_000);
    assert.equal(ks.length, 100_000);
    // An aggregate the planner runs whole is held the same way.
    const aggregated = await db.command({ aggregate: 'big', pipeline: [{ $match: { k: { $gte: 0 } } }], cursor: { batchSize: 2 } });
    const heldAfter = Number((await serverStatus(client)).embeddedEngine.cursorRetainedBytes);
    assert.ok(heldAfter - held < 8 * 1024, `an idle aggregate cursor holds ${heldAfter - held} bytes`);
    ids.push(aggregated.cursor.id);
    const killed = await db.command({ killCursors: 'big', cursors: ids });
    assert.equal(killed.cursorsKilled.length, 5_001);
    assert.equal((await serverStatus(client)).metrics.cursor.open.total, 0);
  });
});

describe('cursor memory bound and unchanged getMore semantics', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;

  before(async () => {
    // A small bound so the test needs no gigabytes.
    engine = await startEmbeddedMongo({ cursorMemoryLimitBytes: 2 * 1024 * 1024 });
    client = await MongoClient.connect(engine.uri);
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  test('past the memory bound a new cursor is refused with ExceededMemoryLimit; closing one makes room', async () => {
    const coll = client.db('cursors').collection('sorted');
    await fill(coll, 20_000);
    // An in-memory sort must keep its sorted rows (20,000 references, ~800 KB by the estimate).
    const first = coll.find({}, { batchSize: 1 }).sort({ r: 1 });
    const second = coll.find({}, { batchSize: 1 }).sort({ r: -1 });
    assert.equal((await first.next())?.r, 0);
    assert.equal((await second.next())?.r, 19_999);
    const third = coll.find({}, { batchSize: 1 }).sort({ r: 1 });
    await assert.rejects(third.next(), isCode(146, /Cannot open another cursor: open cursors hold .* MiB.*killCursors/));
    assert.equal((await coll.find({ k: { $lt: 3 } }).toArray()).length, 3, 'a query that opens no cursor still runs');
    await first.close();
    const fourth = coll.find({}, { batchSize: 1 }).sort({ r: 1 });
    assert.equal((await fourth.next())?.r, 0);
    await second.close();
    await fourth.close();
  });

  test('getMore and killCursors answer as before: batches in order, then 43 for a killed cursor', async () => {
    const db = client.db('cursors');
    const coll = db.collection('raw');
    await coll.insertMany(Array.from({ length: 25 }, (_, k) => ({ k })));
    const opened = await db.command({ find: 'raw', filter: {}, sort: { k: 1 }, batchSize: 10 });
    const id = opened.cursor.id;
    assert.deepEqual(opened.cursor.firstBatch.map((d: Document) => d.k), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const more = await db.command({ getMore: id, collection: 'raw', batchSize: 10 });
    assert.equal(more.cursor.nextBatch[0].k, 10);
    assert.equal(String(more.cursor.id), String(id));
    const killed = await db.command({ killCursors: 'raw', cursors: [id] });
    assert.deepEqual(killed.cursorsKilled.map(String), [String(id)]);
    await assert.rejects(db.command({ getMore: id, collection: 'raw' }), isCode(43));
    // An exactly full last batch still closes the cursor (id 0), as before the change.
    const exact = await db.command({ find: 'raw', filter: {}, batchSize: 25 });
    assert.equal(String(exact.cursor.id), '0');
  });

  test('a paused cursor returns every document once while other connections write between batches', async () => {
    type Row = { _id: number; k: number; v: number };
    const writer = await MongoClient.connect(engine.uri);
    try {
      for (const [label, open] of [
        ['index scan on _id', (coll: Collection<Row>) => coll.find({}, { batchSize: 10 }).sort({ _id: 1 })],
        ['collection scan', (coll: Collection<Row>) => coll.find({ v: { $gte: 0 } }, { batchSize: 10 })],
      ] as const) {
        const name = label.replace(/\W/g, '');
        const coll = client.db('cursors').collection<Row>(name);
        await coll.insertMany(Array.from({ length: 100 }, (_, k) => ({ _id: k, k, v: 0 })));
        const other = writer.db('cursors').collection<Row>(name);
        const seen = new Map<number, number>();
        let round = 0;
        for await (const doc of open(coll)) {
          seen.set(doc._id, (seen.get(doc._id) ?? 0) + 1);
          if (seen.size % 10 === 0) {
            // Between batches: updates that move nothing, an insert past the end, a delete ahead.
            round += 1;
            await other.updateMany({}, { $inc: { v: 1 } });
            await other.insertOne({ _id: 1_000 + round, k: -1, v: 0 });
            if (round === 1) await other.deleteOne({ _id: 99 });
          }
        }
        const originals = [...seen.entries()].filter(([id]) => id < 100);
        assert.equal(originals.length, 99, `${label}: every original document but the deleted one is returned`);
        assert.ok(!seen.has(99), `${label}: the document deleted ahead of the scan is not returned`);
        assert.ok(originals.every(([, n]) => n === 1), `${label}: no document is returned twice`);
      }
    } finally {
      await writer.close();
    }
  });
});

describe('idle cursors', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;

  before(async () => {
    // 300 ms instead of mongod's 10 minutes; nothing else runs on this engine.
    engine = await startEmbeddedMongo({ cursorTimeoutMillis: 300 });
    client = await MongoClient.connect(engine.uri);
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  test('idle cursors are reaped after cursorTimeoutMillis (then CursorNotFound, 43); noCursorTimeout ones stay', { timeout: 20_000 }, async () => {
    const coll = client.db('cursors').collection('idle');
    await coll.insertMany(Array.from({ length: 10 }, (_, k) => ({ k })));
    assert.equal((await client.db('admin').command({ getParameter: 1, cursorTimeoutMillis: 1 })).cursorTimeoutMillis, 300);
    const reaped = coll.find({}, { batchSize: 1 });
    const kept = coll.find({}, { batchSize: 1, noCursorTimeout: true });
    await reaped.next();
    await kept.next();
    const before = await serverStatus(client);
    assert.equal(before.metrics.cursor.open.noTimeout, 1);
    // Wait for the engine's housekeeping to report the reaping (an event, bounded), not a fixed delay.
    const deadline = Date.now() + 15_000;
    while ((await serverStatus(client)).metrics.cursor.timedOut < before.metrics.cursor.timedOut + 1) {
      assert.ok(Date.now() < deadline, 'no cursor was reaped within 15 s of a 300 ms timeout');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await assert.rejects(reaped.toArray(), isCode(43, /cursor id \d+ not found/));
    assert.equal((await kept.toArray()).length, 9, 'the noCursorTimeout cursor resumes after the others were reaped');
  });
});
