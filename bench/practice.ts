// Practice mode's two latencies, beside `run 24` in `npm run bench`: `verify 24 --reference`
// (whole process, target under 1 s) and a `verify --watch` re-run from the moment a save lands
// to the verdict on stdout (target under 0.5 s, the 200 ms debounce included).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const binary = `${root}bin/backend-scenarios.js`;
const runs = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function format(ms: number): string {
  return `${ms.toFixed(0).padStart(6)} ms`;
}

function verifyReference(home: string): number[] {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [binary, 'verify', '24', '--reference', '--engine', 'embedded'], {
      cwd: home, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', MONGODB_URI: '', BACKEND_SCENARIOS_HOME: home }, timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`verify 24 --reference exited ${result.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

/** Saves alternately the fix and the starter, timing each save to the verdict it produces. */
async function watchReruns(home: string): Promise<number[]> {
  const dir = join(home, 'watched');
  const practice = spawnSync(process.execPath, [binary, 'practice', '24', '--dir', dir], { cwd: home, env: { ...process.env, BACKEND_SCENARIOS_HOME: home } });
  if (practice.status !== 0) throw new Error(`practice 24 exited ${practice.status}`);
  const folder = join(root, 'scenarios', '24-registration-race');
  const texts = [readFileSync(join(folder, 'solution.js'), 'utf8'), readFileSync(join(folder, 'starter.js'), 'utf8')];
  const child = spawn(process.execPath, [binary, 'verify', '24', '--dir', dir, '--watch', '--json', '--engine', 'embedded'], {
    cwd: home, env: { ...process.env, NO_COLOR: '1', MONGODB_URI: '', BACKEND_SCENARIOS_HOME: home }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const times: number[] = [];
  let savedAt = 0;
  let verdicts = 0;
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`verify --watch exited ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        buffer = buffer.slice(newline + 1);
        if (verdicts > 0) times.push(performance.now() - savedAt);
        verdicts += 1;
        if (times.length === runs) {
          resolve();
          return;
        }
        // Give the next worker time to warm up, as a person reading the verdict would.
        setTimeout(() => {
          savedAt = performance.now();
          writeFileSync(join(dir, 'app.js'), texts[verdicts % 2]!);
        }, 1_500);
      }
    });
  });
  child.removeAllListeners('exit');
  child.kill('SIGINT');
  return times;
}

export async function practiceBench(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bs-bench-practice-'));
  try {
    const reference = verifyReference(home);
    const watch = await watchReruns(home);
    console.log('');
    console.log('practice mode on the embedded engine');
    console.log(`  verify 24 --reference    ${format(median(reference))}   (median of ${runs}, whole process; target: under 1 s) ${median(reference) < 1000 ? 'met' : 'MISSED'}`);
    console.log(`  watch: save → verdict    ${format(median(watch))}   (median of ${runs}, 200 ms debounce included; target: under 0.5 s) ${median(watch) < 500 ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
