// Embedded engine benchmark: each figure beside the same work done in process with mingo on the
// same data, so the ratio shows what the wire protocol and the engine cost (or save: mingo has no
// indexes, so an equality lookup scans its whole array).
import { performance } from 'node:perf_hooks';
import { Query } from 'mingo';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/engine/index.js';
import { runEngineLimitsBench } from './engine-limits.js';
import { measureConcurrentConnections } from './engine-connections.js';

const DOCS = 100_000;
const LOOKUPS = 2_000;
const MINGO_LOOKUPS = 200;

interface Row {
  work: string;
  engine: string;
  mingo: string;
  ratio: string;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function makeDocs(): Array<{ k: number; name: string; group: number; active: boolean }> {
  return Array.from({ length: DOCS }, (_, i) => ({ k: i, name: `user${i}`, group: i % 100, active: i % 2 === 0 }));
}

export async function runEngineBench(): Promise<void> {
  const rows: Row[] = [];

  let started = performance.now();
  const engine = await startEmbeddedMongo();
  const client = await MongoClient.connect(engine.uri);
  await client.db('admin').command({ ping: 1 });
  const startMs = performance.now() - started;
  rows.push({ work: 'start engine + first ping', engine: ms(startMs), mingo: 'n/a', ratio: '' });

  try {
    const coll = client.db('bench').collection('docs');
    const docs = makeDocs();
    started = performance.now();
    for (let i = 0; i < DOCS; i += 10_000) await coll.insertMany(docs.slice(i, i + 10_000).map((d) => ({ ...d })));
    const insertMs = performance.now() - started;
    started = performance.now();
    const inMemory: Array<Record<string, unknown>> = [];
    for (const d of docs) inMemory.push({ ...d });
    const mingoInsertMs = performance.now() - started;
    rows.push({
      work: `insert ${DOCS.toLocaleString('en')} small documents`,
      engine: ms(insertMs),
      mingo: ms(mingoInsertMs),
      ratio: `${(insertMs / Math.max(mingoInsertMs, 0.001)).toFixed(0)}x`,
    });

    await coll.createIndex({ k: 1 });
    started = performance.now();
    for (let i = 0; i < LOOKUPS; i += 1) await coll.findOne({ k: (i * 7919) % DOCS });
    const lookupPerSec = LOOKUPS / ((performance.now() - started) / 1000);
    started = performance.now();
    for (let i = 0; i < MINGO_LOOKUPS; i += 1) new Query({ k: (i * 7919) % DOCS }).find(inMemory).next();
    const mingoPerSec = MINGO_LOOKUPS / ((performance.now() - started) / 1000);
    rows.push({
      work: 'indexed equality lookups (findOne)',
      engine: `${lookupPerSec.toFixed(0)}/s`,
      mingo: `${mingoPerSec.toFixed(0)}/s (no index)`,
      ratio: `${(lookupPerSec / mingoPerSec).toFixed(1)}x faster`,
    });

    started = performance.now();
    const scanned = await coll.find({ group: 42, active: true }).toArray();
    const scanMs = performance.now() - started;
    started = performance.now();
    const mingoScanned = new Query({ group: 42, active: true }).find(inMemory).all();
    const mingoScanMs = performance.now() - started;
    if (scanned.length !== mingoScanned.length) throw new Error(`scan mismatch: ${scanned.length} vs ${mingoScanned.length}`);
    rows.push({
      work: `collection scan of ${DOCS.toLocaleString('en')} (${scanned.length} match)`,
      engine: ms(scanMs),
      mingo: ms(mingoScanMs),
      ratio: `${(scanMs / Math.max(mingoScanMs, 0.001)).toFixed(1)}x`,
    });

    const load = await measureConcurrentConnections(engine.port, DOCS);
    rows.push({
      work: `${load.connections.toLocaleString('en')} connections x ${load.requests / load.connections} indexed finds`,
      engine: `${load.perSecond.toFixed(0)}/s`,
      mingo: 'n/a',
      ratio: `p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms, max ${load.maxMs.toFixed(0)} ms${load.wrongAnswers > 0 ? `, ${load.wrongAnswers} WRONG` : ''}`,
    });
  } finally {
    await client.close();
    await engine.close();
  }

  console.log('Embedded engine (over TCP, real driver) vs mingo in process');
  const widths = [44, 16, 24, 14];
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join(' ');
  console.log(line(['work', 'engine', 'mingo', 'ratio']));
  for (const row of rows) console.log(line([row.work, row.engine, row.mingo, row.ratio]));
  console.log('');
  await runEngineLimitsBench();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runEngineBench();
}
