// mongod's limits on what a client sends, and the engine's own bounds on what a client can make
// it hold. Documents: 16 MiB and 180 levels of nesting when stored (codes 2, 17419, 17420, 15 as
// mongod 7.0 answers per write path), 16 MiB + 16 KiB and 200 levels in a message (10334, 15),
// and a reply that would pass the limit is an error, not a dropped connection. Connections: an
// incomplete message times out, buffered input has a global cap, and a client that never reads
// its replies stops being read (write backpressure).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { calculateObjectSize, deserialize, serialize, type Document } from 'bson';
import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';
import { deeplyNested, opMsg, PING } from '../../bench/wire-fuzz.js';

const MiB = 1024 * 1024;
const MAX_DOC = 16 * MiB;

interface Stored {
  _id: string;
  s?: string;
  t?: string;
  b?: Document;
}

/** {_id, s} whose BSON size is exactly `size` bytes. */
function documentOfSize(size: number, id = 'doc'): Stored & { s: string } {
  const base = calculateObjectSize({ _id: id, s: '' });
  return { _id: id, s: 'x'.repeat(size - base) };
}

/** The BSON bytes of documentOfSize(size, id), written by hand: the bson package stops at 17 MiB. */
function rawDocumentOfSize(size: number, id: string): Buffer {
  const out = Buffer.alloc(size);
  out.writeInt32LE(size, 0);
  let at = 4;
  at = out.writeUInt8(2, at);
  at += out.write('_id\0', at, 'latin1');
  at = out.writeInt32LE(id.length + 1, at);
  at += out.write(`${id}\0`, at, 'latin1');
  at = out.writeUInt8(2, at);
  at += out.write('s\0', at, 'latin1');
  const stringBytes = size - at - 4 - 1;
  at = out.writeInt32LE(stringBytes, at);
  out.fill('x', at, at + stringBytes - 1);
  // The string's terminator and the document's are the zeros Buffer.alloc left.
  return out;
}

/** {a: {a: ... {leaf: 1}}} with `levels` levels of fields (a top-level field is level 1). */
function nestedFields(levels: number): Document {
  let doc: Document = { leaf: 1 };
  for (let level = 1; level < levels; level += 1) doc = { a: doc };
  return doc;
}

function serverError(code: number, message: string | RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof MongoServerError, `expected a server error, got ${String(error)}`);
    assert.equal(error.code, code);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

/** A raw connection that collects whole replies, keyed by responseTo. */
class RawClient {
  readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  readonly replies: Array<{ responseTo: number; opCode: number; body: Document; responseFlags?: number }> = [];
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 16 && this.buffered.length >= this.buffered.readInt32LE(0)) {
      const length = this.buffered.readInt32LE(0);
      const message = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      const opCode = message.readInt32LE(12);
      const responseTo = message.readInt32LE(8);
      if (opCode === 2013) this.replies.push({ responseTo, opCode, body: deserialize(message.subarray(21)) });
      else this.replies.push({ responseTo, opCode, body: deserialize(message.subarray(36)), responseFlags: message.readInt32LE(16) });
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once `done()` holds, or rejects after `boundMs` (a safety net, not a verdict). */
  until(done: () => boolean, boundMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`condition not met within ${boundMs} ms`)), boundMs);
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  reply(requestId: number): Document | undefined {
    return this.replies.find((r) => r.responseTo === requestId)?.body;
  }
}

/** An insert whose one document travels in a document sequence (kind 1), as drivers send it. */
function insertWithSequence(db: string, collection: string, documentBytes: Buffer, requestId: number): Buffer {
  const header = Buffer.alloc(16);
  const body = serialize({ insert: collection, $db: db });
  const id = Buffer.from('documents\0');
  const section = Buffer.alloc(5);
  section.writeUInt8(1, 0);
  section.writeInt32LE(4 + id.length + documentBytes.length, 1);
  const total = 16 + 5 + body.length + section.length + id.length + documentBytes.length;
  header.writeInt32LE(total, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, Buffer.alloc(5), body, section, id, documentBytes]);
}

const PING_ID = PING.readInt32LE(4);

