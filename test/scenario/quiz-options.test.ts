// The rule for multiple-choice questions: the right option must not be guessable by its length.
// Across every scenario, the correct option may be strictly the longest in at most 40% of the
// questions (with three or four options, chance alone puts it there in 25–33%). The offenders are
// printed, so an author sees which questions to even out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarios } from '../../src/scenario/registry.js';

const maxShare = 0.4;

test('the correct option is strictly the longest in at most 40% of all quiz questions', async () => {
  const scenarios = await loadScenarios();
  const offenders: string[] = [];
  let questions = 0;
  for (const scenario of scenarios) {
    scenario.quiz.choices.forEach((question, index) => {
      questions += 1;
      const correct = question.options.find((option) => option.correct);
      if (!correct) return;
      const longestWrong = Math.max(...question.options.filter((option) => !option.correct).map((option) => option.text.length));
      if (correct.text.length > longestWrong) {
        offenders.push(`#${scenario.id} Q${index + 1} (${correct.text.length} vs ${longestWrong} chars): ${question.prompt}`);
      }
    });
  }
  assert.ok(questions > 0, 'there are quiz questions to check');
  const share = offenders.length / questions;
  assert.ok(
    share <= maxShare,
    `the correct option is strictly the longest in ${offenders.length} of ${questions} questions (${Math.round(share * 100)}%, at most ${maxShare * 100}% allowed):\n  ${offenders.join('\n  ')}`,
  );
});
