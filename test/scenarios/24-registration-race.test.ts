import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';

test('24: check-then-insert lets every racer in; a unique index built first lets exactly one', async () => {
  const report = await runScenarioById(24);
  assert.equal(report.error, undefined, report.error);

  // Naive: all five passed the findOne check, all five got 201, five documents.
  assert.deepEqual(observation(report, 'Naive', 'statuses'), [201, 201, 201, 201, 201]);
  assert.equal(observation(report, 'Naive', 'passed the findOne check'), 5);
  assert.equal(observation(report, 'Naive', 'documents'), 5);

  // autoIndex over existing duplicates: the build fails with 11000, no index, duplicates keep coming.
  assert.equal(observation(report, 'autoIndex trap', 'index build error code'), 11000);
  assert.equal(observation(report, 'autoIndex trap', 'email index exists'), false);
  assert.equal(observation(report, 'autoIndex trap', 'documents after one more sign-up'), 6);

  // Fix: the same race (all five still pass the application check), one 201, four 409, one document.
  assert.deepEqual(observation(report, 'Fix:', 'unique email index before the burst'), { name: 'email_1', unique: true });
  assert.equal(observation(report, 'Fix:', 'passed the exists() check'), 5);
  assert.deepEqual(observation(report, 'Fix:', 'statuses'), [201, 409, 409, 409, 409]);
  assert.equal(observation(report, 'Fix:', 'documents'), 1);
  assert.deepEqual(observation(report, 'Fix:', 'a 409 body'), { error: 'an account uses this email' });
  // A query operator in place of the email never reaches the filter.
  assert.equal(observation(report, 'Fix:', 'email {"$ne": null}'), 400);

  // Senior: two spellings both register until the schema normalises them.
  assert.deepEqual(observation(report, 'spelled two ways', 'statuses'), [201, 201]);
  assert.deepEqual(observation(report, 'spelled two ways', 'stored emails'), ['Ada@Example.com', 'ada@example.com']);
  assert.deepEqual(observation(report, 'Senior fix', 'statuses'), [201, 409]);
  assert.deepEqual(observation(report, 'Senior fix', 'stored emails'), ['ada@example.com']);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
