import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyPointCoverage } from '../../src/quiz/coverage.js';
import type { KeyPoint } from '../../src/scenario/contract.js';

const points: KeyPoint[] = [
  { text: 'unique index decides', terms: [['unique index', 'unique: true'], ['11000', 'duplicate key']] },
  { text: 'it is a race', terms: [['race', 'concurrent']] },
];

const cases: { answer: string; covered: boolean[]; missing: string[][] }[] = [
  { answer: '', covered: [false, false], missing: [['unique index', '11000'], ['race']] },
  { answer: 'Add a UNIQUE   INDEX and catch the Duplicate Key error; it is a race', covered: [true, true], missing: [[], []] },
  { answer: 'unique: true in the schema, map E11000 to 409', covered: [true, false], missing: [[], ['race']] },
  // One group alone is not enough: every group needs a mention.
  { answer: 'a unique index fixes concurrent requests', covered: [false, true], missing: [['11000'], []] },
  { answer: 'two requests\nrace;\nduplicate key 11000 without an index', covered: [false, true], missing: [['unique index'], []] },
];

for (const { answer, covered, missing } of cases) {
  test(`coverage of ${JSON.stringify(answer)}`, () => {
    const result = keyPointCoverage(answer, points);
    assert.deepEqual(result.map((point) => point.covered), covered);
    assert.deepEqual(result.map((point) => point.missing), missing);
    assert.deepEqual(result.map((point) => point.text), points.map((point) => point.text));
  });
}

test('the matched terms are those the answer used', () => {
  const [first] = keyPointCoverage('unique: true, then E11000', points);
  // Quoted in the answer's own words: "E11000", not the term "11000" it contains.
  assert.deepEqual(first?.matched, ['unique: true', 'E11000']);
});
