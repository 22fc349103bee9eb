// A bounded, seeded wire fuzz (bench/wire-fuzz.ts): mutated, truncated, stretched and oversized
// messages, invalid BSON, nesting bombs and legacy opcodes, each followed by a ping on the same
// socket. Every case must end in an answer or a closed connection (never a hang), and a canary
// client on its own connection must keep getting exact answers throughout. The long run is
// `npm run fuzz`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/engine/index.js';
import { runFuzz } from '../../bench/wire-fuzz.js';

const SEED = 20261130;
const MESSAGES = 1_500;
const INCOMPLETE_MESSAGE_TIMEOUT_MS = 300;

let engine: EmbeddedMongo;
let canaryClient: MongoClient;

before(async () => {
  engine = await startEmbeddedMongo({ inputLimits: { incompleteMessageTimeoutMs: INCOMPLETE_MESSAGE_TIMEOUT_MS } });
  canaryClient = await MongoClient.connect(engine.uri, { serverSelectionTimeoutMS: 5000 });
});

after(async () => {
  await canaryClient?.close();
  await engine?.close();
});

test(`${MESSAGES.toLocaleString('en')} fuzzed messages: no hang, and the canary client always gets exact answers`, { timeout: 60_000 }, async (t) => {
  const canary = canaryClient.db('canary').collection<{ _id: number; v: number }>('c');
  let round = 0;
  let canaryFailures = 0;
  const check = async (): Promise<boolean> => {
    round += 1;
    try {
      await canary.insertOne({ _id: round, v: round * 2 });
      const found = await canary.findOne({ _id: round });
      const count = await canary.countDocuments();
      return found?.v === round * 2 && count === round;
    } catch {
      return false;
    }
  };
  const totals = await runFuzz({
    port: engine.port,
    seed: SEED,
    messages: MESSAGES,
    concurrency: 8,
    boundMs: 10 * INCOMPLETE_MESSAGE_TIMEOUT_MS,
    canary: check,
    canaryEvery: 50,
    onCanaryFailure: () => {
      canaryFailures += 1;
    },
  });
  t.diagnostic(`answered ${totals.answered}, closed ${totals.closed}, hangs ${totals.hangs}, canary failures ${canaryFailures} in ${round} checks; cases ${JSON.stringify(totals.byKind)}`);
  assert.equal(totals.messages, MESSAGES);
  assert.deepEqual({ hangs: totals.hangs, hangKinds: totals.hangKinds }, { hangs: 0, hangKinds: {} });
  assert.equal(canaryFailures, 0, 'the canary client got a wrong answer or an error');
  // Both outcomes occur: the fuzz reached the command handlers, not only the framing checks.
  assert.ok(totals.answered > MESSAGES / 10, `only ${totals.answered} answered`);
  assert.ok(totals.closed > MESSAGES / 10, `only ${totals.closed} closed`);
  assert.equal(await check(), true);
  assert.deepEqual(await canaryClient.db('admin').command({ ping: 1 }), { ok: 1 });
});
