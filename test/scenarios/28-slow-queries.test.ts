// Scenario 28's figures, by step title and check id: the demo walks the starter, the trap and the
// solution through one attack that explains the very queries each request made. Plans and counters
// come from the built-in engine; no timing is asserted (timings belong to benchmarks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioById } from '../../src/scenario/registry.js';
import { checksOf, failedChecks, observation, runScenarioById, unresolvedStepRefs } from '../support/scenario-harness.js';

const USERS = 6_000;
const ACTIVE = 3_600;
const PAGE = 20;

test('scenario 28: scan, whole documents, skip and a count per request; the compound index, projection, keyset and cache fix them', async () => {
  const report = await runScenarioById(28);
  assert.equal(report.error, undefined, report.error);
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.passed, true);
  assert.deepEqual(report.steps.map((step) => step.shows), ['failure', 'failure', 'fix']);
  const scenario = await loadScenarioById(28);
  assert.ok(scenario);
  assert.deepEqual(unresolvedStepRefs(scenario, report), []);

  // Naive: a collection scan and an in-memory sort over every user, on page 1 and page 5 alike.
  assert.equal(observation(report, 'Naive', 'page 1 plan'), 'SORT > COLLSCAN');
  assert.deepEqual(observation(report, 'Naive', 'page 1 keys / docs examined'), [0, USERS]);
  assert.ok((observation(report, 'Naive', 'item fields') as string[]).includes('bio'));
  assert.match(String(observation(report, 'Naive', 'page 5 plan')), /SKIP/);
  assert.equal(observation(report, 'Naive', 'users repeated on page 2 after a sign-up'), 1);
  assert.equal(observation(report, 'Naive', 'counts run for two reads of the total'), 2);

  // The filter-only index: IXSCAN, yet every active user fetched and sorted in memory.
  assert.match(String(observation(report, 'Trap: an index', 'page 1 plan')), /SORT.*IXSCAN/);
  assert.deepEqual(observation(report, 'Trap: an index', 'page 1 keys / docs examined'), [ACTIVE, ACTIVE]);

  // Fix: one page of keys on page 1 and page 5, three fields, no repeats, one count for two reads.
  const fixPlan = String(observation(report, 'Fix:', 'page 1 plan'));
  assert.ok(fixPlan.includes('IXSCAN') && !fixPlan.includes('SORT') && !fixPlan.includes('COLLSCAN'), fixPlan);
  assert.deepEqual(observation(report, 'Fix:', 'page 1 keys / docs examined'), [PAGE, PAGE]);
  const deep = observation(report, 'Fix:', 'page 5 keys / docs examined') as number[];
  assert.ok(deep.every((count) => count <= PAGE + 1), String(deep));
  assert.deepEqual(observation(report, 'Fix:', 'item fields'), ['_id', 'createdAt', 'email', 'name']);
  assert.ok((observation(report, 'Fix:', 'page 1 bytes') as number) * 2 < (observation(report, 'Naive', 'page 1 bytes') as number));
  assert.equal(observation(report, 'Fix:', 'users repeated on page 2 after a sign-up'), 0);
  assert.equal(observation(report, 'Fix:', 'counts run for two reads of the total'), 1);
  assert.ok((observation(report, 'Fix:', 'cached keys with a TTL') as number) >= 1);
  // The projection fact: the same documents read with and without it.
  assert.deepEqual(observation(report, 'Fix:', 'docs examined without / with a projection'), [PAGE, PAGE]);

  const fixTitle = report.steps.find((step) => step.title.startsWith('Fix:'))?.title;
  assert.ok(checksOf(report).filter((check) => check.step === fixTitle && check.id !== 'projectionSameReads').every((check) => check.role === 'proves-fix'));
});
