// The QuizPrompter on @inquirer/prompts. No editor is launched for answers (many users have no
// $EDITOR set and the switch breaks the flow): the answer is typed line by line and an empty line
// ends it; Enter alone on the first line means "I answered in my head".
import { Writable } from 'node:stream';
import { confirm, input, select } from '@inquirer/prompts';
import { wrap } from '../ui/text.js';
import type { ChoiceQuestion, ScenarioDefinition } from '../scenario/contract.js';
import { gradeLabels, gradeNames } from './grades.js';
import type { GradeName } from './grades.js';
import type { QuizPrompter } from './session.js';

/** Where prompts read and write (stdin/stdout by default); tests pass their own streams. */
export type PromptContext = NonNullable<Parameters<typeof input>[1]>;

/**
 * @inquirer/core ends the output stream it was handed once a prompt is done (it pipes into it);
 * process.stdout shrugs that off, but any other stream would be closed after the first question.
 * Each prompt therefore gets its own forwarding stream in front of a caller-provided output.
 */
function contextForOnePrompt(context: PromptContext): PromptContext {
  const output = context.output;
  if (!output) return context;
  const forward = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      output.write(chunk);
      done();
    },
  });
  return { ...context, output: forward };
}

const answerInstructions = 'Type your answer (as many lines as you like; an empty line finishes). Press Enter right away to answer in your head.';

/** The footer under a choice list: number keys work (as in Anki), so say so. */
function numberKeysTheme(count: number) {
  return { style: { keysHelpTip: () => `\x1b[2m1–${count} or ↑↓ choose · ⏎ confirm\x1b[22m` } };
}

/**
 * A choice's text wrapped with a hanging indent under its own first word ("1. Each call…" continues
 * under "Each"), leaving room for the prompt's cursor column.
 */
export function choiceLabel(number: number, text: string, width: number): string {
  const head = `${number}. `;
  return wrap(text, Math.max(20, width - 2), ' '.repeat(head.length + 2), head).map((line, index) => (index === 0 ? line : line.slice(2))).join('\n');
}

/** `width`: columns to wrap the instructions printed around prompts at (the terminal's). */
export function inquirerPrompter(base: PromptContext = {}, write: (text: string) => void = () => undefined, width = 80): QuizPrompter {
  const context = (): PromptContext => contextForOnePrompt(base);
  return {
    async answer() {
      write(`${wrap(answerInstructions, width).join('\n')}\n`);
      const lines: string[] = [];
      for (;;) {
        const line = await input({ message: lines.length === 0 ? 'Your answer:' : 'Your answer (continued):' }, context());
        if (line.trim() === '') break;
        lines.push(line);
      }
      return lines.join('\n');
    },
    async grade(nextReview: Record<GradeName, string>, options: { canExpand?: boolean } = {}) {
      const grades = gradeNames.map((grade, index) => ({ value: grade as GradeName | 'reasoning', name: `${index + 1}. ${gradeLabels[grade]}  (next review ${nextReview[grade]})`, short: grade }));
      const expand = options.canExpand ? [{ value: 'reasoning' as const, name: `${grades.length + 1}. Show the full reasoning and what a senior adds first`, short: 'reasoning' }] : [];
      return select<GradeName | 'reasoning'>({
        message: 'How well did you answer?',
        choices: [...grades, ...expand],
        default: 'good',
        theme: numberKeysTheme(grades.length + expand.length),
      }, context());
    },
    async choose(question: ChoiceQuestion) {
      return select<number>({
        message: 'Your choice:',
        choices: question.options.map((option, index) => ({ value: index, name: choiceLabel(index + 1, option.text, width), short: String(index + 1) })),
        theme: numberKeysTheme(question.options.length),
      }, context());
    },
    async offerDemo(scenario: ScenarioDefinition) {
      return confirm({ message: `Watch the live demo of #${scenario.id} now?`, default: false }, context());
    },
  };
}
