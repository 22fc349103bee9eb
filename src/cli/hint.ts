// `hint <id>`: the next hint for the check that failed first on the last verify (or, before any
// verify, the first check the starter fails). Each call reveals one more hint for that check and
// repeats the earlier ones; the last hint still leaves the writing to the learner.
import { findExercise } from '../practice/exercise-lookup.js';
import { practiceOf, recordHint } from '../practice/practice-progress.js';
import { openProgressStore } from '../quiz/progress-store.js';
import { createTerminal } from '../ui/terminal.js';
import { wrap } from '../ui/text.js';
import { command } from './invocation.js';

export async function hintCommand(idText: string | undefined): Promise<void> {
  const { scenario } = await findExercise(idText, 'hint');
  const { hints, starter } = scenario.exercise;
  const store = openProgressStore((message) => process.stderr.write(`${message}\n`));
  const before = practiceOf(await store.read(), scenario.id);
  const candidates = [...before.lastFailed, ...starter.fails].filter((id) => hints[id] !== undefined);
  // The first failing check whose hints are not all shown yet; once all are, stay on the first.
  const checkId = candidates.find((id) => (before.hints[id] ?? 0) < hints[id]!.length) ?? candidates[0];
  const terminal = createTerminal();
  const { style } = terminal;
  if (checkId === undefined) {
    terminal.line('No hints for this exercise.');
    return;
  }
  const list = hints[checkId]!;
  const shown = Math.min((before.hints[checkId] ?? 0) + 1, list.length);
  if ((before.hints[checkId] ?? 0) < list.length) await recordHint(store, scenario.id, checkId);
  terminal.line(style.bold(`Hint ${shown} of ${list.length} for ${checkId}`));
  list.slice(0, shown).forEach((hint, index) => {
    const paint = index === shown - 1 ? (text: string) => text : (text: string) => style.dim(text);
    for (const line of wrap(hint, terminal.width, '    ', `  ${index + 1}. `)) terminal.line(paint(line));
  });
  terminal.line();
  terminal.line(style.dim(shown < list.length
    ? `Run \`${command(`hint ${scenario.id}`)}\` again for more.`
    : `That is every hint for ${checkId}. \`${command(`solution ${scenario.id}`)}\` shows the reference fix.`));
}
