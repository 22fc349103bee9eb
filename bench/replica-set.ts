// Replica-set mode of the embedded engine: how long a 3-member set takes to start and be
// discovered, what w: "majority" costs over w: 1 (the secondaries apply the oplog in the same
// process, so this is the engine's own overhead, not network replication), and a transaction of
// ten writes committed with withTransaction. Medians of repeated runs; printed, never asserted.
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/engine/index.js';

const INSERTS = 500;
const TRANSACTIONS = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

export async function runReplicaSetBench(): Promise<void> {
  let started = performance.now();
  const engine = await startEmbeddedMongo({ replicaSet: { members: 3 } });
  const client = await MongoClient.connect(engine.uri);
  await client.db('admin').command({ ping: 1 });
  const startMs = performance.now() - started;
  const rows: [string, string][] = [['start a 3-member set + discover it + first ping', ms(startMs)]];
  try {
    const coll = client.db('bench').collection('rs');
    // Interleaved, one of each in turn, so warm-up and load drift hit both alike.
    const byConcern: Record<'1' | 'majority', number[]> = { 1: [], majority: [] };
    for (let i = 0; i < INSERTS * 2; i += 1) {
      const w = i % 2 === 0 ? 1 : 'majority';
      started = performance.now();
      await coll.insertOne({ i, w: String(w) }, { writeConcern: { w } });
      byConcern[String(w) as '1' | 'majority'].push(performance.now() - started);
    }
    const one = median(byConcern[1]);
    const majority = median(byConcern.majority);
    rows.push([`insertOne, w: 1 (median of ${INSERTS})`, ms(one)]);
    rows.push([`insertOne, w: "majority" (median of ${INSERTS})`, `${ms(majority)} (${(majority / one).toFixed(2)}x)`]);

    const accounts = client.db('bench').collection<{ _id: number; balance: number }>('accounts');
    await accounts.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, balance: 100 })));
    const session = client.startSession();
    const times: number[] = [];
    try {
      for (let run = 0; run < TRANSACTIONS; run += 1) {
        started = performance.now();
        await session.withTransaction(async () => {
          for (let i = 0; i < 10; i += 1) await accounts.updateOne({ _id: i }, { $inc: { balance: 1 } }, { session });
        });
        times.push(performance.now() - started);
      }
    } finally {
      await session.endSession();
    }
    rows.push([`withTransaction of 10 updates (median of ${TRANSACTIONS})`, ms(median(times))]);
  } finally {
    await client.close();
    await engine.close();
  }
  console.log('Embedded engine, replica-set mode (3 members, real driver over TCP)');
  for (const [work, figure] of rows) console.log(`  ${work.padEnd(52)} ${figure}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runReplicaSetBench();
}
