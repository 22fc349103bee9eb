// Scenario 30's figures, by step role rather than narration: the demo walks starter.js and
// solution.js through one attack (a cookie-jar browser, an XSS copy, a thief, a forged form), and
// every figure here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, figure, stepOf } from '../support/scenario-links.js';


test('30: a readable 30-day JWT survives logout; short cookies, rotation, reuse detection and an Origin check do not', async () => {
  const report = await runScenarioById(30);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const challenge = { status: 401, 'www-authenticate': 'Bearer realm="api"' };
  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'anonymous GET /api/me'), challenge);
  assert.deepEqual(figure(naive, 'login cookies'), { token: 'script-readable, not Secure, SameSite=unset, Path=/' });
  assert.equal(figure(naive, 'token in the JSON body'), true);
  assert.deepEqual(figure(naive, 'stolen cookies after logout'), { logout: 204, 'GET /api/me': 200, 'POST /auth/refresh': 404 });
  assert.deepEqual(figure(naive, 'GET /api/me 15 min later'), { status: 200, error: '' });
  assert.deepEqual(figure(naive, 'forged same-site POST, then the app\'s own'),
    { forged: 204, 'email after forged': 'attacker@evil.example', genuine: 204, 'email after genuine': 'ada@lovelace.example' });

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'anonymous GET /api/me'), challenge);
  assert.deepEqual(figure(fix, 'login cookies'), {
    access_token: 'HttpOnly, Secure, SameSite=Strict, Path=/',
    refresh_token: 'HttpOnly, Secure, SameSite=Strict, Path=/auth',
  });
  assert.equal(figure(fix, 'token in the JSON body'), false);
  assert.deepEqual(figure(fix, 'stolen cookies after logout'), { logout: 204, 'GET /api/me': 401, 'POST /auth/refresh': 401 });
  assert.deepEqual(figure(fix, 'GET /api/me 15 min later'), { status: 401, error: 'token expired' });
  assert.deepEqual(figure(fix, 'refresh'), { status: 204, 'new cookies': ['access_token', 'refresh_token'], 'GET /api/me': 200 });
  assert.deepEqual(figure(fix, 'replayed refresh, then the newest pair'),
    { replayed: 401, reason: 'refresh token reuse detected', 'newest refresh': 401, 'GET /api/me': 401 });
  assert.deepEqual(figure(fix, 'forged same-site POST, then the app\'s own'),
    { forged: 403, 'email after forged': 'ada@example.com', genuine: 204, 'email after genuine': 'ada@lovelace.example' });
  assert.deepEqual(figure(fix, 'two refreshes at once'), { statuses: [204, 401], "winner's next refresh": 401 });
  const scanned = figure(fix, 'responses scanned for the secret') as { responses: number; leaked: number };
  assert.ok(scanned.responses > 15 && scanned.leaked === 0, JSON.stringify(scanned));

  // Roles: the starter's failing checks are reproduced bugs; the solution's prove the fix.
  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === naive.title && check.id === 'logoutRevokes')?.role, 'reproduces-failure');
  assert.ok(checks.filter((check) => check.step === fix.title).every((check) => check.role === 'proves-fix'));
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'crossSiteWriteRefused')?.level, 'senior');
  assert.deepEqual(await danglingStepLinksOf(30, report), []);
  assert.equal(report.passed, true);
});
