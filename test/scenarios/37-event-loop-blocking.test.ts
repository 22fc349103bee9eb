// Scenario 37's figures, by step title prefix and check id. The verdicts are orderings made certain
// at the crypto the attack hands over; milliseconds are asserted to be measured, never compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { figure, stepOf } from '../support/scenario-steps.js';
import type { StepReport } from '../../src/runtime/report.js';

const BLOCKED = 'the hash finished, then /health';
const FREE = '/health first, then the hash finished';
const MILLISECONDS = ['GET /health latency during the hash (ms)', 'sign-up duration (ms)', 'event-loop delay, max during the sign-up (ms)'];

function assertTimed(step: StepReport): void {
  for (const label of MILLISECONDS) {
    const value = figure(step, label);
    assert.ok(typeof value === 'number' && value >= 0, `${step.title}: ${label} = ${String(value)}`);
  }
}

test('37: a synchronous hash makes /health wait (also inside a Promise, also when cheaper); the async pbkdf2 answers it mid-hash', async () => {
  const report = await runScenarioById(37);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.equal(figure(naive, 'order of events'), BLOCKED);
  assert.deepEqual(figure(naive, 'sign-up / right password / wrong password'), [201, 200, 401]);
  assert.deepEqual(figure(naive, 'cost asked for'), ['600000 × sha256']);
  assertTimed(naive);

  const promise = stepOf(report, 'The Promise trap');
  assert.equal(figure(promise, 'order of events'), BLOCKED);
  assert.deepEqual(figure(promise, 'cost asked for'), ['600000 × sha256']);

  const cheaper = stepOf(report, 'The cheaper-hash trap');
  assert.equal(figure(cheaper, 'order of events'), BLOCKED);
  assert.deepEqual(figure(cheaper, 'cost asked for'), ['1000 × sha256']);

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.equal(figure(fix, 'order of events'), FREE);
  assert.deepEqual(figure(fix, 'sign-up / right password / wrong password'), [201, 200, 401]);
  assert.deepEqual(figure(fix, 'cost asked for'), ['600000 × sha256']);
  assertTimed(fix);

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'healthDuringHash')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'costKept')?.role, 'context');
  assert.ok(checks.filter((check) => check.step === fix.title).every((check) => check.role === 'proves-fix'));
  assert.equal(report.passed, true);
});
