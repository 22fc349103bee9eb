// `run <id|all>`: start an engine, run the demo(s) with live narration (or JSON), and turn the
// outcome into an exit code: 0 every check held, 1 a check failed or a demo broke, 130 Ctrl-C,
// 143 SIGTERM.
import { listScenarioFiles, loadScenarioFile, selectScenarios, ScenarioLoadError } from '../scenario/registry.js';
import type { ScenarioFile } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { ScenarioReport } from '../runtime/report.js';
import { selectEngine, selectReplicaSetEngine } from '../runtime/engines.js';
import type { MongoEngineHandle } from '../runtime/engines.js';
import { runScenario, DemoInterruptedError, killChildrenSync, removeTempDirsSync, stepOptionsFromTitle, sweepLeftoverTempDirs } from '../runtime/run-scenario.js';
import { ExitCode, SilentExit, UserError } from './errors.js';
import type { RunOptions } from './program.js';
import { createTerminal } from '../ui/terminal.js';
import type { Terminal } from '../ui/terminal.js';
import { Spinner } from '../ui/spinner.js';
import { renderScenarioHeading, renderSection, renderKeyPoints, rule, ruleLines } from '../ui/scenario-text.js';
import { createConsoleReporter, loadHighlighter } from '../ui/demo-output.js';
import { engineLabel, renderSummary } from '../ui/demo-summary.js';
import { waitForKey } from '../ui/keypress.js';
import { command } from './invocation.js';
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
  /** Stopped with q at a pause: the learner's choice, not a signal (exit 0). */
  private byChoice = false;
  private readonly onSignal = (name: StopSignal): void => {
    this.signalName = name;
    if (this.controller.signal.aborted) {
      removeTempDirsSync();
      const killed = killChildrenSync();
      const children = killed > 0 ? `, ${killed} child process${killed === 1 ? '' : 'es'} killed` : '';
      process.stderr.write(`\nStopped at once (second ${name}): temp directories removed${children}, the rest of the cleanup skipped.\n`);
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
    return this.byChoice ? ExitCode.ok : signalExitCodes[this.signalName];
  }

  /** How the stop is named in the message: Ctrl-C interrupts, SIGTERM terminates. */
  get stopWord(): string {
    if (this.byChoice) return 'Stopped (q)';
    return this.signalName === 'SIGTERM' ? 'Terminated (SIGTERM)' : 'Stopped (Ctrl-C)';
  }

  /**
   * Ctrl-C pressed while a prompt held the terminal in raw mode arrives as a key, not a signal;
   * `byChoice`: q or Esc at a pause.
   */
  trigger(byChoice = false): void {
    if (this.controller.signal.aborted) return;
    this.byChoice = byChoice;
    this.controller.abort(new DemoInterruptedError());
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
  }
}

