// The follow-up choice is data in, questions out: the same answer always meets the same ladder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyPointCoverage } from '../../src/quiz/coverage.js';
import { chooseFollowUps } from '../../src/interview/ladder.js';
import { scenarioBudget, formatClock } from '../../src/interview/budget.js';
import { interviewScenario, ladder } from './support.js';

const scenario = interviewScenario(24);
const cases: { answer: string; count: number; asked: number[]; reasons: string[] }[] = [
  // Misses point 2 (409) only: its probe comes first, then the deeper rungs in the author's order.
  { answer: 'a unique index, because check-then-insert is a race', count: 3, asked: [2, 0, 3], reasons: ['missed-point', 'deeper', 'deeper'] },
  // Misses points 1 and 2: both probes first, in key-point order.
  { answer: 'a unique index', count: 3, asked: [1, 2, 0], reasons: ['missed-point', 'missed-point', 'deeper'] },
  // Covers everything: deeper rungs only.
  { answer: 'unique index; the race; answer 409', count: 3, asked: [0, 3, 4], reasons: ['deeper', 'deeper', 'deeper'] },
  // Covers everything with a short budget: two deeper rungs.
  { answer: 'unique index; the race; answer 409', count: 2, asked: [0, 3], reasons: ['deeper', 'deeper'] },
  // More rungs asked than deeper ones exist: probes of covered points close the list.
  { answer: 'unique index; the race; answer 409', count: 5, asked: [0, 3, 4, 1, 2], reasons: ['deeper', 'deeper', 'deeper', 'covered-point', 'covered-point'] },
  // An empty answer: every probe first.
  { answer: '', count: 2, asked: [1, 2], reasons: ['missed-point', 'missed-point'] },
];

for (const { answer, count, asked, reasons } of cases) {
  test(`ladder: "${answer || '(empty)'}", ${count} follow-ups → rungs ${asked.join(', ')}`, () => {
    const coverage = keyPointCoverage(answer, scenario.answer.keyPoints);
    const chosen = chooseFollowUps(ladder, coverage, count);
    assert.deepEqual(chosen.map((rung) => rung.index), asked);
    assert.deepEqual(chosen.map((rung) => rung.reason), reasons);
    for (const rung of chosen.filter((r) => r.reason !== 'deeper')) {
      assert.equal(rung.probedPoint, scenario.answer.keyPoints[rung.followUp.probes!]!.text);
    }
    // Deterministic: asking again gives the same list.
    assert.deepEqual(chooseFollowUps(ladder, coverage, count), chosen);
  });
}

test('budget: 15 minutes over 3 scenarios gives 2:00 for the opening and three follow-ups of 1:00', () => {
  assert.deepEqual(scenarioBudget(15, 3), { openingSeconds: 120, followUpSeconds: 60, followUps: 3 });
  // Under five minutes a scenario gets two follow-ups.
  assert.deepEqual(scenarioBudget(8, 2), { openingSeconds: 96, followUpSeconds: 72, followUps: 2 });
  assert.equal(formatClock(125), '2:05');
  assert.equal(formatClock(-12), '-0:12');
});
