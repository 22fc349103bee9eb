// Scenario 35's figures by step role: the demo walks starter.js and solution.js through one attack
// (a missing order, a forgotten route, a throw, a query on a down database, and Node's own
// timeouts on a plain node:http server), and every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, figure, stepOf } from '../support/scenario-links.js';


test('35: hanging branches, the default error page and a buffered query fail naively; every fix answers; Node never ends a response', async () => {
  const report = await runScenarioById(35);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  const nodeFact = { 'slow sender got': 'HTTP/1.1 408 Request Timeout', 'silent request still open': true, 'server.timeout': 0 };

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  // The client gave up; on the server the response closed without ever finishing.
  assert.deepEqual(figure(naive, 'missing order'), { status: 0, 'gave up': true, 'server: finished': false });
  assert.deepEqual(figure(naive, 'a route that forgets to answer'), { status: 0, 'gave up': true, 'Retry-After': null });
  assert.deepEqual(figure(naive, 'a handler that throws'), { status: 500, 'content-type': 'text/html', 'stack in body': true, 'logged route': null });
  assert.deepEqual(figure(naive, 'a query while the database is down'), { status: 0, 'gave up': true, error: null });
  assert.deepEqual(figure(naive, 'node:http with 300 ms receive timeouts'), nodeFact);

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'missing order'), { status: 404, 'gave up': false, 'server: finished': true });
  assert.deepEqual(figure(fix, 'a route that forgets to answer'), { status: 503, 'gave up': false, 'Retry-After': '1' });
  assert.deepEqual(figure(fix, 'a handler that throws'), { status: 500, 'content-type': 'application/json', 'stack in body': false, 'logged route': '/reports/daily' });
  assert.deepEqual(figure(fix, 'a query while the database is down'), { status: 503, 'gave up': false, error: 'database unavailable' });
  assert.deepEqual(figure(fix, 'node:http with 300 ms receive timeouts'), nodeFact);

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'everyBranchAnswers')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'nodeTimeoutsReceiveOnly')?.role, 'context');
  assert.deepEqual(await danglingStepLinksOf(35, report), []);
  assert.equal(report.passed, true);
});
