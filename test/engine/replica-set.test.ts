// The embedded engine as a 3-member replica set, through the real driver and mongoose: discovery,
// a stale secondary read made certain by pausing replication and cured by a causally consistent
// session, write concern, transactions (commit, abort, a write conflict retried by withTransaction,
// snapshot isolation), a retryable write whose reply was lost, change streams and step-down.
// No verdict waits on a clock: staleness comes from a paused member, conflicts from a write made
// between two statements, a lost reply from mongod's own fail point.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';

describe('embedded replica set through the driver', () => {
  let engine: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  const started: CommandStartedEvent[] = [];

  before(async () => {
    engine = await startEmbeddedMongo({ replicaSet: { members: 3 }, enableTestCommands: true });
    client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
    client.on('commandStarted', (event) => started.push(event));
    await client.connect();
    db = client.db('replset_tests');
  });

  after(async () => {
    await client?.close();
    await engine?.close();
  });

  test('the driver discovers one primary and two secondaries, as rs.status() shows them', async () => {
    const hello = await db.admin().command({ hello: 1 });
    assert.equal(hello['setName'], 'rs0');
    assert.equal(hello['isWritablePrimary'], true);
    assert.equal((hello['hosts'] as string[]).length, 3);
    assert.equal(hello['primary'], hello['me']);
    const status = await db.admin().command({ replSetGetStatus: 1 });
    assert.deepEqual((status['members'] as { stateStr: string }[]).map((member) => member.stateStr), ['PRIMARY', 'SECONDARY', 'SECONDARY']);
    const topology = (client as unknown as { topology?: { description?: { type?: string } } }).topology;
    assert.equal(topology?.description?.type, 'ReplicaSetWithPrimary');
  });

  test('a paused secondary serves the old value; a causally consistent read waits until it has applied the write', async () => {
    const stock = db.collection<{ _id: string; stock: number }>('stock');
    await stock.insertOne({ _id: 'sku-1', stock: 5 });
    engine.replicaSet!.pauseReplication();
    try {
      await stock.updateOne({ _id: 'sku-1' }, { $set: { stock: 4 } }, { writeConcern: { w: 1 } });
      const stale = await stock.findOne({ _id: 'sku-1' }, { readPreference: 'secondary' });
      assert.equal(stale?.stock, 5, 'the secondary has not applied the update');

      const session = client.startSession({ causalConsistency: true });
      try {
        await stock.updateOne({ _id: 'sku-1' }, { $set: { stock: 3 } }, { session, writeConcern: { w: 1 } });
        const operationTime = session.operationTime;
        assert.ok(operationTime, 'the write reply carried operationTime');
        let settled = false;
        const causal = stock.findOne({ _id: 'sku-1' }, { session, readPreference: 'secondary' }).finally(() => { settled = true; });
        const readCommand = started.findLast((event) => event.commandName === 'find');
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(settled, false, 'the read is held while the secondary is behind');
        engine.replicaSet!.resumeReplication();
        assert.equal((await causal)?.stock, 3, 'after catching up the secondary answers with the session\'s own write');
        assert.ok(readCommand, 'the find was sent');
      } finally {
        await session.endSession();
      }
      const afterClusterTime = (started.findLast((event) => event.commandName === 'find')?.command['readConcern'] as { afterClusterTime?: unknown } | undefined)?.afterClusterTime;
      assert.ok(afterClusterTime, 'the driver sent readConcern.afterClusterTime');
    } finally {
      engine.replicaSet!.resumeReplication();
    }
  });

  test('w: "majority" waits for a majority; with secondaries paused it times out with writeConcernError 64', async () => {
    const coll = db.collection('concern');
    engine.replicaSet!.pauseReplication();
    try {
      const ack = await coll.insertOne({ n: 1 }, { writeConcern: { w: 1 } });
      assert.equal(ack.acknowledged, true);
      await assert.rejects(coll.insertOne({ n: 2 }, { writeConcern: { w: 'majority', wtimeoutMS: 150 } }), (error: { code?: number; errInfo?: { wtimeout?: boolean } }) => {
        assert.equal(error.code, 64);
        assert.equal(error.errInfo?.wtimeout, true);
        return true;
      });
      assert.equal(await coll.countDocuments(), 2, 'a timed-out write concern does not undo the write');
    } finally {
      engine.replicaSet!.resumeReplication();
    }
    await coll.insertOne({ n: 3 }, { writeConcern: { w: 3 } });
    assert.equal(await coll.countDocuments({}, { readPreference: 'secondary' }), 3, 'w: 3 returned once every member had it');
  });

  test('withTransaction commits all-or-nothing; a callback that throws writes nothing', async () => {
    const accounts = db.collection<{ _id: string; balance: number }>('accounts');
    await accounts.insertMany([{ _id: 'a', balance: 100 }, { _id: 'b', balance: 0 }]);
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -30 } }, { session });
        assert.equal((await accounts.findOne({ _id: 'a' }))?.balance, 100, 'outside the transaction nothing changed yet');
        assert.equal((await accounts.findOne({ _id: 'a' }, { session }))?.balance, 70, 'inside, the transaction reads its own write');
        await accounts.updateOne({ _id: 'b' }, { $inc: { balance: 30 } }, { session });
      });
      assert.deepEqual(await accounts.find().sort({ _id: 1 }).toArray(), [{ _id: 'a', balance: 70 }, { _id: 'b', balance: 30 }]);
      await assert.rejects(session.withTransaction(async () => {
        await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -70 } }, { session });
        throw new Error('crash between the debit and the credit');
      }), /crash between/);
      assert.equal((await accounts.findOne({ _id: 'a' }))?.balance, 70, 'the debit was rolled back');
    } finally {
      await session.endSession();
    }
  });

  test('a write conflict answers 112 TransientTransactionError and withTransaction retries the callback', async () => {
    const counters = db.collection<{ _id: string; n: number }>('counters');
    await counters.insertOne({ _id: 'c', n: 0 });
    const session = client.startSession();
    let attempts = 0;
    try {
      await session.withTransaction(async () => {
        attempts += 1;
        await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { session });
        // Someone else writes the same document before the transaction commits (first attempt only).
        if (attempts === 1) await counters.updateOne({ _id: 'c' }, { $inc: { n: 100 } });
      });
    } finally {
      await session.endSession();
    }
    assert.equal(attempts, 2, 'the first attempt lost the conflict and was retried');
    assert.equal((await counters.findOne({ _id: 'c' }))?.n, 101, 'both increments landed, once each');

    const first = client.startSession();
    const second = client.startSession();
    try {
      first.startTransaction();
      await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { session: first });
      second.startTransaction();
      await assert.rejects(counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { session: second }), (error: { code?: number; errorLabels?: string[] }) => {
        assert.equal(error.code, 112);
        assert.ok(error.errorLabels?.includes('TransientTransactionError'));
        return true;
      });
      await second.abortTransaction().catch(() => undefined);
      await first.commitTransaction();
    } finally {
      await first.endSession();
      await second.endSession();
    }
    assert.equal((await counters.findOne({ _id: 'c' }))?.n, 102);
  });

  test('a unique key taken by another transaction, or committed after the snapshot, is a write conflict at the insert', async () => {
    const keys = db.collection<{ key: string }>('idempotency_keys');
    await keys.createIndex({ key: 1 }, { unique: true });
    const isTransientConflict = (error: { code?: number; errorLabels?: string[] }): boolean => {
      assert.equal(error.code, 112);
      assert.ok(error.errorLabels?.includes('TransientTransactionError'));
      return true;
    };
    const a = client.startSession();
    const b = client.startSession();
    try {
      // Held by an open transaction: the second insert of the key conflicts at once.
      a.startTransaction();
      b.startTransaction();
      await keys.findOne({}, { session: b });
      await keys.insertOne({ key: 'open' }, { session: a });
      await assert.rejects(keys.insertOne({ key: 'open' }, { session: b }), isTransientConflict);
      await b.abortTransaction().catch(() => undefined);
      await a.commitTransaction();
      // Committed after B's snapshot: B cannot take it either (never a DuplicateKey at commit).
      b.startTransaction();
      await keys.findOne({}, { session: b });
      a.startTransaction();
      await keys.insertOne({ key: 'committed' }, { session: a });
      await a.commitTransaction();
      await assert.rejects(keys.insertOne({ key: 'committed' }, { session: b }), isTransientConflict);
      await b.abortTransaction().catch(() => undefined);
    } finally {
      await a.endSession();
      await b.endSession();
    }
    assert.equal(await keys.countDocuments(), 2);
  });

  test('a transaction reads a snapshot: a write committed after it started stays invisible to it', async () => {
    const items = db.collection<{ _id: number; v: string }>('snapshot_items');
    await items.insertOne({ _id: 1, v: 'before' });
    const session = client.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' } });
      assert.equal((await items.findOne({ _id: 1 }, { session }))?.v, 'before');
      await items.updateOne({ _id: 1 }, { $set: { v: 'after' } });
      await items.insertOne({ _id: 2, v: 'new' });
      assert.equal(await items.countDocuments({}, { session }), 1, 'the insert made outside is not in the snapshot');
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
  });

  test('a retryable insert whose reply was lost is applied once (onPrimaryTransactionalWrite closes the connection)', async () => {
    const orders = db.collection<{ _id: string; total: number }>('orders');
    await db.admin().command({ configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 1 }, data: { closeConnection: true } });
    const before = started.filter((event) => event.commandName === 'insert' && event.command['insert'] === 'orders').length;
    await orders.insertOne({ _id: 'order-1', total: 42 });
    const sent = started.filter((event) => event.commandName === 'insert' && event.command['insert'] === 'orders').slice(before);
    assert.equal(sent.length, 2, 'the driver sent the insert again after the connection closed');
    assert.equal(String(sent[0]!.command['txnNumber']), String(sent[1]!.command['txnNumber']), 'with the same txnNumber');
    assert.equal(await orders.countDocuments({ _id: 'order-1' }), 1, 'and the server applied it once');
  });

  test('a change stream sees insert, update and delete, and resumes after a token', async () => {
    const feed = db.collection<{ _id: number; state: string }>('feed');
    const stream = feed.watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 50 });
    // Opens the stream's cursor (the events below come after this point) and finds nothing yet.
    assert.equal(await stream.tryNext(), null);
    const events: { operationType: string; _id: unknown }[] = [];
    const collecting = (async () => {
      for await (const change of stream) {
        events.push(change as unknown as { operationType: string; _id: unknown });
        if (events.length === 3) break;
      }
    })();
    await feed.insertOne({ _id: 1, state: 'new' });
    await feed.updateOne({ _id: 1 }, { $set: { state: 'paid' } });
    await feed.deleteOne({ _id: 1 });
    await collecting;
    await stream.close();
    assert.deepEqual(events.map((event) => event.operationType), ['insert', 'update', 'delete']);
    const update = events[1] as unknown as { updateDescription: { updatedFields: Record<string, unknown> }; fullDocument: unknown };
    assert.deepEqual(update.updateDescription.updatedFields, { state: 'paid' });

    await feed.insertOne({ _id: 2, state: 'later' });
    const resumed = feed.watch([], { resumeAfter: events[0]!._id as never, maxAwaitTimeMS: 50 });
    const next = await resumed.next();
    await resumed.close();
    assert.equal(next.operationType, 'update', 'resuming after the insert starts at the update');
  });

  test('replSetStepDown hands the primary role to another member; writes follow it', async () => {
    const before = engine.replicaSet!.primary();
    await db.admin().command({ replSetStepDown: 60 }).catch(() => undefined);
    assert.notEqual(engine.replicaSet!.primary(), before);
    await db.collection('after_stepdown').insertOne({ ok: true });
    const hello = await db.admin().command({ hello: 1 });
    assert.equal(hello['primary'], engine.replicaSet!.hosts[engine.replicaSet!.primary()]);
    assert.equal(await db.collection('after_stepdown').countDocuments(), 1);
  });
});