describe('document limits (mongod 7.0 codes and messages)', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;
  let coll: Collection<Stored>;

  before(async () => {
    engine = await startEmbeddedMongo();
    client = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
    coll = client.db('limits').collection<Stored>('docs');
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  test('an insert of 16,777,217 bytes is refused (2 BadValue); exactly 16 MiB is stored', async () => {
    await assert.rejects(coll.insertOne(documentOfSize(MAX_DOC + 1, 'over')), serverError(2, 'object to insert too large. size in bytes: 16777217, max size: 16777216'));
    assert.equal(await coll.countDocuments({ _id: 'over' }), 0);
    await coll.insertOne(documentOfSize(MAX_DOC, 'exact'));
    assert.equal(await coll.countDocuments({ _id: 'exact' }), 1);
    await coll.deleteOne({ _id: 'exact' });
  });

  test('an update that grows a document past 16 MiB is refused (17419); a replacement too; an upsert (17420)', async () => {
    await coll.insertOne({ _id: 'grow', s: 'x'.repeat(MAX_DOC - 100) });
    await assert.rejects(coll.updateOne({ _id: 'grow' }, { $set: { t: 'y'.repeat(200) } }), serverError(17419, 'Resulting document after update is larger than 16777216'));
    const { _id: _ignored, ...replacement } = documentOfSize(MAX_DOC + 100, 'grow');
    await assert.rejects(coll.replaceOne({ _id: 'grow' }, replacement), serverError(17419, 'Resulting document after update is larger than 16777216'));
    await assert.rejects(coll.replaceOne({ _id: 'new' }, replacement, { upsert: true }), serverError(17420, 'Document to upsert is larger than 16777216'));
    await assert.rejects(
      coll.findOneAndUpdate({ _id: 'grow' }, { $set: { t: 'y'.repeat(200) } }),
      serverError(17419, 'Resulting document after update is larger than 16777216'),
    );
    const stored = await coll.findOne({ _id: 'grow' });
    assert.equal(stored?.t, undefined);
    assert.equal(stored?.s?.length, MAX_DOC - 100);
    assert.equal(await coll.countDocuments({ _id: 'new' }), 0);
    await coll.deleteOne({ _id: 'grow' });
  });

  test('nesting: 180 levels are stored, 181 refused on insert and update (15 Overflow)', async () => {
    await coll.insertOne({ _id: 'deep180', ...nestedFields(179) });
    await assert.rejects(coll.insertOne({ _id: 'deep181', ...nestedFields(181) }), serverError(15, 'cannot insert document because it exceeds 180 levels of nesting'));
    await assert.rejects(coll.updateOne({ _id: 'deep180' }, { $set: { b: nestedFields(181) } }), serverError(15, 'Document exceeds maximum nesting depth of 180'));
    await assert.rejects(coll.updateOne({ _id: 'deep-up' }, { $set: { b: nestedFields(181) } }, { upsert: true }), serverError(15, 'Document exceeds maximum nesting depth of 180'));
    assert.deepEqual(await coll.distinct('_id'), ['deep180']);
    assert.equal((await coll.findOne({ _id: 'deep180' }))?.b, undefined);
    await coll.deleteMany({});
  });

  test('profiling an 18 MiB insert stores the documents and a truncated profile entry, never an error', async () => {
    const profiled = client.db('limits-profiled');
    await profiled.command({ profile: 2 });
    // One command carrying two 9 MiB documents (the driver would split them into two).
    const raw = new RawClient(engine.port);
    const documents = Buffer.concat([rawDocumentOfSize(9 * MiB, 'p1'), rawDocumentOfSize(9 * MiB, 'p2')]);
    raw.socket.write(insertWithSequence('limits-profiled', 'items', documents, 44));
    await raw.until(() => raw.reply(44) !== undefined);
    raw.socket.destroy();
    assert.deepEqual(raw.reply(44), { n: 2, ok: 1 });
    const entry = await profiled.collection('system.profile').findOne({ op: 'insert' });
    // Compared field by field: a failure must not print 18 MiB.
    assert.equal(Object.keys(entry?.command ?? {}).join(), '$truncated');
    assert.equal(entry?.command?.$truncated, 'insert on limits-profiled.items');
    await profiled.command({ profile: 0 });
    await profiled.dropDatabase();
  });

  test('a 20 MiB $group result answers 10334 BSONObjectTooLarge and the connection keeps serving', async () => {
    const parts = client.db('limits').collection('parts');
    await parts.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, s: 'p'.repeat(MiB) })));
    await assert.rejects(
      parts.aggregate([{ $group: { _id: null, all: { $push: '$s' } } }]).toArray(),
      serverError(10334, /^BSONObj size: \d+ \(0x[0-9A-F]+\) is invalid\. Size must be between 0 and 16793600\(16MB\)/),
    );
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
    assert.equal(await parts.countDocuments(), 20);
    await parts.drop();
  });

  test('a 20 MiB document on the wire answers 10334 instead of dropping the connection', async () => {
    const raw = new RawClient(engine.port);
    raw.socket.write(insertWithSequence('limits', 'docs', rawDocumentOfSize(20 * MiB, 'huge'), 41));
    raw.socket.write(PING);
    await raw.until(() => raw.reply(PING_ID) !== undefined);
    assert.deepEqual(raw.reply(41), {
      ok: 0,
      errmsg: 'BSONObj size: 20971520 (0x1400000) is invalid. Size must be between 0 and 16793600(16MB)',
      code: 10334,
      codeName: 'BSONObjectTooLarge',
    });
    assert.equal(raw.closed, false);
    raw.socket.destroy();
    assert.equal(await coll.countDocuments({ _id: 'huge' }), 0);
  });

  test('a document nested 50,000 deep is refused before parsing (15) and the server keeps serving', async () => {
    const raw = new RawClient(engine.port);
    raw.socket.write(insertWithSequence('limits', 'docs', deeplyNested(50_000), 42));
    raw.socket.write(PING);
    await raw.until(() => raw.reply(PING_ID) !== undefined);
    assert.deepEqual(raw.reply(42), { ok: 0, errmsg: 'BSONObj exceeded maximum nested object depth: 200', code: 15, codeName: 'Overflow' });
    raw.socket.destroy();
    assert.equal(await coll.countDocuments(), 0);
  });
});

