// The end of a demo as the learner reads it: a before/after of the figures that matter, derived
// from the report (the same label observed in a failure step and in a later fix step), then one
// verdict line with counts. The checks themselves were shown as they happened; repeating them
// here would push the figures off screen.
import type { JsonValue, ScenarioReport, StepReport } from '../runtime/report.js';
import type { Terminal } from './terminal.js';
import { checkLine, formatValue } from './demo-output.js';
import { displayed, formatNumber, withUnit } from '../runtime/units.js';
import { padEnd, visibleLength, wrap } from './text.js';

export interface BeforeAfter {
  label: string;
  before: string;
  after: string;
  /** "9.3× faster" when both are times and the fix is clearly quicker. */
  note?: string;
}

/** The most rows the summary shows: the point is the few figures that changed, not all of them. */
const maxRows = 6;

/** [201, 201, 201] → "201×3"; [201, 409, 409] → "201 + 409×2"; other values as printed during the run. */
export function compactValue(value: JsonValue, label = '', unit?: string): string {
  if (Array.isArray(value) && value.length > 1 && value.every((item) => typeof item === 'number')) {
    const runs: { item: number; count: number }[] = [];
    for (const item of value as number[]) {
      const last = runs.at(-1);
      if (last && last.item === item) last.count += 1;
      else runs.push({ item, count: 1 });
    }
    return withUnit(runs.map(({ item, count }) => `${formatNumber(item, label)}${count > 1 ? `×${count}` : ''}`).join(' + '), unit);
  }
  return withUnit(formatValue(value, false, label), unit);
}

const timeUnits: Record<string, number> = { ms: 1, s: 1000, min: 60_000 };

/** Pairs every figure of a failure step with the same label in the first later fix step. */
export function beforeAfter(report: ScenarioReport): BeforeAfter[] {
  const rows: BeforeAfter[] = [];
  const seen = new Set<string>();
  report.steps.forEach((step, index) => {
    if (step.shows !== 'failure') return;
    for (const [label, before] of Object.entries(step.observations)) {
      const fix = report.steps.slice(index + 1).find((later: StepReport) => later.shows === 'fix' && label in later.observations);
      if (!fix) continue;
      const after = fix.observations[label]!;
      const unit = displayed(label, before, step.units?.[label] ?? fix.units?.[label]).unit;
      const beforeText = compactValue(before, label, unit);
      const afterText = compactValue(after, label, unit);
      if (beforeText === afterText) continue;
      const shortened = displayed(label, before, unit).label;
      const shownLabel = shortened !== label && shortened in step.observations ? label : shortened;
      const name = seen.has(shownLabel) ? `${shownLabel} (${step.senior ? 'senior' : `step ${index + 1}`})` : shownLabel;
      seen.add(shownLabel);
      const row: BeforeAfter = { label: name, before: beforeText, after: afterText };
      const scale = unit !== undefined ? timeUnits[unit] : undefined;
      if (scale !== undefined && typeof before === 'number' && typeof after === 'number' && after > 0 && before / after >= 1.5) {
        row.note = `${formatNumber(Math.round((before / after) * 10) / 10)}× faster`;
      }
      rows.push(row);
    }
  });
  return rows.slice(0, maxRows);
}

/** "built-in engine (MongoDB 7.0 wire protocol)": what ran the demo, without passing it off as mongod. */
export function engineLabel(engine: { name: string; version: string }): string {
  const minor = engine.version.split('.').slice(0, 2).join('.');
  if (engine.name === 'embedded') return `built-in engine (speaks MongoDB ${minor} wire protocol)`;
  if (engine.name === 'embedded replica set') return `built-in 3-member replica set (speaks MongoDB ${minor} wire protocol)`;
  if (engine.name === 'memory-server') return `mongod ${engine.version} (mongodb-memory-server)`;
  return `MongoDB ${engine.version} (MONGODB_URI)`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line: did the demo behave as it claims, and what its checks showed. */
export function verdictLine(report: ScenarioReport, terminal: Terminal): string {
  const { style } = terminal;
  const checks = report.steps.flatMap((step) => step.checks);
  const failed = checks.filter((check) => !check.passed).length;
  const tail = `${report.durationMs} ms · ${engineLabel(report.engine)}`;
  if (report.passed) {
    const bug = checks.filter((check) => check.role === 'reproduces-failure').length;
    const fix = checks.filter((check) => check.role === 'proves-fix').length;
    const other = checks.length - bug - fix;
    const parts = [
      bug > 0 ? `bug reproduced (${count(bug, 'check', 'checks')})` : '',
      fix > 0 ? `fix proven (${count(fix, 'check', 'checks')})` : '',
      other > 0 ? count(other, 'other check', 'other checks') : '',
    ].filter(Boolean);
    return `${style.green.bold('✔ The demo behaved as claimed:')} ${parts.join(', ')} · ${tail}`;
  }
  const what = checks.length === 0 ? 'it made no checks, so it proved nothing'
    : failed > 0 ? `${failed} of ${checks.length} checks did not hold` : 'it stopped early';
  return `${style.magenta.bold.inverse('‼ The demo did not behave as claimed:')} ${what} · ${tail}`;
}

/** The closing block of `run <id>`: figures before → after, what went wrong if anything, the verdict. */
export function renderSummary(report: ScenarioReport, terminal: Terminal): string[] {
  const { style } = terminal;
  const lines: string[] = [];
  const rows = beforeAfter(report);
  if (rows.length > 0) {
    lines.push('', style.bold.underline('Before → after'));
    const labelWidth = Math.min(28, Math.max(...rows.map((row) => visibleLength(row.label))));
    for (const row of rows) {
      const figures = `${style.red(row.before)} → ${style.green(row.after)}${row.note ? style.dim(` (${row.note})`) : ''}`;
      if (visibleLength(row.label) > labelWidth) {
        // A label longer than the column gets a line of its own; the figures go beneath it.
        lines.push(...wrap(row.label, terminal.width, '    ', '  '));
        lines.push(...wrap(figures, terminal.width, ' '.repeat(labelWidth + 4), ' '.repeat(labelWidth + 4)));
        continue;
      }
      const head = `  ${padEnd(row.label, labelWidth)}  `;
      lines.push(...wrap(figures, terminal.width, ' '.repeat(labelWidth + 4), head));
    }
  }
  const failures = report.steps.flatMap((step) => step.checks).filter((check) => !check.passed);
  if (failures.length > 0) {
    lines.push('', style.bold.underline('What did not behave as claimed'));
    for (const check of failures) lines.push(...checkLine(check, terminal, '  '));
  }
  if (report.error) lines.push(...wrap(style.magenta(`The demo stopped early: ${report.error}`), terminal.width, '  '));
  lines.push('', ...wrap(verdictLine(report, terminal), terminal.width, '    ', '  '));
  return lines;
}
