// Scenario 29's figures, by step title and check id: the demo walks the starter, two traps and the
// solution through one attack that scans every response body for secret keys and seeded secret
// values; every figure asserted here was observed in the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

/** [status, secret keys found ("-" for none), secret values found] as the attack recorded them. */
type Scan = [number, string, number];
const clean = (status: number): Scan => [status, '-', 0];

test('scenario 29: secrets leak naively and through each single layer; select:false, transforms and $project keep them in', async () => {
  const report = await runScenarioById(29);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
  assert.deepEqual(report.steps.map((step) => step.shows), ['failure', 'failure', 'failure', 'fix']);
  const scenario = await loadScenarioById(29);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  const scan = (step: string, label: string): Scan => observation(report, step, `${label}: status, secret keys, secret values`) as Scan;

  // Naive: every route that sends a user sends the hash and the tokens, keys and real values alike.
  for (const label of ['GET /users/:id', 'GET /users (lean)', 'GET /users/:id/profile (toObject)', 'POST /register (create())', 'GET /users-report (aggregate)', 'login, right password']) {
    const [, keys, values] = scan('Naive', label);
    assert.equal(keys, 'password token tokens', label);
    assert.ok(values >= 1, label);
  }
  assert.ok(scan('Naive', 'GET /users (lean)')[2] >= 4);

  // toJSON alone: documents are clean; lean(), the toObject() spread and the pipeline still leak.
  assert.deepEqual(scan('Trap: a toJSON', 'GET /users/:id'), clean(200));
  assert.deepEqual(scan('Trap: a toJSON', 'POST /register (create())'), clean(201));
  assert.equal(scan('Trap: a toJSON', 'GET /users (lean)')[1], 'password token tokens');
  assert.equal(scan('Trap: a toJSON', 'GET /users/:id/profile (toObject)')[1], 'password token tokens');
  assert.equal(scan('Trap: a toJSON', 'GET /users-report (aggregate)')[1], 'password token tokens');

  // select:false alone: queries are clean; create(), the opted-in login and the pipeline leak.
  assert.deepEqual(scan('Trap: select', 'GET /users (lean)'), clean(200));
  assert.deepEqual(scan('Trap: select', 'GET /users/:id/profile (toObject)'), clean(200));
  assert.notEqual(scan('Trap: select', 'POST /register (create())')[1], '-');
  assert.notEqual(scan('Trap: select', 'login, right password')[1], '-');
  assert.notEqual(scan('Trap: select', 'GET /users-report (aggregate)')[1], '-');

  // Both layers and an explicit $project: every response clean, login works, refusals challenged.
  for (const [label, status] of [['GET /users/:id', 200], ['GET /users (lean)', 200], ['GET /users/:id/profile (toObject)', 200],
    ['POST /register (create())', 201], ['GET /users-report (aggregate)', 200], ['login, right password', 200],
    ['login, wrong password', 401], ['login, unknown email', 401]] as const) {
    assert.deepEqual(scan('Fix:', label), clean(status), label);
  }
  assert.equal(observation(report, 'Fix:', '401 challenge'), 'Bearer realm="api"');
  assert.equal(scan('Fix:', 'login, {"$ne": null} as email')[0], 400);
  assert.equal(observation(report, 'Fix:', 'bcrypt hashes in the database'), 3);

  const fixTitle = report.steps.find((step) => step.title.startsWith('Fix:'))?.title;
  assert.ok(checksOf(report).filter((check) => check.step === fixTitle).every((check) => check.role === 'proves-fix'));
});
