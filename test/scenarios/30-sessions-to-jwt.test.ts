import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, stepRoles } from '../support/scenario-links.js';

test('30: a readable long-lived JWT survives logout; short cookies, rotation and deny-lists do not', async () => {
  const report = await runScenarioById(30);
  assert.equal(report.error, undefined, report.error);

  // Legacy: token in the body, readable cookie, 30 days, still valid after logout.
  assert.equal(observation(report, 'Legacy', 'token in JSON body'), true);
  assert.deepEqual(observation(report, 'Legacy', 'cookie flags'), { httpOnly: false, secure: false, sameSite: null, path: '/', maxAge: 30 * 24 * 3600 });
  assert.equal(observation(report, 'Legacy', 'lifetime days'), 30);
  assert.equal(observation(report, 'Legacy', 'logout'), 204);
  assert.equal(observation(report, 'Legacy', 'stolen after logout'), 200);

  // Login: flags parsed from the real Set-Cookie headers, refresh token in Redis with a TTL.
  assert.match(String(observation(report, 'Login', 'refresh store')), /redis|ioredis-mock/);
  assert.deepEqual(observation(report, 'Login', 'access cookie'), { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: 300 });
  assert.deepEqual(observation(report, 'Login', 'refresh cookie'), { httpOnly: true, secure: true, sameSite: 'Strict', path: '/auth', maxAge: 7 * 24 * 3600 });
  assert.equal(observation(report, 'Login', 'access lifetime s'), 300);
  const refreshTtl = observation(report, 'Login', 'refresh TTL s');
  assert.ok(typeof refreshTtl === 'number' && refreshTtl > 7 * 24 * 3600 - 60 && refreshTtl <= 7 * 24 * 3600, String(refreshTtl));
  assert.equal(observation(report, 'Login', 'token in JSON body'), false);
  assert.equal(observation(report, 'Login', 'GET /api/me'), 200);

  // Expiry through the injected clock.
  assert.equal(observation(report, 'Expired', 'GET /api/me'), 401);
  assert.equal(observation(report, 'Expired', 'reason'), 'token expired');
  assert.equal(observation(report, 'Expired', 'WWW-Authenticate'), 'Bearer realm="api"');

  // Rotation.
  assert.equal(observation(report, 'Refresh rotates', 'refresh'), 204);
  assert.deepEqual(observation(report, 'Refresh rotates', 'new cookies'), ['access_token', 'refresh_token']);
  assert.equal(observation(report, 'Refresh rotates', 'refresh rotated'), true);
  assert.equal(observation(report, 'Refresh rotates', 'old marked used'), true);
  assert.equal(observation(report, 'Refresh rotates', 'GET /api/me'), 200);

  // Reuse of the rotated token revokes the family.
  assert.equal(observation(report, 'Reuse', 'old refresh'), 401);
  assert.equal(observation(report, 'Reuse', 'reason'), 'refresh token reuse detected');
  assert.equal(observation(report, 'Reuse', 'newest refresh'), 401);
  assert.equal(observation(report, 'Reuse', 'GET /api/me'), 401);
  assert.equal(observation(report, 'Reuse', 'family tokens left'), 0);

  // Logout deny-lists the jti for the token's remaining life.
  assert.equal(observation(report, 'Logout', 'logout'), 204);
  assert.equal(observation(report, 'Logout', 'stolen access'), 401);
  assert.equal(observation(report, 'Logout', 'stolen refresh'), 401);
  const denyTtl = observation(report, 'Logout', 'deny TTL s');
  const lifeLeft = observation(report, 'Logout', 'token life left s');
  assert.ok(typeof denyTtl === 'number' && typeof lifeLeft === 'number' && denyTtl > 0 && Math.abs(denyTtl - lifeLeft) <= 2, `${denyTtl} vs ${lifeLeft}`);

  // Senior: a same-site forged write is refused by the Origin / Fetch Metadata check.
  assert.equal(observation(report, 'Senior: cross-site', 'forged POST (same-site)'), 403);
  assert.equal(observation(report, 'Senior: cross-site', 'email after forged POST'), 'ada@example.com');
  assert.equal(observation(report, 'Senior: cross-site', 'POST from the app'), 204);
  assert.equal(observation(report, 'Senior: cross-site', 'email after genuine POST'), 'ada@lovelace.example');

  // Senior: two concurrent refreshes, one wins, the loser revokes the family.
  assert.deepEqual(observation(report, 'Senior: two refreshes', 'statuses'), [204, 401]);
  assert.deepEqual(observation(report, 'Senior: two refreshes', 'loser'), ['refresh token reuse detected']);
  assert.equal(observation(report, 'Senior: two refreshes', "winner's new refresh"), 401);
  assert.equal(observation(report, 'Senior: two refreshes', "winner's new access"), 401);
  assert.ok(Number(observation(report, 'Secrets', 'responses scanned')) > 20);

  assert.deepEqual(stepRoles(report), [
    'Legacy: long-lived token=failure', 'Login: cookies + Redis=fix', 'Expired access token=fix',
    'Refresh rotates the pair=fix', 'Reuse revokes the family=fix', 'Logout revokes by jti=fix',
    'Senior: cross-site writes refused=fix/senior', 'Senior: two refreshes race=fix/senior',
    'Secrets never left the server=fix',
  ]);
  assert.deepEqual(await danglingStepLinksOf(30, report), []);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
});
