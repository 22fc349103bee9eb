// `interview`: argument handling and wiring. The flow is src/interview/session.ts; the prompts
// are a countdown prompt on a terminal, or the answers file (--answers) for scripts and CI.
import { loadScenarios } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { createTerminal, terminalWidth } from '../ui/terminal.js';
import { openProgressStore } from '../quiz/progress-store.js';
import { progressDirectory } from '../quiz/progress-location.js';
import { narrowScenarios, parseIdList } from '../quiz/selection.js';
import { renderAnswerEcho } from '../quiz/reveal.js';
import { wrap } from '../ui/text.js';
import { scenarioBudget } from '../interview/budget.js';
import { pickInterviewScenarios } from '../interview/selection.js';
import { readInterviewAnswers, scriptedInterviewPrompter } from '../interview/answers-file.js';
import { renderInterviewSummary, terminalNarrator } from '../interview/narration.js';
import { nextSteps, writeMarkdownReport } from '../interview/report.js';
import type { InterviewReport, NextStepCommands } from '../interview/report.js';
import { runInterview } from '../interview/session.js';
import type { InterviewPrompter } from '../interview/session.js';
import { ExitCode, UserError } from './errors.js';
import { command } from './invocation.js';

export interface InterviewCommandOptions {
  questions: number;
  minutes: number;
  tag?: string[];
  id?: string;
  answers?: string;
  json?: boolean;
}

export const interviewNonInteractiveHint = 'Run it in a terminal, or script it: `backend-scenarios interview --answers answers.json` with '
  + '[{ "id": 24, "answer": "your answer", "followUps": ["…", "…"], "grade": "good" }]. See `backend-scenarios interview --help`.';

function printNotice(message: string): void {
  process.stderr.write(`${wrap(message, terminalWidth(process.stderr)).join('\n')}\n`);
}

function nextStepCommands(): NextStepCommands {
  return {
    run: (id) => command(`run ${id}`),
    interview: (ids) => command(ids.length > 0 ? `interview --id ${ids.join(',')}` : 'interview'),
  };
}

/**
 * Prompts on the terminal. `signal` is aborted by a Ctrl-C that lands between two prompts (while
 * the next question is being printed), when no prompt is there to catch it: the next prompt then
 * ends at once and the interview stops as if Ctrl-C had been pressed inside it.
 */
async function interactivePrompter(signal: AbortSignal): Promise<InterviewPrompter> {
  const [{ countdownAnswer }, { select }, { gradeLabels, gradeNames }] = await Promise.all([
    import('../interview/countdown-prompt.js'), import('@inquirer/prompts'), import('../quiz/grades.js'),
  ]);
  return {
    answer: (request) => countdownAnswer({ label: request.label, budgetSeconds: request.budgetSeconds }, { signal }),
    grade: (_scenario, nextReview) => select({
      message: 'How well did you do, follow-ups included?',
      choices: gradeNames.map((grade) => ({ value: grade, name: `${gradeLabels[grade]}  (next review ${nextReview[grade]})`, short: grade })),
      default: 'good',
    }, { signal }),
  };
}

export async function runInterviewCommand(options: InterviewCommandOptions): Promise<void> {
  const scenarios: ScenarioDefinition[] = await loadScenarios();
  if (scenarios.length === 0) throw new UserError('No scenarios are installed, so there is nothing to interview on.');
  const ids = options.id !== undefined ? parseIdList(options.id) : undefined;
  const filter = { count: options.questions, tags: options.tag ?? [], ...(ids ? { ids } : {}) };
  narrowScenarios(scenarios, filter);
  if (options.answers === undefined && !process.stdin.isTTY) {
    throw new UserError('`interview` asks questions and waits for your answers, so it needs an interactive terminal; stdin is not one here (piped or CI).', {
      hint: interviewNonInteractiveHint,
    });
  }
  const store = openProgressStore(printNotice);
  // With --json, stdout carries only the JSON report; the interview itself goes to stderr.
  const terminal = createTerminal(options.json ? process.stderr : process.stdout);
  const write = (text: string): void => { terminal.out.write(text); };
  const view = { style: terminal.style, width: terminal.width };

  let chosen: ScenarioDefinition[];
  let prompter: InterviewPrompter;
  const betweenPrompts = new AbortController();
  if (options.answers !== undefined) {
    const entries = await readInterviewAnswers(options.answers, scenarios);
    const wanted = new Set(narrowScenarios(scenarios, filter).map((s) => s.id));
    const kept = entries.filter((entry) => wanted.has(entry.scenario.id)).slice(0, options.questions);
    if (kept.length === 0) throw new UserError(`No entry of ${options.answers} matches the scenarios chosen by --id/--tag.`);
    chosen = kept.map((entry) => entry.scenario);
    prompter = scriptedInterviewPrompter(kept, (_request, text) => write(renderAnswerEcho(view, text)));
  } else {
    chosen = pickInterviewScenarios(scenarios, await store.read(), filter, new Date());
    prompter = await interactivePrompter(betweenPrompts.signal);
  }
  await store.ensureWritable();
  const budget = scenarioBudget(options.minutes, chosen.length);
  const commands = nextStepCommands();
  write(`${wrap(`Mock interview: ${chosen.length} scenario${chosen.length === 1 ? '' : 's'} in about ${options.minutes} minutes. Answer as you would aloud; the interviewer follows up on what you leave out.`, terminal.width).join('\n')}\n`);

  // Inside a prompt, Ctrl-C is the prompt's to handle; between prompts it would end the process
  // before the transcript is written, so it is caught here and handed to the next prompt.
  const onSigint = (): void => betweenPrompts.abort();
  process.on('SIGINT', onSigint);
  let report: InterviewReport;
  try {
    report = await runInterview(chosen, { store, prompter, narrator: terminalNarrator(view, write), budget }, options.minutes);
  } finally {
    process.off('SIGINT', onSigint);
  }
  report.reportFile = await writeMarkdownReport(progressDirectory(), report, commands);

  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    write(`\n${renderInterviewSummary(view, report.scenarios)}\n\n`);
    // The path on a line of its own and never wrapped: it must survive a copy and paste (after an
    // interruption it is printed once, with the notice below).
    if (!report.interrupted) write(`Transcript and model answers:\n  ${report.reportFile}\n`);
    for (const step of nextSteps(report, commands)) write(`${wrap(`Next: ${step}`, terminal.width).join('\n')}\n`);
  }
  if (report.interrupted) {
    const graded = report.scenarios.filter((s) => s.grade !== null).length;
    printNotice(`Stopped. ${graded} scenario${graded === 1 ? '' : 's'} graded and saved; the partial transcript is in:`);
    process.stderr.write(`  ${report.reportFile}\n`);
    process.exitCode = ExitCode.interrupted;
  }
}
