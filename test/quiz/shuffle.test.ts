// Multiple-choice options are shuffled per session (QA2 #2: stored order put the right answer at 1
// or 2 almost every time) and the answer is mapped back to the stored option for grading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shuffledOrder } from '../../src/quiz/shuffle.js';
import { runQuizSession } from '../../src/quiz/session.js';
import type { QuizPrompter } from '../../src/quiz/session.js';
import { ProgressStore } from '../../src/quiz/progress-store.js';
import type { ChoiceQuestion } from '../../src/scenario/contract.js';
import { fixtureScenario, plain, withTemporaryHome } from './support/fixtures.js';
import { seededRandom as seeded } from '../support/seeded-random.js';

test('shuffledOrder is a permutation and moves the first option to every position over sessions', () => {
  const random = seeded(7);
  const positions = new Set<number>();
  for (let session = 0; session < 40; session += 1) {
    const order = shuffledOrder(4, random);
    assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
    positions.add(order.indexOf(0));
  }
  assert.deepEqual([...positions].sort(), [0, 1, 2, 3]);
});

/** Answers like a learner who knows the material and one who always presses Enter on option 1. */
function recordingPrompter(strategy: 'correct' | 'first', shownCorrectAt: number[]): QuizPrompter {
  return {
    answer: () => Promise.reject(new Error('not a recall session')),
    grade: () => Promise.reject(new Error('not a recall session')),
    offerDemo: () => Promise.resolve(false),
    choose: (question: ChoiceQuestion) => {
      const correct = question.options.findIndex((option) => option.correct);
      shownCorrectAt.push(correct);
      return Promise.resolve(strategy === 'correct' ? correct : 0);
    },
  };
}

test('across seeded sessions the correct option changes position, and grading maps the shown choice back', async () => {
  await withTemporaryHome(async (home) => {
    const random = seeded(2026);
    // A question whose stored order puts the right answer first, like most scenario files do.
    const scenario = fixtureScenario(30, { quiz: { choices: [{ prompt: 'Which one?', options: [
      { text: 'right', correct: true, explanation: 'yes' },
      { text: 'wrong a', correct: false, explanation: 'no' },
      { text: 'wrong b', correct: false, explanation: 'no' },
      { text: 'wrong c', correct: false, explanation: 'no' },
    ] }] } });
    const deps = (prompter: QuizPrompter, dir: string) => ({
      store: new ProgressStore(join(home.dir, dir, 'progress.json')), prompter, write: () => undefined, view: { style: plain, width: 80 }, random,
    });
    const knowing: number[] = [];
    for (let session = 0; session < 12; session += 1) {
      const result = await runQuizSession([{ scenario, kind: 'new' }], 'choice', deps(recordingPrompter('correct', knowing), 'knowing'));
      assert.deepEqual(result.graded.map((g) => g.grade), ['good'], `session ${session}: the right answer at position ${knowing.at(-1)} is graded good`);
    }
    assert.ok(new Set(knowing).size >= 3, `the right answer was shown at positions ${knowing.join(',')}`);

    const guessing: number[] = [];
    const grades: string[] = [];
    for (let session = 0; session < 12; session += 1) {
      const result = await runQuizSession([{ scenario, kind: 'new' }], 'choice', deps(recordingPrompter('first', guessing), 'guessing'));
      // Again brings the card back within the session: every question asked is graded.
      grades.push(...result.graded.map((g) => g.grade));
    }
    // Enter on option 1 is right only when the shuffle put the right answer there.
    assert.deepEqual(grades, guessing.map((at) => (at === 0 ? 'good' : 'again')));
    assert.ok(grades.includes('again'), 'always picking option 1 no longer passes');
  });
});
