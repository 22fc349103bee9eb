import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, stepRoles } from '../support/scenario-links.js';

const gitInstalled = spawnSync('git', ['--version']).status === 0;

test('scenario 34: env files under the real environment, fail-fast validation, secrets out of logs and git', async () => {
  const report = await runScenarioById(34);
  assert.equal(report.error, undefined);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);

  // naive: the broken deploy starts anyway, on the development database, with an unchecked port
  assert.equal(observation(report, 'naive', 'exit code'), 0);
  assert.equal(observation(report, 'naive', 'db uri used'), 'mongodb://127.0.0.1:27017/shop_dev');
  assert.equal(observation(report, 'naive', 'port used'), 3000);

  // precedence: platform PORT=9090, .env.production PORT=8080 LOG_LEVEL=warn, .env LOG_LEVEL=debug CACHE_TTL_S=5
  assert.equal(observation(report, 'which value', '.env only: LOG_LEVEL'), 'debug');
  assert.equal(observation(report, 'which value', 'override: PORT'), '8080');
  assert.equal(observation(report, 'which value', 'ordered: PORT'), '9090');
  assert.equal(observation(report, 'which value', 'ordered: LOG_LEVEL'), 'warn');
  assert.equal(observation(report, 'which value', 'ordered: CACHE_TTL_S'), '5');

  // fix: the same broken deploy refuses to start and names every problem
  assert.equal(observation(report, 'fail fast', 'exit code'), 1);
  assert.deepEqual(observation(report, 'fail fast', 'problems'), ['JWT_SECRET', 'MONGODB_URI', 'PORT']);

  // fix: a good deploy starts with a typed port and a redacted log
  assert.equal(observation(report, 'secrets redacted', 'exit code'), 0);
  assert.equal(observation(report, 'secrets redacted', 'PORT'), 9090);
  assert.equal(observation(report, 'secrets redacted', 'LOG_LEVEL'), 'warn');
  assert.equal(observation(report, 'secrets redacted', 'logged MONGODB_URI'), 'mongodb://shop_app:[redacted]@db.internal:27017/shop');

  // git: .env files untracked and committable before, ignored after; .env.example stays
  assert.equal(observation(report, 'out of git', 'git'), gitInstalled ? 'found' : 'not found');
  if (gitInstalled) {
    assert.deepEqual(observation(report, 'out of git', 'untracked before'), ['.env', '.env.production']);
    assert.deepEqual(observation(report, 'out of git', 'untracked after'), ['.env.example', '.gitignore']);
    assert.deepEqual(observation(report, 'out of git', 'ignored'), ['.env', '.env.production']);
  }

  // Node's own loader gives the same layering as dotenv with [.env.production, .env]
  assert.equal(observation(report, 'env-file', 'PORT'), '9090');
  assert.equal(observation(report, 'env-file', 'LOG_LEVEL'), 'warn');

  // No constant dressed as a measurement: the child count is not observed, git init is not a check.
  assert.equal('processes' in (report.steps[0]?.observations ?? {}), false);
  assert.equal(report.steps.flatMap((step) => step.checks).some((check) => check.claim.includes('git init')), false);

  assert.deepEqual(stepRoles(report), [
    'Five deploys, started side by side as child processes=context', 'Naive: || defaults=failure', 'Which value wins=context',
    'Fix: validate, fail fast=fix', 'Fix: start, secrets redacted=fix', '.env stays out of git=fix', 'Senior: Node --env-file=fix/senior',
  ]);
  assert.deepEqual(await danglingStepLinksOf(34, report), []);
});
