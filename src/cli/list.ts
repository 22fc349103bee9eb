// `list`: every scenario as a table (or JSON), sorted by id, optionally filtered by tag.
// Loads scenario files only (metadata); no demo dependencies.
import { loadCatalog } from '../scenario/catalog.js';
import type { CatalogEntry } from '../scenario/catalog.js';
import { UserError } from './errors.js';
import { createTerminal } from '../ui/terminal.js';
import { renderTable } from '../ui/table.js';
import type { ListOptions } from './program.js';
import { visibleLength, wrap } from '../ui/text.js';
import type { ChalkInstance } from 'chalk';
import { command } from './invocation.js';
import { closest } from './suggest.js';
import type { Progress } from '../quiz/progress.js';
import { practiceLabel, practiceRows } from '../practice/practice-summary.js';
import type { PracticeRow } from '../practice/practice-summary.js';

/**
 * The progress file, read without the lock and never written: `list` must not repair or move a
 * progress file, only show it. No file yet, or one `quiz` will have to repair: nothing is shown.
 */
async function readProgress(): Promise<Progress | undefined> {
  try {
    const [{ readFile }, { progressFilePath }, { parseProgress }] = await Promise.all([
      import('node:fs/promises'), import('../quiz/progress-location.js'), import('../quiz/progress.js'),
    ]);
    return parseProgress(await readFile(progressFilePath(), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Where each scenario stands in the quiz: new (never answered), learning (answered, still in short
 * steps), due (its review time has come) or the time of its next review.
 */
async function quizStates(progress: Progress | undefined, now: Date): Promise<Map<number, string>> {
  const states = new Map<number, string>();
  if (!progress) return states;
  const { describeInterval } = await import('../quiz/scheduler.js');
  for (const [id, entry] of Object.entries(progress.scenarios)) {
    const due = new Date(entry.card.due);
    const state = due.getTime() <= now.getTime() ? 'due'
      : entry.card.state === 'Learning' || entry.card.state === 'Relearning' ? 'learning'
        : `review ${describeInterval(due, now)}`;
    states.set(Number(id), state);
  }
  return states;
}

/** A one-line-per-scenario table only when id, title and tags fit with room left for a summary. */
function fitsAsTable(rows: string[][], width: number): boolean {
  const count = rows[0]?.length ?? 0;
  const widest = (index: number): number => Math.max(...rows.map((row) => visibleLength(row[index] ?? '')));
  // Every column but the last at its widest, two spaces between columns, 30 for the summary.
  let total = 30 + 2 * (count - 1);
  for (let index = 0; index < count - 1; index += 1) total += widest(index);
  return total <= width;
}

/** Narrower terminals: id and title on one line, tags and summary wrapped beneath. */
function renderCards(scenarios: CatalogEntry[], width: number, style: ChalkInstance, quizOf: (id: number) => string, practice: Map<number, PracticeRow>): string[] {
  const idWidth = Math.max(...scenarios.map((scenario) => String(scenario.id).length));
  const indent = ' '.repeat(idWidth + 2);
  return scenarios.flatMap((scenario, index) => [
    ...(index > 0 ? [''] : []),
    ...wrap(style.bold(scenario.title), width, indent, `${style.cyan(String(scenario.id).padStart(idWidth))}  `),
    ...wrap(style.dim([...scenario.tags, `quiz: ${quizOf(scenario.id)}`, ...(practice.has(scenario.id) ? [`practice: ${practiceLabel(practice.get(scenario.id))}`] : [])].join(' · ')), width, indent),
    ...wrap(scenario.summary, width, indent),
  ]);
}

function hasAnyTag(scenario: CatalogEntry, tags: string[]): boolean {
  const own = scenario.tags.map((tag) => tag.toLowerCase());
  return tags.some((tag) => own.includes(tag.toLowerCase()));
}

/** Practice state by id, for scenarios with an exercise; an unreadable progress file never stops `list`. */
function practiceById(all: CatalogEntry[], progress: Progress | undefined): Map<number, PracticeRow> {
  return new Map(practiceRows(all, progress ?? { version: 1, scenarios: {} }).map((row) => [row.id, row]));
}

export async function listCommand(options: ListOptions): Promise<void> {
  const all = await loadCatalog();
  const progress = await readProgress();
  const practice = practiceById(all, progress);
  const tags = options.tag ?? [];
  const selected = tags.length > 0 ? all.filter((scenario) => hasAnyTag(scenario, tags)) : all;
  if (tags.length > 0 && selected.length === 0) {
    const known = [...new Set(all.flatMap((scenario) => scenario.tags))].sort();
    const near = [...new Set(tags.flatMap((tag) => closest(tag, known)))];
    throw new UserError(`No scenario is tagged ${tags.map((tag) => `"${tag}"`).join(' or ')}.`, {
      hint: `${near.length > 0 ? `Did you mean ${near.join(', ')}? ` : ''}Tags in use: ${known.join(', ') || 'none'}.`,
    });
  }
  if (options.json) {
    const rows = selected.map(({ id, slug, title, tags, summary }) => ({ id, slug, title, tags, summary, practice: practice.get(id)?.state ?? null }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const terminal = createTerminal();
  const { style } = terminal;
  if (selected.length === 0) {
    terminal.line('No scenarios installed (scenarios/NN-slug.ts).');
    return;
  }
  const quiz = await quizStates(progress, new Date());
  const quizOf = (id: number): string => quiz.get(id) ?? 'new';
  const practiceOf = (id: number): string => practiceLabel(practice.get(id));
  // Progress columns sit between the id and the title.
  const columns = [{ header: 'ID', align: 'right' as const }, { header: 'QUIZ' }, { header: 'PRACTICE' }, { header: 'TITLE' }, { header: 'TAGS' }, { header: 'SUMMARY', flexible: true }];
  const rows = selected.map((scenario) => [String(scenario.id), quizOf(scenario.id), practiceOf(scenario.id), scenario.title, scenario.tags.join(', '), scenario.summary]);
  // Widest first: every column; then without tags (a 100–130 column terminal keeps one line per
  // scenario, so the top does not scroll off); then cards.
  const withoutTags = (cells: string[]): string[] => cells.filter((_, index) => index !== 4);
  const lines = fitsAsTable(rows, terminal.columns)
    ? renderTable(columns, rows, terminal.columns, (text) => style.bold(text))
    : fitsAsTable(rows.map((row) => [...withoutTags(row).slice(0, 4), '']), terminal.columns)
      ? renderTable(columns.filter((column) => column.header !== 'TAGS'), rows.map(withoutTags), terminal.columns, (text) => style.bold(text))
      : renderCards(selected, terminal.width, style, quizOf, practice);
  for (const line of lines) terminal.line(line);
  terminal.line();
  const due = selected.filter((scenario) => quizOf(scenario.id) === 'due').length;
  const footer = [
    `${selected.length} scenario${selected.length === 1 ? '' : 's'}${due > 0 ? `, ${due} due for review` : ''}.`,
    `\`${command('show <id>')}\` for the answer, \`${command('run <id>')}\` for the live demo, \`${command('quiz')}\` to answer from memory.`,
    'Ids start at 24 because they keep the numbers of the source material the scenarios come from.',
  ];
  for (const text of footer) for (const line of wrap(text, terminal.width)) terminal.line(style.dim(line));
}
