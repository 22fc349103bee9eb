import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';

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

  test('without returnDocument the response carries the pre-update price', () => {
    assert.equal(observation(report, 'old doc', 'status'), 200);
    assert.equal(observation(report, 'old doc', 'price in response'), 20);
    assert.equal(observation(report, 'old doc', 'price in database'), 25);
  });

  test("with returnDocument: 'after' the response is fresh", () => {
    assert.equal(observation(report, 'returnDocument', 'price in response'), 25);
    assert.equal(observation(report, 'returnDocument', 'price in database'), 25);
  });

  test('a cache that is not invalidated serves the old price as a hit', () => {
    assert.equal(observation(report, 'not invalidated', 'first GET'), 'miss 20');
    assert.equal(observation(report, 'not invalidated', 'GET after PATCH cache'), 'hit');
    assert.equal(observation(report, 'not invalidated', 'GET after PATCH price'), 20);
    assert.equal(observation(report, 'not invalidated', 'price in database'), 30);
  });

  test('invalidating on write makes the next read miss and serve the new price', () => {
    assert.equal(observation(report, 'invalidate on write', 'GET after PATCH cache'), 'miss');
    assert.equal(observation(report, 'invalidate on write', 'GET after PATCH price'), 30);
  });

  test('two concurrent read-modify-saves both succeed and one sale is lost', () => {
    assert.deepEqual(observation(report, 'lost update', 'statuses'), [200, 200]);
    assert.equal(observation(report, 'lost update', 'stock in database'), 7);
    assert.equal(observation(report, 'lost update', 'stock if both counted'), 4);
  });

  test('optimistic concurrency answers the second writer 409 and the retry succeeds', () => {
    assert.deepEqual(observation(report, 'optimistic', 'statuses'), [200, 409]);
    assert.equal(observation(report, 'optimistic', 'stock after race'), 7);
    assert.equal(observation(report, 'optimistic', 'retry status'), 200);
    assert.equal(observation(report, 'optimistic', 'stock after retry'), 4);
  });

  test('the replica step reports the topology and a fresh primary read', () => {
    assert.equal(observation(report, 'replica', 'topology'), 'standalone');
    assert.equal(observation(report, 'replica', 'primary read'), 40);
  });
});
