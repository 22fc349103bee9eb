// Scenario 32's figures by step role: the demo walks starter.js and solution.js through one attack
// (legacy documents, new writes, two pods migrating at once, a later deploy), and every figure here
// was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, figure, stepOf } from '../support/scenario-links.js';


test('32: defaults are not stored; updateMany({}) overwrites and runs twice; the $exists backfill, claimed once, does not', async () => {
  const report = await runScenarioById(32);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'legacy user: API / lean / stored'), { api: 'free', lean: '(missing)', stored: '(missing)' });
  assert.deepEqual(figure(naive, 'stored plan after an unrelated edit'), { 'save()': 'free', updateOne: '(missing)' });
  // Stored free plans only: the new sign-up and the legacy user saved since the deploy.
  assert.equal(figure(naive, 'GET /users?plan=free before the backfill'), 2);
  assert.equal(figure(naive, 'documents missing plan just before'), 4);
  const naivePods = figure(naive, 'two pods at once') as Array<{ status: string; modified: number }>;
  assert.deepEqual(naivePods.map((pod) => pod.status), ['applied', 'applied']);
  // Together the two unguarded runs modified the four gaps and the upgraded user, however they split it.
  assert.equal(naivePods.reduce((sum, pod) => sum + pod.modified, 0), 5);
  assert.equal(figure(naive, 'the upgraded user\'s plan'), 'free');

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.equal(figure(fix, 'GET /users?plan=free before the backfill'), 6);
  assert.equal(figure(fix, 'documents missing plan just before'), 4);
  assert.deepEqual(figure(fix, 'two pods at once'), [{ status: 'applied', batches: 2, modified: 4 }, { status: 'skipped', batches: 0, modified: 0 }]);
  assert.deepEqual(figure(fix, 'modified by the migration, missing after'), { modified: [4], 'missing after': 0 });
  assert.equal(figure(fix, 'the upgraded user\'s plan'), 'pro');
  assert.deepEqual(figure(fix, 'a later deploy runs it again'), { status: 'skipped', 'data unchanged': true });
  assert.equal(figure(fix, 'GET /users?plan=free after the backfill'), 6);
  const pipeline = figure(fix, 'pipeline update: without / with updatePipeline') as { without: string; 'with (modified)': number };
  assert.match(pipeline.without, /updatePipeline/);
  assert.equal(pipeline['with (modified)'], 7);

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'proPreserved')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'defaultNotStored')?.role, 'context');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'onePodRuns')?.level, 'senior');
  assert.deepEqual(await danglingStepLinksOf(32, report), []);
  assert.equal(report.passed, true);
});
