// A run as the user watches it: numbered steps with a spinner while each runs, the figures each
// step observed, its checks marked held/failed, and a closing summary built from the report.
import type { DemoReporter, CodeLanguage } from '../runtime/run-scenario.js';
import type { ChalkInstance } from 'chalk';
import type { CheckResult, JsonValue, StepReport } from '../runtime/report.js';
import { displayed, formatNumber, withUnit } from '../runtime/units.js';
import type { Terminal } from './terminal.js';
import { Spinner } from './spinner.js';
import { visibleLength, wrap } from './text.js';
import { frameCode } from './highlight.js';

export type SyncHighlighter = (code: string, language: CodeLanguage) => string;

/** Loads cli-highlight once, up front, because reporter callbacks are synchronous. */
export async function loadHighlighter(terminal: Terminal): Promise<SyncHighlighter> {
  if (!terminal.color) return (code) => code;
  try {
    const { highlight } = await import('cli-highlight');
    const names: Record<CodeLanguage, string> = { ts: 'typescript', js: 'javascript', json: 'json', bash: 'bash', text: 'plaintext' };
    return (code, language) => (language === 'text' ? code : highlight(code, { language: names[language], ignoreIllegals: true }));
  } catch {
    return (code) => code;
  }
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * Compact, readable JSON: `[201, 409]`, `{ name: "email_1", unique: true }`; strings bare at the top
 * level; numbers grouped in thousands (`20 000`) unless `label` names a port, code or id.
 */
export function formatValue(value: JsonValue, nested = false, label = ''): string {
  if (typeof value === 'string') return nested ? JSON.stringify(value) : value;
  if (typeof value === 'number') return formatNumber(value, label);
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item, true, label)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${identifier.test(key) ? key : JSON.stringify(key)}: ${formatValue(item, true, key)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

/**
 * One observation as printed: `median: 13 ms` (the unit moved from the label to the value). When the
 * shortened label is another figure's label in the same step ("1st" beside "1st ms"), both stay apart:
 * the unit is left in the label.
 */
export function formatObservation(label: string, value: JsonValue, unit?: string, siblings: ReadonlySet<string> = new Set()): { label: string; value: string } {
  const shown = displayed(label, value, unit);
  if (shown.label !== label && siblings.has(shown.label)) return { label, value: formatValue(value, false, label) };
  return { label: shown.label, value: withUnit(formatValue(value, false, label), shown.unit) };
}

/**
 * How a check reads, by what its step shows. A passing check in a failure step is the bug caught
 * in the act (drawn as a bug); in a fix step, the cure holding; a check that did not behave as
 * claimed means the demo itself failed, whatever the step, and reads differently again.
 */
function checkMark(check: CheckResult, style: ChalkInstance): { mark: string; width: number } {
  const marks = (text: string, paint: (text: string) => string): { mark: string; width: number } => ({ mark: paint(text), width: visibleLength(text) + 1 });
  if (!check.passed) {
    const what = check.role === 'reproduces-failure' ? 'the bug did not reproduce:' : check.role === 'proves-fix' ? 'the fix did not hold:' : 'not as claimed:';
    return marks(`‼ ${what}`, (text) => style.magenta.bold.inverse(text));
  }
  if (check.role === 'reproduces-failure') return marks('✘ bug reproduced:', (text) => style.red.bold(text));
  if (check.role === 'proves-fix') return marks('✔ fixed:', (text) => style.green.bold(text));
  return marks('✔', (text) => style.cyan(text));
}

export function checkLine(check: CheckResult, terminal: Terminal, indent = '   '): string[] {
  const { style } = terminal;
  const { mark, width } = checkMark(check, style);
  const lines = wrap(check.claim, terminal.width, `${indent}${' '.repeat(width)}`, `${indent}${mark} `);
  if (!check.passed && check.detail) lines.push(...wrap(style.magenta(`saw: ${check.detail}`), terminal.width, `${indent}${' '.repeat(width)}`));
  return lines;
}

/** For a scenario author: the line of the scenario file where an unexpected error was thrown. */
function scenarioFrame(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack || error.name === 'DemoTimeoutError' || error.name === 'DemoInterruptedError') return undefined;
  return error.stack.split('\n').find((line) => /[/\\]scenarios[/\\]/.test(line))?.trim();
}

export interface ConsoleReporterOptions {
  /** Await this before each step (the --step pause). */
  pauseBeforeStep?: (number: number, title: string) => Promise<void>;
  /**
   * Await this once, before the step that follows the first failure step (the bug is on screen:
   * the learner reads it before the fix scrolls it away). Not used with pauseBeforeStep.
   */
  pauseAfterFailure?: (nextTitle: string) => Promise<void>;
  highlight: SyncHighlighter;
}

export function createConsoleReporter(terminal: Terminal, options: ConsoleReporterOptions): DemoReporter & { dispose(): void } {
  const { style } = terminal;
  const spinner = new Spinner(terminal.out, terminal.interactive);
  const print = (lines: string[]): void => lines.forEach((line) => spinner.print(line));
  const indent = '   ';
  let failureShown = false;
  /** The labels of the running step, so a shortened label never reads like another figure. */
  let stepLabels = new Set<string>();
  let pausedAfterFailure = false;
  const reporter: DemoReporter & { dispose(): void } = {
    stepStarted(number, title) {
      stepLabels = new Set();
      print(['', ...wrap(style.bold(title), terminal.width, `${indent} `, style.cyan(`${String(number).padStart(2)}.`) + ' ')]);
      spinner.start(style.dim(`step ${number} running…`));
    },
    stepFinished(_number, step: StepReport, error) {
      spinner.stop();
      // Ctrl-C is reported once, by the command, not again by the step it happened to stop.
      if (error instanceof Error && error.name === 'DemoInterruptedError') return;
      if (error !== undefined) {
        const message = error instanceof Error ? error.message : String(error);
        print(wrap(style.red(`✘ the step stopped: ${message}`), terminal.width, indent + '  ', indent));
        const where = scenarioFrame(error);
        if (where) print(wrap(style.dim(where), terminal.width, indent + '  '));
      }
      print([style.dim(`${indent}(${step.durationMs} ms)`)]);
      if (step.shows === 'failure' && error === undefined) failureShown = true;
    },
    said(text) {
      print(wrap(style.dim(text), terminal.width, indent));
    },
    observed(label, value, unit) {
      const shown = formatObservation(label, value, unit, stepLabels);
      stepLabels.add(label);
      print(wrap(`${style.yellow(shown.label)}: ${style.bold(shown.value)}`, terminal.width, `${indent}    `, `${indent}• `));
    },
    checked(check) {
      print(checkLine(check, terminal, indent));
    },
    codeShown(title, code, language) {
      print(['', ...frameCode(title, options.highlight(code, language), terminal, indent)]);
    },
    dispose() {
      spinner.stop();
    },
  };
  if (options.pauseBeforeStep) {
    const pause = options.pauseBeforeStep;
    reporter.beforeStep = async (number, title) => {
      spinner.stop();
      await pause(number, title);
    };
  } else if (options.pauseAfterFailure) {
    const pause = options.pauseAfterFailure;
    reporter.beforeStep = async (_number, title) => {
      if (!failureShown || pausedAfterFailure) return;
      pausedAfterFailure = true;
      spinner.stop();
      await pause(title);
    };
  }
  return reporter;
}
