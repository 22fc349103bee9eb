// `quiz`: argument handling and wiring only. The flow lives in src/quiz/session.ts (interactive)
// and src/quiz/scripted.ts (--answers); both save each grade as it is given.
import { loadScenarios } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { createTerminal, terminalWidth } from '../ui/terminal.js';
import type { Terminal } from '../ui/terminal.js';
import { openProgressStore } from '../quiz/progress-store.js';
import type { ProgressStore } from '../quiz/progress-store.js';
import { narrowScenarios, nextDue, parseIdList, selectSession, sessionCounts } from '../quiz/selection.js';
import { formatDateTime } from '../quiz/reveal.js';
import { command } from './invocation.js';
import { describeInterval } from '../quiz/scheduler.js';
import { readScriptedAnswers } from '../quiz/answers-file.js';
import { runScriptedAnswers } from '../quiz/scripted.js';
import { filterScriptedAnswers } from '../quiz/answers-filter.js';
import type { ScriptedAnswerFilter } from '../quiz/answers-filter.js';
import { wrap } from '../ui/text.js';
import { ExitCode, UserError } from './errors.js';
import type { QuizCommandOptions } from './quiz-commands.js';

export const nonInteractiveHint = 'Run it in a terminal, or script it: `backend-scenarios quiz --answers answers.json` with '
  + '[{ "id": 24, "answer": "your answer", "grade": "good" }] (grades: again, hard, good, easy), or '
  + '[{ "id": 24, "question": 1, "choice": 2 }] for multiple choice. See `backend-scenarios quiz --help`.';

/** "2 due · 1 learning · 2 new": what the session holds, before the first question (as Anki's deck screen). */
function countsLine(counts: { due: number; learning: number; new: number }): string {
  return [`${counts.due} due`, `${counts.learning} learning`, `${counts.new} new`].join(' · ');
}

/** Progress-file notices (a corrupt file moved aside) go to stderr: stdout may be JSON or piped. */
function printNotice(message: string): void {
  process.stderr.write(`${wrap(message, terminalWidth(process.stderr)).join('\n')}\n`);
}

/** A line of prose at the terminal's width, painted line by line after wrapping. */
function say(terminal: Terminal, text: string, paint: (line: string) => string = (line) => line): void {
  for (const line of wrap(text, terminal.width)) terminal.line(paint(line));
}

async function installedScenarios(): Promise<ScenarioDefinition[]> {
  const scenarios = await loadScenarios();
  if (scenarios.length === 0) throw new UserError('No scenarios are installed, so there is nothing to quiz on.');
  return scenarios;
}

async function runScripted(file: string, filter: ScriptedAnswerFilter, scenarios: ScenarioDefinition[], terminal: Terminal, store: ProgressStore): Promise<void> {
  const all = await readScriptedAnswers(file, scenarios);
  const { answers, description } = filterScriptedAnswers(all, scenarios, filter, file);
  if (answers.length < all.length) {
    say(terminal, `Grading ${answers.length} of the ${all.length} entries in ${file} (${description}).`, (line) => terminal.style.dim(line));
  }
  // Checked before the reveal is printed: a refused save must not come after the work is shown.
  if (answers.length > 0) await store.ensureWritable();
  const graded = await runScriptedAnswers(answers, { store, write: (text) => terminal.out.write(text), view: { style: terminal.style, width: terminal.width } });
  say(terminal, `Recorded ${graded.length} grade${graded.length === 1 ? '' : 's'} in ${store.file}.`);
}

