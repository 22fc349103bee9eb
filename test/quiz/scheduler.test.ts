import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEmptyCard, fsrs, Rating, State } from 'ts-fsrs';
import type { Card, Grade } from 'ts-fsrs';
import { applyGrade, loadCard, previewDueDates, storeCard } from '../../src/quiz/scheduler.js';
import type { GradeName } from '../../src/quiz/grades.js';
import type { ScenarioProgress } from '../../src/quiz/progress.js';

const start = new Date('2026-03-02T09:00:00.000Z');
const rating: Record<GradeName, Grade> = { again: Rating.Again, hard: Rating.Hard, good: Rating.Good, easy: Rating.Easy };

// Each sequence is graded at the moment the previous review fell due, as a diligent learner would.
const sequences: GradeName[][] = [
  ['good', 'good', 'good', 'good'],
  ['again', 'good', 'good', 'hard'],
  ['easy', 'again', 'good', 'good', 'easy'],
  ['hard', 'hard', 'again', 'good'],
];

for (const grades of sequences) {
  test(`grades ${grades.join(' → ')} move due dates exactly as ts-fsrs does`, () => {
    const reference = fsrs();
    let expected: Card = createEmptyCard(start);
    let entry: ScenarioProgress | undefined;
    let now = start;
    for (const grade of grades) {
      const next = reference.next(expected, now, rating[grade]).card;
      entry = applyGrade(entry, grade, now, { mode: 'recall' });
      assert.equal(entry.card.due, next.due.toISOString());
      assert.equal(entry.card.state, State[next.state]);
      assert.equal(entry.card.stability, next.stability);
      assert.equal(entry.card.difficulty, next.difficulty);
      assert.equal(entry.card.reps, next.reps);
      assert.equal(entry.card.lapses, next.lapses);
      assert.ok(new Date(entry.card.due) > now, 'the next review is in the future');
      expected = next;
      now = next.due;
    }
    assert.equal(entry?.reviews.length, grades.length);
    assert.deepEqual(entry?.reviews.map((r) => r.grade), grades);
  });
}

test('a better grade never schedules the next review sooner', () => {
  const preview = previewDueDates(undefined, start);
  assert.ok(preview.again <= preview.hard && preview.hard <= preview.good && preview.good <= preview.easy);
  const reference = fsrs().repeat(createEmptyCard(start), start);
  assert.equal(preview.good.toISOString(), reference[Rating.Good].card.due.toISOString());
});

test('a stored card loads back to the card ts-fsrs produced', () => {
  const card = fsrs().next(createEmptyCard(start), start, Rating.Good).card;
  const roundTrip = loadCard(JSON.parse(JSON.stringify(storeCard(card))) as ReturnType<typeof storeCard>);
  assert.deepEqual(roundTrip, card);
});
