// `npm run fuzz`: the long wire fuzz against an engine in a child process, so a crash is counted
// (and the engine restarted) instead of ending the run. Sends at least 100,000 seeded cases
// (bench/wire-fuzz.ts), checks a canary client through the real driver every 500 cases, and
// prints deaths, hangs and canary failures as numbers with the engine's RSS before and after.
// Exit 1 when any of the three is not zero.
//   npm run fuzz -- --messages 200000 --seed 7
import { fork, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { runFuzz, type FuzzKind, type FuzzTotals } from './wire-fuzz.js';

const INCOMPLETE_MESSAGE_TIMEOUT_MS = 500;
const CHUNK = 10_000;

type ToChild = { type: 'rss' };
type FromChild = { type: 'listening'; port: number } | { type: 'rss'; rss: number };

async function serve(): Promise<void> {
  const { startEmbeddedMongo } = await import('../src/engine/index.js');
  const engine = await startEmbeddedMongo({ inputLimits: { incompleteMessageTimeoutMs: INCOMPLETE_MESSAGE_TIMEOUT_MS } });
  process.on('message', (message: ToChild) => {
    if (message.type === 'rss') process.send?.({ type: 'rss', rss: process.memoryUsage().rss } satisfies FromChild);
  });
  process.on('disconnect', () => void engine.close().then(() => process.exit(0)));
  process.send?.({ type: 'listening', port: engine.port } satisfies FromChild);
}

interface EngineChild {
  child: ChildProcess;
  port: number;
  exited: boolean;
}

function startChild(): Promise<EngineChild> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const handle: EngineChild = { child, port: 0, exited: false };
    child.on('exit', () => {
      handle.exited = true;
    });
    child.once('error', reject);
    child.on('message', (message: FromChild) => {
      if (message.type === 'listening') {
        handle.port = message.port;
        resolve(handle);
      }
    });
  });
}

function childRss(handle: EngineChild): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: FromChild): void => {
      if (message.type !== 'rss') return;
      handle.child.off('message', onMessage);
      resolve(message.rss);
    };
    handle.child.on('message', onMessage);
    handle.child.send({ type: 'rss' } satisfies ToChild);
  });
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, seed: { type: 'string', default: '20261130' }, concurrency: { type: 'string', default: '32' } } });
  const messages = Number(values.messages);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  let engine = await startChild();
  let client = await MongoClient.connect(`mongodb://127.0.0.1:${engine.port}/`, { serverSelectionTimeoutMS: 5000 });
  let round = 0;
  let canaryChecks = 0;
  let canaryFailures = 0;
  let deaths = 0;
  const canaryProblems: string[] = [];
  const canary = async (): Promise<boolean> => {
    round += 1;
    canaryChecks += 1;
    try {
      const coll = client.db('canary').collection<{ _id: number; v: number }>('c');
      await coll.insertOne({ _id: round, v: round * 3 });
      const found = await coll.findOne({ _id: round });
      const sum = await coll.aggregate<{ total: number }>([{ $group: { _id: null, total: { $sum: '$v' } } }]).toArray();
      // Canary documents are 1..round (the count restarts with the engine after a death).
      const expected = (3 * round * (round + 1)) / 2;
      if (found?.v === round * 3 && sum[0]?.total === expected) return true;
      canaryProblems.push(`round ${round}: read v=${String(found?.v)} (expected ${round * 3}), sum ${String(sum[0]?.total)} (expected ${expected})`);
      return false;
    } catch (error) {
      canaryProblems.push(`round ${round}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  await canary();
  const rssBefore = await childRss(engine);
  const started = performance.now();
  const totals: FuzzTotals = { messages: 0, answered: 0, closed: 0, hangs: 0, byKind: {}, hangKinds: {} };
  for (let done = 0; done < messages; done += CHUNK) {
    const chunk = await runFuzz({
      port: engine.port,
      seed: seed + done,
      messages: Math.min(CHUNK, messages - done),
      concurrency,
      boundMs: 10 * INCOMPLETE_MESSAGE_TIMEOUT_MS,
      canary,
      canaryEvery: 500,
      onCanaryFailure: () => {
        canaryFailures += 1;
      },
    });
    totals.messages += chunk.messages;
    totals.answered += chunk.answered;
    totals.closed += chunk.closed;
    totals.hangs += chunk.hangs;
    for (const [kind, n] of Object.entries(chunk.byKind)) totals.byKind[kind as FuzzKind] = (totals.byKind[kind as FuzzKind] ?? 0) + n;
    for (const [kind, n] of Object.entries(chunk.hangKinds)) totals.hangKinds[kind as FuzzKind] = (totals.hangKinds[kind as FuzzKind] ?? 0) + n;
    if (engine.exited) {
      deaths += 1;
      await client.close().catch(() => undefined);
      engine = await startChild();
      client = await MongoClient.connect(`mongodb://127.0.0.1:${engine.port}/`, { serverSelectionTimeoutMS: 5000 });
      round = 0;
    }
    if (process.stdout.isTTY) process.stdout.write(`\r${totals.messages.toLocaleString('en')} messages`);
  }
  const seconds = (performance.now() - started) / 1000;
  const finalCanary = await canary();
  if (!finalCanary) canaryFailures += 1;
  const rssAfter = await childRss(engine);
  await client.close();
  engine.child.disconnect();

  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(`wire fuzz · seed ${seed} · ${concurrency} connections · incomplete-message timeout ${INCOMPLETE_MESSAGE_TIMEOUT_MS} ms`);
  console.log(`  messages          ${totals.messages.toLocaleString('en')} in ${seconds.toFixed(1)} s (${Math.round(totals.messages / seconds).toLocaleString('en')}/s)`);
  console.log(`  answered          ${totals.answered.toLocaleString('en')}`);
  console.log(`  connection closed ${totals.closed.toLocaleString('en')}`);
  console.log(`  deaths            ${deaths}`);
  console.log(`  hangs             ${totals.hangs}${totals.hangs > 0 ? ` ${JSON.stringify(totals.hangKinds)}` : ''}`);
  console.log(`  canary failures   ${canaryFailures} of ${canaryChecks} checks${canaryProblems.length > 0 ? `: ${canaryProblems.slice(0, 3).join('; ')}` : ''}`);
  console.log(`  engine RSS        ${mib(rssBefore)} before, ${mib(rssAfter)} after`);
  console.log(`  cases             ${Object.entries(totals.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  if (deaths > 0 || totals.hangs > 0 || canaryFailures > 0) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await main();
