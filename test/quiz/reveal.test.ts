// The quiz's own text at a narrow terminal: headings, the Answer: echo, key-point headings and the
// scheduling line wrap like the rest of the prose, and colour never spans a line break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
import { choiceLabel } from '../../src/quiz/inquirer-prompter.js';
import {
  formatDateTime, renderAnswerEcho, renderChoiceQuestion, renderChoiceReveal, renderQuestionHeader, renderRecallReveal, renderScheduled,
} from '../../src/quiz/reveal.js';
import type { QuizView } from '../../src/quiz/reveal.js';
import { keyPointCoverage } from '../../src/quiz/coverage.js';
import { fixtureScenario, plain } from './support/fixtures.js';

const longTitled = fixtureScenario(24, { title: 'Registration race: one email, many accounts, and what the index proves' });
const answer = 'Put a unique index on email so the second insert fails with a duplicate key error, then answer 409 Conflict; '
  + 'checking first is a race between concurrent requests.';

function allText(view: QuizView): string {
  const question = longTitled.quiz.choices[0]!;
  return [
    renderQuestionHeader(view, longTitled, 1, 2, 'new'),
    renderAnswerEcho(view, answer),
    renderRecallReveal(view, longTitled, answer, keyPointCoverage(answer, longTitled.answer.keyPoints)),
    renderRecallReveal(view, longTitled, '', keyPointCoverage('', longTitled.answer.keyPoints)),
    renderChoiceQuestion(view, longTitled, question, 2, 2),
    renderChoiceReveal(view, question, 1),
    renderScheduled(view, longTitled, 'good', new Date('2026-06-01T08:40:00Z'), new Date('2026-06-01T08:30:00Z')),
  ].join('');
}

const escape = String.fromCharCode(27);

const tooWide = (text: string, width: number): string[] =>
  stripVTControlCharacters(text).split('\n').filter((line) => [...line].length > width);

test('at 60 columns every line fits and no word is lost', () => {
  const text = allText({ style: plain, width: 60 });
  assert.deepEqual(tooWide(text, 60), []);
  const flat = text.replace(/\s+/g, ' ');
  assert.ok(flat.includes(`Question 1/2 · #24 ${longTitled.title} (new)`));
  assert.ok(flat.includes(`Answer: ${answer}`));
  assert.ok(flat.includes('Key points (2 of 2 mentioned in your answer; a hint for grading, not a verdict):'));
  assert.ok(flat.includes('Key points of a strong answer (compare with the one in your head):'));
  assert.match(flat, /Graded good\. Next review of #24 in 10 min \(/);
  // Continuation lines of the echo line up under the answer, not under "Answer:".
  const echo = renderAnswerEcho({ style: plain, width: 60 }, answer).split('\n');
  assert.ok(echo.length > 2);
  assert.ok(echo.slice(1, -1).every((line) => line.startsWith('        ') && !line.startsWith('         ')));
});

test('at 100 columns the same heading stays on one line', () => {
  const header = renderQuestionHeader({ style: plain, width: 100 }, longTitled, 1, 2, 'new');
  assert.match(header, new RegExp(`\\nQuestion 1/2 · #24 ${longTitled.title} \\(new\\)\\n`));
});

test('with colour, every wrapped line opens and closes its own style', () => {
  const style = new Chalk({ level: 1 });
  const text = allText({ style, width: 60 });
  assert.deepEqual(tooWide(text, 60), []);
  for (const line of text.split('\n')) {
    const opened = line.split(`${escape}[`).slice(1).filter((code) => /^(1|2|3[0-8])m/.test(code)).length;
    const closed = line.split(`${escape}[`).slice(1).filter((code) => /^(22|39)m/.test(code)).length;
    assert.equal(opened, closed, `unbalanced styles in ${JSON.stringify(line)}`);
  }
  const header = renderQuestionHeader({ style, width: 60 }, longTitled, 1, 2, 'new');
  assert.ok(header.includes(style.dim('(new)')), 'the session kind is dimmed');
  assert.ok(header.includes(style.bold('Question 1/2 · #24 Registration race: one email, many')));
});

test('dates read the same in every locale: 2026-06-01 08:40, local time', () => {
  const local = new Date(2026, 5, 1, 8, 40);
  assert.equal(formatDateTime(local), '2026-06-01 08:40');
  const scheduled = renderScheduled({ style: plain, width: 100 }, longTitled, 'good', local, new Date(2026, 5, 1, 8, 30));
  assert.match(scheduled, /in 10 min \(2026-06-01 08:40\)/);
  assert.doesNotMatch(scheduled, /AM|PM|\//);
});

test('a wrapped choice continues under its own text, not at column 0', () => {
  const label = choiceLabel(4, 'Each call generates a new random salt, stored in the hash, so the output differs every time.', 60);
  const [first, ...rest] = label.split('\n');
  assert.match(first ?? '', /^4\. Each call/);
  assert.ok(rest.length > 0);
  for (const line of rest) assert.match(line, /^ {3}\S/, `hanging indent: ${JSON.stringify(line)}`);
  assert.ok(label.split('\n').every((line) => line.length <= 58), 'room left for the cursor column');
});
