// Scenario 25's figures, by step title prefix and check id: the demo walks the starter, two traps
// and the solution through one attack, and every figure asserted here was observed in the run.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

/** The title of the step whose title starts with `prefix` (each code file is one step). */
function titleOf(report: ScenarioReport, prefix: string): string {
  const title = report.steps.find((step) => step.title.startsWith(prefix))?.title;
  assert.ok(title, `no step starting "${prefix}"; steps: ${report.steps.map((step) => step.title).join(' | ')}`);
  return title;
}

describe('scenario 25: stale data after an update', () => {
  let report: ScenarioReport;
  before(async () => {
    report = await runScenarioById(25);
  });

  test('the walk runs to the end, every check as expected, every reference names a step', async () => {
    assert.equal(report.error, undefined, report.error);
    assert.deepEqual(failedChecks(report), []);
    assert.equal(report.passed, true);
    assert.deepEqual(report.steps.map((step) => step.shows), ['failure', 'failure', 'failure', 'fix']);
    const scenario = await loadScenarioById(25);
    assert.ok(scenario);
    assert.deepEqual(unresolvedStepRefs(scenario, report), []);
  });

  test('the starter: old document returned, stale cache, a lost sale and an oversell', () => {
        assert.equal(observation(report, 'Naive', 'PATCH 20 → 25, price in response'), 20);
    assert.equal(observation(report, 'Naive', 'price in database'), 25);
    assert.equal(observation(report, 'Naive', 'GET, PATCH 20 → 30, GET'), 'miss 20, then hit 20');
    assert.deepEqual(observation(report, 'Naive', 'stock 5, two sales of 2: statuses'), [200, 200]);
    assert.equal(observation(report, 'Naive', 'sales that read the stock before either wrote'), 2);
    assert.equal(observation(report, 'Naive', 'stock left'), 3);
    assert.deepEqual(observation(report, 'Naive', 'stock 3, two sales of 2: statuses'), [200, 200]);
    assert.equal(observation(report, 'Naive', 'stock after'), 1);
    const reproduced = checksOf(report).filter((check) => check.step === titleOf(report, 'Naive') && check.role === 'reproduces-failure').map((check) => check.id).sort();
    assert.deepEqual(reproduced, ['cacheFreshAfterWrite', 'noLostSale', 'noOversell', 'noRefillDuringWrite', 'patchReturnsUpdate']);
  });

  test('deleting the key before the write lets the reader in the window cache the old price', () => {
    assert.equal(observation(report, 'Trap: delete', 'GET, PATCH 20 → 30, GET'), 'miss 20, then miss 30');
    assert.equal(observation(report, 'Trap: delete', 'GET while the write is held, GET after'), 'miss 20, then hit 20');
  });

  test('optimistic concurrency loses nothing but answers one of two servable sales 409', () => {
    assert.deepEqual(observation(report, 'Trap: optimistic', 'stock 5, two sales of 2: statuses'), [200, 409]);
    assert.equal(observation(report, 'Trap: optimistic', 'stock left'), 3);
    assert.deepEqual(observation(report, 'Trap: optimistic', 'stock 3, two sales of 2: statuses'), [200, 409]);
  });

  test('the fix: fresh response and reads, both sales applied without a retry, the oversell refused', () => {
    assert.equal(observation(report, 'Fix:', 'PATCH 20 → 25, price in response'), 25);
    assert.equal(observation(report, 'Fix:', 'GET, PATCH 20 → 30, GET'), 'miss 20, then miss 30');
    assert.equal(observation(report, 'Fix:', 'GET while the write is held, GET after'), 'hit 20, then miss 30');
    assert.deepEqual(observation(report, 'Fix:', 'stock 5, two sales of 2: statuses'), [200, 200]);
    assert.equal(observation(report, 'Fix:', 'stock left'), 1);
    assert.deepEqual(observation(report, 'Fix:', 'stock 3, two sales of 2: statuses'), [200, 409]);
    assert.equal(observation(report, 'Fix:', 'stock after'), 1);
    assert.equal(observation(report, 'Fix:', 'new: true warns'), true);
    const checks = checksOf(report).filter((check) => check.step === titleOf(report, 'Fix:'));
    const facts = ['newOptionDeprecated', 'secondaryReadIsStale', 'causalReadSeesOwnWrite'];
    assert.ok(checks.filter((check) => !facts.includes(check.id ?? '')).every((check) => check.role === 'proves-fix'));
    assert.equal(checks.find((check) => check.id === 'noRefillDuringWrite')?.level, 'senior');
  });

  test('replica lag, live on a replica set: a paused secondary serves the old price; a causally consistent read waits for the write', () => {
    for (const step of ['Naive', 'Fix:']) {
      assert.equal(observation(report, step, 'price 20 → 25 (w: 1), read from a secondary'), 20);
      assert.equal(observation(report, step, 'price 25 → 30 (w: 1), read from a secondary in the same causally consistent session'), 30);
    }
    const facts = checksOf(report).filter((check) => check.id === 'secondaryReadIsStale' || check.id === 'causalReadSeesOwnWrite');
    assert.equal(facts.length, 2 * report.steps.length, 'both facts are checked against every code file');
    assert.ok(facts.every((check) => check.passed && check.role === 'context'));
  });
});
