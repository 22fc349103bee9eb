// `quiz --answers FILE`: the same reveal and scheduling as the interactive flow, driven by a list
// of prepared answers instead of prompts (automation, CI, tests).
import { keyPointCoverage } from './coverage.js';
import type { GradeName } from './grades.js';
import type { ProgressStore } from './progress-store.js';
import {
  renderAnswerEcho, renderChoiceQuestion, renderChoiceReveal, renderQuestionHeader, renderRecallReveal, renderScheduled,
} from './reveal.js';
import type { QuizView } from './reveal.js';
import type { ScriptedAnswer } from './answers-file.js';
import { recordGradeOrExplain } from './session.js';

export interface ScriptedRunDependencies {
  store: ProgressStore;
  write: (text: string) => void;
  view: QuizView;
  now?: () => Date;
}

export async function runScriptedAnswers(answers: ScriptedAnswer[], deps: ScriptedRunDependencies): Promise<{ id: number; grade: GradeName; due: string }[]> {
  const now = deps.now ?? (() => new Date());
  const graded: { id: number; grade: GradeName; due: string }[] = [];
  for (const [index, entry] of answers.entries()) {
    const { scenario } = entry;
    let grade: GradeName;
    if (entry.kind === 'recall') {
      deps.write(renderQuestionHeader(deps.view, scenario, index + 1, answers.length));
      deps.write(renderAnswerEcho(deps.view, entry.answer));
      deps.write(renderRecallReveal(deps.view, scenario, entry.answer, keyPointCoverage(entry.answer, scenario.answer.keyPoints)));
      grade = entry.grade;
    } else {
      // The file's order, as `choice` counts in it (interactive sessions shuffle; see quiz --help).
      const question = scenario.quiz.choices[entry.question]!;
      deps.write(renderChoiceQuestion(deps.view, scenario, question, index + 1, answers.length));
      deps.write(renderChoiceReveal(deps.view, question, entry.choice));
      grade = question.options[entry.choice]?.correct ? 'good' : 'again';
    }
    const at = now();
    const due = await recordGradeOrExplain(deps.store, scenario, grade, at, entry.kind, entry.kind === 'choice' ? entry.question : undefined, graded);
    deps.write(renderScheduled(deps.view, scenario, grade, due, at));
    graded.push({ id: scenario.id, grade, due: due.toISOString() });
  }
  return graded;
}
