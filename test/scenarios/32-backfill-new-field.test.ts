import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';
import { danglingStepLinksOf, stepRoles } from '../support/scenario-links.js';

const legacyUsers = 6;

describe('scenario 32: backfilling a new schema field', () => {
  let report: ScenarioReport;
  before(async () => {
    report = await runScenarioById(32);
  });

  test('the demo runs to the end and every check holds', () => {
    assert.equal(report.error, undefined);
    assert.deepEqual(failedChecks(report), []);
    assert.equal(report.passed, true);
  });

  test('every step declares what it shows, and the metadata points at real steps', async () => {
    assert.deepEqual(stepRoles(report), [
      'Legacy documents=context', 'Default on read, not stored=failure', 'Tolerate both shapes first=fix',
      'A save writes the default=failure', 'Backfill with updateMany=fix', 'Run it again=fix',
      'Senior: batched migration=fix/senior', 'Senior: computed values, updatePipeline=fix/senior',
    ]);
    assert.deepEqual(await danglingStepLinksOf(32, report), []);
  });

  test('the legacy documents are stored without the field', () => {
    assert.equal(observation(report, 'legacy', 'legacy documents'), legacyUsers);
    assert.equal(observation(report, 'legacy', 'without plan'), legacyUsers);
  });

  test('the default shows through Mongoose but is not stored, so the query misses legacy users', () => {
    assert.equal(observation(report, 'default on read', 'API plan (legacy)'), 'free');
    assert.equal(observation(report, 'default on read', 'stored plan (legacy)'), '(missing)');
    assert.equal(observation(report, 'default on read', 'lean() plan (legacy)'), '(missing)');
    assert.equal(observation(report, 'default on read', 'users'), legacyUsers + 2);
    assert.equal(observation(report, 'default on read', 'GET ?plan=free count'), 1);
    assert.equal(observation(report, 'tolerate both', 'tolerant query count'), legacyUsers + 1);
  });

  test('save() writes the default into a legacy document, updateOne does not, and the count drifts', () => {
    assert.equal(observation(report, 'save writes', 'PATCH status'), 200);
    assert.equal(observation(report, 'save writes', 'stored plan after save()'), 'free');
    assert.equal(observation(report, 'save writes', 'stored plan after updateOne'), '(missing)');
    assert.equal(observation(report, 'save writes', 'GET ?plan=free count'), 2);
    assert.equal(observation(report, 'save writes', 'without plan'), legacyUsers - 1);
  });

  test('the backfill modifies exactly the documents still missing the field and the query then matches', () => {
    assert.equal(observation(report, 'backfill', 'missing before'), legacyUsers - 1);
    assert.equal(observation(report, 'backfill', 'matchedCount'), legacyUsers - 1);
    assert.equal(observation(report, 'backfill', 'modifiedCount'), legacyUsers - 1);
    assert.equal(observation(report, 'backfill', 'GET ?plan=free count'), legacyUsers + 1);
    assert.equal(observation(report, 'backfill', 'without plan'), 0);
    assert.equal(observation(report, 'backfill', 'pro users'), 1);
  });

  test('running the backfill again modifies nothing', () => {
    assert.equal(observation(report, 'run it again', 'matchedCount'), 0);
    assert.equal(observation(report, 'run it again', 'modifiedCount'), 0);
    assert.equal(observation(report, 'run it again', 'GET ?plan=free count'), legacyUsers + 1);
  });

  test('the claimed, batched migration runs once in 30-document batches even when two pods start together', () => {
    assert.deepEqual(observation(report, 'batched', 'two pods at once'),
      ['applied: 3 batches, 75 modified', 'skipped (E11000: already claimed)']);
    assert.equal(observation(report, 'batched', 'orders without currency'), 0);
    assert.equal(observation(report, 'batched', 'recorded state'), 'done');
    assert.equal(observation(report, 'batched', 'next deploy'), 'skipped (E11000: already claimed)');
  });

  test('a claim left running by a crashed pod is taken over by exactly one runner once its lease has expired', () => {
    assert.deepEqual(observation(report, 'batched', 'two pods after a crash'),
      ['skipped (E11000: already claimed)', 'took over expired claim, applied: 3 batches, 75 modified']);
    assert.equal(observation(report, 'batched', 'orders without channel'), 0);
    assert.equal(observation(report, 'batched', 'crashed one now'), 'done');
  });

  test('Mongoose 9 refuses a pipeline update until updatePipeline is set, then the server computes every value', () => {
    assert.match(String(observation(report, 'computed values', 'without the option')), /updatePipeline/);
    assert.equal(observation(report, 'computed values', 'orders without totalCents'), 75);
    assert.equal(observation(report, 'computed values', 'modifiedCount with updatePipeline'), 75);
    assert.deepEqual(observation(report, 'computed values', 'first order'), { total: 10, totalCents: 1000 });
  });
});