function isPromptInterruption(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/**
 * A single-key pause: Enter goes on; q or Esc (and Ctrl-C, which raw mode delivers as a key) stop the
 * run the way Ctrl-C does. Nothing typed is echoed, so nothing appears only to be thrown away.
 */
async function pauseForKey(message: string, terminal: Terminal, interrupt: InterruptWatcher): Promise<void> {
  const answer = await waitForKey(terminal.style.dim(`${message} (q stops)`), { signal: interrupt.signal });
  if (answer !== 'enter') interrupt.trigger(answer === 'quit');
}

function engineLine(engine: MongoEngineHandle): string {
  return `engine: ${engineLabel(engine)} · fresh database per run`;
}

async function startEngine(options: RunOptions, terminal: Terminal, showProgress: boolean, replicaSet = false): Promise<MongoEngineHandle> {
  const spinner = new Spinner(process.stderr, showProgress && terminal.interactive);
  spinner.start(replicaSet ? 'Starting a MongoDB replica set…' : 'Starting a MongoDB engine…');
  try {
    return await (replicaSet ? selectReplicaSetEngine(options.engine) : selectEngine(options.engine));
  } finally {
    spinner.stop();
  }
}

/**
 * `run all` / `run 24 25`: one engine for the run, and a replica set started the first time a
 * scenario declares it needs one (its requires.replicaSet), stopped with the run.
 */
class RunEngines {
  private replicaSet: Promise<MongoEngineHandle> | undefined;

  constructor(readonly main: MongoEngineHandle, private readonly choice: RunOptions['engine']) {}

  for(scenario: ScenarioDefinition): MongoEngineHandle | Promise<MongoEngineHandle> {
    if (scenario.requires?.replicaSet !== true || this.main.replication) return this.main;
    this.replicaSet ??= selectReplicaSetEngine(this.choice);
    return this.replicaSet;
  }

  async stop(): Promise<void> {
    const started = await this.replicaSet?.catch(() => undefined);
    await started?.stop();
  }
}

/** Ctrl-C is the user's choice, not an error: said plainly, without "error:", with its exit code. */
function interruptedError(interrupt: InterruptWatcher, progress = 'the demo was stopped'): SilentExit {
  return new SilentExit(interrupt.exitCode, `${interrupt.stopWord}: ${progress}; every server and connection is closed.`);
}

/** Ctrl-C before any demo started (engine start-up, the "think first" prompt): nothing to report. */
function interruptedBeforeDemo(interrupt: InterruptWatcher): SilentExit {
  return new SilentExit(interrupt.exitCode);
}

/**
 * --step was asked for and cannot be honoured (piped, CI): say so once on stderr. The pauses a
 * person did not ask for (think first, after the bug) are simply not made when nobody can press
 * Enter; a note about them would be left behind on the screen by `run 24 | less`.
 */
function noticeDroppedPauses(options: RunOptions, terminal: Terminal): void {
  if (options.json || terminal.interactive || !options.step) return;
  const why = process.env['CI'] !== undefined ? 'CI is set' : 'not an interactive terminal';
  process.stderr.write(`note: --step skipped: ${why}.\n`);
}

export async function runCommand(idTexts: readonly string[], options: RunOptions): Promise<void> {
  if (idTexts.every((text) => text.trim() === '')) {
    throw new UserError('run needs a scenario id, or "all".', { hint: `e.g. \`${command('run 24')}\`, \`run 24 25\`, \`run all\`; \`${command('list')}\` shows the ids.` });
  }
  const files = await listScenarioFiles();
  // A run killed with SIGKILL cannot clean up after itself; the next one does (its .env files hold secrets).
  sweepLeftoverTempDirs();
  // Every id is validated here, before any engine starts.
  const selection = selectScenarios(files, idTexts);
  const chosen = selection.all ? files : selection.scenarios;
  if (chosen.length === 0) throw new UserError('No scenarios are installed.', { hint: 'Scenario files live in scenarios/NN-slug.ts.' });
  const single = !selection.all && chosen.length === 1 ? await loadScenarioFile(chosen[0]!) : undefined;

  const terminal = createTerminal();
  const interrupt = new InterruptWatcher();
  let engine: MongoEngineHandle | undefined;
  try {
    engine = await startEngine(options, terminal, !options.json, single?.requires?.replicaSet === true);
    if (interrupt.interrupted) throw interruptedBeforeDemo(interrupt);
    noticeDroppedPauses(options, terminal);
    const highlight = options.json ? (code: string) => code : await loadHighlighter(terminal);
    const exitCode = single
      ? await runOne(single, files, engine, options, terminal, interrupt, highlight)
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
  return (number: number, title: string): Promise<void> => pauseForKey(`Enter for step ${number}: ${title}`, terminal, interrupt);
}

/** After the first failure step, on a terminal: the bug stays on screen until the learner goes on. */
function pauseAfterFailure(options: RunOptions, terminal: Terminal, interrupt: InterruptWatcher) {
  if (!options.pause || options.step || options.json || !terminal.interactive) return undefined;
  return (nextTitle: string): Promise<void> => {
    terminal.line();
    const next = stepOptionsFromTitle(nextTitle).shows === 'fix' ? 'watch the fix' : 'go on';
    return pauseForKey(`The bug is reproduced above: press Enter to ${next}`, terminal, interrupt);
  };
}

/** What to do after a run: answer it from memory, practise it (when that command exists), the next one. */
async function nextLine(scenario: ScenarioDefinition, files: ScenarioFile[]): Promise<string> {
  const { createProgram } = await import('./program.js');
  const practice = createProgram().commands.some((candidate) => candidate.name() === 'practice');
  const next = files.find((file) => file.id > scenario.id);
  const steps = [
    `${command(`quiz --id ${scenario.id}`)} (answer it from memory)`,
    practice ? `${command(`practice ${scenario.id}`)} (fix it yourself)` : '',
    next ? `${command(`run ${next.id}`)} (next scenario)` : '',
  ].filter(Boolean);
  return `Next: ${steps.join(' · ')}`;
}

async function runOne(
  scenario: ScenarioDefinition,
  files: ScenarioFile[],
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
  if (options.demoOnly) {
    for (const line of ruleLines(terminal, `Live demo · scenario ${scenario.id}`, scenario.title)) terminal.line(line);
    terminal.line(terminal.style.dim(`  ${engineLine(engine)}`));
  } else {
    for (const line of renderScenarioHeading(scenario, terminal, engineLine(engine))) terminal.line(line);
    for (const line of renderSection('The interviewer asks', scenario.question, terminal)) terminal.line(line);
    terminal.line();
  }
  if (options.pause && !options.demoOnly && terminal.interactive) {
    const answer = await waitForKey(terminal.style.dim('Think of your answer, then press Enter for the demo (q leaves)'), { signal: interrupt.signal });
    if (answer === 'quit') throw new SilentExit(ExitCode.ok);
    if (answer === 'interrupt') {
      interrupt.trigger();
      throw interruptedBeforeDemo(interrupt);
    }
  }
  if (!options.demoOnly) terminal.line(rule(terminal, 'Live demo'));
  const reporter = createConsoleReporter(terminal, {
    highlight,
    pauseBeforeStep: pauseBeforeStep(options, terminal, interrupt),
    pauseAfterFailure: pauseAfterFailure(options, terminal, interrupt),
  });
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
  if (options.demoOnly) {
    for (const line of renderSummary(report, terminal)) terminal.line(line);
    return exitCodeFor([report], interrupt);
  }
  if (scenario.answer.short) for (const line of renderSection('The 30-second answer', scenario.answer.short, terminal)) terminal.line(line);
  for (const line of renderKeyPoints(scenario, terminal, report)) terminal.line(line);
  terminal.line();
  for (const line of wrap(terminal.style.dim(`How a candidate reasons it through, and what a senior adds: ${command(`show ${scenario.id}`)}`), terminal.width, '  ', '  ')) terminal.line(line);
  for (const line of renderSummary(report, terminal)) terminal.line(line);
  terminal.line();
  for (const line of wrap(await nextLine(scenario, files), terminal.width, '      ', '')) terminal.line(terminal.style.bold(line));
  return exitCodeFor([report], interrupt);
}

/** A scenario file that does not load still gets a row (and fails the run), instead of hiding the rest. */
function loadFailureReport(file: ScenarioFile, engine: MongoEngineHandle, error: unknown): ScenarioReport {
  const reason = error instanceof ScenarioLoadError || error instanceof UserError ? error.message
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
  const engines = new RunEngines(engine, options.engine);
  try {
    for (const file of files) {
      if (interrupt.interrupted) break;
      let scenario: ScenarioDefinition;
      let scenarioEngine: MongoEngineHandle;
      try {
        scenario = await loadScenarioFile(file);
        // A scenario that needs a replica set the run cannot have (a standalone MONGODB_URI) fails alone.
        scenarioEngine = await engines.for(scenario);
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
        reports.push(await runScenario(scenario, { engine: scenarioEngine, signal: interrupt.signal }));
        continue;
      }
      terminal.line();
      for (const line of ruleLines(terminal, `Scenario ${scenario.id}`, scenario.title)) terminal.line(line);
      // A scenario that needs a replica set runs on one of its own: say so where it starts.
      if (scenarioEngine !== engine) terminal.line(style.dim(`  ${engineLine(scenarioEngine)}`));
      const reporter = createConsoleReporter(terminal, { highlight, pauseBeforeStep: pauseBeforeStep(options, terminal, interrupt) });
      try {
        const report = await runScenario(scenario, { engine: scenarioEngine, reporter, signal: interrupt.signal });
        reports.push(report);
        terminal.line();
        if (interrupt.interrupted) {
          // Its checks so far are shown, but it neither passed nor failed: it was stopped.
          interruptedReport = report;
          print(`${style.yellow.bold('■ INTERRUPTED')} after ${checksHeld(report)} checks · ${report.durationMs} ms`);
        } else {
          const verdict = report.passed ? style.green('✔ behaved as claimed') : style.magenta.bold.inverse('‼ FAILED: did not behave as claimed');
          print(`${verdict} · ${checksHeld(report)} checks · ${report.durationMs} ms${report.error ? ` · ${report.error}` : ''}`);
        }
      } finally {
        reporter.dispose();
      }
    }
  } finally {
    await engines.stop();
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
    ? style.green.bold(`${reports.length === 1 ? 'The scenario' : reports.length === 2 ? 'Both scenarios' : `All ${reports.length} scenarios`} behaved as claimed on the ${engineLabel(engine)}.`)
    : style.red.bold(`${failed} of ${reports.length} scenarios failed.`));
  return exitCodeFor(reports, interrupt);
}
