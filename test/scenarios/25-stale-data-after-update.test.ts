import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

describe('scenario 25: stale data after an update', () => {
  let report: ScenarioReport;
  before(async () => {
    report = await runScenarioById(25);
  });

  test('the demo runs to the end and every check holds', () => {
    assert.equal(report.error, undefined);
    assert.deepEqual(failedChecks(report), []);
    assert.equal(report.passed, true);
  });

  test('every step declares its role; naive steps reproduce, fixes prove', () => {
    const roles = report.steps.map((step) => [step.title, step.shows, step.senior]);
    assert.deepEqual(roles, [
      ['Naive: update returns the old doc', 'failure', false],
      ["Fix: returnDocument: 'after'", 'fix', false],
      ['Naive: cache not invalidated', 'failure', false],
      ['Fix: invalidate after the write', 'fix', false],
      ['Senior trap: delete before the write', 'failure', true],
      ['Naive: lost update', 'failure', false],
      ['Fix: conditional $inc', 'fix', false],
      ['Fix: optimistic concurrency (409)', 'fix', false],
      ['Senior: replica lag', 'context', true],
    ]);
    const lostUpdate = checksOf(report).filter((check) => check.step === 'Naive: lost update');
    assert.ok(lostUpdate.length > 0 && lostUpdate.every((check) => check.role === 'reproduces-failure'));
  });

  test('every provenBy and shownBy names a step of the run', async () => {
    const scenario = await loadScenarioById(25);
    assert.ok(scenario);
    assert.deepEqual(unresolvedStepRefs(scenario, report), []);
  });

  test('without returnDocument the response carries the pre-update price', () => {
    assert.equal(observation(report, 'old doc', 'status'), 200);
    assert.equal(observation(report, 'old doc', 'price in response'), 20);
    assert.equal(observation(report, 'old doc', 'price in database'), 25);
  });

  test("with returnDocument: 'after' the response is fresh; new: true works but warns", () => {
    assert.equal(observation(report, 'returnDocument', 'price in response'), 25);
    assert.equal(observation(report, 'returnDocument', 'price in database'), 25);
    assert.equal(observation(report, 'returnDocument', 'new: true price'), 26);
    assert.match(String(observation(report, 'returnDocument', 'warning')), /`new` option.*deprecated.*returnDocument/);
  });

  test('a cache that is not invalidated serves the old price as a hit', () => {
    assert.equal(observation(report, 'not invalidated', 'first GET'), 'miss 20');
    assert.equal(observation(report, 'not invalidated', 'GET after PATCH cache'), 'hit');
    assert.equal(observation(report, 'not invalidated', 'GET after PATCH price'), 20);
    assert.equal(observation(report, 'not invalidated', 'price in database'), 30);
  });

  test('invalidating after the write: a reader mid-write sees the old value, the next read the new one', () => {
    assert.equal(observation(report, 'invalidate after', 'GET during the write'), 'hit 20');
    assert.equal(observation(report, 'invalidate after', 'PATCH status'), 200);
    assert.equal(observation(report, 'invalidate after', 'GET after PATCH cache'), 'miss');
    assert.equal(observation(report, 'invalidate after', 'GET after PATCH price'), 30);
  });

  test('deleting before the write lets the reader in the window cache the old document', () => {
    assert.equal(observation(report, 'delete before', 'GET during the write'), 'miss 20');
    assert.equal(observation(report, 'delete before', 'GET after PATCH'), 'hit 20');
    assert.equal(observation(report, 'delete before', 'price in database'), 30);
  });

  test('two concurrent read-modify-saves both succeed and one sale is lost', () => {
    assert.deepEqual(observation(report, 'lost update', 'statuses'), [200, 200]);
    assert.equal(observation(report, 'lost update', 'stock in database'), 7);
  });

  test('the conditional $inc counts both concurrent sales and refuses the overdraw with 409', () => {
    assert.deepEqual(observation(report, 'conditional $inc', 'statuses'), [200, 200]);
    assert.deepEqual(observation(report, 'conditional $inc', 'stock in responses'), [1, 3]);
    assert.equal(observation(report, 'conditional $inc', 'stock after both'), 1);
    assert.equal(observation(report, 'conditional $inc', 'third sale status'), 409);
    assert.equal(observation(report, 'conditional $inc', 'third sale error'), 'insufficient stock');
    assert.equal(observation(report, 'conditional $inc', 'stock after third'), 1);
  });

  test('optimistic concurrency answers the second writer 409 and the retry succeeds', () => {
    assert.deepEqual(observation(report, 'optimistic', 'statuses'), [200, 409]);
    assert.equal(observation(report, 'optimistic', 'stock after race'), 7);
    assert.equal(observation(report, 'optimistic', 'retry status'), 200);
    assert.equal(observation(report, 'optimistic', 'stock after retry'), 4);
  });

  test('the replica step reports the topology and claims nothing it cannot show', () => {
    assert.equal(observation(report, 'replica', 'topology'), 'standalone');
    assert.deepEqual(checksOf(report).filter((check) => check.step === 'Senior: replica lag'), []);
  });
});
