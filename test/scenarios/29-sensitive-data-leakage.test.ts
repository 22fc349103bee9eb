import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

const count = (value: unknown): number => {
  assert.equal(typeof value, 'number');
  return value as number;
};

test('scenario 29: secrets leak naively and through lean(); toJSON plus select:false keep them in', async () => {
  const report = await runScenarioById(29);
  assert.equal(report.error, undefined, report.error);

  assert.deepEqual(report.steps.map((step) => [step.title, step.shows, step.senior]), [
    ['Naive: document sent as is', 'failure', false],
    ['Fix 1: toJSON transform', 'fix', false],
    ['Pitfall: lean(), toObject()', 'failure', false],
    ['Fix 2: select: false', 'fix', false],
    ['Senior trap: where select:false stops', 'failure', true],
    ['Senior fix: both layers, explicit $project', 'fix', true],
  ]);
  const scenario = await loadScenarioById(29);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  // Naive: the hash and the tokens are in the body, keys and real values alike.
  assert.equal(observation(report, 'Naive', 'by id, status'), 200);
  assert.deepEqual(observation(report, 'Naive', 'by id, secret keys'), ['password', 'token', 'tokens']);
  assert.ok(count(observation(report, 'Naive', 'by id, secret values')) >= 2);
  assert.ok(count(observation(report, 'Naive', 'list, secret values')) >= 4);

  // toJSON transform: clean documents, hashes still stored.
  assert.deepEqual(observation(report, 'toJSON', 'by id, secret keys'), []);
  assert.equal(observation(report, 'toJSON', 'by id, secret values'), 0);
  assert.deepEqual(observation(report, 'toJSON', 'list, secret keys'), []);
  assert.equal(observation(report, 'toJSON', 'hashes in db'), 2);

  // lean() bypasses the transform.
  assert.equal(observation(report, 'lean()', 'lean has toJSON'), false);
  assert.deepEqual(observation(report, 'lean()', 'lean list, secret keys'), ['password', 'token', 'tokens']);
  assert.ok(count(observation(report, 'lean()', 'lean list, secret values')) >= 4);
  // so does spreading toObject() into the response
  assert.equal(observation(report, 'lean()', 'toObject spread, status'), 200);
  assert.ok((observation(report, 'lean()', 'toObject spread, secret keys') as string[]).includes('password'));
  assert.ok(count(observation(report, 'lean()', 'toObject spread, secret values')) >= 1);

  // select:false protects lean queries; login opts in with +password and answers clean.
  assert.deepEqual(observation(report, 'select: false', 'lean list, secret keys'), []);
  assert.equal(observation(report, 'select: false', 'lean list, secret values'), 0);
  assert.equal(observation(report, 'select: false', 'hash loaded by default'), false);
  assert.equal(observation(report, 'select: false', 'hash with +password'), true);
  assert.equal(observation(report, 'select: false', 'login, status'), 200);
  assert.deepEqual(observation(report, 'select: false', 'login, secret keys'), []);
  assert.equal(observation(report, 'select: false', 'wrong password, status'), 401);
  assert.deepEqual(observation(report, 'select: false', 'wrong password, secret keys'), []);
  assert.equal(observation(report, 'select: false', 'unknown email, status'), 401);
  assert.equal(observation(report, 'select: false', '401 challenge'), 'Bearer realm="api"');
  // a typed body: an operator in place of the email never reaches the filter
  assert.equal(observation(report, 'select: false', 'operator email, status'), 400);

  // Where select:false stops: create() responses and aggregate().
  assert.equal(observation(report, 'Senior trap', 'register (select only), status'), 201);
  assert.ok((observation(report, 'Senior trap', 'register (select only), secret keys') as string[]).includes('password'));
  assert.ok((observation(report, 'Senior trap', 'aggregate, secret keys') as string[]).includes('password'));
  assert.equal(observation(report, 'Senior fix', 'register (both), status'), 201);
  assert.deepEqual(observation(report, 'Senior fix', 'register (both), secret keys'), []);
  assert.deepEqual(observation(report, 'Senior fix', 'aggregate+$project, secret keys'), []);
  assert.equal(observation(report, 'Senior fix', 'aggregate+$project, secret values'), 0);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