describe('embedded replica set through mongoose', () => {
  let engine: EmbeddedMongo;
  let conn: mongoose.Connection;

  before(async () => {
    engine = await startEmbeddedMongo({ replicaSet: { members: 3 } });
    conn = await mongoose.createConnection(engine.uri, { dbName: 'replset_mongoose', serverSelectionTimeoutMS: 5000 }).asPromise();
  });

  after(async () => {
    await conn?.close();
    await engine?.close();
  });

  test('connection.transaction() commits, and rolls back on a throw', async () => {
    const Account = conn.model('Account', new mongoose.Schema({ _id: String, balance: Number }));
    await Account.create([{ _id: 'x', balance: 10 }, { _id: 'y', balance: 0 }]);
    await conn.transaction(async (session) => {
      await Account.updateOne({ _id: 'x' }, { $inc: { balance: -5 } }, { session });
      await Account.updateOne({ _id: 'y' }, { $inc: { balance: 5 } }, { session });
    });
    await assert.rejects(conn.transaction(async (session) => {
      await Account.updateOne({ _id: 'x' }, { $inc: { balance: -5 } }, { session });
      throw new Error('abort');
    }), /abort/);
    const balances = (await Account.find().sort({ _id: 1 }).lean()).map((account) => account.balance);
    assert.deepEqual(balances, [5, 5]);
  });

  test('Model.watch() reports an insert', async () => {
    const Order = conn.model('Order', new mongoose.Schema({ item: String }));
    await Order.init();
    // Starting from a cluster time taken before the insert makes the event certain to be seen,
    // however long mongoose takes to open the stream in the background.
    const { operationTime } = await conn.db!.admin().command({ ping: 1 });
    await Order.create({ item: 'book' });
    const stream = Order.watch([], { startAtOperationTime: operationTime, maxAwaitTimeMS: 50 });
    const change = await stream.next() as { operationType: string; fullDocument?: { item?: string } };
    await stream.close();
    assert.equal(change.operationType, 'insert');
    assert.equal(change.fullDocument?.item, 'book');
  });
});
