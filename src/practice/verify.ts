// One verdict on one code file: run it in the sandbox against the scenario's attack and say whether
// every core check held. Shared by `verify`, `verify --watch`, `verify --reference` and the tests.
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { ScenarioFile } from '../scenario/registry.js';
import type { MongoEngineHandle } from '../runtime/engines.js';
import { Sandbox } from './sandbox.js';
import type { SandboxOptions } from './sandbox.js';
import type { VerifyResult } from './verify-result.js';
import { shownPath } from './workspace.js';

export interface VerifyTarget {
  path: string;
  /** 'user' for the learner's file, 'solution' for --reference. */
  kind: 'user' | 'solution';
}

export async function verifyFile(
  scenarioFile: ScenarioFile,
  scenario: ScenarioDefinition,
  target: VerifyTarget,
  engine: MongoEngineHandle,
  options: SandboxOptions & { sandbox?: Sandbox } = {},
): Promise<VerifyResult & { aborted?: boolean }> {
  const started = performance.now();
  const shownAs = target.kind === 'solution' ? 'solution.js' : shownPath(target.path);
  const outcome = await (options.sandbox ?? new Sandbox()).run({
    scenarioFile,
    plan: {
      path: target.path,
      shownAs,
      kind: target.kind,
      title: target.kind === 'solution' ? scenario.exercise!.solution.title : `Your code: ${shownAs}`,
      showCode: false,
    },
    engine: { name: engine.name, version: engine.version, uri: engine.uri, replicaSet: engine.replication !== undefined },
  }, options);
  const coreHeld = outcome.checks.filter((check) => check.level === 'core').every((check) => check.passed);
  return {
    id: scenario.id,
    file: shownAs,
    passed: outcome.error === undefined && outcome.checks.length > 0 && coreHeld,
    checks: outcome.checks,
    ...(outcome.error ? { error: outcome.error } : {}),
    hanging: outcome.hanging,
    output: outcome.output,
    durationMs: Math.round(performance.now() - started),
    ...(outcome.aborted ? { aborted: true } : {}),
  };
}
