// Scenario 38's figures, by step title prefix and check id: round trips counted at the app's
// connection, document sizes from BSON.calculateObjectSize; every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { figure, stepOf } from '../support/scenario-steps.js';

const ROUND_TRIPS = 'round trips for GET /posts';
const CALLS = 'calls for 12 posts';
const LOOKUP = '$lookup, the same 12 posts';
const SIZES = 'post document (bytes)';

test('38: a findById loop is 1+N, populate 2, $lookup 1; comments pushed into the post grow it toward 16 MiB', async () => {
  const report = await runScenarioById(38);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, ROUND_TRIPS), { '3 posts': 4, '12 posts': 13 });
  assert.deepEqual(figure(naive, CALLS), { 'posts.find': 1, 'users.findOne': 12 });
  assert.equal(figure(naive, 'authors listed with an email address'), 12);
  assert.deepEqual(figure(naive, LOOKUP), { roundTrips: 1, withNames: 12 });
  // 50 comments of 100 characters: 146 bytes each, so about 115,000 comments reach the limit.
  assert.deepEqual(figure(naive, SIZES), { before: 84, after: 7374, perComment: 146 });
  assert.equal(figure(naive, 'comments until the 16 MiB document limit'), 115019);

  const trap = stepOf(report, 'The unbounded-array trap');
  assert.deepEqual(figure(trap, ROUND_TRIPS), { '3 posts': 2, '12 posts': 2 });
  assert.deepEqual(figure(trap, SIZES), { before: 84, after: 7374, perComment: 146 });

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, ROUND_TRIPS), { '3 posts': 2, '12 posts': 2 });
  assert.deepEqual(figure(fix, CALLS), { 'posts.find': 1, 'users.find': 1 });
  assert.equal(figure(fix, 'posts listed with their author\'s name'), '12 of 12');
  assert.equal(figure(fix, 'authors listed with an email address'), 0);
  assert.deepEqual(figure(fix, LOOKUP), { roundTrips: 1, withNames: 12 });
  assert.deepEqual(figure(fix, SIZES), { before: 69, after: 69, perComment: 0 });

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'queriesConstant')?.role, 'reproduces-failure');
  assert.ok(checks.filter((check) => check.step === fix.title).every((check) => check.role === 'proves-fix'));
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'authorPublicOnly')?.level, 'senior');
  assert.equal(report.passed, true);
});