async function runInteractive(options: QuizCommandOptions, filter: { ids?: number[]; tags: string[] }, scenarios: ScenarioDefinition[], terminal: Terminal, store: ProgressStore): Promise<void> {
  const now = new Date();
  const progress = await store.read();
  const items = selectSession(scenarios, progress, { count: options.count, tags: filter.tags, ...(filter.ids ? { ids: filter.ids } : {}) }, now);
  if (items.length === 0) {
    const upcoming = nextDue(scenarios, progress);
    say(terminal, 'Nothing is due and every scenario has been seen: well done.');
    if (upcoming) say(terminal, `Next review: #${upcoming.scenario.id} ${upcoming.scenario.title}, ${describeInterval(upcoming.due, now)} (${formatDateTime(upcoming.due)}).`);
    say(terminal, `To practise one anyway: ${command('quiz --id <id>')}.`, (line) => terminal.style.dim(line));
    return;
  }
  // Before the first question: a folder we cannot write would otherwise lose the first answer.
  await store.ensureWritable();
  // Loaded only for a real interactive session: scripted runs and the non-TTY refusal skip them.
  const [{ inquirerPrompter }, { runQuizSession }, { runLiveDemo }, { waitForKey }] = await Promise.all([
    import('../quiz/inquirer-prompter.js'), import('../quiz/session.js'), import('../quiz/live-demo.js'), import('../ui/keypress.js'),
  ]);
  say(terminal, `This session: ${countsLine(sessionCounts(items, progress))}. Cards you mark Again come back before it ends.`, (line) => terminal.style.bold(line));
  const write = (text: string): void => { terminal.out.write(text); };
  let leftByChoice = false;
  const result = await runQuizSession(items, options.mode, {
    store,
    prompter: inquirerPrompter({}, write, terminal.width),
    write,
    view: { style: terminal.style, get width() { return terminal.width; } },
    runDemo: async (scenario) => {
      const code = await runLiveDemo(scenario.id);
      // 130: the learner stopped it with Ctrl-C, which is theirs to do; the quiz carries on.
      if (code === 130) say(terminal, 'Demo stopped.', (line) => terminal.style.dim(line));
      else if (code !== 0) say(terminal, `The demo did not behave as claimed (exit code ${code}).`, (line) => terminal.style.yellow(line));
      terminal.line();
      // The demo's end stays on screen until the learner asks for the next question.
      const answer = await waitForKey(terminal.style.dim('Press Enter for the next question · q to end the session'));
      if (answer !== 'enter') {
        leftByChoice = answer === 'quit';
        const stop = new Error('session ended at the learner\'s request');
        stop.name = 'ExitPromptError';
        throw stop;
      }
    },
  });
  const kept = `${result.graded.length} answer${result.graded.length === 1 ? '' : 's'} graded and saved`;
  terminal.line();
  if (result.interrupted) {
    say(terminal, `${leftByChoice ? 'Session ended' : 'Stopped'}. ${kept}; run \`${command('quiz')}\` to carry on.`);
    // q is a choice, Ctrl-C an interruption: only the latter exits 130.
    if (!leftByChoice) process.exitCode = ExitCode.interrupted;
    return;
  }
  say(terminal, `Session done: ${kept}. \`${command('stats')}\` shows what is due next.`);
}

export async function runQuizCommand(options: QuizCommandOptions): Promise<void> {
  const terminal = createTerminal();
  const store = openProgressStore(printNotice);
  const ids = options.id !== undefined ? parseIdList(options.id) : undefined;
  const tags = options.tag ?? [];
  const scenarios = await installedScenarios();
  // Validated before anything else, in both modes: `--id 99` is the same usage error everywhere.
  narrowScenarios(scenarios, { ...(ids ? { ids } : {}), tags });
  if (options.answers !== undefined) {
    const filter: ScriptedAnswerFilter = {
      ...(ids ? { ids } : {}),
      tags,
      ...(options.typed?.mode ? { mode: options.mode } : {}),
      ...(options.typed?.count ? { count: options.count } : {}),
    };
    await runScripted(options.answers, filter, scenarios, terminal, store);
    return;
  }
  if (!process.stdin.isTTY) {
    throw new UserError('`quiz` asks questions and waits for your answers, so it needs an interactive terminal; stdin is not one here (piped or CI).', {
      hint: nonInteractiveHint,
    });
  }
  await runInteractive(options, { ...(ids ? { ids } : {}), tags }, scenarios, terminal, store);
}
