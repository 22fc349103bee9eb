// The parent side of a verify run: one worker per run (a fresh module cache, so a saved file is
// really re-read), watched by a heartbeat and a time bound, always terminated at the end so
// nothing the learner's code opened outlives the run. Every way the code can break comes back as a
// VerifyBreak value naming the file, never as our stack trace.
import { Worker } from 'node:worker_threads';
import type { VerifyJob, WorkerMessage } from './verify-worker.js';
import type { VerifyBreak, VerifyCheck } from './verify-result.js';
import { lineOf } from './stack-line.js';

export interface SandboxOptions {
  /** No heartbeat for this long once the worker is ready: the event loop is blocked (an endless loop). */
  stallMs?: number;
  /** Before the worker is ready (loading mongoose and express on a busy machine), a looser bound. */
  startStallMs?: number;
  /** The whole run; the worker's own demo bound (10 s) normally ends it first. */
  boundMs?: number;
  onActivity?: (text: string) => void;
  /** Aborting stops the worker at once (Ctrl-C, or a newer save in watch mode). */
  signal?: AbortSignal;
}

export interface SandboxOutcome {
  checks: VerifyCheck[];
  hanging: string[];
  error?: VerifyBreak;
  /** Lines the learner's code wrote to stdout/stderr. */
  output: string[];
  /** Set when the run was aborted (a newer save): its verdict means nothing. */
  aborted?: boolean;
}

const maxOutputLines = 200;

/**
 * Built, the worker is verify-worker.js. Under tsx (the tests) it is .ts, and a worker does not
 * inherit the parent's loader: a two-line bootstrap registers tsx in the worker first.
 */
function createWorker(job: VerifyJob): Worker {
  const options = {
    workerData: job,
    stdout: true,
    stderr: true,
    // A runaway allocation ends the worker (ERR_WORKER_OUT_OF_MEMORY), not the CLI.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./verify-worker.js', import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./verify-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export function runInSandbox(job: VerifyJob, options: SandboxOptions = {}): Promise<SandboxOutcome> {
  const stallMs = options.stallMs ?? 5_000;
  const startStallMs = options.startStallMs ?? 30_000;
  const boundMs = options.boundMs ?? 30_000;
  const output: string[] = [];
  const worker = createWorker(job);
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() !== '' && output.length < maxOutputLines) output.push(line);
    }
  };
  worker.stdout.on('data', collect);
  worker.stderr.on('data', collect);

  return new Promise<SandboxOutcome>((resolve) => {
    let settled = false;
    let ready = false;
    let lastBeat = performance.now();
    let activity = `loading ${job.plan.shownAs}`;
    let exitCalled: { code: number; where: string } | undefined;
    const started = performance.now();

    const finish = (outcome: Omit<SandboxOutcome, 'output'>): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever the code left behind (a server on its own port, an interval) goes with the worker.
      void worker.terminate().finally(() => resolve({ ...outcome, output }));
    };
    const broke = (error: VerifyBreak): void => finish({ checks: [], hanging: [], error });
    const onAbort = (): void => finish({ checks: [], hanging: [], aborted: true });
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const watchdog = setInterval(() => {
      const now = performance.now();
      const silentMs = now - lastBeat;
      if (silentMs > (ready ? stallMs : startStallMs)) {
        broke({ kind: 'blocked', message: `${job.plan.shownAs} blocked the event loop for over ${Math.round(silentMs / 1000)} s during ${activity}: an endless loop? The run was stopped.` });
      } else if (now - started > boundMs) {
        broke({ kind: 'hung', message: `${job.plan.shownAs} did not finish within ${boundMs / 1000} s (last: ${activity}); the run was stopped.` });
      }
    }, 100);

    worker.on('message', (message: WorkerMessage) => {
      lastBeat = performance.now();
      if (message.type === 'ready') ready = true;
      else if (message.type === 'activity') {
        activity = message.text;
        options.onActivity?.(message.text);
      } else if (message.type === 'exit-called') exitCalled = { code: message.code, where: message.where };
      else if (message.type === 'done') finish({ checks: message.checks, hanging: message.hanging, ...(message.error ? { error: message.error } : {}) });
    });
    worker.on('error', (error: Error) => {
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        broke({ kind: 'out-of-memory', message: `${job.plan.shownAs} ran out of memory during ${activity}; the run was stopped.` });
        return;
      }
      // Thrown outside any request (a timer, an event handler, a server's 'error'): it would crash a real server too.
      const line = lineOf(error.stack, job.plan.path);
      const where = line ? `${job.plan.shownAs} line ${line}` : job.plan.shownAs;
      broke({ kind: 'threw', message: `${where}: ${error.name}: ${error.message.split('\n')[0]} (thrown outside any request handler, during ${activity}; it would crash a real server)` });
    });
    worker.on('exit', (code) => {
      if (settled) return;
      if (exitCalled) broke({ kind: 'exited', message: `${exitCalled.where}: process.exit(${exitCalled.code}) during ${activity}. A server must not exit on a request: answer it (or throw) instead.` });
      else broke({ kind: 'exited', message: `the run stopped unexpectedly (exit code ${code}) during ${activity}.` });
    });
  });
}
