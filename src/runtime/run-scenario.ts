// Runs one scenario's demo: a fresh database on the chosen engine, a DemoContext around it, a time
// bound, and a teardown that runs whatever happens (success, failed check, thrown error, timeout,
// Ctrl-C). mongoose and express are loaded here with import() so `list` and `show` never load them.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { DemoContext, ServedApp, StepOptions } from './context.js';
import type { CheckResult, CheckRole, JsonValue, ScenarioReport, StepReport } from './report.js';
import type { MongoEngineHandle } from './engines.js';
import { Deadline } from './deadline.js';
import { Teardown } from './teardown.js';
import { serveOnLoopback } from './served-app.js';
import { openRedis } from './redis.js';

export type CodeLanguage = 'ts' | 'js' | 'json' | 'bash' | 'text';

/** How a run is shown while it happens. Every member is optional: tests pass none. */
export interface DemoReporter {
  /** Awaited before each step starts (`run --step`); the time bound is paused meanwhile. */
  beforeStep?(number: number, title: string): Promise<void>;
  stepStarted?(number: number, title: string): void;
  stepFinished?(number: number, step: StepReport, error?: unknown): void;
  said?(text: string): void;
  observed?(label: string, value: JsonValue): void;
  checked?(check: CheckResult): void;
  codeShown?(title: string, code: string, language: CodeLanguage): void;
}

export interface RunScenarioOptions {
  engine: MongoEngineHandle;
  reporter?: DemoReporter;
  /** Overrides the scenario's own bound (demo.timeoutMs), which defaults to 30 s. */
  timeoutMs?: number;
  /** Aborting it (Ctrl-C) stops the demo; the report comes back with `error` set. */
  signal?: AbortSignal;
}

export const defaultDemoTimeoutMs = 30_000;

/**
 * Every ctx.tempDir() not yet removed, process-wide. A second Ctrl-C exits at once, before the
 * asynchronous teardown can run; these may hold secrets (.env files), so they are removed
 * synchronously on that path too.
 */
const liveTempDirs = new Set<string>();

/** Synchronous last-resort cleanup for a forced exit; returns how many directories it removed. */
export function removeTempDirsSync(): number {
  let removed = 0;
  for (const dir of liveTempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Exiting anyway: nothing better to do with a directory that will not go.
    }
    liveTempDirs.delete(dir);
  }
  return removed;
}

/** How many ctx.tempDir() directories are still in place (tests check that teardown empties it). */
export function liveTempDirCount(): number {
  return liveTempDirs.size;
}
const connectTimeoutMs = 5_000;

export class DemoTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`The demo did not finish within its time bound of ${formatSeconds(limitMs)}; it was stopped and cleaned up.`);
    this.name = 'DemoTimeoutError';
  }
}

