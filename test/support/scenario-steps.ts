// Steps and figures of a folder scenario's report, found by title prefix (the code file's title:
// "Naive", "Fix", a trap's name) and by observation label; a miss lists what does exist.
import assert from 'node:assert/strict';
import type { ScenarioReport, StepReport } from '../../src/runtime/report.js';

export function stepOf(report: ScenarioReport, prefix: string): StepReport {
  const step = report.steps.find((candidate) => candidate.title.startsWith(prefix));
  assert.ok(step, `no step starting "${prefix}"; steps: ${report.steps.map((s) => s.title).join(' | ')}; error: ${report.error ?? 'none'}`);
  return step;
}

export function figure(step: StepReport, label: string): unknown {
  assert.ok(label in step.observations, `step "${step.title}" has no observation "${label}"; it has ${Object.keys(step.observations).join(', ')}`);
  return step.observations[label];
}
