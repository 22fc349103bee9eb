// `run <id|all>`: start an engine, run the demo(s) with live narration (or JSON), and turn the
// outcome into an exit code: 0 every check held, 1 a check failed or a demo broke, 130 Ctrl-C,
// 143 SIGTERM.
import { listScenarioFiles, loadScenarioFile, selectScenarios, ScenarioLoadError } from '../scenario/registry.js';
import type { ScenarioFile } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { ScenarioReport } from '../runtime/report.js';
import { selectEngine } from '../runtime/engines.js';
import type { MongoEngineHandle } from '../runtime/engines.js';
import { runScenario, DemoInterruptedError, removeTempDirsSync } from '../runtime/run-scenario.js';
import { ExitCode, SilentExit, UserError } from './errors.js';
import type { RunOptions } from './program.js';
import { createTerminal } from '../ui/terminal.js';
import type { Terminal } from '../ui/terminal.js';
import { Spinner } from '../ui/spinner.js';
import { renderScenarioHeading, renderSection, renderAnswer, rule, ruleLines } from '../ui/scenario-text.js';
import { createConsoleReporter, loadHighlighter, renderSummary } from '../ui/demo-output.js';
import type { SyncHighlighter } from '../ui/demo-output.js';
import { renderTable } from '../ui/table.js';
import { wrap } from '../ui/text.js';

const signalExitCodes = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;
type StopSignal = keyof typeof signalExitCodes;

/**
 * First Ctrl-C (or SIGTERM) stops the demo cleanly; a second one (if teardown itself hangs) exits
 * at once, after removing what can be removed synchronously: the demo's temp directories may hold
 * .env files with secrets in them.
 */
class InterruptWatcher {
  private readonly controller = new AbortController();
  private signalName: StopSignal = 'SIGINT';
  private readonly onSignal = (name: StopSignal): void => {
    this.signalName = name;
    if (this.controller.signal.aborted) {
      removeTempDirsSync();
      process.stderr.write(`\nStopped at once (second ${name}): temp directories removed, the rest of the cleanup skipped.\n`);
      process.exit(this.exitCode);
    }
    this.controller.abort(new DemoInterruptedError());
  };
  private readonly onSigint = (): void => this.onSignal('SIGINT');
  private readonly onSigterm = (): void => this.onSignal('SIGTERM');

  constructor() {
    process.on('SIGINT', this.onSigint);
    process.on('SIGTERM', this.onSigterm);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  /** 130 for Ctrl-C, 143 for SIGTERM (128 + the signal's number, as shells report it). */
  get exitCode(): number {
    return signalExitCodes[this.signalName];
  }

  /** How the stop is named in the message: Ctrl-C interrupts, SIGTERM terminates. */
  get stopWord(): string {
    return this.signalName === 'SIGTERM' ? 'Terminated (SIGTERM)' : 'Interrupted';
  }

  /** Ctrl-C pressed while a prompt held the terminal in raw mode arrives as a key, not a signal. */
  trigger(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new DemoInterruptedError());
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
  }
}

