// One interactive quiz session, independent of the terminal: prompts come through a QuizPrompter
// (inquirer in the CLI, the same prompts on scripted streams in tests) and text goes to `write`.
// Each grade is saved before the next question is asked, so an interrupted session (Ctrl-C makes
// the prompt library throw ExitPromptError) keeps everything graded up to that point.
import type { ChoiceQuestion, ScenarioDefinition } from '../scenario/contract.js';
import { keyPointCoverage } from './coverage.js';
import type { GradeName, QuizMode } from './grades.js';
import type { Progress, ScenarioProgress } from './progress.js';
import type { ProgressStore } from './progress-store.js';
import {
  renderChoiceQuestion, renderChoiceReveal, renderCoverage, renderQuestionHeader, renderReasoning, renderRecallReveal, renderScheduled,
} from './reveal.js';
import type { QuizView } from './reveal.js';
import { applyGrade, describeInterval, previewDueDates } from './scheduler.js';
import { ProgressWriteError, unsavedGradeError } from './progress-errors.js';
import { shuffledOrder } from './shuffle.js';
import type { RandomSource } from './shuffle.js';
import type { SessionItem } from './selection.js';

export interface QuizPrompter {
  /** The user's (possibly multi-line) answer; empty when they answered in their head. */
  answer(): Promise<string>;
  /**
   * Self-grade; `nextReview` says, per grade, when the scenario would come back. With `canExpand`
   * the prompter may answer 'reasoning' instead: show the folded reasoning, then ask again.
   */
  grade(nextReview: Record<GradeName, string>, options?: { canExpand?: boolean }): Promise<GradeName | 'reasoning'>;
  /** Index of the option chosen. */
  choose(question: ChoiceQuestion): Promise<number>;
  offerDemo(scenario: ScenarioDefinition): Promise<boolean>;
}

export interface SessionDependencies {
  store: ProgressStore;
  prompter: QuizPrompter;
  write: (text: string) => void;
  view: QuizView;
  now?: () => Date;
  /** Orders each multiple-choice question's options (crypto-random by default; seeded in tests). */
  random?: RandomSource;
  /** Runs a scenario's live demo; when absent the demo is not offered. */
  runDemo?: (scenario: ScenarioDefinition) => Promise<void>;
}

