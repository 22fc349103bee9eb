// Practice state per exercise for `list` and `stats`: one small table, one JSON shape.
import type { Progress } from '../quiz/progress.js';
import type { Terminal } from '../ui/terminal.js';
import { renderTable } from '../ui/table.js';
import { hintCount, practiceState } from './practice-progress.js';
import type { PracticeState } from './practice-progress.js';

export interface PracticeRow {
  id: number;
  state: PracticeState;
  attempts: number;
  hints: number;
  solutionViewed: boolean;
}

export function practiceRows(scenarios: Array<{ id: number; exercise?: unknown }>, progress: Progress): PracticeRow[] {
  return scenarios.filter((scenario) => scenario.exercise !== undefined && scenario.exercise !== false).map((scenario) => {
    const entry = progress.practice?.[String(scenario.id)];
    return {
      id: scenario.id,
      state: practiceState(entry),
      attempts: entry?.attempts ?? 0,
      hints: entry ? hintCount(entry) : 0,
      solutionViewed: Boolean(entry?.solutionViewedAt),
    };
  });
}

/** The word `list` shows in its PRACTICE column. */
export function practiceLabel(row: PracticeRow | undefined): string {
  if (!row) return '—';
  return row.state === 'solved' ? 'solved' : row.state;
}

export function renderPracticeRows(rows: PracticeRow[], terminal: Terminal): string[] {
  if (rows.length === 0) return [];
  const { style } = terminal;
  return [
    '',
    style.bold('Practice (backend-scenarios practice <id>)'),
    ...renderTable(
      [{ header: 'ID', align: 'right' }, { header: 'STATE' }, { header: 'ATTEMPTS', align: 'right' }, { header: 'HINTS', align: 'right' }, { header: 'SOLUTION', flexible: true }],
      rows.map((row) => [String(row.id), row.state, String(row.attempts), String(row.hints), row.solutionViewed ? 'viewed' : '—']),
      terminal.columns,
      (text) => style.bold(text),
    ),
  ];
}
