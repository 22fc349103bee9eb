import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

test('scenario 26: a forgotten guard lets anonymous writes through; the fix and the audit hold', async () => {
  const report = await runScenarioById(26);
  assert.equal(report.error, undefined, report.error);

  assert.deepEqual(report.steps.map((step) => [step.title, step.shows, step.senior]), [
    ['Naive: one write route open', 'failure', false],
    ['Audit: walk the router stack', 'fix', false],
    ['Fixed: guards on every write', 'fix', false],
    ['Senior: fail closed by default', 'fix', true],
  ]);
  const scenario = await loadScenarioById(26);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  // Naive: POST/DELETE are guarded, the forgotten PATCH is not, and it really changed the data.
  assert.equal(observation(report, 'Naive', 'anon GET'), 200);
  assert.equal(observation(report, 'Naive', 'anon POST'), 401);
  assert.equal(observation(report, 'Naive', 'anon DELETE'), 401);
  assert.equal(observation(report, 'Naive', '401 challenge'), 'Bearer realm="api"');
  assert.equal(observation(report, 'Naive', 'anon PATCH'), 200);
  assert.equal(observation(report, 'Naive', 'price before'), 300);
  assert.equal(observation(report, 'Naive', 'price after'), 1);

  // The audit walks Express 5's app.router and flags exactly the forgotten route.
  assert.equal(observation(report, 'Audit', 'app._router'), 'undefined');
  assert.equal(observation(report, 'Audit', 'write routes'), 3);
  assert.deepEqual(observation(report, 'Audit', 'unguarded'), ['PATCH /products/:id']);

  // Fixed: 401 anonymous, 403 user, 201/200/204 admin, reads 200 for all, nothing flagged.
  assert.deepEqual(observation(report, 'Fixed', 'anon writes'), { post: 401, patch: 401, delete: 401 });
  assert.deepEqual(observation(report, 'Fixed', 'user writes'), { post: 403, patch: 403, delete: 403 });
  assert.deepEqual(observation(report, 'Fixed', 'admin writes'), { post: 201, patch: 200, delete: 204 });
  assert.equal(observation(report, 'Fixed', 'docs after refusals'), 3);
  assert.equal(observation(report, 'Fixed', 'desk price'), 250);
  assert.equal(observation(report, 'Fixed', 'forged admin PATCH'), 401);
  assert.equal(observation(report, 'Fixed', 'alg none PATCH'), 401);
  assert.equal(observation(report, 'Fixed', '401 challenge, no token'), 'Bearer realm="api"');
  assert.equal(observation(report, 'Fixed', '401 challenge, forged'), 'Bearer realm="api", error="invalid_token"');
  assert.deepEqual(observation(report, 'Fixed', 'reads'), { anon: 200, user: 200, admin: 200 });
  assert.deepEqual(observation(report, 'Fixed', 'audit unguarded'), []);

  // Fail-closed gate on /products: the same unguarded routes refuse writes behind it.
  assert.equal(observation(report, 'fail closed', 'gate anon PATCH'), 401);
  assert.equal(observation(report, 'fail closed', 'gate user PATCH'), 403);
  assert.equal(observation(report, 'fail closed', 'gate admin PATCH'), 200);
  assert.equal(observation(report, 'fail closed', 'gate anon GET'), 200);
  assert.deepEqual(observation(report, 'fail closed', 'gate audit unguarded'), []);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
