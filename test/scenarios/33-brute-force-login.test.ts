// Scenario 33's figures by step role: the demo walks starter.js, the trust-proxy trap and
// solution.js through one attack behind a simulated load balancer, and every figure was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, figure, stepOf } from '../support/scenario-links.js';


test('33: unlimited guesses, the trust-proxy bypass, then IP limit, account lock, shared counters and equal work', async () => {
  const report = await runScenarioById(33);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  const challenge = { status: 401, 'www-authenticate': 'Bearer realm="api"' };

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'a failed login'), challenge);
  const naiveLimited = figure(naive, 'one address: guesses, then the right password') as { guesses: object; right: number };
  assert.deepEqual(naiveLimited.guesses, { 401: 7 });
  assert.equal(naiveLimited.right, 200);
  assert.deepEqual(figure(naive, '12 guesses alternating between two instances'), { 401: 12 });
  assert.deepEqual(figure(naive, 'bcrypt compares for 3 logins: known / unknown e-mail'), { known: 3, unknown: 0 });

  const trap = stepOf(report, 'The trust-proxy trap');
  assert.deepEqual(figure(trap, 'one address, a forged X-Forwarded-For and another account each time'), { 401: 7 });
  assert.deepEqual(figure(trap, 'library warnings'), ['ERR_ERL_PERMISSIVE_TRUST_PROXY']);

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'a failed login'), challenge);
  const limited = figure(fix, 'one address: guesses, then the right password') as Record<string, unknown>;
  assert.deepEqual(limited['guesses'], { 401: 5, 429: 2 });
  assert.equal(limited['right'], 429);
  assert.match(String(limited['RateLimit']), /^"login"; r=0; t=\d+$/);
  assert.match(String(limited['RateLimit-Policy']), /^"login"; q=5; w=600; pk=:[^:]+:$/);
  assert.ok(Number(limited['Retry-After']) > 0 && Number(limited['Retry-After']) <= 600, String(limited['Retry-After']));
  assert.equal(limited['X-RateLimit-*'], 0);
  assert.deepEqual(figure(fix, 'one address, a forged X-Forwarded-For and another account each time'), { 401: 5, 429: 2 });
  const botnet = figure(fix, '7 addresses at one account, then the right password') as Record<string, unknown>;
  assert.deepEqual(botnet['guesses'], { 401: 5, 423: 2 });
  assert.equal(botnet['right'], 423);
  assert.equal(figure(fix, 'e-mail {"$ne": null}'), 400);
  assert.deepEqual(figure(fix, '12 guesses alternating between two instances'), { 401: 5, 429: 7 });
  assert.deepEqual(figure(fix, 'bcrypt compares for 3 logins: known / unknown e-mail'), { known: 3, unknown: 3 });
  assert.deepEqual(figure(fix, 'library warnings'), []);
  const [keyA, keyB] = figure(fix, 'IPv6 keys of two addresses in one /56') as string[];
  assert.equal(keyA, keyB);

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === trap.title && check.id === 'forgedXffIgnored')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'sharedAcrossInstances')?.level, 'senior');
  assert.deepEqual(await danglingStepLinksOf(33, report), []);
  assert.equal(report.passed, true);
});
