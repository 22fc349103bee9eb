// The interview as text on a terminal: each scenario's header with its time budget, each
// follow-up with why it is asked, and the rubric (points covered and missed, model answers, time)
// before the self-grade. Wrapped at the terminal's width; colours only where the terminal wants them.
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { GradeName } from '../quiz/grades.js';
import { describeInterval } from '../quiz/scheduler.js';
import { styledBlock } from '../quiz/reveal.js';
import type { QuizView } from '../quiz/reveal.js';
import { wrap } from '../ui/text.js';
import { formatClock } from './budget.js';
import type { ScenarioBudget } from './budget.js';
import type { FollowUpReport, ScenarioInterviewReport } from './report.js';
import type { InterviewNarrator } from './session.js';

function block(view: QuizView, text: string, indent = '', firstIndent = indent): string {
  return wrap(text, view.width, indent, firstIndent).join('\n');
}

function coverageLines(view: QuizView, covered: string[], missed: string[]): string[] {
  const { style } = view;
  return [
    ...covered.map((point) => block(view, point, '    ', `  ${style.green('✓')} `)),
    ...missed.map((point) => block(view, point, '    ', `  ${style.yellow('✗')} `)),
  ];
}

function overTime(view: QuizView, seconds: number, budget: number): string {
  const text = `${formatClock(seconds)} of ${formatClock(budget)}`;
  return seconds > budget ? view.style.yellow(`${text} (over time)`) : view.style.dim(text);
}

function followUpRubric(view: QuizView, followUp: FollowUpReport, index: number, budget: number): string[] {
  const { style } = view;
  return [
    '',
    styledBlock(view, `Follow-up ${index + 1}: ${followUp.question}`, (line) => style.bold(line)),
    `  ${overTime(view, followUp.seconds, budget)}`,
    ...coverageLines(view, followUp.covered, followUp.missed),
    styledBlock(view, 'Model answer:', (line) => style.dim(line), '  '),
    block(view, followUp.modelAnswer, '    '),
    ...(followUp.shownBy ? [styledBlock(view, `Shown live in the demo step "${followUp.shownBy}".`, (line) => style.dim(line), '    ')] : []),
  ];
}

export function terminalNarrator(view: QuizView, write: (text: string) => void): InterviewNarrator {
  const { style } = view;
  let budget: ScenarioBudget | undefined;
  return {
    scenarioStarted(scenario: ScenarioDefinition, position, total, scenarioBudget) {
      budget = scenarioBudget;
      const title = `Scenario ${position}/${total} · #${scenario.id} ${scenario.title}`;
      write(`\n${styledBlock(view, title, (line) => style.bold(line))}\n`);
      write(`${styledBlock(view, `The interviewer asks (${formatClock(scenarioBudget.openingSeconds)} to answer, then follow-ups):`, (line) => style.dim(line))}\n`);
      write(`${block(view, scenario.question, '  ')}\n\n`);
    },
    followUpAsked(question, position, total, why) {
      write(`\n${styledBlock(view, `Follow-up ${position}/${total} (${why})`, (line) => style.dim(line))}\n`);
      write(`${block(view, question, '  ')}\n\n`);
    },
    rubric(report: ScenarioInterviewReport) {
      const lines = [
        '',
        styledBlock(view, `Rubric for #${report.id}: opening answer ${report.covered.length}/${report.covered.length + report.missed.length} key points`, (line) => style.bold.underline(line)),
        `  ${overTime(view, report.openingSeconds, budget?.openingSeconds ?? report.budgetSeconds)}`,
        ...coverageLines(view, report.covered, report.missed),
        styledBlock(view, 'Model answer:', (line) => style.dim(line), '  '),
        block(view, report.modelAnswer, '    '),
        ...report.followUps.flatMap((followUp, index) => followUpRubric(view, followUp, index, budget?.followUpSeconds ?? 0)),
        '',
      ];
      write(`${lines.join('\n')}\n`);
    },
    scheduled(scenario: ScenarioDefinition, grade: GradeName, due: Date, now: Date) {
      write(`${styledBlock(view, `Graded ${grade}. #${scenario.id} comes back ${describeInterval(due, now)}.`, (line) => style.dim(line))}\n`);
    },
  };
}

/** The closing table: one row per scenario. */
export function renderInterviewSummary(view: QuizView, scenarios: ScenarioInterviewReport[]): string {
  const { style } = view;
  const rows = scenarios.map((s) => {
    const points = `${s.covered.length}/${s.covered.length + s.missed.length}`;
    const followUps = s.followUps.map((f) => `${f.covered.length}/${f.covered.length + f.missed.length}`).join(' ') || '–';
    return `  #${String(s.id).padEnd(4)} ${points.padEnd(7)} ${followUps.padEnd(12)} ${formatClock(s.seconds).padEnd(7)} ${s.grade ?? 'not graded'}`;
  });
  return [style.bold('  id    points  follow-ups   time    grade'), ...rows].join('\n');
}
