// Plain-text tables that fit the terminal: fixed columns keep their width, the one flexible
// column (a summary) is truncated, and when even that does not fit each row is stacked instead.
import { padEnd, padStart, truncate, visibleLength } from './text.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The column that shrinks (truncated with …) when the table is too wide. At most one. */
  flexible?: boolean;
}

const gap = '  ';
const minFlexibleWidth = 16;

export function renderTable(columns: Column[], rows: string[][], width: number, headerStyle: (text: string) => string = (t) => t): string[] {
  const natural = columns.map((column, index) => Math.max(visibleLength(column.header), ...rows.map((row) => visibleLength(row[index] ?? ''))));
  const total = natural.reduce((sum, w) => sum + w, 0) + gap.length * (columns.length - 1);
  const widths = [...natural];
  const flexibleIndex = columns.findIndex((column) => column.flexible);
  if (total > width) {
    if (flexibleIndex < 0) return stacked(columns, rows);
    const room = width - (total - natural[flexibleIndex]!);
    if (room < minFlexibleWidth) return stacked(columns, rows);
    widths[flexibleIndex] = room;
  }
  const renderRow = (cells: string[], style: (text: string) => string = (t) => t): string => cells
    .map((cell, index) => {
      const w = widths[index]!;
      const fitted = visibleLength(cell) > w ? truncate(cell, w) : cell;
      const padded = columns[index]?.align === 'right' ? padStart(fitted, w) : padEnd(fitted, w);
      return index === cells.length - 1 && columns[index]?.align !== 'right' ? style(fitted) : style(padded);
    })
    .join(gap)
    .trimEnd();
  return [renderRow(columns.map((c) => c.header), headerStyle), ...rows.map((row) => renderRow(row))];
}

/** Narrow terminals: "header: value" lines per row, rows separated by a blank line. */
function stacked(columns: Column[], rows: string[][]): string[] {
  const lines: string[] = [];
  rows.forEach((row, rowIndex) => {
    if (rowIndex > 0) lines.push('');
    columns.forEach((column, index) => lines.push(`${column.header}: ${row[index] ?? ''}`));
  });
  return lines;
}
