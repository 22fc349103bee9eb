// Scenario 28 on the embedded engine: the figures the demo observed must show the naive failure
// (collection scan over every document, deep skip walking the skipped entries, cache miss) and the
// fix (index scan examining about a page, range page walking only the page, cache hit).
// No timing is asserted: timings are printed by the demo and belong to benchmarks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { checksOf, failedChecks, observation, runScenarioById } from '../support/scenario-harness.js';

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

test('deep skip walks the skipped keys; the keyset query seeks and walks one page', () => {
  assert.ok(stagesAt('Deep skip', 'skip stages').includes('IXSCAN'));
  assert.ok(numberAt('Deep skip', 'skip keys') >= DEEP_SKIP + PAGE);
  const keyset = stagesAt('Deep skip', 'keyset stages');
  assert.equal(keyset.filter((stage) => stage === 'IXSCAN').length, 1, keyset.join(' > '));
  assert.ok(!keyset.includes('SORT') && !keyset.includes('COLLSCAN'), keyset.join(' > '));
  assert.equal(observation(report, 'Deep skip', 'keyset index'), COMPOUND);
  // the page plus the cursor's own row, which the tiebreak $or filters out
  assert.ok(numberAt('Deep skip', 'keyset keys') <= PAGE + 1);
  assert.ok(numberAt('Deep skip', 'keyset docs') <= PAGE + 1);
  assert.equal(numberAt('Deep skip', 'status, ?after= twice'), 400);
});

test('the read-through cache misses once, then hits, with one database query', () => {
  assert.equal(observation(report, 'cache', '1st'), 'MISS');
  assert.equal(observation(report, 'cache', '2nd'), 'HIT');
  assert.equal(numberAt('cache', 'db queries'), 1);
  const ttl = numberAt('cache', 'ttl s');
  assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  assert.match(String(observation(report, 'cache', 'redis')), /redis|ioredis-mock/i);
});

test('a filter-only index still sorts in memory; the planner prefers the compound one', () => {
  const hinted = stagesAt('filter-only index', 'stages, hint isActive_1');
  assert.ok(hinted.includes('IXSCAN') && hinted.includes('SORT'), hinted.join(' > '));
  assert.equal(numberAt('filter-only index', 'docs, hint isActive_1'), ACTIVE);
  assert.equal(observation(report, 'filter-only index', 'planner picks'), COMPOUND);
  assert.ok(numberAt('filter-only index', 'rejected plans') >= 1);
});
