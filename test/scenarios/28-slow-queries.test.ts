// Scenario 28 on the embedded engine: the figures the demo observed must show the naive failure
// (collection scan over every document, deep skip walking the skipped entries, cache miss) and the
// fix (index scan examining about a page, range page walking only the page, cache hit).
// No timing is asserted: timings are printed by the demo and belong to benchmarks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

const USERS = 20_000;
const ACTIVE = 12_000;
const PAGE = 20;
const DEEP_SKIP = 10_000;
const COMPOUND = 'isActive_1_createdAt_-1__id_-1';

let report: ScenarioReport;

before(async () => {
  report = await runScenarioById(28);
});

function numberAt(step: string, label: string): number {
  const value = observation(report, step, label);
  assert.equal(typeof value, 'number', `${step} / ${label} should be a number, got ${JSON.stringify(value)}`);
  return value as number;
}

function stagesAt(step: string, label: string): string[] {
  const value = observation(report, step, label);
  assert.ok(Array.isArray(value), `${step} / ${label} should be a list of stages, got ${JSON.stringify(value)}`);
  return value.map(String);
}

test('the demo ran to the end with every check held', () => {
  assert.equal(report.error, undefined);
  assert.deepEqual(failedChecks(report), []);
  assert.ok(checksOf(report).length >= 20, 'the demo makes its claims as checks');
  assert.equal(report.passed, true);
});

test('every step declares its role, and every provenBy/shownBy names a step', async () => {
  assert.deepEqual(report.steps.map((step) => [step.title, step.shows, step.senior]), [
    ['Seed 20,000 users', 'context', false],
    ['No index: COLLSCAN', 'failure', false],
    ['Compound index: IXSCAN', 'fix', false],
    ['Projection: select fields', 'fix', false],
    ['Naive: deep skip', 'failure', false],
    ['Fix: keyset cursor', 'fix', false],
    ['Read-through cache (TTL)', 'fix', false],
    ['Senior trap: filter-only index', 'failure', true],
    ['Senior: which plan wins', 'context', true],
  ]);
  const scenario = await loadScenarioById(28);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);
  // Timings are this engine's: no speed-up figure is printed as if it were MongoDB's.
  assert.ok(report.steps.every((step) => !('speed-up' in step.observations)));
});

test('the seed holds the users the explain figures are compared with', () => {
  assert.equal(numberAt('Seed', 'users'), USERS);
  assert.equal(numberAt('Seed', 'active users'), ACTIVE);
});

test('without an index: COLLSCAN and an in-memory SORT over the whole collection', () => {
  const stages = stagesAt('No index', 'stages');
  assert.ok(stages.includes('COLLSCAN'), stages.join(' > '));
  assert.ok(stages.includes('SORT'), stages.join(' > '));
  assert.ok(!stages.includes('IXSCAN'), stages.join(' > '));
  assert.equal(numberAt('No index', 'docs examined'), USERS);
  assert.equal(numberAt('No index', 'returned'), PAGE);
});

test('with the compound index: IXSCAN on it, no SORT, about a page examined', () => {
  const stages = stagesAt('Compound index', 'stages');
  assert.ok(stages.includes('IXSCAN'), stages.join(' > '));
  assert.ok(!stages.includes('COLLSCAN') && !stages.includes('SORT'), stages.join(' > '));
  assert.equal(observation(report, 'Compound index', 'index'), COMPOUND);
  assert.ok(numberAt('Compound index', 'keys examined') <= 2 * PAGE);
  assert.ok(numberAt('Compound index', 'docs examined') <= 2 * PAGE);
  assert.equal(numberAt('Compound index', 'returned'), PAGE);
});

test('projection shrinks the HTTP response to _id, name, email and createdAt', () => {
  const full = numberAt('Projection', 'full bytes');
  const slim = numberAt('Projection', 'slim bytes');
  assert.ok(slim * 2 < full, `${slim} vs ${full}`);
  assert.deepEqual(observation(report, 'Projection', 'slim fields'), ['_id', 'createdAt', 'email', 'name']);
});

test('the projection still fetches every returned document; a covered projection reads none', () => {
  assert.ok(stagesAt('Projection', 'projected stages').includes('FETCH'));
  assert.equal(numberAt('Projection', 'projected docs examined'), PAGE);
  assert.ok(!stagesAt('Projection', 'covered stages').includes('FETCH'));
  assert.equal(numberAt('Projection', 'covered docs examined'), 0);
});

test('deep skip walks the skipped keys and repeats a user when a row is inserted between pages', () => {
  assert.ok(stagesAt('deep skip', 'skip stages').includes('IXSCAN'));
  assert.ok(numberAt('deep skip', 'skip keys') >= DEEP_SKIP + PAGE);
  assert.equal(observation(report, 'deep skip', 'page 2 repeats the end of page 1'), true);
});

test('the keyset query seeks and walks one page, and an insert between pages repeats nobody', () => {
  const keyset = stagesAt('keyset', 'keyset stages');
  assert.equal(keyset.filter((stage) => stage === 'IXSCAN').length, 1, keyset.join(' > '));
  assert.ok(!keyset.includes('SORT') && !keyset.includes('COLLSCAN'), keyset.join(' > '));
  assert.equal(observation(report, 'keyset', 'keyset index'), COMPOUND);
  // the page plus the cursor's own row, which the tiebreak $or filters out
  assert.ok(numberAt('keyset', 'keyset keys') <= PAGE + 1);
  assert.ok(numberAt('keyset', 'keyset docs') <= PAGE + 1);
  assert.equal(numberAt('keyset', 'users on both pages, insert between'), 0);
  assert.equal(numberAt('keyset', 'status, ?after= twice'), 400);
});

test('the read-through cache misses once, then hits, with one database query', () => {
  assert.equal(observation(report, 'cache', '1st'), 'MISS');
  assert.equal(observation(report, 'cache', '2nd'), 'HIT');
  assert.equal(numberAt('cache', 'db queries'), 1);
  const ttl = numberAt('cache', 'ttl s');
  assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  assert.match(String(observation(report, 'cache', 'redis')), /redis|ioredis-mock/i);
});

test('a filter-only index still sorts in memory; the winning plan uses the compound one', () => {
  const hinted = stagesAt('filter-only index', 'stages, hint isActive_1');
  assert.ok(hinted.includes('IXSCAN') && hinted.includes('SORT'), hinted.join(' > '));
  assert.equal(numberAt('filter-only index', 'docs, hint isActive_1'), ACTIVE);
  assert.equal(observation(report, 'which plan wins', 'winning index'), COMPOUND);
  assert.ok(numberAt('which plan wins', 'rejected plans') >= 1);
});