export class DemoInterruptedError extends Error {
  constructor() {
    super('Interrupted: the demo was stopped and every server and connection closed.');
    this.name = 'DemoInterruptedError';
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function describeError(error: unknown): string {
  if (error instanceof DemoTimeoutError || error instanceof DemoInterruptedError) return error.message;
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

/** A copy that is guaranteed to be JSON (what `run --json` will print), or a clear error. */
function toJson(label: string, value: unknown): JsonValue {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`ctx.observe("${label}") needs a JSON value, got ${typeof value}`);
  return JSON.parse(text) as JsonValue;
}

/**
 * A step that does not declare what it shows is read from its title's first words, the convention
 * every scenario follows ("Naive: …", "Fix: …", "Senior fix: …"); anything else is context.
 */
export function stepOptionsFromTitle(title: string): StepOptions {
  const senior = /^senior\b/i.test(title);
  const rest = title.replace(/^senior\b\s*/i, '');
  if (/^(fix|fixed|the fix|cure)\b/i.test(rest)) return { shows: 'fix', senior };
  if (/^(naive|bug|the bug|trap|the .* trap)\b/i.test(rest) || (senior && /^:/.test(rest))) return { shows: 'failure', senior };
  return { shows: 'context', senior };
}

const roleOf: Record<StepOptions['shows'], CheckRole> = { failure: 'reproduces-failure', fix: 'proves-fix', context: 'context' };

export function databaseNameFor(scenario: Pick<ScenarioDefinition, 'id' | 'slug'>): string {
  // Unique per run so two runs (or `run all` against a shared MONGODB_URI) never share data.
  return `bs_${scenario.id}_${randomBytes(4).toString('hex')}`;
}

export async function runScenario(scenario: ScenarioDefinition, options: RunScenarioOptions): Promise<ScenarioReport> {
  const started = performance.now();
  // Time spent waiting for the presenter (`run --step`) is not the demo's: it is left out of durationMs.
  let pausedMs = 0;
  const reporter = options.reporter ?? {};
  const steps: StepReport[] = [];
  const teardown = new Teardown();
  const controller = new AbortController();
  const limitMs = options.timeoutMs ?? scenario.demo.timeoutMs ?? defaultDemoTimeoutMs;
  const deadline = new Deadline(limitMs, () => controller.abort(new DemoTimeoutError(limitMs)));
  const onExternalAbort = (): void => controller.abort(new DemoInterruptedError());
  if (options.signal?.aborted) onExternalAbort();
  else options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const aborted = new Promise<never>((_, reject) => {
    const fail = (): void => reject(controller.signal.reason);
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  /** Anything awaited by the runtime itself gives up as soon as the demo is aborted. */
  const bounded = <T>(work: Promise<T>): Promise<T> => Promise.race([work, aborted]);

  let error: string | undefined;
  let currentStep: StepReport | undefined;
  let stepCount = 0;
  deadline.start();
  try {
    const [{ default: mongoose }, { default: express }] = await bounded(Promise.all([import('mongoose'), import('express')]));
    const dbName = databaseNameFor(scenario);
    const db = mongoose.createConnection(options.engine.uri, { dbName, serverSelectionTimeoutMS: connectTimeoutMs });
    teardown.push(async () => {
      try {
        if (db.readyState === 1) await db.dropDatabase();
      } finally {
        await db.close(true);
      }
    });
    await bounded(db.asPromise());

    const implicitSteps = new Set<StepReport>();
    const currentOrImplicitStep = (): StepReport => {
      if (currentStep) return currentStep;
      // Figures recorded outside ctx.step() still belong somewhere in the report: in an unnumbered
      // step of their own, placed where they happened.
      const last = steps[steps.length - 1];
      if (last && implicitSteps.has(last)) return last;
      const implicit: StepReport = { title: stepCount === 0 ? 'Setup' : `After step ${stepCount}`, observations: {}, checks: [], durationMs: 0 };
      implicitSteps.add(implicit);
      steps.push(implicit);
      return implicit;
    };

    const ctx: DemoContext = {
      mongoose,
      db,
      express,
      engine: { name: options.engine.name, version: options.engine.version },
      signal: controller.signal,
      async serve(app) {
        controller.signal.throwIfAborted();
        const served: ServedApp = await serveOnLoopback(app, controller.signal);
        teardown.push(() => served.close());
        return served;
      },
      concurrently(count, make) {
        return Promise.all(Array.from({ length: count }, (_, index) => make(index)));
      },
      async step(title, body, stepOptions) {
        controller.signal.throwIfAborted();
        const number = ++stepCount;
        if (reporter.beforeStep) {
          deadline.pause();
          const pauseStarted = performance.now();
          try {
            await bounded(reporter.beforeStep(number, title));
          } finally {
            pausedMs += performance.now() - pauseStarted;
            deadline.start();
          }
        }
        const declared = stepOptions ?? stepOptionsFromTitle(title);
        const step: StepReport = { title, shows: declared.shows, senior: declared.senior === true, observations: {}, checks: [], durationMs: 0 };
        steps.push(step);
        const previous = currentStep;
        currentStep = step;
        const stepStarted = performance.now();
        reporter.stepStarted?.(number, title);
        try {
          await bounded(body());
          step.durationMs = Math.round(performance.now() - stepStarted);
          reporter.stepFinished?.(number, step);
        } catch (stepError) {
          step.durationMs = Math.round(performance.now() - stepStarted);
          // Once the demo is stopped (Ctrl-C, time bound), whatever the body threw is a consequence: report the cause.
          reporter.stepFinished?.(number, step, controller.signal.aborted ? controller.signal.reason : stepError);
          throw stepError;
        } finally {
          currentStep = previous;
        }
      },
      observe(label, value) {
        if (teardown.closed) return value;
        const json = toJson(label, value);
        currentOrImplicitStep().observations[label] = json;
        reporter.observed?.(label, json);
        return value;
      },
      check(claim, passed, detail, meta) {
        if (teardown.closed) return passed;
        const step = currentOrImplicitStep();
        const result: CheckResult = {
          ...(meta?.id === undefined ? {} : { id: meta.id }),
          claim,
          passed,
          role: meta?.role ?? roleOf[step.shows ?? 'context'],
          level: meta?.level ?? (step.senior ? 'senior' : 'core'),
        };
        if (detail !== undefined) result.detail = detail;
        if (meta?.observed !== undefined) result.observed = toJson(claim, meta.observed);
        step.checks.push(result);
        reporter.checked?.(result);
        return passed;
      },
      say(text) {
        if (!teardown.closed) reporter.said?.(text);
      },
      showCode(title, code, language = 'ts') {
        if (!teardown.closed) reporter.codeShown?.(title, code, language);
      },
      redis() {
        controller.signal.throwIfAborted();
        return bounded(openRedis(dbName, (cleanup) => teardown.push(cleanup)));
      },
      async tempDir() {
        controller.signal.throwIfAborted();
        const dir = await mkdtemp(join(tmpdir(), 'backend-scenarios-'));
        liveTempDirs.add(dir);
        teardown.push(async () => {
          await rm(dir, { recursive: true, force: true });
          liveTempDirs.delete(dir);
        });
        return dir;
      },
      defer(cleanup) {
        teardown.push(cleanup);
      },
    };

    const demo = scenario.demo.run(ctx);
    // If the demo loses the race against its deadline it may still reject later: that is expected.
    demo.catch(() => undefined);
    await bounded(demo);
  } catch (caught) {
    error = describeError(controller.signal.aborted ? controller.signal.reason : caught);
  } finally {
    deadline.stop();
    options.signal?.removeEventListener('abort', onExternalAbort);
    // Whatever still runs inside the demo sees an aborted signal from here on.
    if (!controller.signal.aborted) controller.abort(new Error('The demo has ended.'));
    const cleanupFailures = await teardown.run();
    if (cleanupFailures.length > 0 && error === undefined) error = `Cleanup failed: ${cleanupFailures.join('; ')}`;
  }

  const allChecks = steps.flatMap((step) => step.checks);
  const report: ScenarioReport = {
    id: scenario.id,
    title: scenario.title,
    engine: { name: options.engine.name, version: options.engine.version },
    // A demo that checked nothing proved nothing.
    passed: error === undefined && allChecks.length > 0 && allChecks.every((check) => check.passed),
    durationMs: Math.round(performance.now() - started - pausedMs),
    steps,
  };
  if (error !== undefined) report.error = error;
  return report;
}
