// `stats`: what the learner has done and what comes next, from the progress file. `--reset`
// forgets it all (the old file is kept beside the new one), after a confirmation or --yes.
import { loadScenarios } from '../scenario/registry.js';
import { createTerminal, terminalWidth } from '../ui/terminal.js';
import type { Terminal } from '../ui/terminal.js';
import { renderTable } from '../ui/table.js';
import type { Column } from '../ui/table.js';
import { wrap } from '../ui/text.js';
import { summarizeProgress } from '../quiz/summary.js';
import { practiceRows, renderPracticeRows } from '../practice/practice-summary.js';
import type { ProgressSummary, ScenarioStats } from '../quiz/summary.js';
import { describeInterval } from '../quiz/scheduler.js';
import { openProgressStore } from '../quiz/progress-store.js';
import type { ProgressStore } from '../quiz/progress-store.js';
import { UserError } from './errors.js';
import type { StatsCommandOptions } from './quiz-commands.js';

function stateText(row: ScenarioStats, terminal: Terminal): string {
  if (row.state === 'new') return terminal.style.dim('new');
  if (row.dueNow) return terminal.style.yellow(`${row.state}, due`);
  // FSRS's "review" state means the card graduated from its learning steps.
  return row.state === 'review' ? terminal.style.green('learned') : row.state;
}

interface StatsColumn {
  column: Column;
  cell: (row: ScenarioStats) => string;
}

/**
 * The widest table that fits: all columns, then without the counts (shown in the totals line
 * below anyway) with short headers, then the bare minimum. Only when even that does not fit does
 * the table stack into a card per scenario.
 */
function statsTable(summary: ProgressSummary, terminal: Terminal, now: Date): string[] {
  const id: StatsColumn = { column: { header: 'Id' }, cell: (row) => `#${row.id}` };
  const title: StatsColumn = { column: { header: 'Scenario', flexible: true }, cell: (row) => row.title };
  const state: StatsColumn = { column: { header: 'State' }, cell: (row) => stateText(row, terminal) };
  const next = (header: string): StatsColumn => ({
    column: { header },
    cell: (row) => (row.due === null ? '—' : row.dueNow ? 'now' : describeInterval(new Date(row.due), now).replace(/^in /, '')),
  });
  const last = (header: string): StatsColumn => ({ column: { header }, cell: (row) => row.lastGrade ?? '—' });
  const layouts: StatsColumn[][] = [
    [id, title, state, next('Next review'), last('Last grade'),
      { column: { header: 'Reviews', align: 'right' }, cell: (row) => String(row.reviews) },
      { column: { header: 'Lapses', align: 'right' }, cell: (row) => String(row.lapses) }],
    [id, title, state, next('Next'), last('Last')],
    [id, title, state, next('Next')],
    [id, title, state],
  ];
  let table: string[] = [];
  for (const layout of layouts) {
    table = renderTable(layout.map((entry) => entry.column), summary.scenarios.map((row) => layout.map((entry) => entry.cell(row))),
      terminal.width, (text) => terminal.style.bold(text));
    // A table that fits has a header line and one line per scenario; more means it was stacked.
    if (table.length === summary.scenarios.length + 1) return table;
  }
  return table;
}

function renderSummary(summary: ProgressSummary, file: string, terminal: Terminal, now: Date): void {
  const table = statsTable(summary, terminal, now);
  for (const line of table) terminal.line(line);
  const { totals, streak } = summary;
  terminal.line();
  say(terminal, `${totals.scenarios} scenarios: ${totals.new} new, ${totals.learning + totals.relearning} learning, ${totals.review} learned; ${totals.dueNow} due now. ${totals.reviews} review${totals.reviews === 1 ? '' : 's'} in all.`);
  const streakText = streak.current === 0
    ? 'No current streak'
    : `Streak: ${streak.current} day${streak.current === 1 ? '' : 's'}${streak.reviewedToday ? '' : ' (quiz today to keep it)'}`;
  say(terminal, `${streakText}; longest ${streak.longest} day${streak.longest === 1 ? '' : 's'}.`);
  say(terminal, `Progress file: ${file}`, (line) => terminal.style.dim(line));
}

/** A line of prose at the terminal's width, painted line by line after wrapping. */
function say(terminal: Terminal, text: string, paint: (line: string) => string = (line) => line): void {
  for (const line of wrap(text, terminal.width)) terminal.line(paint(line));
}

async function confirmReset(options: StatsCommandOptions, store: ProgressStore): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY) {
    throw new UserError('`stats --reset` forgets all quiz progress and asks first, but there is no terminal to ask in.', {
      hint: 'Add --yes to confirm: backend-scenarios stats --reset --yes',
    });
  }
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: `Forget all quiz progress in ${store.file}? (a backup copy is kept beside it)`, default: false });
}

async function reset(options: StatsCommandOptions, store: ProgressStore, terminal: Terminal): Promise<void> {
  // Before asking: a "yes" that then fails on a read-only folder would be a wasted question.
  await store.ensureWritable();
  let confirmed: boolean;
  try {
    confirmed = await confirmReset(options, store);
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') confirmed = false;
    else throw error;
  }
  if (!confirmed) {
    say(terminal, 'Nothing was reset.');
    return;
  }
  const backup = await store.reset();
  const message = backup ? `Quiz progress reset. The previous file was kept as ${backup}.` : 'Quiz progress reset (there was none yet).';
  if (options.json) terminal.line(JSON.stringify({ reset: true, backup: backup ?? null }));
  else say(terminal, message);
}

export async function runStatsCommand(options: StatsCommandOptions): Promise<void> {
  const terminal = createTerminal();
  if (options.yes && !options.reset) {
    throw new UserError('--yes only confirms --reset, and there is nothing else to confirm.', {
      hint: 'To forget all quiz progress: backend-scenarios stats --reset --yes. To see it: backend-scenarios stats.',
    });
  }
  const store = openProgressStore((message) => process.stderr.write(`${wrap(message, terminalWidth(process.stderr)).join('\n')}\n`));
  if (options.reset) {
    await reset(options, store, terminal);
    return;
  }
  const now = new Date();
  const [scenarios, progress] = await Promise.all([loadScenarios(), store.read()]);
  const summary = summarizeProgress(scenarios, progress, now);
  const practice = practiceRows(scenarios, progress);
  if (options.json) {
    terminal.line(JSON.stringify({ file: store.file, ...summary, practice }, null, 2));
    return;
  }
  renderSummary(summary, store.file, terminal, now);
  for (const line of renderPracticeRows(practice, terminal)) terminal.line(line);
}
