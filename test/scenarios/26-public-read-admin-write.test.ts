import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';

test('scenario 26: a forgotten guard lets anonymous writes through; the fix and the audit hold', async () => {
  const report = await runScenarioById(26);
  assert.equal(report.error, undefined, report.error);

  // Naive: POST/DELETE are guarded, the forgotten PUT is not, and it really changed the data.
  assert.equal(observation(report, 'Naive', 'anon GET'), 200);
  assert.equal(observation(report, 'Naive', 'anon POST'), 401);
  assert.equal(observation(report, 'Naive', 'anon DELETE'), 401);
  assert.equal(observation(report, 'Naive', 'anon PUT'), 200);
  assert.equal(observation(report, 'Naive', 'price before'), 300);
  assert.equal(observation(report, 'Naive', 'price after'), 1);

  // The audit walks Express 5's app.router and flags exactly the forgotten route.
  assert.equal(observation(report, 'Audit', 'app._router'), 'undefined');
  assert.equal(observation(report, 'Audit', 'write routes'), 3);
  assert.deepEqual(observation(report, 'Audit', 'unguarded'), ['PUT /products/:id']);

  // Fixed: 401 anonymous, 403 user, 201/200/204 admin, reads 200 for all, nothing flagged.
  assert.deepEqual(observation(report, 'Fixed', 'anon writes'), { post: 401, put: 401, delete: 401 });
  assert.deepEqual(observation(report, 'Fixed', 'user writes'), { post: 403, put: 403, delete: 403 });
  assert.deepEqual(observation(report, 'Fixed', 'admin writes'), { post: 201, put: 200, delete: 204 });
  assert.equal(observation(report, 'Fixed', 'docs after refusals'), 3);
  assert.equal(observation(report, 'Fixed', 'desk price'), 250);
  assert.equal(observation(report, 'Fixed', 'forged admin PUT'), 401);
  assert.equal(observation(report, 'Fixed', 'alg none PUT'), 401);
  assert.equal(observation(report, 'Fixed', '401 challenge, no token'), 'Bearer');
  assert.equal(observation(report, 'Fixed', '401 challenge, forged'), 'Bearer error="invalid_token"');
  assert.deepEqual(observation(report, 'Fixed', 'reads'), { anon: 200, user: 200, admin: 200 });
  assert.deepEqual(observation(report, 'Fixed', 'audit unguarded'), []);

  // Fail-closed gate: the same unguarded routes refuse writes behind it.
  assert.equal(observation(report, 'fail closed', 'gate anon PUT'), 401);
  assert.equal(observation(report, 'fail closed', 'gate user PUT'), 403);
  assert.equal(observation(report, 'fail closed', 'gate admin PUT'), 200);
  assert.equal(observation(report, 'fail closed', 'gate anon GET'), 200);
  assert.deepEqual(observation(report, 'fail closed', 'gate audit unguarded'), []);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
