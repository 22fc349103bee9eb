// Declares `practice`, `verify`, `hint` and `solution` (names, options, help) without loading what
// they run: each implementation is imported when its command is used, so `list` and `--help` stay fast.
import { Option } from 'commander';
import type { Command } from 'commander';
import { engineChoices } from '../runtime/engine-choices.js';

export interface PracticeOptions {
  dir?: string;
  lang: 'js' | 'ts';
  reset?: boolean;
  yes?: boolean;
}

export interface VerifyOptions {
  dir?: string;
  watch?: boolean;
  json?: boolean;
  reference?: boolean;
  engine: (typeof engineChoices)[number];
}

export interface HintOptions {
  dir?: string;
}

export interface SolutionOptions {
  yes?: boolean;
}

export function registerPracticeCommands(program: Command): void {
  program
    .command('practice')
    .description('write an exercise to fix: the scenario\'s naive code and a README (in backend-scenarios-practice/)')
    .argument('[id]', 'scenario id, e.g. 24')
    .option('--dir <folder>', 'write the exercise here instead')
    .addOption(new Option('--lang <language>', 'js: plain ESM JavaScript; ts: TypeScript, loaded without a build step').choices(['js', 'ts']).default('js'))
    .option('--reset', 'start over from the starter (asks first; your file is kept as a backup)')
    .option('-y, --yes', 'with --reset: do not ask')
    .addHelpText('after', `
Examples:
  $ backend-scenarios practice 24
  $ backend-scenarios verify 24 --watch     then edit app.js and save`)
    .action(async (id: string | undefined, options: PracticeOptions) => {
      const { practiceCommand } = await import('./practice.js');
      await practiceCommand(id, options);
    });

  program
    .command('verify')
    .description('run the scenario\'s attack against your exercise file; exit 0 when every core check holds')
    .argument('[id]', 'scenario id, e.g. 24')
    .option('--dir <folder>', 'the exercise folder (default ./backend-scenarios-practice/NN-slug)')
    .option('-w, --watch', 're-run on every save of your file')
    .option('--json', 'print the verdict as JSON')
    .option('--reference', 'judge the reference solution instead of your file (for authors and CI)')
    .addOption(new Option('-e, --engine <name>', 'which MongoDB to run against').choices(engineChoices).default('auto'))
    .addHelpText('after', `
Exit codes: 0 every core check held, 1 a check failed or your
code broke (threw, hung, exited), 2 bad id or flag.`)
    .action(async (id: string | undefined, options: VerifyOptions) => {
      const { verifyCommand } = await import('./verify.js');
      await verifyCommand(id, options);
    });

  program
    .command('hint')
    .description('the next hint for your exercise: each call reveals a little more, never the whole fix')
    .argument('[id]', 'scenario id, e.g. 24')
    .action(async (id: string | undefined) => {
      const { hintCommand } = await import('./hint.js');
      await hintCommand(id);
    });

  program
    .command('solution')
    .description('print the reference fix (asks first; recorded as viewed)')
    .argument('[id]', 'scenario id, e.g. 24')
    .option('-y, --yes', 'do not ask')
    .action(async (id: string | undefined, options: SolutionOptions) => {
      const { solutionCommand } = await import('./solution.js');
      await solutionCommand(id, options);
    });
}
