// The text a quiz shows around each question: the question itself, the reveal (key points marked
// covered or missed by the typed answer, then the full reasoning), the multiple-choice
// explanations and the scheduling line. Shared by the interactive and the scripted flows so both
// print the same thing. Colours and width come from the caller's terminal (TTY, NO_COLOR,
// --no-color, COLUMNS).
import type { ChalkInstance } from 'chalk';
import type { ChoiceQuestion, ScenarioDefinition } from '../scenario/contract.js';
import { wrap } from '../ui/text.js';
import type { KeyPointCoverage } from './coverage.js';
import type { GradeName } from './grades.js';
import { describeInterval } from './scheduler.js';
import type { SessionItem } from './selection.js';

export interface QuizView {
  style: ChalkInstance;
  /** Columns to wrap prose at. */
  width: number;
}

const kindLabel: Record<SessionItem['kind'], string> = { due: 'review', new: 'new', ahead: 'practice ahead', again: 'again: you missed it earlier' };

/** "2026-11-30 07:20": the same in every locale, sortable, local time (the user's clock). */
export function formatDateTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

function block(view: QuizView, text: string, indent = '', firstIndent = indent): string {
  return wrap(text, view.width, indent, firstIndent).join('\n');
}

/** Styles word by word, so that wrapping the text later never leaves a style open across lines. */
function paintWords(text: string, paint: (word: string) => string): string {
  return text.split(' ').map((word) => (word === '' ? word : paint(word))).join(' ');
}

/**
 * Wrapped like prose, then styled line by line: a colour code opened on one line and closed on the
 * next would bleed into the prompt or whatever is printed between them.
 */
export function styledBlock(view: QuizView, text: string, paint: (line: string) => string, indent = '', firstIndent = indent): string {
  return wrap(text, view.width, indent, firstIndent).map(paint).join('\n');
}

function header(view: QuizView, scenario: ScenarioDefinition, position: number, total: number, kind?: SessionItem['kind']): string {
  const title = `Question ${position}/${total} · #${scenario.id} ${scenario.title}`;
  if (!kind) return styledBlock(view, title, (line) => view.style.bold(line));
  // The "(new)" tag is dimmed, so it is wrapped with the title and then told apart by its text.
  const tag = `(${kindLabel[kind]})`;
  const lines = wrap(`${title} ${tag}`, view.width);
  return lines.map((line, index) => {
    if (index !== lines.length - 1 || !line.endsWith(tag)) return view.style.bold(line);
    const head = line.slice(0, line.length - tag.length);
    return `${head.trim() === '' ? '' : view.style.bold(head)}${view.style.dim(tag)}`;
  }).join('\n');
}

export function renderQuestionHeader(view: QuizView, scenario: ScenarioDefinition, position: number, total: number, kind?: SessionItem['kind']): string {
  return `\n${header(view, scenario, position, total, kind)}\n\n${block(view, scenario.question)}\n`;
}

/** The scripted answer as the learner wrote it, wrapped under an "Answer:" label. */
export function renderAnswerEcho(view: QuizView, answer: string): string {
  const text = answer.trim() || '(answered in my head)';
  return `${block(view, text, '        ', 'Answer: ')}\n`;
}

/** The key points, each marked as mentioned or missed by the typed answer (or listed, for an answer given in the head). */
export function renderCoverage(view: QuizView, answer: string, coverage: KeyPointCoverage[]): string {
  const { style } = view;
  const lines: string[] = [];
  if (answer.trim().length > 0) {
    const covered = coverage.filter((point) => point.covered).length;
    const partly = coverage.filter((point) => point.partial).length;
    lines.push(styledBlock(view, `Key points (${covered} of ${coverage.length} mentioned in your answer${partly > 0 ? `, ${partly} partly` : ''}; a hint for grading, not a verdict):`, (line) => style.bold(line)));
    for (const point of coverage) {
      const said = [...new Set(point.matched.filter((term): term is string => term !== undefined))].join(', ');
      const note = point.covered ? `(you said: ${said})`
        : point.partial ? `(partly: you said ${said}; not mentioned: ${point.missing.join(', ')})`
          : `(not mentioned: ${point.missing.join(', ')})`;
      const mark = point.covered ? style.green('✓') : point.partial ? style.yellow('~') : style.yellow('✗');
      lines.push(`${block(view, `${point.text} ${paintWords(note, (word) => style.dim(word))}`, '    ', `  ${mark} `)}`);
    }
  } else {
    lines.push(styledBlock(view, 'Key points of a strong answer (compare with the one in your head):', (line) => style.bold(line)));
    for (const point of coverage) lines.push(block(view, point.text, '    ', '  • '));
  }
  return `\n${lines.join('\n')}\n`;
}

/** The long part of the model answer: the full reasoning and what a senior adds. */
export function renderReasoning(view: QuizView, scenario: ScenarioDefinition): string {
  const { style } = view;
  const lines: string[] = ['', style.bold('The reasoning:')];
  for (const paragraph of scenario.answer.reasoning) lines.push(block(view, paragraph, '  '), '');
  if (scenario.answer.seniorNotes.length > 0) {
    lines.push(style.bold('What a senior adds:'));
    for (const note of scenario.answer.seniorNotes) lines.push(block(view, note, '    ', '  • '));
  }
  return `${lines.join('\n')}\n`;
}

export interface RevealOptions {
  /**
   * Interactive: the reasoning and senior notes stay folded (a choice at the grade prompt shows
   * them), so the 30-second answer and the coverage fit one screen right above the grade prompt.
   * Scripted output is read later, not on a screen: everything, coverage last.
   */
  fold?: boolean;
}

/** The reveal: the 30-second answer when there is one, the reasoning unless folded, the coverage last. */
export function renderRecallReveal(view: QuizView, scenario: ScenarioDefinition, answer: string, coverage: KeyPointCoverage[], options: RevealOptions = {}): string {
  const { style } = view;
  const parts: string[] = [];
  if (scenario.answer.short) parts.push(`\n${style.bold('The 30-second answer:')}\n${block(view, scenario.answer.short, '  ')}\n`);
  if (!options.fold) parts.push(renderReasoning(view, scenario));
  parts.push(renderCoverage(view, answer, coverage));
  return parts.join('');
}

export function renderChoiceQuestion(view: QuizView, scenario: ScenarioDefinition, question: ChoiceQuestion, position: number, total: number): string {
  return `\n${header(view, scenario, position, total)}\n\n${block(view, question.prompt)}\n`;
}

export function renderChoiceReveal(view: QuizView, question: ChoiceQuestion, chosen: number): string {
  const { style } = view;
  const correct = question.options[chosen]?.correct === true;
  const lines = [correct ? style.green.bold('Correct.') : style.red.bold('Not quite.')];
  question.options.forEach((option, index) => {
    const mark = option.correct ? style.green('✓') : index === chosen ? style.red('✗') : ' ';
    const yours = index === chosen ? ` ${paintWords('(your choice)', (word) => style.dim(word))}` : '';
    lines.push(block(view, `${index + 1}. ${option.text}${yours}`, '     ', `  ${mark} `));
    lines.push(style.dim(block(view, option.explanation, '       ')));
  });
  return `\n${lines.join('\n')}\n`;
}

export function renderScheduled(view: QuizView, scenario: ScenarioDefinition, grade: GradeName, due: Date, now: Date): string {
  const text = `Graded ${grade}. Next review of #${scenario.id} ${describeInterval(due, now)} (${formatDateTime(due)}).`;
  return `${styledBlock(view, text, (line) => view.style.dim(line))}\n`;
}
