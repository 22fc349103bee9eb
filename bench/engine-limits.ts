// The engine under hostile load (issue 9, items 2 and 3): how long a second connection's ping
// waits while a 1M-document unindexed query runs, and what 5,000 abandoned cursors cost.
// Targets: ping answered within 200 ms during the long query; 5,000 idle cursors over a
// 100,000-document collection hold a few MB, not a copy of the results each. Printed, never asserted.
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/engine/index.js';

const LONG_QUERY_DOCS = Number(process.env['BENCH_LONG_QUERY_DOCS'] ?? 1_000_000);
const CURSOR_DOCS = 100_000;
const IDLE_CURSORS = 5_000;

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function insertCounting(client: MongoClient, name: string, count: number): Promise<void> {
  const coll = client.db('bench').collection(name);
  for (let i = 0; i < count; i += 20_000) {
    const batch = Array.from({ length: Math.min(20_000, count - i) }, (_, j) => ({ k: i + j, s: `user${i + j}@example.com`, g: (i + j) % 100 }));
    await coll.insertMany(batch, { ordered: false });
  }
}

async function pingDuringLongQuery(): Promise<void> {
  const engine = await startEmbeddedMongo();
  const reader = await MongoClient.connect(engine.uri);
  const pinger = await MongoClient.connect(engine.uri);
  try {
    await insertCounting(reader, 'long', LONG_QUERY_DOCS);
    const admin = pinger.db('admin');
    await admin.command({ ping: 1 });
    const started = performance.now();
    let finished = false;
    // Matches nothing, so every document is examined: the worst case of an unindexed query.
    const query = reader
      .db('bench')
      .collection('long')
      .find({ s: { $regex: 'nobody$' }, g: { $gte: 0 } })
      .toArray()
      .then((docs) => {
        finished = true;
        return docs.length;
      });
    const latencies: number[] = [];
    while (!finished) {
      const sent = performance.now();
      await admin.command({ ping: 1 });
      if (!finished) latencies.push(performance.now() - sent);
    }
    await query;
    const queryMs = performance.now() - started;
    const worst = latencies.length > 0 ? Math.max(...latencies) : Number.NaN;
    console.log(`ping on a second connection during an unindexed query over ${LONG_QUERY_DOCS.toLocaleString('en')} documents`);
    console.log(`  query                    ${queryMs.toFixed(0).padStart(6)} ms`);
    console.log(`  pings answered meanwhile ${String(latencies.length).padStart(6)}`);
    console.log(`  ping p50 / p99 / max     ${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} / ${worst.toFixed(1)} ms   (target: max within 200 ms) ${worst <= 200 ? 'met' : 'MISSED'}`);
  } finally {
    await reader.close();
    await pinger.close();
    await engine.close();
  }
}

async function idleCursorMemory(): Promise<void> {
  const engine = await startEmbeddedMongo();
  const client = await MongoClient.connect(engine.uri, { maxPoolSize: 20 });
  try {
    await insertCounting(client, 'cursors', CURSOR_DOCS);
    const coll = client.db('bench').collection('cursors');
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const cursors = [];
    for (let i = 0; i < IDLE_CURSORS; i += 100) {
      const wave = Array.from({ length: 100 }, () => coll.find({}, { batchSize: 2 }));
      await Promise.all(wave.map((cursor) => cursor.next()));
      cursors.push(...wave);
    }
    const openMs = performance.now() - started;
    const status = await client.db('admin').command({ serverStatus: 1 });
    const heapAfter = process.memoryUsage().heapUsed;
    const rssAfter = process.memoryUsage().rss;
    const held = Number(status.embeddedEngine?.cursorRetainedBytes ?? Number.NaN);
    console.log('');
    console.log(`${IDLE_CURSORS.toLocaleString('en')} idle cursors over ${CURSOR_DOCS.toLocaleString('en')} documents (engine and driver in one process)`);
    console.log(`  opened in                ${openMs.toFixed(0).padStart(6)} ms   (open: ${String(status.metrics.cursor.open.total)})`);
    console.log(`  engine's cursor estimate ${mib(held).padStart(9)}   (bound ${mib(Number(status.embeddedEngine?.cursorMemoryLimitBytes))})`);
    console.log(`  heap / RSS growth        ${mib(heapAfter - heapBefore)} / ${mib(rssAfter - rssBefore)}   (before the fix: ~780 KiB per cursor, ~3.8 GiB, V8 out of memory)`);
    await Promise.all(cursors.map((cursor) => cursor.close()));
  } finally {
    await client.close();
    await engine.close();
  }
}

export async function runEngineLimitsBench(): Promise<void> {
  await pingDuringLongQuery();
  await idleCursorMemory();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runEngineLimitsBench();
}