export interface SessionResult {
  graded: { id: number; grade: GradeName; due: string }[];
  interrupted: boolean;
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/** Rotates through a scenario's multiple-choice questions across sessions. */
export function nextChoiceQuestion(entry: ScenarioProgress | undefined, questionCount: number): number {
  const asked = (entry?.reviews ?? []).filter((review) => review.mode === 'choice' && review.question !== undefined);
  const last = asked.at(-1)?.question;
  return last === undefined ? 0 : (last + 1) % questionCount;
}

/** Saves one graded review under the store's lock and returns the scenario's new due date. */
export async function recordGrade(
  store: ProgressStore, scenario: ScenarioDefinition, grade: GradeName, now: Date, mode: QuizMode, question?: number,
): Promise<Date> {
  const key = String(scenario.id);
  const saved = await store.update((progress): Progress => ({
    ...progress,
    scenarios: { ...progress.scenarios, [key]: applyGrade(progress.scenarios[key], grade, now, { mode, ...(question !== undefined ? { question } : {}) }) },
  }));
  return new Date(saved.scenarios[key]!.card.due);
}

type GradedEntry = SessionResult['graded'][number];

/**
 * recordGrade, but a save the filesystem refuses names the grade that was lost and the ones saved
 * before it in this session, so the user can redo it once the folder is writable.
 */
export async function recordGradeOrExplain(
  store: ProgressStore, scenario: ScenarioDefinition, grade: GradeName, now: Date, mode: QuizMode, question: number | undefined, savedBefore: readonly GradedEntry[],
): Promise<Date> {
  try {
    return await recordGrade(store, scenario, grade, now, mode, question);
  } catch (error) {
    if (error instanceof ProgressWriteError) throw unsavedGradeError(error, { id: scenario.id, title: scenario.title, grade }, savedBefore);
    throw error;
  }
}

/** The question with its options in the order given (`order[shown] = stored index`). */
export function reorderOptions(question: ChoiceQuestion, order: readonly number[]): ChoiceQuestion {
  return { ...question, options: order.map((stored) => question.options[stored]!) };
}

async function askRecall(item: SessionItem, position: number, total: number, progress: Progress, deps: SessionDependencies, now: () => Date, savedBefore: readonly GradedEntry[]) {
  const { scenario } = item;
  deps.write(renderQuestionHeader(deps.view, scenario, position, total, item.kind));
  const answer = await deps.prompter.answer();
  const coverage = keyPointCoverage(answer, scenario.answer.keyPoints);
  // Folded: the short answer and the coverage fit one screen, right above the grade prompt.
  deps.write(renderRecallReveal(deps.view, scenario, answer, coverage, { fold: true }));
  const previewAt = now();
  const previews = previewDueDates(progress.scenarios[String(scenario.id)], previewAt);
  const nextReview = Object.fromEntries(
    Object.entries(previews).map(([grade, due]) => [grade, describeInterval(due, previewAt)]),
  ) as Record<GradeName, string>;
  let choice = await deps.prompter.grade(nextReview, { canExpand: true });
  if (choice === 'reasoning') {
    // Unfolded on request; the coverage is printed again so it is still right above the prompt.
    deps.write(renderReasoning(deps.view, scenario));
    deps.write(renderCoverage(deps.view, answer, coverage));
    choice = await deps.prompter.grade(nextReview, { canExpand: false });
  }
  const grade: GradeName = choice === 'reasoning' ? 'good' : choice;
  const gradedAt = now();
  const due = await recordGradeOrExplain(deps.store, scenario, grade, gradedAt, 'recall', undefined, savedBefore);
  deps.write(renderScheduled(deps.view, scenario, grade, due, gradedAt));
  return { grade, due };
}

async function askChoice(item: SessionItem, position: number, total: number, progress: Progress, deps: SessionDependencies, now: () => Date, savedBefore: readonly GradedEntry[]) {
  const { scenario } = item;
  const questionIndex = nextChoiceQuestion(progress.scenarios[String(scenario.id)], scenario.quiz.choices.length);
  const stored = scenario.quiz.choices[questionIndex]!;
  // Shuffled per session; the reveal lists the options in the order they were asked.
  const order = shuffledOrder(stored.options.length, deps.random);
  const shown = reorderOptions(stored, order);
  deps.write(renderChoiceQuestion(deps.view, scenario, shown, position, total));
  const chosenShown = await deps.prompter.choose(shown);
  deps.write(renderChoiceReveal(deps.view, shown, chosenShown));
  const chosenStored = order[chosenShown];
  // Auto-graded: a right answer is a normal successful recall, a wrong one a lapse.
  const grade: GradeName = chosenStored !== undefined && stored.options[chosenStored]?.correct ? 'good' : 'again';
  const gradedAt = now();
  const due = await recordGradeOrExplain(deps.store, scenario, grade, gradedAt, 'choice', questionIndex, savedBefore);
  deps.write(renderScheduled(deps.view, scenario, grade, due, gradedAt));
  return { grade, due };
}

/** How often one scenario may come back in a session after Again (Anki's learning steps, bounded). */
export const maxAgainPerSession = 2;

export async function runQuizSession(items: SessionItem[], mode: QuizMode, deps: SessionDependencies): Promise<SessionResult> {
  const now = deps.now ?? (() => new Date());
  const result: SessionResult = { graded: [], interrupted: false };
  const queue = [...items];
  const again = new Map<number, number>();
  try {
    for (let index = 0; index < queue.length; index += 1) {
      const item = queue[index]!;
      const progress = await deps.store.read();
      const ask = mode === 'choice' ? askChoice : askRecall;
      const { grade, due } = await ask(item, index + 1, queue.length, progress, deps, now, result.graded);
      result.graded.push({ id: item.scenario.id, grade, due: due.toISOString() });
      // Again: the card comes back at the end of this session instead of waiting for the next one.
      const times = again.get(item.scenario.id) ?? 0;
      if (grade === 'again' && times < maxAgainPerSession) {
        again.set(item.scenario.id, times + 1);
        queue.push({ scenario: item.scenario, kind: 'again' });
        deps.write(`${deps.view.style.dim(`#${item.scenario.id} comes back at the end of this session.`)}\n`);
      }
      if (deps.runDemo && item.kind !== 'again' && await deps.prompter.offerDemo(item.scenario)) await deps.runDemo(item.scenario);
    }
  } catch (error) {
    if (!isPromptExit(error)) throw error;
    result.interrupted = true;
  }
  return result;
}
