// `npm run bench` (builds first): start-up cost of the CLI against bare Node, and wall time of
// real demo runs on the embedded engine, measured side by side in one run; then the engine's
// own benchmark when bench/engine.ts exists. Targets: `list` within 2x of `node -e ""`,
// `run 24` under 2 s on 2 cores; practice mode (bench/practice.ts): `verify 24 --reference` under
// 1 s, a watch re-run under 0.5 s. Figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const binary = `${root}bin/backend-scenarios.js`;
const startupRuns = 11;

interface Timing {
  ms: number;
  status: number | null;
}

function timeCommand(args: string[]): Timing {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, NO_COLOR: '1', MONGODB_URI: '' },
    timeout: 300_000,
  });
  return { ms: performance.now() - started, status: result.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function format(ms: number): string {
  return `${ms.toFixed(0).padStart(6)} ms`;
}

function startupComparison(): void {
  const bare: number[] = [];
  const list: number[] = [];
  // Interleaved, so a burst of load from elsewhere hits both series alike.
  timeCommand(['-e', '']);
  timeCommand([binary, 'list']);
  for (let run = 0; run < startupRuns; run += 1) {
    bare.push(timeCommand(['-e', '']).ms);
    const timing = timeCommand([binary, 'list']);
    if (timing.status !== 0) throw new Error(`backend-scenarios list exited ${timing.status}`);
    list.push(timing.ms);
  }
  const ratio = median(list) / median(bare);
  console.log(`start-up (median of ${startupRuns}, after one warm-up each)`);
  console.log(`  node -e ""               ${format(median(bare))}`);
  console.log(`  backend-scenarios list   ${format(median(list))}`);
  console.log(`  ratio                    ${ratio.toFixed(2).padStart(6)} x   (target: within 2x) ${ratio <= 2 ? 'met' : 'MISSED'}`);
}

function demoRuns(): void {
  const single: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const timing = timeCommand([binary, 'run', '24', '--no-pause', '--engine', 'embedded']);
    if (timing.status !== 0) throw new Error(`run 24 exited ${timing.status}`);
    single.push(timing.ms);
  }
  const all = timeCommand([binary, 'run', 'all', '--no-pause', '--engine', 'embedded']);
  console.log('');
  console.log('demo runs on the embedded engine (whole process, wall time)');
  console.log(`  run 24 --no-pause        ${format(median(single))}   (median of 3; target: under 2 s) ${median(single) < 2000 ? 'met' : 'MISSED'}`);
  console.log(`  run all --no-pause       ${format(all.ms)}   (exit ${all.status})`);
}

async function engineBench(): Promise<void> {
  const enginePath = new URL('./engine.ts', import.meta.url);
  if (!existsSync(enginePath)) return;
  const { runEngineBench } = (await import(enginePath.href)) as { runEngineBench?: () => Promise<void> };
  if (!runEngineBench) return;
  console.log('');
  await runEngineBench();
}

console.log(`backend-scenarios bench · Node ${process.versions.node} · load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`);
console.log('');
startupComparison();
demoRuns();
await (await import('./practice.js')).practiceBench();
await engineBench();
