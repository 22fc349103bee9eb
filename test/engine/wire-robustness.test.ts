// Malformed input closes that one connection and never the server; close() releases clients.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

function header(length: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(1, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(body: Buffer, kind = 0): Buffer {
  const flags = Buffer.alloc(5);
  flags.writeUInt8(kind, 4);
  return Buffer.concat([header(16 + 5 + body.length, 2013), flags, body]);
}

/** Sends bytes on a fresh socket; resolves with what came back once the server closes it. */
function sendAndAwaitClose(port: number, bytes: Buffer, endAfterWrite = false): Promise<{ closedByServer: boolean; received: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: false, received });
    }, 3000);
    socket.on('data', (chunk) => {
      received += chunk.length;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByServer: true, received });
    });
    socket.write(bytes, () => {
      if (endAfterWrite) socket.end();
    });
  });
}

const validBody = Buffer.from(serialize({ ping: 1, $db: 'admin' }));
const invalidBson = Buffer.from(validBody);
invalidBson.writeUInt8(0x7f, 4); // an unknown element type

const MALFORMED: Array<[string, Buffer]> = [
  ['a length below the header size', Buffer.concat([header(8, 2013), Buffer.alloc(8)])],
  ['a length over the 48 MB message limit', header(64 * 1024 * 1024, 2013)],
  ['an unknown opcode', Buffer.concat([header(16 + 8, 9999), Buffer.alloc(8)])],
  ['an invalid BSON body', opMsg(invalidBson)],
  ['an unknown section kind', opMsg(validBody, 7)],
  ['a BSON length pointing past the message', opMsg(Buffer.concat([Buffer.from([0xff, 0, 0, 0]), validBody.subarray(4)]))],
];

describe('wire protocol robustness', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;

  before(async () => {
    engine = await startEmbeddedMongo();
    client = await MongoClient.connect(engine.uri);
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  for (const [label, bytes] of MALFORMED) {
    test(`${label} closes that connection only`, async () => {
      const outcome = await sendAndAwaitClose(engine.port, bytes);
      assert.equal(outcome.closedByServer, true);
      assert.equal(outcome.received, 0);
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
    });
  }

  test('a truncated message followed by a hang-up leaves the server serving', async () => {
    const full = opMsg(validBody);
    const outcome = await sendAndAwaitClose(engine.port, full.subarray(0, full.length - 3), true);
    assert.equal(outcome.closedByServer, true);
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
  });

  test('a well-formed raw OP_MSG gets an answer', async () => {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(engine.port, '127.0.0.1', () => socket.write(opMsg(validBody)));
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk);
      });
      socket.on('error', reject);
    });
    assert.equal(answer.readInt32LE(12), 2013);
    assert.equal(answer.readInt32LE(0), answer.length);
  });

  test('the engine refuses to listen beyond loopback (it has no authentication)', async () => {
    await assert.rejects(startEmbeddedMongo({ host: '0.0.0.0' }), /loopback/);
  });

  test('close() destroys client sockets so a connected client does not hang', async () => {
    const other = await startEmbeddedMongo();
    const raw = connect(other.port, '127.0.0.1');
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    await other.close();
    await closed;
    assert.equal(raw.destroyed, true);
  });
});
