// Scenario 34's figures by step role: the demo walks starter.js, the override trap and solution.js
// through one attack (a broken deploy and a good one over the same env files), and every figure
// here was observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksOf, failedChecks, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, figure, stepOf } from '../support/scenario-links.js';


test('34: || fallbacks start a broken deploy, override lets files beat the platform, the validated loader does neither', async () => {
  const report = await runScenarioById(34);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);

  const naive = stepOf(report, 'Naive');
  assert.equal(naive.shows, 'failure');
  assert.deepEqual(figure(naive, 'broken deploy'), { refused: false, 'database used': 'mongodb://127.0.0.1:27017/shop_dev', 'port used': 3000 });
  assert.deepEqual(figure(naive, 'good deploy: PORT, database host, LOG_LEVEL, CACHE_TTL_S'), { PORT: 9090, 'database host': 'db.internal', LOG_LEVEL: 'debug', CACHE_TTL_S: 5 });
  assert.deepEqual(figure(naive, 'startup log'), { lines: 1, 'JWT secret': true, 'DB password': true, redacted: false });

  const trap = stepOf(report, 'The override trap');
  assert.deepEqual(figure(trap, 'good deploy: PORT, database host, LOG_LEVEL, CACHE_TTL_S'), { PORT: 8080, 'database host': '127.0.0.1', LOG_LEVEL: 'warn', CACHE_TTL_S: 5 });

  const fix = stepOf(report, 'Fix');
  assert.equal(fix.shows, 'fix');
  assert.deepEqual(figure(fix, 'broken deploy'), { refused: true, 'variables named': ['JWT_SECRET', 'MONGODB_URI', 'PORT'], 'secret echoed': false });
  assert.deepEqual(figure(fix, 'good deploy: PORT, database host, LOG_LEVEL, CACHE_TTL_S'), { PORT: 9090, 'database host': 'db.internal', LOG_LEVEL: 'warn', CACHE_TTL_S: 5 });
  assert.deepEqual(figure(fix, 'startup log'), { lines: 1, 'JWT secret': false, 'DB password': false, redacted: true });
  assert.equal(figure(fix, 'config frozen'), true);

  const checks = checksOf(report);
  assert.equal(checks.find((check) => check.step === trap.title && check.id === 'realEnvWins')?.role, 'reproduces-failure');
  assert.equal(checks.find((check) => check.step === fix.title && check.id === 'configFrozen')?.level, 'senior');
  assert.deepEqual(await danglingStepLinksOf(34, report), []);
  assert.equal(report.passed, true);
});
