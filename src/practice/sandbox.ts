// The parent side of a verify run: one worker per run (a fresh module cache, so a saved file is
// really re-read), watched by a heartbeat and a time bound, always terminated at the end so
// nothing the learner's code opened outlives the run. Every way the code can break comes back as a
// VerifyBreak value naming the file, never as our stack trace.
import { Worker } from 'node:worker_threads';
import type { JobMessage, VerifyJob, WorkerMessage } from './verify-worker.js';
import type { VerifyBreak, VerifyCheck } from './verify-result.js';
import { lineOf } from './stack-line.js';
import type { ScenarioFile } from '../scenario/registry.js';

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
function createWorker(preload: ScenarioFile | undefined): Worker {
  const options = {
    workerData: { preload },
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

/**
 * A worker started ahead of its job: it loads mongoose and express while the engine starts, or,
 * in watch mode, while the learner is still typing. Used once: `run` ends it.
 */
export class Sandbox {
  private readonly worker: Worker;
  private readonly output: string[] = [];
  private readonly messages: WorkerMessage[] = [];
  private listener: ((message: WorkerMessage) => void) | undefined;
  private lastBeat = performance.now();
  private ready = false;

  /** `preload`: the scenario the job will be about; the worker loads its definition and attack ahead. */
  constructor(preload?: ScenarioFile) {
    this.worker = createWorker(preload);
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '' && this.output.length < maxOutputLines) this.output.push(line);
      }
    };
    this.worker.stdout.on('data', collect);
    this.worker.stderr.on('data', collect);
    // Until a run listens, heartbeats and readiness are only remembered.
    this.worker.on('message', (message: WorkerMessage) => {
      this.lastBeat = performance.now();
      if (message.type === 'ready') this.ready = true;
      if (this.listener) this.listener(message);
      else if (message.type !== 'heartbeat' && message.type !== 'ready') this.messages.push(message);
    });
    // An error or an exit before the run starts is kept for it (the run reports it).
    this.worker.on('error', (error: Error) => { this.earlyError ??= error; });
    this.worker.on('exit', (code) => { this.exitCode = code; });
  }

  private earlyError: Error | undefined;
  private exitCode: number | undefined;

  /** Stops a sandbox that will not be used (watch mode shutting down). */
  dispose(): Promise<number> {
    return this.worker.terminate();
  }

  run(job: VerifyJob, options: SandboxOptions = {}): Promise<SandboxOutcome> {
    const stallMs = options.stallMs ?? 5_000;
    const startStallMs = options.startStallMs ?? 30_000;
    const boundMs = options.boundMs ?? 30_000;
    const { worker, output } = this;
    return new Promise<SandboxOutcome>((resolve) => {
      let settled = false;
      let activity = `loading ${job.plan.shownAs}`;
      let exitCalled: { code: number; where: string } | undefined;
      const started = performance.now();
      this.lastBeat = performance.now();

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
        const silentMs = now - this.lastBeat;
        if (silentMs > (this.ready ? stallMs : startStallMs)) {
          broke({ kind: 'blocked', message: `${job.plan.shownAs} blocked the event loop for over ${Math.round(silentMs / 1000)} s during ${activity}: an endless loop? The run was stopped.` });
        } else if (now - started > boundMs) {
          broke({ kind: 'hung', message: `${job.plan.shownAs} did not finish within ${boundMs / 1000} s (last: ${activity}); the run was stopped.` });
        }
      }, 100);

      const onMessage = (message: WorkerMessage): void => {
        if (message.type === 'activity') {
          activity = message.text;
          options.onActivity?.(message.text);
        } else if (message.type === 'exit-called') exitCalled = { code: message.code, where: message.where };
        else if (message.type === 'done') finish({ checks: message.checks, hanging: message.hanging, ...(message.error ? { error: message.error } : {}) });
      };
      this.listener = onMessage;
      for (const message of this.messages.splice(0)) onMessage(message);
      if (this.exitCode !== undefined || this.earlyError) {
        broke({ kind: 'demo', message: `the verify worker stopped before the run (${this.earlyError?.message ?? `exit code ${this.exitCode}`}).` });
        return;
      }
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
      worker.postMessage({ type: 'job', job } satisfies JobMessage);
    });
  }
}

/** A run in a fresh sandbox. */
export function runInSandbox(job: VerifyJob, options: SandboxOptions = {}): Promise<SandboxOutcome> {
  return new Sandbox().run(job, options);
}
