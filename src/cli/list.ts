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
import { openProgressStore } from '../quiz/progress-store.js';
import { emptyProgress } from '../quiz/progress.js';
import { practiceLabel, practiceRows } from '../practice/practice-summary.js';
import type { PracticeRow } from '../practice/practice-summary.js';

/** A one-line-per-scenario table only when id, title and tags fit with room left for a summary. */
function fitsAsTable(rows: string[][], width: number): boolean {
  const widest = (index: number): number => Math.max(...rows.map((row) => visibleLength(row[index] ?? '')));
  return widest(0) + widest(1) + widest(2) + widest(3) + 8 + 30 <= width;
}

/** Narrower terminals: id and title on one line, tags and summary wrapped beneath. */
function renderCards(scenarios: CatalogEntry[], width: number, style: ChalkInstance, practice: Map<number, PracticeRow>): string[] {
  const idWidth = Math.max(...scenarios.map((scenario) => String(scenario.id).length));
  const indent = ' '.repeat(idWidth + 2);
  return scenarios.flatMap((scenario, index) => [
    ...(index > 0 ? [''] : []),
    ...wrap(style.bold(scenario.title), width, indent, `${style.cyan(String(scenario.id).padStart(idWidth))}  `),
    ...wrap(style.dim([...scenario.tags, ...(practice.has(scenario.id) ? [`practice: ${practiceLabel(practice.get(scenario.id))}`] : [])].join(' · ')), width, indent),
    ...wrap(scenario.summary, width, indent),
  ]);
}

function hasAnyTag(scenario: CatalogEntry, tags: string[]): boolean {
  const own = scenario.tags.map((tag) => tag.toLowerCase());
  return tags.some((tag) => own.includes(tag.toLowerCase()));
}

/** Practice state by id, for scenarios with an exercise; an unreadable progress file never stops `list`. */
async function practiceById(all: CatalogEntry[]): Promise<Map<number, PracticeRow>> {
  if (!all.some((scenario) => scenario.exercise)) return new Map();
  const progress = await openProgressStore(() => undefined).read().catch(() => emptyProgress());
  return new Map(practiceRows(all, progress).map((row) => [row.id, row]));
}

export async function listCommand(options: ListOptions): Promise<void> {
  const all = await loadCatalog();
  const practice = await practiceById(all);
  const tags = options.tag ?? [];
  const selected = tags.length > 0 ? all.filter((scenario) => hasAnyTag(scenario, tags)) : all;
  if (tags.length > 0 && selected.length === 0) {
    const known = [...new Set(all.flatMap((scenario) => scenario.tags))].sort();
    throw new UserError(`No scenario is tagged ${tags.map((tag) => `"${tag}"`).join(' or ')}.`, {
      hint: `Tags in use: ${known.join(', ') || 'none'}.`,
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
  const columns = [{ header: 'ID', align: 'right' as const }, { header: 'TITLE' }, { header: 'TAGS' }, { header: 'PRACTICE' }, { header: 'SUMMARY', flexible: true }];
  const rows = selected.map((scenario) => [String(scenario.id), scenario.title, scenario.tags.join(', '), practiceLabel(practice.get(scenario.id)), scenario.summary]);
  const lines = fitsAsTable(rows, terminal.columns)
    ? renderTable(columns, rows, terminal.columns, (text) => style.bold(text))
    : renderCards(selected, terminal.width, style, practice);
  for (const line of lines) terminal.line(line);
  terminal.line();
  const footer = `${selected.length} scenario${selected.length === 1 ? '' : 's'} · \`backend-scenarios show <id>\` for the answer, \`run <id>\` for the live demo`;
  for (const line of wrap(footer, terminal.width)) terminal.line(style.dim(line));
}
