// `practice <id>`: writes the exercise (app.js or app.ts from the starter, and a README) and says
// what to do next. An existing app file is the learner's work: kept unless --reset, which asks
// first and moves it to a backup.
import { findExercise } from '../practice/exercise-lookup.js';
import { importAttack } from '../practice/exercise-runtime.js';
import { attackPathOf } from '../practice/run-file.js';
import { findAppFile, shownPath, workspaceDir, writeWorkspace } from '../practice/workspace.js';
import { createTerminal } from '../ui/terminal.js';
import { wrap } from '../ui/text.js';
import { UserError } from './errors.js';
import type { PracticeOptions } from './practice-commands.js';
import { command } from './invocation.js';

async function confirmReset(file: string, options: PracticeOptions): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY) {
    throw new UserError('`practice --reset` replaces your file and asks first, but there is no terminal to ask in.', { hint: 'Add --yes to confirm (your file is kept as a backup).' });
  }
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message: `Start ${shownPath(file)} over from the starter? (your version is kept as a backup)`, default: false });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') return false;
    throw error;
  }
}

export async function practiceCommand(idText: string | undefined, options: PracticeOptions): Promise<void> {
  const { scenario } = await findExercise(idText, 'practice');
  const dir = workspaceDir(scenario, options.dir);
  const existing = findAppFile(dir);
  if (options.reset && existing && !(await confirmReset(existing, options))) {
    process.stdout.write('Nothing changed.\n');
    return;
  }
  const attack = await importAttack(attackPathOf(scenario.exercise.folder));
  const result = await writeWorkspace(scenario, attack.checks, dir, options.lang, { reset: options.reset === true });
  const terminal = createTerminal();
  const { style } = terminal;
  const dirFlag = options.dir ? ` --dir ${options.dir}` : '';
  const say = (text: string): void => {
    for (const line of wrap(text, terminal.width)) terminal.line(line);
  };
  if (!result.created) {
    say(`${shownPath(result.appFile)} already exists: your work is kept as it is.`);
    say(style.dim(`Check it: ${command(`verify ${scenario.id}${dirFlag}`)} · start over: ${command(`practice ${scenario.id}${dirFlag} --reset`)}`));
    return;
  }
  terminal.line(style.bold(`Exercise ${scenario.id} · ${scenario.title}`));
  if (result.backup) say(style.dim(`Your previous file is kept as ${shownPath(result.backup)}.`));
  say(`Wrote ${shownPath(result.appFile)} (the naive code: it fails the checks) and ${shownPath(dir)}/README.md.`);
  terminal.line();
  say(scenario.question);
  terminal.line();
  say(`Next: edit ${shownPath(result.appFile)}, then`);
  // Commands as the user started this one (npx or not), their descriptions in one column.
  const next: Array<[string, string]> = [
    [command(`verify ${scenario.id}${dirFlag}`), 'run the checks'],
    [command(`verify ${scenario.id}${dirFlag} --watch`), 're-run on every save'],
    [command(`hint ${scenario.id}`), 'when stuck'],
  ];
  const width = Math.max(...next.map(([typed]) => typed.length));
  for (const [typed, what] of next) terminal.line(`  ${typed.padEnd(width)}    ${what}`);
}
