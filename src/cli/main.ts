// Entry point of the built CLI (bin/backend-scenarios.js imports it). Turns every way a command
// can end into an exit code: user errors print one line and a hint (no stack trace), commander's
// usage errors likewise, bugs keep their stack.
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { ExitCode, SilentExit, isUserError } from './errors.js';
import { colorWanted, createStyle, terminalWidth } from '../ui/terminal.js';
import { wrap } from '../ui/text.js';

const errorStyle = createStyle(colorWanted(process.stderr));

/**
 * Wrapped to the terminal's width (a terminal does not re-indent a long line it wraps itself);
 * into a pipe or a log each stays one line, unless COLUMNS asks for a width.
 */
function errorLines(label: string, text: string, style: (text: string) => string): string[] {
  const wanted = process.stderr.isTTY === true || (process.env['COLUMNS'] ?? '') !== '';
  if (!wanted) return [style(`${label} ${text}`)];
  const indent = ' '.repeat(label.length + 1);
  return wrap(text, terminalWidth(process.stderr), indent, `${label} `).map((line, index) => (
    index === 0 ? `${style(label)}${line.slice(label.length)}` : line));
}

function printUserError(message: string, hint: string | undefined): void {
  // A prompt or spinner may have left the cursor mid-line.
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const line of errorLines('error:', message, (text) => errorStyle.red(text))) process.stderr.write(`${line}\n`);
  if (hint) for (const line of errorLines('hint:', hint, (text) => text)) process.stderr.write(`${errorStyle.dim(line)}\n`);
}

/** commander's messages start with "error: " and may carry a "(Did you mean …?)" line. */
function commanderMessage(error: CommanderError): { message: string; hint: string | undefined } {
  const [first = '', ...rest] = error.message.replace(/^error:\s*/i, '').split('\n').filter((line) => line.trim() !== '');
  const suggestion = rest.join(' ').trim();
  return { message: first, hint: suggestion || undefined };
}

function commandNameFor(argv: string[]): string | undefined {
  const known = ['list', 'show', 'run', 'quiz', 'interview', 'stats', 'doctor', 'engine'];
  return argv.find((arg) => known.includes(arg));
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = createProgram();
  program.exitOverride();
  program.configureOutput({ outputError: () => undefined });
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({ outputError: () => undefined });
  }
  // -v is the spelling many expect for the version; commander takes one short flag per option.
  if (argv[2] === '-v') argv = [...argv.slice(0, 2), '--version', ...argv.slice(3)];
  const userArgs = argv.slice(2).filter((arg) => arg !== '--no-color');
  if (userArgs.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return ExitCode.ok;
      const { message, hint } = commanderMessage(error);
      const command = commandNameFor(userArgs);
      printUserError(message, hint ?? `See \`backend-scenarios ${command ? `${command} ` : ''}--help\`.`);
      return ExitCode.usage;
    }
    if (error instanceof SilentExit) {
      if (process.stderr.isTTY) process.stderr.write('\n');
      return error.exitCode;
    }
    if (isUserError(error)) {
      printUserError(error.message, error.hint);
      return error.exitCode;
    }
    if (error instanceof Error && error.name === 'ExitPromptError') return ExitCode.interrupted;
    if (error instanceof Error && error.name === 'ScenarioLoadError') {
      printUserError(error.message, 'Fix that scenario file (see src/scenario/contract.ts); `backend-scenarios doctor` lists every problem.');
      return ExitCode.checksFailed;
    }
    throw error;
  }
}

// `backend-scenarios list | head -1`: the reader left, which is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
}

// Exit explicitly once the command is done: a demo's libraries may hold idle handles (a driver's
// monitor, an HTTP keep-alive pool) that would otherwise delay the exit. Every server and
// connection has already been closed by the runtime's teardown at this point.
// process.exit() does not wait for output still queued on a pipe (stdout to a pipe is
// asynchronous in Node), so `run all --json | jq` would lose everything past the first 64 KiB:
// exit only once both streams have flushed what was written before.
function exitAfterFlush(code: number): void {
  let pending = 2;
  const flushed = (): void => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main().then(
  (code) => exitAfterFlush(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitAfterFlush(1);
  },
);
