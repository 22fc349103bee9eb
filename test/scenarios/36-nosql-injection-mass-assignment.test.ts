// Scenario 36's figures, by step title prefix and check id: the demo walks the starter, the
// trusted() trap and the solution through one attack, and every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { figure, stepOf } from '../support/scenario-steps.js';

const INJECTED = 'sign-in as Ada, code {"$ne": null} / {"$gt": ""}';
const ESCALATION = 'sign-up with "role": "admin"';
const HONEST = 'Ada with her code / a wrong code';
const PAST = 'User.findOne({ email: { $ne: null } })';

test('36: operators in a JSON body sign in and role rides create(req.body); zod, an allow-list and sanitizeFilter + trusted() stop both', async () => {
  const report = await runScenarioById(36);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, INJECTED), [200, 200]);
  assert.deepEqual(figure(naive, 'the bypass answered'), { signedInAs: 'ada@example.com' });
  assert.deepEqual(figure(naive, ESCALATION), { status: 201, storedRole: 'admin' });
  assert.deepEqual(figure(naive, HONEST), { right: 200, wrong: 401, challenge: 'Bearer realm="api"' });
  assert.equal(figure(naive, PAST), 'matched ada@example.com');

  // sanitizeFilter without trusted(): the app's own $gt is wrapped in $eq, casting fails, 500.
  const trap = stepOf(report, 'The trusted() trap');
  assert.deepEqual(figure(trap, INJECTED), [400, 400]);
  assert.deepEqual(figure(trap, ESCALATION), { status: 201, storedRole: 'user' });
  assert.deepEqual(figure(trap, HONEST), { right: 500, wrong: 500, challenge: null });
  assert.equal(figure(trap, PAST), 'refused: CastError');

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, INJECTED), [400, 400]);
  assert.deepEqual(figure(fix, ESCALATION), { status: 201, storedRole: 'user' });
  assert.deepEqual(figure(fix, HONEST), { right: 200, wrong: 401, challenge: 'Bearer realm="api"' });
  assert.equal(figure(fix, PAST), 'refused: CastError');

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'loginOperatorIs400')?.role, 'reproduces-failure');
  assert.ok(checks.filter((check) => check.step === fix.title).every((check) => check.role === 'proves-fix'));
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'filterSanitized')?.level, 'senior');
  assert.equal(report.passed, true);
});
