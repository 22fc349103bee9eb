// Scenario 40's figures, by step and label: the demo walks the starter, two traps and the solution
// through one shutdown (3 orders held in flight at SIGTERM, a drain the attack controls, then a
// second start with an order stuck for good), and every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksOf, failedChecks, runScenarioById, sharedEngine } from '../support/scenario-harness.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { runExerciseFile } from '../../src/practice/run-file.js';
import { figure, stepOf } from '../support/step-figures.js';

const answered = (status: number) => `in-flight order answered ${status}`;

test('40: exit on SIGTERM drops the orders in flight; readiness, drain, close() with idle keep-alive closed, database last and a backstop keep them', async () => {
  const report = await runScenarioById(40);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  // The naive exit: three orders cut off mid-request, nothing answers after the signal.
  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'before SIGTERM: /health, /ready'), [200, 200]);
  assert.equal(figure(naive, 'orders waiting at the payment provider when SIGTERM arrives'), 3);
  assert.deepEqual(figure(naive, 'after SIGTERM: /health, /ready'), ['ECONNREFUSED', 'ECONNREFUSED']);
  assert.equal(figure(naive, 'an order after SIGTERM, before the drain'), 'ECONNREFUSED');
  assert.deepEqual(figure(naive, 'in-flight orders'), ['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
  assert.equal(figure(naive, 'orders stored'), 0);
  // Exit with the idle client's connection and the three in flight still open.
  assert.deepEqual(figure(naive, 'exit'), { code: 0, openConnections: 4 });
  assert.deepEqual(figure(naive, 'shutdown order'), ['SIGTERM', 'exit(0)']);

  // The database closed first: drain and exit right, every in-flight write refused.
  const dbFirst = stepOf(report, 'The database-first trap');
  assert.deepEqual(figure(dbFirst, 'after SIGTERM: /health, /ready'), [200, 503]);
  assert.equal(figure(dbFirst, 'an order after SIGTERM, before the drain'), 201);
  assert.deepEqual(figure(dbFirst, 'in-flight orders'), [500, 500, 500]);
  assert.equal(figure(dbFirst, 'orders stored'), 1);
  assert.deepEqual(figure(dbFirst, 'shutdown order'), [
    'SIGTERM', 'order during drain answered 201', 'db closed', 'server.close()',
    answered(500), answered(500), answered(500), 'server closed', 'exit(0)',
  ]);

  // close() alone: every order answered, then the keep-alive connections hold close() open
  // (the one idle at SIGTERM was closed by close() itself) until the backstop.
  const keepAlive = stepOf(report, 'The keep-alive trap');
  assert.equal(figure(keepAlive, 'the keep-alive connection idle at SIGTERM, after close()'), 'closed');
  assert.deepEqual(figure(keepAlive, 'in-flight orders'), [201, 201, 201]);
  assert.equal(figure(keepAlive, 'orders stored'), 4);
  assert.deepEqual(figure(keepAlive, 'exit'), { code: 1, openConnections: 3 });
  assert.deepEqual(figure(keepAlive, 'shutdown order'), [
    'SIGTERM', 'order during drain answered 201', 'server.close()',
    answered(201), answered(201), answered(201), 'exit(1)',
  ]);

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'after SIGTERM: /health, /ready'), [200, 503]);
  assert.equal(figure(fix, 'an order after SIGTERM, before the drain'), 201);
  assert.equal(figure(fix, 'a new connection after the drain'), 'ECONNREFUSED');
  assert.equal(figure(fix, 'the keep-alive connection idle at SIGTERM, after close()'), 'closed');
  assert.deepEqual(figure(fix, 'in-flight orders'), [201, 201, 201]);
  assert.equal(figure(fix, 'orders stored'), 4);
  assert.deepEqual(figure(fix, 'exit'), { code: 0, openConnections: 0 });
  assert.deepEqual(figure(fix, 'shutdown order'), [
    'SIGTERM', 'order during drain answered 201', 'server.close()',
    answered(201), answered(201), answered(201), 'server closed', 'db closed', 'exit(0)',
  ]);
  assert.deepEqual(figure(fix, 'exit with an order stuck in flight'), { code: 1, atLeastGrace: true });
  // The naive exit is immediate, so its "backstop" figure is an exit before any grace elapsed.
  assert.deepEqual(figure(naive, 'exit with an order stuck in flight'), { code: 0, atLeastGrace: false });

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'inFlightCompleted')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === keepAlive.title && check.id === 'exitsCleanly')?.role, 'reproduces-failure');
  assert.ok(checks.filter((check) => check.step === fix.title).every((check) => check.role === 'proves-fix'));
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'backstopExits')?.level, 'senior');
  assert.equal(report.passed, true);
});

test('40: the other way out of the keep-alive trap, Connection: close on responses after SIGTERM, passes as a learner\'s file', async () => {
  const scenario = await loadScenarioById(40);
  assert.ok(scenario?.exercise);
  const trap = await readFile(join(scenario.exercise.folder, 'traps/close-waits-for-keep-alive.js'), 'utf8');
  const written = 'res.status(201).json({ id: order.id });';
  assert.ok(trap.includes(written));
  const dir = await mkdtemp(join(tmpdir(), 'scenario-40-'));
  try {
    const path = join(dir, 'app.js');
    // Told on the response itself, the client closes the connection: nothing is left to hold close().
    await writeFile(path, trap.replace(written, `if (!ready) res.set('Connection', 'close');\n    ${written}`));
    const run = await runExerciseFile(scenario, { path, shownAs: 'app.js', kind: 'user', title: 'Fix: Connection: close', showCode: false }, { engine: await sharedEngine() });
    assert.equal(run.report.error, undefined, run.report.error);
    assert.deepEqual(run.outcome?.checks.filter((check) => !check.held).map((check) => check.id), []);
    assert.deepEqual(figure(stepOf(run.report, 'Fix'), 'exit'), { code: 0, openConnections: 0 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
