// The worker thread `verify` runs the learner's code in. A worker, not a child process: it starts in
// tens of milliseconds instead of a second of Node start-up, shares the already-running engine over
// loopback, and `worker.terminate()` stops even a synchronous endless loop and closes every handle
// the code left open (servers on their own port, intervals, sockets). `process.exit()` inside a
// worker ends only the worker. The parent watches a heartbeat: a loop that blocks this thread stops
// the heartbeat, and the parent terminates it and names what the code was doing.
import { spawnSync } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import { lineOf } from './stack-line.js';
import type { ScenarioFile } from '../scenario/registry.js';
import type { TargetPlan } from './exercise-runtime.js';
import type { VerifyBreak, VerifyCheck } from './verify-result.js';

export interface VerifyJob {
  scenarioFile: ScenarioFile;
  plan: TargetPlan;
  engine: { name: string; version: string; uri: string };
}

/** The one message the parent sends: the job, once the worker has loaded what every job needs. */
export interface JobMessage {
  type: 'job';
  job: VerifyJob;
}

/** Messages to the parent. */
export type WorkerMessage =
  | { type: 'heartbeat' }
  | { type: 'ready' }
  | { type: 'activity'; text: string }
  | { type: 'exit-called'; code: number; where: string }
  | { type: 'done'; checks: VerifyCheck[]; hanging: string[]; error?: VerifyBreak };

export const heartbeatMs = 100;

const port = parentPort;
if (!port) throw new Error('verify-worker runs only as a worker thread');
const post = (message: WorkerMessage): void => port.postMessage(message);
const heartbeat = setInterval(() => post({ type: 'heartbeat' }), heartbeatMs);

function syntaxErrorLine(path: string): string | undefined {
  const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 5_000 });
  return lineOf(check.stderr, path);
}

function describeThrow(error: unknown, plan: TargetPlan): VerifyBreak {
  if (error instanceof Error && error.name === 'ExerciseShapeError') return { kind: 'shape', message: error.message };
  const name = error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error)).split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  const stack = error instanceof Error ? error.stack : undefined;
  // An ES module's SyntaxError carries no location at all in Node 20; `node --check` prints
  // "path:LINE" first. Only on this failure path, so its ~50 ms cost never slows a normal run.
  const line = lineOf(stack, plan.path) ?? (name === 'SyntaxError' && plan.path.endsWith('.js') ? syntaxErrorLine(plan.path) : undefined);
  const where = line ? `${plan.shownAs} line ${line}` : plan.shownAs;
  return { kind: name === 'SyntaxError' ? 'does-not-load' : 'threw', message: `${where}: ${name}: ${message}` };
}

/** The job, once it has arrived (process.exit may be called before: by nobody but a bug of ours). */
const current: { job?: VerifyJob } = {};
// Where a process.exit() came from, for the message; the worker still ends as asked.
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  const shownAs = current.job?.plan.shownAs ?? 'the code';
  const line = current.job ? lineOf(new Error('exit').stack, current.job.plan.path) : undefined;
  post({ type: 'exit-called', code: Number(code ?? 0), where: line ? `${shownAs} line ${line}` : shownAs });
  return exit(code as number);
}) as typeof process.exit;

// Loaded before the job arrives: a worker started early (while the engine starts, or right after
// the previous run in watch mode) has paid for mongoose and express by the time a save comes in.
const [{ loadScenarioFile }, { runExerciseFile }, { onActivity }] = await Promise.all([
  import('../scenario/registry.js'),
  import('./run-file.js'),
  import('./exercise-runtime.js'),
  import('mongoose'),
  import('express'),
  import('bcrypt'),
]);
onActivity((text) => post({ type: 'activity', text }));
// The scenario the job will name, loaded ahead (definition, code files as text, attack module).
const { preload } = (workerData ?? {}) as { preload?: ScenarioFile };
const preloaded = preload ? loadScenarioFile(preload).then(async (scenario) => {
  const [{ importAttack }, { attackPathOf }] = await Promise.all([import('./exercise-runtime.js'), import('./run-file.js')]);
  if (scenario.exercise) await importAttack(attackPathOf(scenario.exercise.folder));
  return scenario;
}) : undefined;
// A failed preload is retried (and reported) by the job itself.
preloaded?.catch(() => undefined);
post({ type: 'ready' });
const job = await new Promise<VerifyJob>((resolve) => {
  port.once('message', (message: JobMessage) => resolve(message.job));
});
current.job = job;
const scenario = preloaded && preload?.path === job.scenarioFile.path
  ? await preloaded.catch(() => loadScenarioFile(job.scenarioFile))
  : await loadScenarioFile(job.scenarioFile);
const run = await runExerciseFile(scenario, job.plan, { engine: { ...job.engine, stop: async () => undefined } });
const plan = job.plan;
const checks: VerifyCheck[] = (run.outcome?.checks ?? []).map((check) => ({
  id: check.id,
  claim: check.claim,
  level: check.level,
  passed: check.held,
  observed: check.observed,
  ...(check.detail === undefined ? {} : { detail: check.detail }),
}));
let error: VerifyBreak | undefined;
if (run.thrown !== undefined) error = describeThrow(run.thrown, plan);
else if (run.report.error) error = { kind: /time bound/.test(run.report.error) ? 'hung' : 'demo', message: run.report.error };
clearInterval(heartbeat);
post({ type: 'done', checks, hanging: [...new Set(run.outcome?.hanging ?? [])], ...(error ? { error } : {}) });
