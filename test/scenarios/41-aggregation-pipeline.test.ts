// Scenario 41's figures, by step title prefix and check id: bytes weighed at the app's connection,
// plans from explain of the query the app ran; every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { figure, stepOf } from '../support/step-figures.js';

const MOVED = 'into Node for one report';
const GROUP_FIRST = 'explain, $group then $match on the summed revenue';
const COLLSCAN_ALL = { plan: 'COLLSCAN', docsExamined: 1000 };

test('41: find() + JavaScript moves the whole collection; $match first on { status, createdAt } reads 450 of 1,000 by IXSCAN and returns 299 bytes', async () => {
  const report = await runScenarioById(41);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, MOVED), { bytes: 85666, documents: 1000, collectionBytes: 85666 });
  assert.deepEqual(figure(naive, 'explain of the report\'s find'), COLLSCAN_ALL);
  assert.deepEqual(figure(naive, GROUP_FIRST), COLLSCAN_ALL);
  assert.equal((figure(naive, 'the report') as { paid: number }).paid, 450);

  const trap = stepOf(report, 'The no-index trap');
  assert.deepEqual(figure(trap, MOVED), { bytes: 299, documents: 1, collectionBytes: 85666 });
  assert.deepEqual(figure(trap, 'explain of the report\'s pipeline'), COLLSCAN_ALL);

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, MOVED), { bytes: 299, documents: 1, collectionBytes: 85666 });
  assert.deepEqual(figure(fix, 'explain of the report\'s pipeline'), { plan: 'FETCH ← IXSCAN status_1_createdAt_-1', docsExamined: 450 });
  assert.deepEqual(figure(fix, GROUP_FIRST), COLLSCAN_ALL);
  const fixed = figure(fix, 'the report') as { paid: number; recent: unknown };
  assert.equal(fixed.paid, 450);
  assert.deepEqual(fixed.recent, [{ total: 30 }, { total: 29 }, { total: 28 }, { total: 26 }, { total: 25 }]);

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'bytesBounded')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'matchAfterGroupScans')?.role, 'context');
  assert.ok(checks.filter((check) => check.step === fix.title && check.id !== 'matchAfterGroupScans').every((check) => check.role === 'proves-fix'));
  assert.equal(report.passed, true);
});