describe('connection bounds', () => {
  test('a client that announces 48 MB and trickles bytes is cut off after the incomplete-message timeout', async () => {
    const engine = await startEmbeddedMongo({ inputLimits: { incompleteMessageTimeoutMs: 200 } });
    try {
      const raw = new RawClient(engine.port);
      const announced = opMsg({ ping: 1, $db: 'admin' });
      announced.writeInt32LE(48_000_000, 0);
      raw.socket.write(announced);
      const trickle = setInterval(() => raw.socket.write(Buffer.alloc(16)), 20);
      try {
        await raw.until(() => raw.closed, 10_000);
      } finally {
        clearInterval(trickle);
      }
      assert.equal(raw.closed, true);
      // Messages that arrive whole are unaffected, however long the connection sits idle between them.
      const client = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
      await client.close();
    } finally {
      await engine.close();
    }
  });

  test('the timeout spares a message whose rest arrived while a long command held the event loop', async () => {
    const engine = await startEmbeddedMongo({ inputLimits: { incompleteMessageTimeoutMs: 100 } });
    try {
      const raw = new RawClient(engine.port);
      const find = opMsg({ find: 'none', filter: {}, $db: 'limits' }, 43);
      // A whole ping and the first half of a find in one write: once the ping is answered, the
      // server holds the half and its timer runs.
      raw.socket.write(Buffer.concat([PING, find.subarray(0, 30)]));
      await raw.until(() => raw.reply(PING_ID) !== undefined);
      raw.socket.write(find.subarray(30));
      // The rest is in the kernel; hold the event loop past the timeout, as a long command would.
      const blockedUntil = performance.now() + 300;
      while (performance.now() < blockedUntil) {
        // busy: nothing else runs
      }
      await raw.until(() => raw.reply(43) !== undefined || raw.closed);
      assert.equal(raw.closed, false);
      assert.equal(raw.reply(43)?.ok, 1);
      raw.socket.destroy();
    } finally {
      await engine.close();
    }
  });

  test('half-sent input across connections is capped: the connection that would pass the cap is closed, the budget returns', async () => {
    const engine = await startEmbeddedMongo({ inputLimits: { maxBufferedInputBytes: MiB } });
    const client = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
    try {
      const hoarders = Array.from({ length: 3 }, () => new RawClient(engine.port));
      for (const hoarder of hoarders) {
        const start = Buffer.alloc(400 * 1024);
        start.writeInt32LE(48_000_000, 0);
        hoarder.socket.write(start);
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no connection was closed within 10 s')), 10_000);
        for (const hoarder of hoarders) {
          hoarder.socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        }
      });
      assert.ok(hoarders.filter((h) => h.closed).length >= 1);
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
      // Closing the hoarders gives their bytes back: a 900 KB insert fits again.
      for (const hoarder of hoarders) hoarder.socket.destroy();
      await Promise.all(hoarders.map((h) => h.until(() => h.closed)));
      await client.db('limits').collection<Stored>('after').insertOne(documentOfSize(900 * 1024));
      assert.equal(await client.db('limits').collection<Stored>('after').countDocuments(), 1);
    } finally {
      await client.close();
      await engine.close();
    }
  });

  test('a client that pipelines requests and never reads stops being read; once it reads, every answer arrives', async () => {
    const engine = await startEmbeddedMongo();
    const client = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
    const REQUESTS = 60;
    try {
      const big = client.db('bp').collection<{ _id: number; n: number; s: string }>('big');
      await big.insertOne({ _id: 1, n: 0, s: 'b'.repeat(MiB) });
      const raw = new RawClient(engine.port);
      await new Promise<void>((resolve) => raw.socket.once('connect', () => resolve()));
      raw.socket.pause();
      // Each request bumps a counter and answers with the whole 1 MiB document.
      for (let i = 0; i < REQUESTS; i += 1) {
        raw.socket.write(opMsg({ findAndModify: 'big', query: { _id: 1 }, update: { $inc: { n: 1 } }, new: true, $db: 'bp' }, 1000 + i));
      }
      // Without backpressure the server runs all 60 (and queues 60 MiB of replies) well within
      // this bound; with it, it stops once the socket buffers are full (4 of 200 here, measured).
      let processed = 0;
      const deadline = performance.now() + 2_000;
      while (performance.now() < deadline && processed < REQUESTS) {
        processed = (await big.findOne({ _id: 1 }, { projection: { n: 1 } }))?.n ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(processed < REQUESTS / 2, `${processed} of ${REQUESTS} requests ran while the client read nothing`);
      raw.socket.resume();
      await raw.until(() => raw.replies.length === REQUESTS, 60_000);
      assert.deepEqual(raw.replies.map((r) => r.body.value?.n), Array.from({ length: REQUESTS }, (_, i) => i + 1));
      raw.socket.destroy();
    } finally {
      await client.close();
      await engine.close();
    }
  });
});
