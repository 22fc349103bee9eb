import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, stepRoles } from '../support/scenario-links.js';

test('scenario 35: hanging branch, async throw and buffered query fail naively; every fix answers', async () => {
  const report = await runScenarioById(35);
  assert.equal(report.error, undefined);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);

  // naive: the not-found branch never answers, the client gives up
  assert.equal(observation(report, 'never answers', 'existing, status'), 200);
  assert.equal(observation(report, 'never answers', 'missing, responded'), false);
  assert.equal(observation(report, 'never answers', 'missing, status (0 = no response)'), 0);
  assert.equal(observation(report, 'never answers', 'missing, timed out'), true);
  // ...and on the server the response closed without ever finishing
  assert.equal(observation(report, 'never answers', 'server: finish emitted'), false);
  assert.equal(observation(report, 'never answers', 'server: res.writableEnded'), false);

  // Node's receive timeouts cut off a slow sender (408) but leave the silent handler's request open
  assert.equal(observation(report, "Node's timeouts", 'server.timeout'), 0);
  assert.equal(observation(report, "Node's timeouts", 'slow sender got'), 'HTTP/1.1 408 Request Timeout');
  assert.equal(observation(report, "Node's timeouts", 'silent request still open'), true);
  const slowCut = Number(observation(report, "Node's timeouts", 'slow sender cut off after ms'));
  const silentWaited = Number(observation(report, "Node's timeouts", 'silent request waited ms'));
  assert.ok(slowCut >= 300 && silentWaited >= slowCut, `${slowCut} / ${silentWaited}`);
  assert.equal(observation(report, "Node's timeouts", 'silent res: finish / close'), 'false / true');

  // naive: Express 5's default handler answers the async throw with a 500 HTML page
  assert.equal(observation(report, 'async handler', 'status'), 500);
  assert.equal(observation(report, 'async handler', 'timed out'), false);
  assert.match(String(observation(report, 'async handler', 'content-type')), /^text\/html/);
  assert.equal(observation(report, 'async handler', 'stack in body'), true);

  // naive: Mongoose buffers the query while the database is unreachable
  assert.equal(observation(report, 'unreachable', 'default buffer ms'), 10_000);
  assert.equal(observation(report, 'unreachable', 'timed out'), true);
  assert.ok(Number(observation(report, 'unreachable', 'buffered ops')) >= 1);
  // the naive model's bufferTimeoutMS is set to 500 ms for the demo (printed in its narration, not as a figure)
  assert.ok(Number(observation(report, 'unreachable', 'query failed after ms')) >= 500);

  // fix: the branch answers 404, the guard answers 503 for a route that still forgets, no timer left
  assert.equal(observation(report, 'every branch', 'existing, status'), 200);
  assert.equal(observation(report, 'every branch', 'missing, status'), 404);
  assert.equal(observation(report, 'every branch', 'forgotten, status'), 503);
  assert.equal(observation(report, 'every branch', 'forgotten, retry-after'), '1');
  assert.equal(observation(report, 'every branch', 'pending guard timers'), 0);

  // fix: the final error middleware answers JSON 500 and logs once
  assert.equal(observation(report, 'JSON 500', 'status'), 500);
  assert.match(String(observation(report, 'JSON 500', 'content-type')), /^application\/json/);
  assert.deepEqual(observation(report, 'JSON 500', 'body'), { error: 'internal server error' });
  assert.equal(observation(report, 'JSON 500', 'log entries'), 1);

  // fix: bounded buffering and server selection turn the outage into a prompt 503
  assert.equal(observation(report, 'bounded database', 'connect error'), 'MongooseServerSelectionError');
  assert.equal(observation(report, 'bounded database', 'status'), 503);
  assert.deepEqual(observation(report, 'bounded database', 'body'), { error: 'database unavailable' });
  assert.equal(observation(report, 'bounded database', 'pending guard timers'), 0);

  assert.deepEqual(stepRoles(report), [
    'Naive: a branch never answers=failure', "Node's timeouts do not end it=failure", 'Naive: async handler throws=failure',
    'Naive: database unreachable=failure', 'Fix: every branch answers=fix', 'Fix: JSON 500 and a log=fix',
    'Fix: bounded database wait=fix',
  ]);
  assert.deepEqual(await danglingStepLinksOf(35, report), []);
});
