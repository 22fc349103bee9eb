import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, stepRoles } from '../support/scenario-links.js';

test('scenario 31: IDOR naively, the ObjectId !== string trap, then owner-or-admin holds', async () => {
  const report = await runScenarioById(31);
  assert.equal(report.error, undefined, report.error);

  // Naive: authentication alone; another user deletes Alice.
  assert.equal(observation(report, 'Naive', 'anonymous'), 401);
  assert.equal(observation(report, 'Naive', 'WWW-Authenticate'), 'Bearer realm="api"');
  assert.equal(observation(report, 'Naive', 'mallory deletes alice'), 204);
  assert.equal(observation(report, 'Naive', 'alice in db'), 0);

  // Pitfall: ObjectId compared to a string with !== refuses the owner.
  assert.equal(observation(report, 'Pitfall', 'owner self-delete'), 403);
  assert.equal(observation(report, 'Pitfall', 'alice in db'), 1);
  assert.equal(observation(report, 'Pitfall', 'compared'), 'ObjectId vs string');
  assert.equal(observation(report, 'Pitfall', '!== said different'), true);
  assert.equal(observation(report, 'Pitfall', 'id == same id'), false);
  assert.equal(observation(report, 'Pitfall', 'id == its string'), true);
  assert.equal(observation(report, 'Pitfall', 'id.equals(string)'), true);
  // the id virtual is the hex string on a document; a lean() object has no virtuals
  assert.equal(observation(report, 'Pitfall', 'doc.id === string'), true);
  assert.equal(observation(report, 'Pitfall', 'lean().id'), 'undefined');

  // Fixed: other 403, self 204, admin 204, deleted account's token 401.
  assert.equal(observation(report, 'Fixed', 'other user'), 403);
  assert.equal(observation(report, 'Fixed', 'bob after other'), 1);
  assert.equal(observation(report, 'Fixed', 'self'), 204);
  assert.equal(observation(report, 'Fixed', 'bob after self'), 0);
  assert.equal(observation(report, 'Fixed', 'admin'), 204);
  assert.equal(observation(report, 'Fixed', 'carol after admin'), 0);
  assert.equal(observation(report, 'Fixed', 'deleted user token'), 401);
  assert.equal(observation(report, 'Fixed', 'malformed id'), 404);
  assert.equal(observation(report, 'Fixed', 'demoted admin'), 403);

  // Enumeration: lookup-first distinguishes ids, check-first does not.
  assert.equal(observation(report, 'enumeration', 'lookup-first: existing'), 403);
  assert.equal(observation(report, 'enumeration', 'lookup-first: missing'), 404);
  assert.equal(observation(report, 'check-first', 'check-first: existing'), 403);
  assert.equal(observation(report, 'check-first', 'check-first: missing'), 403);

  assert.deepEqual(stepRoles(report), [
    'Naive: auth only, no owner check=failure', 'Pitfall: ObjectId !== string=failure', 'Fixed: owner or admin=fix',
    'Senior: lookup-first enumeration=failure/senior', 'Senior: check-first hides ids=fix/senior',
  ]);
  assert.deepEqual(await danglingStepLinksOf(31, report), []);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
