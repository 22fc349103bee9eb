import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStreak, summarizeProgress } from '../../src/quiz/summary.js';
import { applyGrade } from '../../src/quiz/scheduler.js';
import { emptyProgress } from '../../src/quiz/progress.js';

// Noon local time keeps every date on the intended calendar day whatever the time zone.
const day = (d: number, hour = 12): Date => new Date(2026, 4, d, hour);

const streakCases: { reviews: Date[]; now: Date; current: number; longest: number; today: boolean }[] = [
  { reviews: [], now: day(10), current: 0, longest: 0, today: false },
  { reviews: [day(8), day(9), day(10, 8), day(10, 20)], now: day(10, 21), current: 3, longest: 3, today: true },
  // Yesterday's review keeps the streak alive until today ends.
  { reviews: [day(8), day(9)], now: day(10), current: 2, longest: 2, today: false },
  { reviews: [day(1), day(2), day(3), day(4), day(7), day(9)], now: day(10), current: 1, longest: 4, today: false },
  { reviews: [day(1), day(2), day(3)], now: day(10), current: 0, longest: 3, today: false },
];

for (const { reviews, now, current, longest, today } of streakCases) {
  test(`streak with reviews on days ${reviews.map((r) => r.getDate()).join(',') || 'none'}`, () => {
    assert.deepEqual(computeStreak(reviews, now), { current, longest, reviewedToday: today });
  });
}

test('per-scenario state, due, last grade and totals', () => {
  const progress = emptyProgress();
  progress.scenarios['24'] = applyGrade(applyGrade(undefined, 'good', day(1), { mode: 'recall' }), 'again', day(2), { mode: 'choice', question: 0 });
  progress.scenarios['25'] = applyGrade(undefined, 'easy', day(2), { mode: 'recall' });
  const summary = summarizeProgress([{ id: 24, title: 'a' }, { id: 25, title: 'b' }, { id: 26, title: 'c' }], progress, day(3));
  const [s24, s25, s26] = summary.scenarios;
  assert.equal(s24?.reviews, 2);
  assert.equal(s24?.lastGrade, 'again');
  assert.equal(s24?.state, progress.scenarios['24']!.card.state.toLowerCase());
  assert.equal(s24?.dueNow, true);
  assert.equal(s25?.state, 'review');
  assert.equal(s25?.due, progress.scenarios['25']!.card.due);
  assert.equal(s25?.dueNow, Date.parse(progress.scenarios['25']!.card.due) <= day(3).getTime());
  assert.deepEqual(s26, { id: 26, title: 'c', state: 'new', due: null, dueNow: false, lastGrade: null, lastReview: null, reviews: 0, lapses: 0 });
  assert.equal(summary.totals.reviews, 3);
  assert.equal(summary.totals.new, 1);
  assert.equal(summary.streak.longest, 2);
});
