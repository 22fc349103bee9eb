// A run as the user watches it: numbered steps with a spinner while each runs, the figures each
// step observed, its checks marked held/failed, and a closing summary built from the report.
import type { DemoReporter, CodeLanguage } from '../runtime/run-scenario.js';
import type { CheckResult, JsonValue, ScenarioReport, StepReport } from '../runtime/report.js';
import type { Terminal } from './terminal.js';
import { Spinner } from './spinner.js';
import { wrap } from './text.js';
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

/** Compact, readable JSON: `[201, 409]`, `{ name: "email_1", unique: true }`; strings bare at the top level. */
export function formatValue(value: JsonValue, nested = false): string {
  if (typeof value === 'string') return nested ? JSON.stringify(value) : value;
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item, true)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${identifier.test(key) ? key : JSON.stringify(key)}: ${formatValue(item, true)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

export function checkLine(check: CheckResult, terminal: Terminal, indent = '   '): string[] {
  const { style } = terminal;
  const mark = check.passed ? style.green('✔ held') : style.red.bold('✘ FAILED');
  const lines = wrap(check.claim, terminal.width, `${indent}${' '.repeat(check.passed ? 7 : 9)}`, `${indent}${mark} `);
  if (!check.passed && check.detail) lines.push(...wrap(style.red(`saw: ${check.detail}`), terminal.width, `${indent}         `));
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
  highlight: SyncHighlighter;
}

export function createConsoleReporter(terminal: Terminal, options: ConsoleReporterOptions): DemoReporter & { dispose(): void } {
  const { style } = terminal;
  const spinner = new Spinner(terminal.out, terminal.interactive);
  const print = (lines: string[]): void => lines.forEach((line) => spinner.print(line));
  const indent = '   ';
  const reporter: DemoReporter & { dispose(): void } = {
    stepStarted(number, title) {
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
    },
    said(text) {
      print(wrap(style.dim(text), terminal.width, indent));
    },
    observed(label, value) {
      print(wrap(`${style.yellow(label)}: ${style.bold(formatValue(value))}`, terminal.width, `${indent}    `, `${indent}• `));
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
  }
  return reporter;
}

/** What the demo proved: every check with its outcome, then one line of totals. */
export function renderSummary(report: ScenarioReport, terminal: Terminal): string[] {
  const { style } = terminal;
  const checks = report.steps.flatMap((step) => step.checks);
  const held = checks.filter((check) => check.passed).length;
  const lines = ['', style.bold.underline('What the demo proved')];
  for (const check of checks) lines.push(...checkLine(check, terminal, '  '));
  if (report.error) lines.push(...wrap(style.red(`The demo stopped early: ${report.error}`), terminal.width, '  '));
  if (checks.length === 0 && !report.error) lines.push(style.red('  The demo made no checks, so it proved nothing.'));
  const verdict = report.passed ? style.green.bold('PASSED') : style.red.bold('FAILED');
  lines.push('', `  ${verdict} ${held}/${checks.length} checks held · ${report.durationMs} ms · ${report.engine.name} ${report.engine.version}`);
  return lines;
}
