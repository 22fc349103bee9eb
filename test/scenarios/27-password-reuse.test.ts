// Scenario 27's figures, by step title and check id: the demo walks the starter, two traps and the
// solution through one attack (five password changes by one signed-in user), and every figure
// asserted here was observed in the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

test('27: hash-string comparison lets reuse through; compare(), a 403 for a wrong current password and a history stop it', async () => {
  const report = await runScenarioById(27);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
  assert.deepEqual(report.steps.map((step) => step.shows), ['failure', 'failure', 'failure', 'fix']);
  const scenario = await loadScenarioById(27);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  // Facts shown in every step: two salts for one password; one cost step about doubles the CPU.
  const salts = observation(report, 'Naive', 'salts of two hashes of one password') as string[];
  assert.equal(salts.length, 2);
  assert.equal(salts[0]?.length, 22);
  assert.notEqual(salts[0], salts[1]);
  const ratio = observation(report, 'Naive', 'ratio');
  assert.ok(typeof ratio === 'number' && ratio > 1, `ratio ${String(ratio)}`);

  // Naive: the same password, a wrong current one and A → B → A all pass with 204.
  assert.equal(observation(report, 'Naive', 'same password'), 204);
  assert.equal(observation(report, 'Naive', 'wrong current password'), '204');
  assert.equal(observation(report, 'Naive', 'back to the previous password'), 204);

  // Traps: a 401 for the typo; the current hash alone forgets A.
  assert.equal(observation(report, 'Trap: a wrong current', 'wrong current password'), '401');
  assert.equal(observation(report, 'Trap: compare with the current', 'same password'), 400);
  assert.equal(observation(report, 'Trap: compare with the current', 'back to the previous password'), 204);

  // Fix: 400 for reuse, 403 with a code for the typo, 401 with a Bearer challenge without a session.
  assert.equal(observation(report, 'Fix:', 'same password'), 400);
  assert.equal(observation(report, 'Fix:', 'wrong current password'), '403 current_password_invalid');
  assert.equal(observation(report, 'Fix:', 'no session'), '401 Bearer realm="api"');
  assert.equal(observation(report, 'Fix:', 'new password'), 204);
  assert.equal(observation(report, 'Fix:', 'back to the previous password'), 400);

  const fixTitle = report.steps.find((step) => step.title.startsWith('Fix:'))?.title;
  const fixChecks = checksOf(report).filter((check) => check.step === fixTitle);
  assert.ok(fixChecks.filter((check) => !['saltsDiffer', 'costDoubles'].includes(check.id ?? '')).every((check) => check.role === 'proves-fix'));
  assert.equal(fixChecks.find((check) => check.id === 'costDoubles')?.role, 'context');
});
