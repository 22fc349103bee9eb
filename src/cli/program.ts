// The command tree. Only commander and the small scenario registry are loaded up front; each
// command's implementation (and with it mongoose, express, the engine, highlighting) is imported
// when that command runs, so `list`, `show` and `--help` stay close to bare Node's start-up time.
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerQuizCommands } from './quiz-commands.js';
import { registerPracticeCommands } from './practice-commands.js';
import { packageVersion } from './package-info.js';
import { engineChoices } from '../runtime/engine-choices.js';
import { terminalWidth } from '../ui/terminal.js';

export interface ListOptions {
  /** Absent when no --tag was given (a default of [] would show in --help as "(default: [])"). */
  tag?: string[];
  json?: boolean;
}

export interface RunOptions {
  engine: (typeof engineChoices)[number];
  pause: boolean;
  step?: boolean;
  json?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return port;
}

const examples = `
Examples:
  $ backend-scenarios list                  all, by id
  $ backend-scenarios list --tag security   one tag
  $ backend-scenarios show 24               answer + fix
  $ backend-scenarios run 24                live demo
  $ backend-scenarios run 24 --json         as JSON
  $ backend-scenarios run all --no-pause    every demo
  $ backend-scenarios practice 24           write the fix
  $ backend-scenarios verify 24 --watch     judge it live
  $ backend-scenarios quiz                  practise
  $ backend-scenarios doctor                engines here

Engines: MONGODB_URI when set, else mongodb-memory-server
when a mongod is already on disk, else the built-in
embedded engine (offline). Force one with run --engine.`;

export function createProgram(): Command {
  const program = new Command();
  program
    .name('backend-scenarios')
    .description('Practise Node.js, Express and MongoDB interview scenarios with live demos that reproduce the failure and prove the fix.')
    .version(packageVersion(), '-V, --version', 'print the version (-v works too)')
    .option('--no-color', 'plain output without colours (NO_COLOR works too)')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', examples)
    .showSuggestionAfterError(true)
    .configureHelp({ helpWidth: terminalWidth(process.stdout), minWidthToWrap: 20 });

  program
    .command('list')
    .description('list the scenarios: id, title, tags and a one-line summary')
    .option('-t, --tag <tag>', 'only scenarios with this tag (repeatable)', collect)
    .option('--json', 'print machine-readable JSON')
    .action(async (options: ListOptions) => {
      const { listCommand } = await import('./list.js');
      await listCommand(options);
    });

  program
    .command('show')
    .description('show a scenario: question, reasoning, key points and the code of the fix (no demo)')
    .argument('[id]', 'scenario id, e.g. 24')
    .action(async (id: string | undefined) => {
      const { showCommand } = await import('./show.js');
      await showCommand(id);
    });

  program
    .command('run')
    .description('run a scenario\'s live demo (or all of them) and check what it proves')
    .argument('[ids...]', 'scenario ids or slugs, e.g. 24, "24 25", 24,25, registration-race, or "all"')
    .addOption(new Option('-e, --engine <name>', 'which MongoDB to run against').choices(engineChoices).default('auto'))
    .option('--no-pause', 'do not wait for Enter after the question')
    .option('--step', 'pause before every demo step (for presenting)')
    .option('--json', 'print the run as JSON instead of prose')
    .addHelpText('after', `
Exit codes: 0 every check held, 1 a check failed or the
demo broke, 2 bad input, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM).

Examples:
  $ backend-scenarios run 24
  $ backend-scenarios run 24 --no-pause --engine embedded
  $ backend-scenarios run 24 25 --no-pause
  $ backend-scenarios run all --json
  $ MONGODB_URI=mongodb://127.0.0.1:27017/ \\
      backend-scenarios run 24 --engine uri`)
    .action(async (ids: string[], options: RunOptions) => {
      const { runCommand } = await import('./run.js');
      await runCommand(ids, options);
    });

  registerPracticeCommands(program);
  registerQuizCommands(program);

  program
    .command('doctor')
    .description('check this machine: Node version, which MongoDB engines are available and why, scenarios')
    .action(async () => {
      const { doctorCommand } = await import('./doctor.js');
      await doctorCommand();
    });

  program
    .command('engine')
    .description('run the embedded MongoDB-compatible engine in the foreground until Ctrl-C')
    .addOption(new Option('-p, --port <port>', 'port to listen on').argParser(parsePort).default(0, 'any free port'))
    .action(async (options: { port: number }) => {
      const { engineCommand } = await import('./engine-command.js');
      await engineCommand(options);
    });

  return program;
}
