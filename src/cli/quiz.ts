// `quiz`: argument handling and wiring only. The flow lives in src/quiz/session.ts (interactive)
// and src/quiz/scripted.ts (--answers); both save each grade as it is given.
import { loadScenarios } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { createTerminal } from '../ui/terminal.js';
import type { Terminal } from '../ui/terminal.js';
import { openProgressStore } from '../quiz/progress-store.js';
import type { ProgressStore } from '../quiz/progress-store.js';
import { nextDue, parseIdList, selectSession } from '../quiz/selection.js';
import { describeInterval } from '../quiz/scheduler.js';
import { readScriptedAnswers } from '../quiz/answers-file.js';
import { runScriptedAnswers } from '../quiz/scripted.js';
import { ExitCode, UserError } from './errors.js';
import type { QuizCommandOptions } from './quiz-commands.js';

export const nonInteractiveHint = 'Run it in a terminal, or script it: `backend-scenarios quiz --answers answers.json` with '
  + '[{ "id": 24, "answer": "your answer", "grade": "good" }] (grades: again, hard, good, easy), or '
  + '[{ "id": 24, "question": 1, "choice": 2 }] for multiple choice. See `backend-scenarios quiz --help`.';

/** Progress-file notices (a corrupt file moved aside) go to stderr: stdout may be JSON or piped. */
function printNotice(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function installedScenarios(): Promise<ScenarioDefinition[]> {
  const scenarios = await loadScenarios();
  if (scenarios.length === 0) throw new UserError('No scenarios are installed, so there is nothing to quiz on.');
  return scenarios;
}

async function runScripted(file: string, terminal: Terminal, store: ProgressStore): Promise<void> {
  const scenarios = await installedScenarios();
  const answers = await readScriptedAnswers(file, scenarios);
  const graded = await runScriptedAnswers(answers, { store, write: (text) => terminal.out.write(text), view: { style: terminal.style, width: terminal.width } });
  terminal.line(`Recorded ${graded.length} grade${graded.length === 1 ? '' : 's'} in ${store.file}.`);
}

async function runInteractive(options: QuizCommandOptions, ids: number[] | undefined, terminal: Terminal, store: ProgressStore): Promise<void> {
  const scenarios = await installedScenarios();
  const now = new Date();
  const progress = await store.read();
  const items = selectSession(scenarios, progress, { count: options.count, tags: options.tag, ...(ids ? { ids } : {}) }, now);
  if (items.length === 0) {
    const upcoming = nextDue(scenarios, progress);
    terminal.line('Nothing is due and every scenario has been seen: well done.');
    if (upcoming) terminal.line(`Next review: #${upcoming.scenario.id} ${upcoming.scenario.title}, ${describeInterval(upcoming.due, now)} (${upcoming.due.toLocaleString()}).`);
    terminal.line(terminal.style.dim('To practise one anyway: backend-scenarios quiz --id <id>.'));
    return;
  }
  // Loaded only for a real interactive session: scripted runs and the non-TTY refusal skip them.
  const [{ inquirerPrompter }, { runQuizSession }, { runLiveDemo }] = await Promise.all([
    import('../quiz/inquirer-prompter.js'), import('../quiz/session.js'), import('../quiz/live-demo.js'),
  ]);
  const write = (text: string): void => { terminal.out.write(text); };
  const result = await runQuizSession(items, options.mode, {
    store,
    prompter: inquirerPrompter({}, write),
    write,
    view: { style: terminal.style, width: terminal.width },
    runDemo: async (scenario) => {
      const code = await runLiveDemo(scenario.id);
      if (code !== 0) terminal.line(terminal.style.yellow(`The demo ended with exit code ${code}.`));
    },
  });
  const kept = `${result.graded.length} answer${result.graded.length === 1 ? '' : 's'} graded and saved`;
  if (result.interrupted) {
    terminal.line(`\nStopped. ${kept}; run \`backend-scenarios quiz\` to carry on.`);
    process.exitCode = ExitCode.interrupted;
    return;
  }
  terminal.line(`\nSession done: ${kept}. \`backend-scenarios stats\` shows what is due next.`);
}

export async function runQuizCommand(options: QuizCommandOptions): Promise<void> {
  const terminal = createTerminal();
  const store = openProgressStore(printNotice);
  const ids = options.id !== undefined ? parseIdList(options.id) : undefined;
  if (options.answers !== undefined) {
    await runScripted(options.answers, terminal, store);
    return;
  }
  if (!process.stdin.isTTY) {
    throw new UserError('`quiz` asks questions and waits for your answers, so it needs an interactive terminal; stdin is not one here (piped or CI).', {
      hint: nonInteractiveHint,
    });
  }
  await runInteractive(options, ids, terminal, store);
}
