// Scenario 24's figures, by check id and step role rather than by narration: the demo walks
// starter, two traps and the solution through one attack, and every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksOf, failedChecks, runScenarioById, sharedEngine } from '../support/scenario-harness.js';
import { runExerciseFile } from '../../src/practice/run-file.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import type { ScenarioReport, StepReport } from '../../src/runtime/report.js';

function stepOf(report: ScenarioReport, prefix: string): StepReport {
  const step = report.steps.find((candidate) => candidate.title.startsWith(prefix));
  assert.ok(step, `no step starting "${prefix}"; steps: ${report.steps.map((s) => s.title).join(' | ')}; error: ${report.error ?? 'none'}`);
  return step;
}

function figure(step: StepReport, label: string): unknown {
  assert.ok(label in step.observations, `step "${step.title}" has no observation "${label}"; it has ${Object.keys(step.observations).join(', ')}`);
  return step.observations[label];
}

test('24: every racer passes the check; only the awaited unique index with 11000 → 409 keeps one account', async () => {
  const report = await runScenarioById(24);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'statuses'), [201, 201, 201, 201, 201]);
  assert.equal(figure(naive, 'requests that found no account before inserting'), 5);
  assert.equal(figure(naive, 'documents'), 5);
  assert.equal(figure(naive, 'direct duplicate insert'), 'accepted');

  // The deploy race on an empty collection: no index when the app was ready, five accounts, then the
  // held background build fails on the duplicates it let in.
  const deploy = stepOf(report, 'The deploy race');
  assert.deepEqual(figure(deploy, 'unique email indexes when createApp resolved'), []);
  assert.deepEqual(figure(deploy, 'statuses'), [201, 201, 201, 201, 201]);
  assert.match(String(figure(deploy, 'background index build, once released')), /^failed: 11000 /);

  const trap500 = stepOf(report, 'The 500 trap');
  assert.deepEqual(figure(trap500, 'statuses'), [201, 500, 500, 500, 500]);
  assert.equal(figure(trap500, 'documents'), 1);

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'unique email indexes when createApp resolved'), ['email_1']);
  assert.equal(figure(fix, 'requests that found no account before inserting'), 5);
  assert.deepEqual(figure(fix, 'statuses'), [201, 409, 409, 409, 409]);
  assert.equal(figure(fix, 'documents'), 1);
  assert.deepEqual(figure(fix, 'a 409 body'), { error: 'an account uses this email' });
  assert.deepEqual(figure(fix, 'direct duplicate insert'), { code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'ada@example.com' } });
  assert.equal(figure(fix, 'validate() of a duplicate'), 'resolved');
  assert.equal(figure(fix, 'email {"$ne": null}'), 400);
  assert.deepEqual(figure(fix, 'two spellings'), { statuses: [201, 409], stored: ['grace@example.com'] });

  // Roles for the output: the starter's failing checks are reproduced bugs, the solution's prove the fix.
  const checks = checksOf(report);
  const naiveOneAccount = checks.find((check) => check.step === naive.title && check.id === 'oneAccount');
  assert.equal(naiveOneAccount?.role, 'reproduces-failure');
  assert.ok(checks.filter((check) => check.step === fix.title && check.id !== 'validatePassesDuplicate').every((check) => check.role === 'proves-fix'));
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'oneSpelling')?.level, 'senior');
  assert.equal(report.passed, true);
});

test('24: awaiting Model.init() instead of createIndexes() is the fix too; the index gate lets an awaited build through', async () => {
  const scenario = await loadScenarioById(24);
  assert.ok(scenario?.exercise);
  const solution = await readFile(join(scenario.exercise.folder, 'solution.js'), 'utf8');
  assert.ok(solution.includes('await User.createIndexes();') && solution.includes('{ autoIndex: false },'));
  const dir = await mkdtemp(join(tmpdir(), 'scenario-24-'));
  try {
    const path = join(dir, 'app.js');
    // Mongoose's automatic build (autoIndex on), awaited through init() before createApp resolves.
    await writeFile(path, solution.replace('{ autoIndex: false },', '{},').replace('await User.createIndexes();', 'await User.init();'));
    const run = await runExerciseFile(scenario, { path, shownAs: 'app.js', kind: 'user', title: 'Fix: awaited init()', showCode: false }, { engine: await sharedEngine() });
    assert.equal(run.report.error, undefined, run.report.error);
    assert.deepEqual(run.outcome?.checks.filter((check) => !check.held).map((check) => check.id), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
