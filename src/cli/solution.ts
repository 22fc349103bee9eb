// `solution <id>`: the reference fix, after a confirmation, recorded as viewed (rustlings shows a
// solution only once the exercise passes; here the learner decides, and the record says so).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findExercise } from '../practice/exercise-lookup.js';
import { practiceOf, recordSolutionViewed } from '../practice/practice-progress.js';
import { openProgressStore } from '../quiz/progress-store.js';
import { createTerminal } from '../ui/terminal.js';
import { highlightCode, frameCode } from '../ui/highlight.js';
import { wrap } from '../ui/text.js';
import { UserError } from './errors.js';
import type { SolutionOptions } from './practice-commands.js';
import { command } from './invocation.js';

export async function solutionCommand(idText: string | undefined, options: SolutionOptions): Promise<void> {
  const { scenario } = await findExercise(idText, 'solution');
  const store = openProgressStore((message) => process.stderr.write(`${message}\n`));
  const entry = practiceOf(await store.read(), scenario.id);
  if (!options.yes && !entry.solvedAt && !entry.solutionViewedAt) {
    if (!process.stdin.isTTY) {
      throw new UserError('`solution` shows the whole fix and asks first, but there is no terminal to ask in.', { hint: `Add --yes to confirm: backend-scenarios solution ${scenario.id} --yes` });
    }
    const { confirm } = await import('@inquirer/prompts');
    let confirmed = false;
    try {
      confirmed = await confirm({ message: 'See the whole reference fix? (`hint` gives a smaller step)', default: false });
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ExitPromptError')) throw error;
    }
    if (!confirmed) {
      process.stdout.write(`Not shown. \`${command(`hint ${scenario.id}`)}\` gives the next hint.\n`);
      return;
    }
  }
  await recordSolutionViewed(store, scenario.id);
  const terminal = createTerminal();
  const code = await readFile(join(scenario.exercise.folder, 'solution.js'), 'utf8');
  for (const line of frameCode(`solution.js · ${scenario.exercise.solution.title}`, await highlightCode(code, 'js', terminal), terminal)) terminal.line(line);
  terminal.line();
  for (const line of wrap(scenario.exercise.solution.lesson, terminal.width)) terminal.line(line);
}
