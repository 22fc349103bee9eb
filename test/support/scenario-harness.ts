// What every scenario test stands on: run a scenario's demo on the embedded engine and read the
// figures it observed. One engine per test process (node --test runs each file in its own
// process), started on first use and stopped when the file's tests are done.
import { after } from 'node:test';
import type { ScenarioReport, JsonValue, CheckResult } from '../../src/runtime/report.js';
import type { MongoEngineHandle } from '../../src/runtime/engines.js';
import { selectEngine, selectReplicaSetEngine } from '../../src/runtime/engines.js';
import { runScenario } from '../../src/runtime/run-scenario.js';
import type { RunScenarioOptions } from '../../src/runtime/run-scenario.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import type { ScenarioDefinition } from '../../src/scenario/contract.js';
import { danglingStepLinks } from './scenario-links.js';

let engine: Promise<MongoEngineHandle> | undefined;
/** Started only for scenarios that declare `requires: { replicaSet: true }`. */
let replicaSet: Promise<MongoEngineHandle> | undefined;

// Registered while this module loads, i.e. on the root test: an `after` called from inside a
// test would fire when that one test ends. A listening engine left running would keep the test
// process (and so the whole suite) alive forever.
after(stopSharedEngine);

/**
 * Stops the shared engine now (the next sharedEngine() starts a fresh one). For test files that
 * register their tests after a top-level await: there Node 20 may run the root `after` above
 * before any test has started the engine, and a running engine then keeps the process alive;
 * such files stop it from an `after` inside each describe instead.
 */
export async function stopSharedEngine(): Promise<void> {
  const running = [engine, replicaSet];
  engine = undefined;
  replicaSet = undefined;
  for (const started of running) {
    const handle = await started?.catch(() => undefined);
    await handle?.stop();
  }
}

/**
 * The shared embedded engine of this test process (started lazily), or its replica set when the
 * scenario asks for one: what `run` would give that scenario.
 */
export function sharedEngine(scenario?: Pick<ScenarioDefinition, 'requires'>): Promise<MongoEngineHandle> {
  if (scenario?.requires?.replicaSet) {
    replicaSet ??= selectReplicaSetEngine('embedded');
    return replicaSet;
  }
  engine ??= selectEngine('embedded');
  return engine;
}

/** Loads scenarios/NN-*.ts (validated) and runs its demo on the shared embedded engine. */
export async function runScenarioById(id: number, options: Omit<RunScenarioOptions, 'engine'> = {}): Promise<ScenarioReport> {
  const scenario = await loadScenarioById(id);
  if (!scenario) throw new Error(`no scenario file scenarios/${id}-*.ts`);
  return runScenario(scenario, { ...options, engine: await sharedEngine(scenario) });
}

/**
 * The value observed under `label` in the first step whose title contains `stepTitleSubstring`
 * (case-insensitive). Throws, listing what exists, when either is missing, so a renamed step or
 * label fails the test with a readable message instead of comparing against undefined.
 */
export function observation(report: ScenarioReport, stepTitleSubstring: string, label: string): JsonValue {
  const needle = stepTitleSubstring.toLowerCase();
  const step = report.steps.find((candidate) => candidate.title.toLowerCase().includes(needle));
  if (!step) {
    throw new Error(`no step titled like "${stepTitleSubstring}"; steps: ${report.steps.map((s) => JSON.stringify(s.title)).join(', ')}${report.error ? `; demo error: ${report.error}` : ''}`);
  }
  if (!(label in step.observations)) {
    throw new Error(`step "${step.title}" has no observation "${label}"; it has: ${Object.keys(step.observations).join(', ') || 'none'}`);
  }
  return step.observations[label]!;
}

/** Every check of the run, each with the title of its step. */
export function checksOf(report: ScenarioReport): Array<CheckResult & { step: string }> {
  return report.steps.flatMap((step) => step.checks.map((check) => ({ ...check, step: step.title })));
}

/** The checks that did not hold, formatted for an assertion message; empty when all held. */
export function failedChecks(report: ScenarioReport): string[] {
  return checksOf(report)
    .filter((check) => !check.passed)
    .map((check) => `[${check.step}] ${check.claim}${check.detail ? ` (${check.detail})` : ''}`);
}

/**
 * The `provenBy` (key points) and `shownBy` (follow-ups) references of a scenario that name no step
 * of the run (a title prefix, as `show` and `interview` resolve them); empty when all resolve.
 */
export function unresolvedStepRefs(scenario: ScenarioDefinition, report: ScenarioReport): string[] {
  return danglingStepLinks(scenario, report);
}
