// One mock interview, independent of the terminal: the opening question of each scenario, the
// follow-ups its ladder picks for what the answer missed, the rubric, and a self-grade saved to
// the same FSRS schedule as `quiz`. Prompts come through an InterviewPrompter (a countdown prompt
// in the CLI, the answers file for scripted runs), so both paths share this one flow. Each grade
// is saved before the next scenario starts; an interruption returns what was done so far.
import type { ScenarioDefinition } from '../scenario/contract.js';
import { keyPointCoverage } from '../quiz/coverage.js';
import type { KeyPointCoverage } from '../quiz/coverage.js';
import type { GradeName } from '../quiz/grades.js';
import type { ProgressStore } from '../quiz/progress-store.js';
import { describeInterval, previewDueDates } from '../quiz/scheduler.js';
import { recordGradeOrExplain } from '../quiz/session.js';
import { chooseFollowUps } from './ladder.js';
import type { ScenarioBudget } from './budget.js';
import type { FollowUpReport, InterviewReport, ScenarioInterviewReport } from './report.js';

export interface AnswerRequest {
  scenario: ScenarioDefinition;
  kind: 'opening' | 'follow-up';
  /** "Scenario 1 of 3", "follow-up 2 of 3". */
  label: string;
  question: string;
  budgetSeconds: number;
}

export interface GivenAnswer {
  text: string;
  seconds: number;
}

export interface InterviewPrompter {
  answer(request: AnswerRequest): Promise<GivenAnswer>;
  /** Self-grade after the rubric; `nextReview` says, per grade, when the scenario comes back. */
  grade(scenario: ScenarioDefinition, nextReview: Record<GradeName, string>): Promise<GradeName>;
}

/** What the session prints between prompts; the CLI renders it, tests may ignore it. */
export interface InterviewNarrator {
  scenarioStarted(scenario: ScenarioDefinition, position: number, total: number, budget: ScenarioBudget): void;
  followUpAsked(question: string, position: number, total: number, why: string): void;
  rubric(report: ScenarioInterviewReport, scenario: ScenarioDefinition): void;
  scheduled(scenario: ScenarioDefinition, grade: GradeName, due: Date, now: Date): void;
}

export interface InterviewDependencies {
  store: ProgressStore;
  prompter: InterviewPrompter;
  narrator: InterviewNarrator;
  budget: ScenarioBudget;
  now?: () => Date;
}

function isInterruption(error: unknown): boolean {
  return error instanceof Error && ['ExitPromptError', 'AbortPromptError', 'AbortError'].includes(error.name);
}

function split(coverage: KeyPointCoverage[]): { covered: string[]; missed: string[] } {
  return {
    covered: coverage.filter((point) => point.covered).map((point) => point.text),
    missed: coverage.filter((point) => !point.covered).map((point) => point.text),
  };
}

/** The model answer to the opening question: the 30-second answer when the scenario has one. */
export function modelOpeningAnswer(scenario: ScenarioDefinition): string {
  return scenario.answer.short ?? scenario.answer.reasoning.join('\n\n');
}

const whyAsked = {
  'missed-point': (point: string) => `probes a point your answer left out: ${point}`,
  deeper: () => 'goes deeper',
  'covered-point': (point: string) => `presses on a point you made: ${point}`,
};

async function interviewOne(
  scenario: ScenarioDefinition, position: number, total: number, deps: InterviewDependencies, now: () => Date,
  current: { report?: ScenarioInterviewReport },
): Promise<ScenarioInterviewReport> {
  const { budget } = deps;
  deps.narrator.scenarioStarted(scenario, position, total, budget);
  // In the transcript from the moment the question is asked: an interview stopped during the
  // opening answer still shows which question was on the table.
  const report: ScenarioInterviewReport = {
    id: scenario.id,
    title: scenario.title,
    question: scenario.question,
    answer: '',
    covered: [],
    missed: scenario.answer.keyPoints.map((point) => point.text),
    modelAnswer: modelOpeningAnswer(scenario),
    followUps: [],
    grade: null,
    openingSeconds: 0,
    seconds: 0,
    budgetSeconds: budget.openingSeconds,
    overTime: false,
  };
  current.report = report;
  const opening = await deps.prompter.answer({
    scenario, kind: 'opening', label: `Scenario ${position} of ${total}`, question: scenario.question, budgetSeconds: budget.openingSeconds,
  });
  const openingCoverage = keyPointCoverage(opening.text, scenario.answer.keyPoints);
  Object.assign(report, split(openingCoverage), {
    answer: opening.text,
    openingSeconds: opening.seconds,
    seconds: opening.seconds,
    overTime: opening.seconds > budget.openingSeconds,
  });

  const chosen = chooseFollowUps(scenario.followUps ?? [], openingCoverage, budget.followUps);
  for (const [index, rung] of chosen.entries()) {
    const why = rung.probedPoint ? whyAsked[rung.reason](rung.probedPoint) : whyAsked.deeper();
    deps.narrator.followUpAsked(rung.followUp.question, index + 1, chosen.length, why);
    const given = await deps.prompter.answer({
      scenario, kind: 'follow-up', label: `Follow-up ${index + 1} of ${chosen.length}`, question: rung.followUp.question, budgetSeconds: budget.followUpSeconds,
    });
    const followUp: FollowUpReport = {
      question: rung.followUp.question,
      answer: given.text,
      ...split(keyPointCoverage(given.text, rung.followUp.keyPoints)),
      probes: rung.probedPoint ?? null,
      reason: rung.reason,
      kind: rung.followUp.kind,
      modelAnswer: rung.followUp.answer,
      seconds: given.seconds,
      overTime: given.seconds > budget.followUpSeconds,
      ...(rung.followUp.shownBy ? { shownBy: rung.followUp.shownBy } : {}),
    };
    report.followUps.push(followUp);
    report.seconds += given.seconds;
    report.budgetSeconds += budget.followUpSeconds;
    report.overTime ||= followUp.overTime;
  }

  deps.narrator.rubric(report, scenario);
  const previewAt = now();
  const previews = previewDueDates((await deps.store.read()).scenarios[String(scenario.id)], previewAt);
  const nextReview = Object.fromEntries(
    Object.entries(previews).map(([grade, due]) => [grade, describeInterval(due, previewAt)]),
  ) as Record<GradeName, string>;
  const grade = await deps.prompter.grade(scenario, nextReview);
  const gradedAt = now();
  const due = await recordGradeOrExplain(deps.store, scenario, grade, gradedAt, 'interview', undefined, []);
  report.grade = grade;
  report.due = due.toISOString();
  deps.narrator.scheduled(scenario, grade, due, gradedAt);
  return report;
}

export async function runInterview(scenarios: ScenarioDefinition[], deps: InterviewDependencies, minutes: number): Promise<InterviewReport> {
  const now = deps.now ?? (() => new Date());
  const report: InterviewReport = {
    startedAt: now().toISOString(), finishedAt: '', minutes, interrupted: false, scenarios: [],
  };
  try {
    for (const [index, scenario] of scenarios.entries()) {
      const current: { report?: ScenarioInterviewReport } = {};
      try {
        report.scenarios.push(await interviewOne(scenario, index + 1, scenarios.length, deps, now, current));
      } catch (error) {
        // What was answered of the scenario in progress still belongs in the transcript, ungraded.
        if (current.report) report.scenarios.push(current.report);
        throw error;
      }
    }
  } catch (error) {
    if (!isInterruption(error)) throw error;
    report.interrupted = true;
  }
  report.finishedAt = now().toISOString();
  return report;
}
