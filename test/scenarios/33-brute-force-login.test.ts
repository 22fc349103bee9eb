import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, stepRoles } from '../support/scenario-links.js';

test('33: unlimited login guesses, then IP rate limit, trust-proxy bypass, account lock and shared store', async () => {
  const report = await runScenarioById(33);
  assert.equal(report.error, undefined, report.error);

  // Naive: 20 × 401, then the right password 200.
  assert.deepEqual(observation(report, 'Naive', 'wrong passwords'), { 401: 20 });
  assert.equal(observation(report, 'Naive', 'right password'), 200);
  assert.equal(observation(report, 'Naive', '401 WWW-Authenticate'), 'Bearer realm="api"');

  // IP limit: 5 × 401, 15 × 429 with draft-8 headers and Retry-After; the right password 429 too.
  assert.deepEqual(observation(report, 'rate limit per IP', 'wrong passwords'), { 401: 5, 429: 15 });
  assert.match(String(observation(report, 'rate limit per IP', '1st RateLimit')), /^"login"; r=4; t=\d+$/);
  assert.match(String(observation(report, 'rate limit per IP', '429 RateLimit')), /^"login"; r=0; t=\d+$/);
  assert.match(String(observation(report, 'rate limit per IP', '429 Policy')), /^"login"; q=5; w=600; pk=:[^:]+:$/);
  const retryAfter = Number(observation(report, 'rate limit per IP', '429 Retry-After'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 600, String(retryAfter));
  assert.equal(observation(report, 'rate limit per IP', 'X-RateLimit-*'), 0);
  assert.equal(observation(report, 'rate limit per IP', 'right password'), 429);
  assert.deepEqual(observation(report, 'rate limit per IP', 'library warnings'), []);
  const [subnetKeyA, subnetKeyB] = observation(report, 'rate limit per IP', 'IPv6 keys (/56)') as string[];
  assert.equal(subnetKeyA, subnetKeyB);
  assert.match(String(subnetKeyA), /\/56$/);

  // trust proxy true + forged X-Forwarded-For: limiter bypassed, library warned.
  assert.deepEqual(observation(report, 'Bypass', 'wrong passwords'), { 401: 20 });
  assert.equal(observation(report, 'Bypass', 'distinct req.ip'), 21);
  assert.equal(observation(report, 'Bypass', 'right password'), 200);
  assert.deepEqual(observation(report, 'Bypass', 'library warnings'), ['ERR_ERL_PERMISSIVE_TRUST_PROXY']);

  // Default trust proxy ignores the forged header.
  assert.deepEqual(observation(report, 'Right trust', 'wrong passwords'), { 401: 5, 429: 5 });
  assert.equal(observation(report, 'Right trust', 'right password'), 429);
  assert.deepEqual(observation(report, 'Right trust', 'library warnings'), ['ERR_ERL_UNEXPECTED_X_FORWARDED_FOR']);

  // Per-account lock holds across 21 addresses.
  assert.deepEqual(observation(report, 'Per-account', 'wrong passwords'), { 401: 5, 423: 15 });
  assert.equal(observation(report, 'Per-account', 'distinct req.ip'), 21);
  assert.equal(observation(report, 'Per-account', 'right password'), 423);
  const lockRetry = Number(observation(report, 'Per-account', '423 Retry-After'));
  assert.ok(lockRetry > 0 && lockRetry <= 600, String(lockRetry));
  assert.equal(observation(report, 'Per-account', 'failures stored'), 5);
  assert.equal(observation(report, 'Per-account', 'operator e-mail'), 400);
  assert.deepEqual(observation(report, 'Per-account', 'library warnings'), []);

  // Two instances: per-process memory stores double the budget, a shared Redis store does not.
  assert.deepEqual(observation(report, 'Several instances', 'memory stores'), { 401: 10, 429: 2 });
  assert.deepEqual(observation(report, 'shared Redis store', 'shared Redis store'), { 401: 5, 429: 7 });
  assert.deepEqual(observation(report, 'shared Redis store', 'library warnings'), []);

  // Timing oracle: counted bcrypt compares, 3 wrong logins per e-mail, before and after the dummy hash.
  assert.equal(observation(report, 'unknown e-mails skip', 'compares, known e-mail'), 3);
  assert.equal(observation(report, 'unknown e-mails skip', 'compares, unknown e-mail'), 0);
  assert.equal(observation(report, 'dummy compare', 'compares, known e-mail'), 3);
  assert.equal(observation(report, 'dummy compare', 'compares, unknown e-mail'), 3);
  assert.equal(observation(report, 'dummy compare', 'answer, unknown e-mail'), '401 {"error":"invalid credentials"}');

  assert.deepEqual(stepRoles(report), [
    'Naive: unlimited guesses=failure', 'Fix: rate limit per IP=fix', 'Bypass: trust proxy true=failure',
    'Right trust proxy=fix', 'Per-account lock=fix', 'Several instances: memory stores=failure',
    'Fix: one shared Redis store=fix', 'Senior: unknown e-mails skip bcrypt=failure/senior', 'Senior fix: dummy compare=fix/senior',
  ]);
  assert.deepEqual(await danglingStepLinksOf(33, report), []);

  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
