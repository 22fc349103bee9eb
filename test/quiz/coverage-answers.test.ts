// Real answers (from the UX review's sessions and typical candidates) → the coverage they should get
// against the scenarios' real key points. The false misses the review reported are rows here:
// "keyset", bare "TTL", "explain", "TOCTOU", and a stem ("normaliz") quoted back instead of the
// user's own word. Coverage is an aid: 'partly' is the honest mark when one idea of two is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyPointCoverage } from '../../src/quiz/coverage.js';
import { loadScenarioById } from '../../src/scenario/registry.js';

type Mark = 'covered' | 'partly' | 'missed';

interface Row {
  scenario: number;
  answer: string;
  /** Key point (by a unique substring of its text) → expected mark. Points not listed are not asserted. */
  expect: Record<string, Mark>;
  /** Words that must be quoted back as "you said", and stems that must not appear. */
  said?: string[];
  neverSaid?: string[];
}

const rows: Row[] = [
  {
    scenario: 28,
    answer: 'use explain, add a compound index isActive createdAt, projection lean, keyset pagination, redis cache with TTL',
    expect: { 'Cache hot': 'covered', 'keyset': 'covered', 'explain': 'partly', 'projection': 'covered' },
    said: ['TTL', 'keyset', 'explain'],
  },
  {
    scenario: 28,
    answer: 'Run explain("executionStats") and look for a COLLSCAN, then add an index. Cache it in Redis, expire after 60 s.',
    expect: { 'explain': 'covered', 'Cache hot': 'covered' },
  },
  {
    scenario: 28,
    answer: 'deep pages are slow; settle on little pages',
    // "settle" and "little" contain "ttl", and say nothing about a TTL.
    expect: { 'Cache hot': 'missed' },
  },
  {
    scenario: 24,
    answer: 'TOCTOU: both requests pass the existence check before either inserts. Add a unique index, map 11000 to 409.',
    expect: { 'check-then-act': 'covered', 'unique index on email': 'covered', '11000': 'covered' },
    said: ['TOCTOU'],
  },
  {
    scenario: 24,
    answer: 'Normalise the email before saving it.',
    expect: { 'Normalise email': 'covered' },
    said: ['Normalise'],
    neverSaid: ['normaliz', 'normalis'],
  },
  {
    scenario: 24,
    answer: 'I would normalize addresses and rely on a check-then-act guard',
    expect: { 'Normalise email': 'covered' },
    said: ['normalize'],
    neverSaid: ['normaliz,', 'normaliz)'],
  },
  {
    scenario: 24,
    answer: 'Concurrent requests race; a unique constraint on email decides, and the loser gets a Conflict.',
    expect: { 'unique index on email': 'covered', '11000': 'partly' },
  },
  {
    scenario: 24,
    answer: 'no idea',
    expect: { 'check-then-act': 'missed', 'unique index on email': 'missed' },
  },
];

function markOf(point: { covered: boolean; partial: boolean }): Mark {
  return point.covered ? 'covered' : point.partial ? 'partly' : 'missed';
}

for (const row of rows) {
  test(`#${row.scenario}: ${JSON.stringify(row.answer.slice(0, 70))}`, async () => {
    const scenario = await loadScenarioById(row.scenario);
    assert.ok(scenario, `scenario ${row.scenario} exists`);
    const coverage = keyPointCoverage(row.answer, scenario.answer.keyPoints);
    for (const [needle, expected] of Object.entries(row.expect)) {
      const point = coverage.find((candidate) => candidate.text.toLowerCase().includes(needle.toLowerCase()));
      assert.ok(point, `a key point of #${row.scenario} mentions "${needle}": ${coverage.map((c) => c.text).join(' | ')}`);
      assert.equal(markOf(point), expected, `"${point.text}": matched ${JSON.stringify(point.matched)}, missing ${JSON.stringify(point.missing)}`);
    }
    const saidText = coverage.flatMap((point) => point.matched.filter((word): word is string => word !== undefined));
    for (const word of row.said ?? []) assert.ok(saidText.some((said) => said.includes(word)), `"${word}" is quoted back; quoted: ${JSON.stringify(saidText)}`);
    for (const stem of row.neverSaid ?? []) assert.ok(!saidText.some((said) => said === stem || said.endsWith(stem)), `the stem "${stem}" is not quoted back: ${JSON.stringify(saidText)}`);
  });
}
