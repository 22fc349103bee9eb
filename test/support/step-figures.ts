// Reading a folder scenario's report by step and label: the step whose title starts with a prefix
// (starter `Naive`, a trap's name, `Fix`), and one figure it observed, failing with what exists.
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
