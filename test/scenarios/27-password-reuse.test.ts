import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

test('27: hash-string comparison lets reuse through, bcrypt.compare and a history stop it', async () => {
  const report = await runScenarioById(27);
  assert.equal(report.error, undefined, report.error);

  assert.deepEqual(report.steps.map((step) => [step.title, step.shows, step.senior]), [
    ['Same password, two hashes', 'context', false],
    ['Naive: compare hash strings', 'failure', false],
    ['Fix: bcrypt.compare', 'fix', false],
    ['Fix: password history', 'fix', false],
    ['Senior: the cost factor doubles', 'context', true],
  ]);
  const scenario = await loadScenarioById(27);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  // Salts differ, so the hashes differ, yet compare() accepts the password against both.
  const saltA = observation(report, 'two hashes', 'salt A');
  const saltB = observation(report, 'two hashes', 'salt B');
  assert.equal(typeof saltA, 'string');
  assert.equal((saltA as string).length, 22);
  assert.notEqual(saltA, saltB);
  assert.equal(observation(report, 'two hashes', 'hashes equal'), false);
  assert.equal(observation(report, 'two hashes', 'compare A'), true);
  assert.equal(observation(report, 'two hashes', 'compare B'), true);
  assert.equal(observation(report, 'two hashes', 'cost factor'), 10);
  const msPerHash = observation(report, 'two hashes', 'ms per hash');
  assert.ok(typeof msPerHash === 'number' && msPerHash >= 0);

  // Naive route accepts the identical password.
  assert.equal(observation(report, 'Naive', 'same password'), 204);
  assert.equal(observation(report, 'Naive', 'stored hash changed'), true);
  assert.equal(observation(report, 'Naive', 'new pw is the old'), true);

  // Fix: same → 400; wrong current password → 403 with a code (the session is valid);
  // no session → 401 with a Bearer challenge; new → 204; back to the old one → 400 from the history.
  assert.equal(observation(report, 'Fix: bcrypt', 'same password'), 400);
  assert.equal(observation(report, 'Fix: bcrypt', 'wrong current pw'), 403);
  assert.equal(observation(report, 'Fix: bcrypt', 'wrong current pw code'), 'current_password_invalid');
  assert.equal(observation(report, 'Fix: bcrypt', 'no session'), 401);
  assert.equal(observation(report, 'Fix: bcrypt', 'no session challenge'), 'Bearer realm="api"');
  assert.equal(observation(report, 'Fix: bcrypt', 'new password'), 204);
  assert.equal(observation(report, 'Fix: bcrypt', 'history size'), 1);
  assert.equal(observation(report, 'password history', 'back to old pw'), 400);
  assert.equal(observation(report, 'password history', 'history size'), 1);

  // One more cost step about doubles the hash time (the bound itself is the demo's check).
  const ratio = observation(report, 'cost factor', 'ratio');
  assert.ok(typeof ratio === 'number' && ratio > 1, `ratio ${String(ratio)}`);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
