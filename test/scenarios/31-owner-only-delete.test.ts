// Scenario 31's figures by step role: the demo walks starter.js, the ObjectId trap and solution.js
// through one attack, and every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, figure, stepOf } from '../support/scenario-links.js';


test('31: IDOR naively, the ObjectId !== string trap refuses the owner, then owner-or-admin holds', async () => {
  const report = await runScenarioById(31);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  const challenge = { status: 401, 'www-authenticate': 'Bearer realm="api"' };

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'no token'), challenge);
  assert.deepEqual(figure(naive, 'mallory deletes alice'), { status: 204, 'alice still there': false });
  assert.deepEqual(figure(naive, 'deleted dave\'s token deletes erin'), { status: 204, 'erin still there': false });
  assert.equal(figure(naive, 'ada deletes /users/not-an-id'), 500);
  assert.deepEqual(figure(naive, 'demoted ada deletes mallory'), { status: 204, 'mallory still there': false });
  assert.deepEqual(figure(naive, 'mallory probes frank\'s id and a missing id'), { existing: 204, missing: 404, 'frank still there': false });

  const trap = stepOf(report, 'The ObjectId trap');
  assert.deepEqual(figure(trap, 'bob deletes himself'), { status: 403, 'bob gone': false });
  assert.deepEqual(figure(trap, 'mallory deletes alice'), { status: 403, 'alice still there': true });
  assert.deepEqual(figure(trap, 'comparing frank\'s id'), {
    'id == same id': false, 'id !== its string': true, 'id.equals(string)': true, 'doc.id === string': true, 'lean().id': 'undefined',
  });

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'no token'), challenge);
  assert.deepEqual(figure(fix, 'mallory deletes alice'), { status: 403, 'alice still there': true });
  assert.deepEqual(figure(fix, 'bob deletes himself'), { status: 204, 'bob gone': true });
  assert.deepEqual(figure(fix, 'ada (admin) deletes carol'), { status: 204, 'carol gone': true });
  assert.deepEqual(figure(fix, 'deleted dave\'s token deletes erin'), { status: 401, 'erin still there': true });
  assert.equal(figure(fix, 'ada deletes /users/not-an-id'), 404);
  assert.deepEqual(figure(fix, 'demoted ada deletes mallory'), { status: 403, 'mallory still there': true });
  assert.deepEqual(figure(fix, 'mallory probes frank\'s id and a missing id'), { existing: 403, missing: 403, 'frank still there': true });

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === trap.title && check.id === 'ownerDeletes')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'idsComparedByValue')?.role, 'context');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'noEnumeration')?.level, 'senior');
  assert.deepEqual(await danglingStepLinksOf(31, report), []);
  assert.equal(report.passed, true);
});
