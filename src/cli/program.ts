// The command tree. Only commander and the small scenario registry are loaded up front; each
// command's implementation (and with it mongoose, express, the engine, highlighting) is imported
// when that command runs, so `list`, `show` and `--help` stay close to bare Node's start-up time.
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerQuizCommands } from './quiz-commands.js';
import type { EngineCommandOptions } from './engine-command.js';
import { registerPracticeCommands } from './practice-commands.js';
import { packageVersion } from './package-info.js';
import { engineChoices } from '../runtime/engine-choices.js';
import { terminalWidth } from '../ui/terminal.js';
import { commandPrefix } from './invocation.js';

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
  /** From the quiz: the demo and its summary only (the question and the answer were just shown). */
  demoOnly?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return port;
}

/** The examples name the CLI the way it was started (npx or not), so each runs as typed. */
function examples(): string {
  const cli = commandPrefix();
  const pad = (text: string): string => text.padEnd(cli.length + 24);
  return `
Examples:
  $ ${pad(`${cli} list`)}all, by id
  $ ${pad(`${cli} list --tag security`)}one tag
  $ ${pad(`${cli} show 24`)}answer + fix
  $ ${pad(`${cli} run 24`)}live demo
  $ ${pad(`${cli} run 24 --json`)}as JSON
  $ ${pad(`${cli} run all --no-pause`)}every demo
  $ ${pad(`${cli} practice 24`)}write the fix
  $ ${pad(`${cli} verify 24 --watch`)}judge it live
  $ ${pad(`${cli} quiz`)}from memory
  $ ${pad(`${cli} interview`)}mock interview
  $ ${pad(`${cli} doctor`)}engines here

Engines: MONGODB_URI when set, else mongodb-memory-server
when a mongod is already on disk, else the built-in
embedded engine (offline). Force one with run --engine.`;
}

function parseMembers(value: string): number {
  const members = Number(value);
  if (!/^\d+$/.test(value.trim()) || members < 1 || members > 7) throw new InvalidArgumentError('expected 1 to 7 members.');
  return members;
}

export function createProgram(): Command {
  const program = new Command();
  program
    .name('backend-scenarios')
    .description('Practise Node.js, Express and MongoDB interview scenarios with live demos that reproduce the failure and prove the fix.')
    .version(packageVersion(), '-V, --version', 'print the version (-v works too)')
    .option('--no-color', 'plain output without colours (NO_COLOR works too)')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', examples())
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
    .option('--json', 'print the content as JSON (question, answers, key points, quiz, follow-ups)')
    .action(async (id: string | undefined, options: { json?: boolean }) => {
      const { showCommand } = await import('./show.js');
      await showCommand(id, options);
    });

  program
    .command('run')
    .description('run a scenario\'s live demo (or all of them) and check what it proves')
    .argument('[ids...]', 'scenario ids or slugs, e.g. 24, "24 25", 24,25, registration-race, or "all"')
    .addOption(new Option('-e, --engine <name>', 'which MongoDB to run against').choices(engineChoices).default('auto'))
    .option('--no-pause', 'do not wait for Enter (after the question, after the bug)')
    .option('--step', 'pause before every demo step (for presenting)')
    .option('--json', 'print the run as JSON instead of prose')
    .addOption(new Option('--demo-only', 'the demo and its summary, without the question and answer (the quiz uses it)').hideHelp())
    .addHelpText('after', `
Exit codes: 0 every check held, 1 a check failed or the
demo broke, 2 bad input, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM).

Examples:
  $ ${commandPrefix()} run 24
  $ ${commandPrefix()} run 24 --no-pause --engine embedded
  $ ${commandPrefix()} run 24 25 --no-pause
  $ ${commandPrefix()} run all --json
  $ MONGODB_URI=mongodb://127.0.0.1:27017/ \\
      ${commandPrefix()} run 24 --engine uri`)
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
    .option('--replset', 'start a replica set (one primary, secondaries that apply the oplog): transactions, change streams, read preferences')
    .addOption(new Option('--members <n>', 'replica-set members, with --replset').argParser(parseMembers).default(3))
    .option('--enable-test-commands', 'accept test-only commands (fail points), as mongod --setParameter enableTestCommands=1')
    .action(async (options: EngineCommandOptions, command: Command) => {
      const { engineCommand } = await import('./engine-command.js');
      await engineCommand({ ...options, membersGiven: command.getOptionValueSource('members') === 'cli' });
    });

  return program;
}
