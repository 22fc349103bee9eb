// Entry point of the built CLI (bin/backend-scenarios.js imports it). Turns every way a command
// can end into an exit code: user errors print one line and a hint (no stack trace), commander's
// usage errors likewise, bugs keep their stack.
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { ExitCode, isUserError } from './errors.js';
import { colorWanted, createStyle } from '../ui/terminal.js';

const errorStyle = createStyle(colorWanted(process.stderr));

function printUserError(message: string, hint: string | undefined): void {
  // A prompt or spinner may have left the cursor mid-line.
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stderr.write(`${errorStyle.red('error:')} ${message}\n`);
  if (hint) process.stderr.write(`${errorStyle.dim(`hint: ${hint}`)}\n`);
}

/** commander's messages start with "error: " and may carry a "(Did you mean …?)" line. */
function commanderMessage(error: CommanderError): { message: string; hint: string | undefined } {
  const [first = '', ...rest] = error.message.replace(/^error:\s*/i, '').split('\n').filter((line) => line.trim() !== '');
  const suggestion = rest.join(' ').trim();
  return { message: first, hint: suggestion || undefined };
}

function commandNameFor(argv: string[]): string | undefined {
  const known = ['list', 'show', 'run', 'quiz', 'stats', 'doctor', 'engine'];
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
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
