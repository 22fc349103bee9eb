import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';

test('27: hash-string comparison lets reuse through, bcrypt.compare and a history stop it', async () => {
  const report = await runScenarioById(27);
  assert.equal(report.error, undefined, report.error);

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

  // Fix: same → 400, new → 204, back to the old one → 400 from the history.
  assert.equal(observation(report, 'Fix', 'same password'), 400);
  assert.equal(observation(report, 'Fix', 'wrong current pw'), 401);
  assert.equal(observation(report, 'Fix', 'no session'), 401);
  assert.equal(observation(report, 'Fix', 'new password'), 204);
  assert.equal(observation(report, 'Fix', 'history size'), 1);
  assert.equal(observation(report, 'history', 'back to old pw'), 400);
  assert.equal(observation(report, 'Password history', 'history size'), 1);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
