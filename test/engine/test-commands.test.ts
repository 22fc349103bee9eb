// Test hooks are opt-in, as in mongod: `configureFailPoint` exists only with enableTestCommands
// (`startEmbeddedMongo({ enableTestCommands: true })`, `backend-scenarios engine
// --enable-test-commands`); otherwise it is an unknown command (59), so no client can make another
// client's commands fail. And the legacy opcodes answer as mongod 5.1+ does: OP_QUERY carries only
// the handshake.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { deserialize } from 'bson';
import { execa } from 'execa';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';
import { opMsg, opQuery, PING } from '../../bench/wire-fuzz.js';

const FAIL_FIND = { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], errorCode: 2 } };

interface RawReply {
  opCode: number;
  responseTo: number;
  responseFlags?: number;
  body: Document;
}
type Document = Record<string, unknown>;

/** Sends each message on one socket and collects one reply per expected answer, in order. */
function exchange(port: number, messages: Buffer[], expectedReplies: number): Promise<{ replies: RawReply[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const replies: RawReply[] = [];
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${replies.length} of ${expectedReplies} replies within 10 s`));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 16 && buffered.length >= buffered.readInt32LE(0)) {
        const message = buffered.subarray(0, buffered.readInt32LE(0));
        buffered = buffered.subarray(message.length);
        const opCode = message.readInt32LE(12);
        const responseTo = message.readInt32LE(8);
        replies.push(opCode === 1
          ? { opCode, responseTo, responseFlags: message.readInt32LE(16), body: deserialize(message.subarray(36)) }
          : { opCode, responseTo, body: deserialize(message.subarray(21)) });
      }
      if (replies.length === expectedReplies) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ replies, closed: false });
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ replies, closed: true });
    });
    socket.on('error', reject);
    socket.write(Buffer.concat(messages));
  });
}

describe('fail points need enableTestCommands', () => {
  let plain: EmbeddedMongo;
  let testing: EmbeddedMongo;
  let plainClient: MongoClient;
  let testingClient: MongoClient;

  before(async () => {
    plain = await startEmbeddedMongo();
    testing = await startEmbeddedMongo({ enableTestCommands: true });
    plainClient = await MongoClient.connect(plain.uri, { serverSelectionTimeoutMS: 5000 });
    testingClient = await MongoClient.connect(testing.uri, { serverSelectionTimeoutMS: 5000 });
  });

  after(async () => {
    await plainClient?.close();
    await testingClient?.close();
    await plain?.close();
    await testing?.close();
  });

  test('by default configureFailPoint is an unknown command (59) and sets nothing', async () => {
    await assert.rejects(plainClient.db('admin').command(FAIL_FIND), (error: unknown) => {
      assert.ok(error instanceof MongoServerError);
      assert.equal(error.code, 59);
      assert.equal(error.codeName, 'CommandNotFound');
      assert.equal(error.message, "no such command: 'configureFailPoint'");
      return true;
    });
    assert.deepEqual(await plainClient.db('t').collection('c').find().toArray(), []);
  });

  test('with enableTestCommands the fail point fails the next find, then lifts', async () => {
    assert.deepEqual(await testingClient.db('admin').command(FAIL_FIND), { count: 0, ok: 1 });
    await assert.rejects(testingClient.db('t').collection('c').find().toArray(), (error: unknown) => error instanceof MongoServerError && error.code === 2);
    assert.deepEqual(await testingClient.db('t').collection('c').find().toArray(), []);
  });

  test('`backend-scenarios engine --enable-test-commands` (built CLI) accepts fail points; without the flag, 59', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    for (const [flags, expectAccepted] of [[['--enable-test-commands'], true], [[], false]] as const) {
      const child = execa(process.execPath, [`${root}bin/backend-scenarios.js`, 'engine', ...flags], {
        cwd: root,
        reject: false,
        timeout: 30_000,
        env: { NO_COLOR: '1' },
      });
      try {
        const uri = await new Promise<string>((resolve, reject) => {
          let seen = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            const match = /listening on (mongodb:\/\/\S+)/.exec(seen);
            if (match) resolve(match[1] as string);
          });
          child.once('exit', () => reject(new Error(`engine exited before listening:\n${seen}`)));
        });
        const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
        try {
          const outcome = await client.db('admin').command(FAIL_FIND).then(() => 'accepted', (error: MongoServerError) => error.code);
          assert.equal(outcome, expectAccepted ? 'accepted' : 59, `flags: ${flags.join(' ') || '(none)'}`);
        } finally {
          await client.close();
        }
      } finally {
        child.kill('SIGTERM');
        await child;
      }
    }
  });
});

describe('legacy opcodes answer as mongod 5.1+', () => {
  let engine: EmbeddedMongo;

  before(async () => {
    engine = await startEmbeddedMongo();
  });

  after(async () => {
    await engine?.close();
  });

  const pingId = PING.readInt32LE(4);
  const upgrade = 'The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal';

  test('OP_QUERY still carries the handshake (hello, isMaster, ismaster)', async () => {
    const { replies } = await exchange(engine.port, [opQuery('admin.$cmd', { isMaster: 1 }, 7), opQuery('admin.$cmd', { hello: 1 }, 8)], 2);
    assert.deepEqual(replies.map((r) => [r.opCode, r.responseTo, r.body.ok, r.body.maxWireVersion]), [[1, 7, 1, 21], [1, 8, 1, 21]]);
    assert.equal(replies[0]?.body.ismaster, true);
  });

  test('any other OP_QUERY command is refused with 352, and the connection stays open', async () => {
    const { replies, closed } = await exchange(engine.port, [opQuery('test.$cmd', { find: 'c', filter: {} }, 9), PING], 2);
    assert.equal(closed, false);
    assert.deepEqual(replies[0], {
      opCode: 1,
      responseTo: 9,
      responseFlags: 0,
      body: { ok: 0, errmsg: `Unsupported OP_QUERY command: find. ${upgrade}`, code: 352, codeName: 'UnsupportedOpQueryCommand' },
    });
    assert.deepEqual([replies[1]?.responseTo, replies[1]?.body], [pingId, { ok: 1 }]);
  });

  test('an OP_QUERY on a collection and an OP_GET_MORE answer 5739101 with the QueryFailure flag', async () => {
    const getMore = Buffer.alloc(16 + 4 + 7 + 4 + 8);
    getMore.writeInt32LE(getMore.length, 0);
    getMore.writeInt32LE(11, 4);
    getMore.writeInt32LE(2005, 12);
    getMore.write('test.c\0', 20, 'latin1');
    const { replies } = await exchange(engine.port, [opQuery('test.c', { a: 1 }, 10), getMore, PING], 3);
    assert.deepEqual(replies.slice(0, 2), [
      { opCode: 1, responseTo: 10, responseFlags: 2, body: { $err: `OP_QUERY is no longer supported. ${upgrade}`, code: 5739101, ok: 0 } },
      { opCode: 1, responseTo: 11, responseFlags: 2, body: { $err: `OP_GET_MORE is no longer supported. ${upgrade}`, code: 5739101, ok: 0 } },
    ]);
    assert.equal(replies[2]?.responseTo, pingId);
  });

  test('OP_INSERT is dropped without a reply and runs nothing', async () => {
    const doc = Buffer.from(opMsg({ x: 1 }).subarray(21));
    const insert = Buffer.concat([Buffer.alloc(16 + 4), Buffer.from('test.legacy\0'), doc]);
    insert.writeInt32LE(insert.length, 0);
    insert.writeInt32LE(12, 4);
    insert.writeInt32LE(2002, 12);
    const count = opMsg({ count: 'legacy', $db: 'test' }, 13);
    const { replies } = await exchange(engine.port, [insert, count], 1);
    assert.deepEqual([replies[0]?.responseTo, replies[0]?.body], [13, { n: 0, ok: 1 }]);
  });
});
