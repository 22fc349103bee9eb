// Scenario 39's figures, by step title prefix and check id: the demo walks the starter, two traps
// and the solution through one attack on a replica set, and every figure asserted here was
// observed in the run.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';
import { stepOf } from '../support/step-figures.js';

/** The ids a step's checks reproduced as failures. */
function reproduced(report: ScenarioReport, prefix: string): string[] {
  const { title } = stepOf(report, prefix);
  return checksOf(report).filter((check) => check.step === title && check.role === 'reproduces-failure').map((check) => check.id ?? '').sort();
}

describe('scenario 39: a money transfer, transactions and idempotency', () => {
  let report: ScenarioReport;
  before(async () => {
    report = await runScenarioById(39);
  });

  test('the walk runs to the end, every check as expected, every reference names a step', async () => {
    assert.equal(report.error, undefined, report.error);
    assert.deepEqual(failedChecks(report), []);
    assert.equal(report.passed, true);
    assert.deepEqual(report.steps.map((step) => step.shows), ['failure', 'failure', 'failure', 'fix']);
    const scenario = await loadScenarioById(39);
    assert.ok(scenario);
    assert.deepEqual(unresolvedStepRefs(scenario, report), []);
  });

  test('the starter: money lost in the crash, a lost debit under concurrency, every retry charged again', () => {
    assert.deepEqual(observation(report, 'Naive', '1000 → 0, transfer 300, crash after the debit: balances'), [700, 0]);
    assert.equal(observation(report, 'Naive', 'crash after the debit: status'), 500);
    assert.deepEqual(observation(report, 'Naive', '1000, two transfers of 300 at once: statuses'), [201, 201]);
    assert.equal(observation(report, 'Naive', 'transfers that read before either wrote'), 2);
    assert.equal((observation(report, 'Naive', 'balances after both') as number[])[0], 700);
    assert.deepEqual(observation(report, 'Naive', '100, transfer 300: balances'), [100, 0]);
    assert.deepEqual(observation(report, 'Naive', 'same key sent twice: balances'), [400, 600]);
    // Both copies read 1000 and saved 700: the lost update hides the second charge, but both answered
    // 201 with different transfer ids, so the client holds two receipts for one debit.
    assert.deepEqual(observation(report, 'Naive', 'same key twice at once: statuses'), [201, 201]);
    assert.equal((observation(report, 'Naive', 'same key twice at once: balances') as number[])[0], 700);
    assert.deepEqual(observation(report, 'Naive', 'TTL indexes'), []);
    assert.deepEqual(reproduced(report, 'Naive'),
      ['concurrentBothApplied', 'crashLeavesMoneyIntact', 'duplicateInFlightChargesOnce', 'keyReuseRefused', 'keysExpire', 'retryChargesOnce']);
  });

  test('a transaction by hand rolls the crash back but answers the write conflict 503', () => {
    assert.deepEqual(observation(report, 'Trap: a transaction by hand', '1000 → 0, transfer 300, crash after the debit: balances'), [1000, 0]);
    assert.deepEqual(observation(report, 'Trap: a transaction by hand', '1000, two transfers of 300 at once: statuses'), [201, 503]);
    assert.deepEqual(observation(report, 'Trap: a transaction by hand', 'balances after both'), [700, 300]);
    assert.deepEqual(observation(report, 'Trap: a transaction by hand', 'same key twice at once: statuses'), [201, 503]);
    assert.deepEqual(reproduced(report, 'Trap: a transaction by hand'), ['concurrentBothApplied', 'duplicateInFlightChargesOnce']);
  });

  test('a key checked before the transaction and saved after it lets two copies in flight both charge', () => {
    assert.deepEqual(observation(report, 'Trap: the key checked', 'same key sent twice: balances'), [700, 300]);
    assert.deepEqual(observation(report, 'Trap: the key checked', 'same key twice at once: statuses'), [201, 201]);
    assert.deepEqual(observation(report, 'Trap: the key checked', 'same key twice at once: balances'), [400, 600]);
    assert.deepEqual(reproduced(report, 'Trap: the key checked'), ['duplicateInFlightChargesOnce']);
  });

  test('the fix: the crash rolled back, both transfers applied after a retry, every retry charged once', () => {
    assert.deepEqual(observation(report, 'Fix:', '1000 → 0, transfer 300, crash after the debit: balances'), [1000, 0]);
    assert.equal(observation(report, 'Fix:', 'crash after the debit: status'), 503);
    assert.deepEqual(observation(report, 'Fix:', '1000, two transfers of 300 at once: statuses'), [201, 201]);
    assert.deepEqual(observation(report, 'Fix:', 'balances after both'), [400, 600]);
    // Two reads (source, target) per attempt: more than 4 means the driver ran a callback again.
    assert.ok((observation(report, 'Fix:', 'reads of the accounts during the two transfers') as number) > 4);
    assert.deepEqual(observation(report, 'Fix:', '100, transfer 300: balances'), [100, 0]);
    assert.deepEqual(observation(report, 'Fix:', 'same key sent twice: statuses'), [201, 201]);
    assert.equal(observation(report, 'Fix:', 'second answer is the first one'), true);
    assert.deepEqual(observation(report, 'Fix:', 'same key sent twice: balances'), [700, 300]);
    assert.deepEqual(observation(report, 'Fix:', 'same key twice at once: balances'), [700, 300]);
    assert.equal(observation(report, 'Fix:', 'key reused for a different amount: status'), 422);
    assert.deepEqual(observation(report, 'Fix:', 'TTL indexes'), ['idempotencykeys.createdAt_1: 86400 s']);
    const fixChecks = checksOf(report).filter((check) => check.step.startsWith('Fix:'));
    assert.ok(fixChecks.filter((check) => check.id !== 'conflictIsTransient').every((check) => check.role === 'proves-fix' && check.passed));
  });

  test('MongoDB itself, on every file: the second writer gets WriteConflict 112, labelled TransientTransactionError', () => {
    const facts = checksOf(report).filter((check) => check.id === 'conflictIsTransient');
    assert.equal(facts.length, report.steps.length);
    assert.ok(facts.every((check) => check.passed && check.role === 'context'));
    assert.equal(observation(report, 'Fix:', 'second writer: error code'), 112);
  });
});