function isPromptInterruption(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

async function waitForEnter(message: string, signal: AbortSignal): Promise<void> {
  const { input } = await import('@inquirer/prompts');
  await input({ message }, { signal, clearPromptOnDone: true });
}

function engineLine(engine: MongoEngineHandle): string {
  const what = engine.name === 'embedded' ? 'built in' : engine.name === 'memory-server' ? 'mongodb-memory-server' : 'MONGODB_URI';
  return `engine: ${engine.name} ${engine.version} (${what}) · fresh database per run`;
}

async function startEngine(options: RunOptions, terminal: Terminal, showProgress: boolean): Promise<MongoEngineHandle> {
  const spinner = new Spinner(process.stderr, showProgress && terminal.interactive);
  spinner.start('Starting a MongoDB engine…');
  try {
    return await selectEngine(options.engine);
  } finally {
    spinner.stop();
  }
}

function interruptedError(interrupt: InterruptWatcher, progress = 'the demo was stopped'): UserError {
  return new UserError(`${interrupt.stopWord}: ${progress}; every server and connection is closed.`, { exitCode: interrupt.exitCode });
}

/** Ctrl-C before any demo started (engine start-up, the "think first" prompt): nothing to report. */
function interruptedBeforeDemo(interrupt: InterruptWatcher): SilentExit {
  return new SilentExit(interrupt.exitCode);
}

/** Piped or in CI nobody can press Enter: say so once, on stderr, instead of silently not pausing. */
function noticeDroppedPauses(options: RunOptions, terminal: Terminal, single: boolean): void {
  if (options.json || terminal.interactive) return;
  const dropped = [options.step ? '--step' : '', single && options.pause ? 'the pause after the question' : ''].filter(Boolean);
  if (dropped.length === 0) return;
  const why = process.env['CI'] !== undefined ? 'CI is set' : 'not an interactive terminal';
  const silence = options.step ? '' : ' (--no-pause silences this)';
  process.stderr.write(`note: ${dropped.join(' and ')} skipped: ${why}${silence}.\n`);
}

export async function runCommand(idTexts: readonly string[], options: RunOptions): Promise<void> {
  if (idTexts.every((text) => text.trim() === '')) {
    throw new UserError('run needs a scenario id, or "all".', { hint: 'e.g. `backend-scenarios run 24`, `run 24 25`, `run all`; `backend-scenarios list` shows the ids.' });
  }
  const files = await listScenarioFiles();
  // Every id is validated here, before any engine starts.
  const selection = selectScenarios(files, idTexts);
  const chosen = selection.all ? files : selection.scenarios;
  if (chosen.length === 0) throw new UserError('No scenarios are installed.', { hint: 'Scenario files live in scenarios/NN-slug.ts.' });
  const single = !selection.all && chosen.length === 1 ? await loadScenarioFile(chosen[0]!) : undefined;

  const terminal = createTerminal();
  const interrupt = new InterruptWatcher();
  let engine: MongoEngineHandle | undefined;
  try {
    engine = await startEngine(options, terminal, !options.json);
    if (interrupt.interrupted) throw interruptedBeforeDemo(interrupt);
    noticeDroppedPauses(options, terminal, single !== undefined);
    const highlight = options.json ? (code: string) => code : await loadHighlighter(terminal);
    const exitCode = single
      ? await runOne(single, engine, options, terminal, interrupt, highlight)
      : await runEvery(chosen, engine, options, terminal, interrupt, highlight);
    process.exitCode = exitCode;
  } catch (error) {
    if (isPromptInterruption(error)) throw interruptedBeforeDemo(interrupt);
    throw error;
  } finally {
    interrupt.dispose();
    await engine?.stop();
  }
}

function exitCodeFor(reports: ScenarioReport[], interrupt: InterruptWatcher): number {
  if (interrupt.interrupted) return interrupt.exitCode;
  return reports.every((report) => report.passed) ? ExitCode.ok : ExitCode.checksFailed;
}

function pauseBeforeStep(options: RunOptions, terminal: Terminal, interrupt: InterruptWatcher) {
  if (!options.step || options.json || !terminal.interactive) return undefined;
  return async (number: number, title: string): Promise<void> => {
    try {
      await waitForEnter(`Enter for step ${number}: ${title}`, interrupt.signal);
    } catch (error) {
      if (isPromptInterruption(error)) interrupt.trigger();
      throw error;
    }
  };
}

async function runOne(
  scenario: ScenarioDefinition,
  engine: MongoEngineHandle,
  options: RunOptions,
  terminal: Terminal,
  interrupt: InterruptWatcher,
  highlight: SyncHighlighter,
): Promise<number> {
  if (options.json) {
    const report = await runScenario(scenario, { engine, signal: interrupt.signal });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return exitCodeFor([report], interrupt);
  }
  for (const line of renderScenarioHeading(scenario, terminal, engineLine(engine))) terminal.line(line);
  for (const line of renderSection('The interviewer asks', scenario.question, terminal)) terminal.line(line);
  terminal.line();
  if (options.pause && terminal.interactive) {
    await waitForEnter('Think about your answer first, then press Enter to watch the demo', interrupt.signal);
  }
  terminal.line(rule(terminal, 'Live demo'));
  const reporter = createConsoleReporter(terminal, { highlight, pauseBeforeStep: pauseBeforeStep(options, terminal, interrupt) });
  let report: ScenarioReport;
  try {
    report = await runScenario(scenario, { engine, reporter, signal: interrupt.signal });
  } finally {
    reporter.dispose();
  }
  if (interrupt.interrupted) {
    terminal.line();
    throw interruptedError(interrupt);
  }
  terminal.line();
  for (const line of await renderAnswer(scenario, terminal, { includeCode: false })) terminal.line(line);
  for (const line of renderSummary(report, terminal)) terminal.line(line);
  return exitCodeFor([report], interrupt);
}

/** A scenario file that does not load still gets a row (and fails the run), instead of hiding the rest. */
function loadFailureReport(file: ScenarioFile, engine: MongoEngineHandle, error: unknown): ScenarioReport {
  const reason = error instanceof ScenarioLoadError ? error.message
    : `could not load ${file.path}: ${error instanceof Error ? error.message : String(error)}`;
  return {
    id: file.id,
    title: file.slug,
    engine: { name: engine.name, version: engine.version },
    passed: false,
    durationMs: 0,
    steps: [],
    error: reason,
  };
}

function checksHeld(report: ScenarioReport): string {
  const checks = report.steps.flatMap((step) => step.checks);
  return `${checks.filter((check) => check.passed).length}/${checks.length}`;
}

/** The table closing `run all`, also printed (for the scenarios done so far) after Ctrl-C. */
function renderRunSummary(reports: ScenarioReport[], interrupted: ScenarioReport | undefined, terminal: Terminal): string[] {
  const { style } = terminal;
  const rows = reports.map((report) => [
    String(report.id),
    report === interrupted ? 'INTERRUPTED' : report.passed ? 'passed' : 'FAILED',
    checksHeld(report),
    `${report.durationMs} ms`,
    report.error && report !== interrupted ? `${report.title} (${report.error})` : report.title,
  ]);
  return ['', rule(terminal, 'Summary'), ...renderTable(
    [{ header: 'ID', align: 'right' }, { header: 'RESULT' }, { header: 'CHECKS', align: 'right' }, { header: 'TIME', align: 'right' }, { header: 'TITLE', flexible: true }],
    rows,
    terminal.width,
    (text) => style.bold(text),
  )];
}

async function runEvery(
  files: ScenarioFile[],
  engine: MongoEngineHandle,
  options: RunOptions,
  terminal: Terminal,
  interrupt: InterruptWatcher,
  highlight: SyncHighlighter,
): Promise<number> {
  const reports: ScenarioReport[] = [];
  let interruptedReport: ScenarioReport | undefined;
  const { style } = terminal;
  const print = (text: string, indent = '  '): void => {
    for (const line of wrap(text, terminal.width, indent + '  ', indent)) terminal.line(line);
  };
  if (!options.json) terminal.line(style.dim(engineLine(engine)));
  for (const file of files) {
    if (interrupt.interrupted) break;
    let scenario: ScenarioDefinition;
    try {
      scenario = await loadScenarioFile(file);
    } catch (error) {
      const report = loadFailureReport(file, engine, error);
      reports.push(report);
      if (!options.json) {
        terminal.line();
        print(style.red(`✘ ${report.error}`), '');
      }
      continue;
    }
    if (options.json) {
      reports.push(await runScenario(scenario, { engine, signal: interrupt.signal }));
      continue;
    }
    terminal.line();
    for (const line of ruleLines(terminal, `Scenario ${scenario.id}`, scenario.title)) terminal.line(line);
    const reporter = createConsoleReporter(terminal, { highlight, pauseBeforeStep: pauseBeforeStep(options, terminal, interrupt) });
    try {
      const report = await runScenario(scenario, { engine, reporter, signal: interrupt.signal });
      reports.push(report);
      terminal.line();
      if (interrupt.interrupted) {
        // Its checks so far are shown, but it neither passed nor failed: it was stopped.
        interruptedReport = report;
        print(`${style.yellow.bold('■ INTERRUPTED')} after ${checksHeld(report)} checks held · ${report.durationMs} ms`);
      } else {
        const verdict = report.passed ? style.green('✔ passed') : style.red.bold('✘ FAILED');
        print(`${verdict} ${checksHeld(report)} checks held · ${report.durationMs} ms${report.error ? ` · ${report.error}` : ''}`);
      }
    } finally {
      reporter.dispose();
    }
  }
  const passed = !interrupt.interrupted && reports.length === files.length && reports.every((report) => report.passed);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ passed, scenarios: reports }, null, 2)}\n`);
    return exitCodeFor(reports, interrupt);
  }
  for (const line of renderRunSummary(reports, interruptedReport, terminal)) terminal.line(line);
  terminal.line();
  if (interrupt.interrupted) {
    const notRun = files.length - reports.length;
    const done = reports.filter((report) => report !== interruptedReport);
    throw interruptedError(interrupt, `${done.length} of ${files.length} scenarios finished (${done.filter((report) => report.passed).length} passed)`
      + `${interruptedReport ? `, scenario ${interruptedReport.id} was stopped` : ''}${notRun > 0 ? `, ${notRun} not run` : ''}`);
  }
  const failed = reports.filter((report) => !report.passed).length;
  print(failed === 0
    ? style.green.bold(`All ${reports.length} scenarios passed on ${engine.name} ${engine.version}.`)
    : style.red.bold(`${failed} of ${reports.length} scenarios failed.`));
  return exitCodeFor(reports, interrupt);
}
