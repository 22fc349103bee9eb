// Scenario 26's figures, by step title and check id: the demo walks the starter, the trap and the
// solution through one attack (anonymous, user and admin callers on every write), and every figure
// asserted here was observed in the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

test('scenario 26: a forgotten guard lets writes through; one gate on /products fails closed', async () => {
  const report = await runScenarioById(26);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
  assert.deepEqual(report.steps.map((step) => step.shows), ['failure', 'failure', 'fix']);
  const scenario = await loadScenarioById(26);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  // Naive: POST and DELETE are guarded, the forgotten PATCH is not; a PUT nobody handles is a 404.
  assert.deepEqual(observation(report, 'Naive', 'anonymous writes'), { post: 401, patch: 200, delete: 401 });
  assert.deepEqual(observation(report, 'Naive', 'user writes'), { post: 403, patch: 200, delete: 403 });
  assert.equal(observation(report, 'Naive', 'anonymous PUT (no route)'), 404);
  assert.deepEqual(observation(report, 'Naive', 'reads'), { anonymous: 200, user: 200, admin: 200 });

  // Guards after the handler never run: the same open PATCH.
  assert.deepEqual(observation(report, 'Trap: guards', 'anonymous writes'), { post: 401, patch: 200, delete: 401 });

  // The gate: 401 anonymous (with a Bearer challenge), 403 user, 201/200/204 admin, reads public.
  assert.deepEqual(observation(report, 'Fix:', 'anonymous writes'), { post: 401, patch: 401, delete: 401 });
  assert.deepEqual(observation(report, 'Fix:', 'user writes'), { post: 403, patch: 403, delete: 403 });
  assert.deepEqual(observation(report, 'Fix:', 'admin writes'), { post: 201, patch: 200, delete: 204 });
  assert.deepEqual(observation(report, 'Fix:', 'reads'), { anonymous: 200, user: 200, admin: 200 });
  assert.deepEqual(observation(report, 'Fix:', 'forged / alg none / expired'), [401, 401, 401]);
  assert.equal(observation(report, 'Fix:', 'challenge, expired token'), 'Bearer realm="api", error="invalid_token"');
  assert.equal(observation(report, 'Fix:', 'anonymous PUT (no route)'), 401);
  assert.equal(observation(report, 'Fix:', '401s with a Bearer challenge'), '7 of 7');

  const fixTitle = report.steps.find((step) => step.title.startsWith('Fix:'))?.title;
  const fixChecks = checksOf(report).filter((check) => check.step === fixTitle);
  assert.ok(fixChecks.length > 0 && fixChecks.every((check) => check.role === 'proves-fix'));
  assert.equal(fixChecks.find((check) => check.id === 'unsafeMethodsFailClosed')?.level, 'senior');
});
