// The interactive flow driven for real: the actual @inquirer prompts, fed keystrokes through
// @inquirer/testing's streams, with the session's own output captured on the same screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { render } from '@inquirer/testing';
import { inquirerPrompter } from '../../src/quiz/inquirer-prompter.js';
import type { PromptContext } from '../../src/quiz/inquirer-prompter.js';
import { nextChoiceQuestion, runQuizSession } from '../../src/quiz/session.js';
import type { SessionResult } from '../../src/quiz/session.js';
import { ProgressStore } from '../../src/quiz/progress-store.js';
import { applyGrade } from '../../src/quiz/scheduler.js';
import type { QuizMode } from '../../src/quiz/grades.js';
import type { ScenarioDefinition } from '../../src/scenario/contract.js';
import type { SessionItem } from '../../src/quiz/selection.js';
import { fixtureScenario, plain, withTemporaryHome } from './support/fixtures.js';

const clock = new Date('2026-06-01T08:30:00.000Z');

interface FlowProps {
  items: SessionItem[];
  mode: QuizMode;
  store: ProgressStore;
  demos: number[];
  width?: number;
  random?: () => number;
}

// The whole session presented to @inquirer/testing as one "prompt": it gets the test's input and
// output streams, and every prompt inside it reads and writes through them.
function sessionFlow(props: FlowProps, context?: PromptContext): Promise<SessionResult> & { cancel: () => void } {
  const write = (text: string): void => { context?.output?.write(text); };
  const result = runQuizSession(props.items, props.mode, {
    store: props.store,
    prompter: inquirerPrompter(context ?? {}, write, props.width ?? 100),
    write,
    view: { style: plain, width: props.width ?? 100 },
    now: () => clock,
    ...(props.random ? { random: props.random } : {}),
    runDemo: async (scenario: ScenarioDefinition) => { props.demos.push(scenario.id); },
  });
  return Object.assign(result, { cancel: () => undefined });
}

async function startSession(items: SessionItem[], mode: QuizMode, store: ProgressStore, width?: number, random?: () => number) {
  const demos: number[] = [];
  const rendered = await render(sessionFlow, { items, mode, store, demos, ...(width ? { width } : {}), ...(random ? { random } : {}) });
  const screen = (): string => stripVTControlCharacters(rendered.getFullOutput());
  // A prompt listens for keys once it has drawn itself. Every answered prompt leaves a "✔ message
  // answer" line, so the prompt being waited for is a "? message" drawn after a ✔ that was not
  // there at the previous wait. Checked turn by turn of the event loop, for at most five seconds.
  let answeredBefore = -1;
  const waitForPrompt = async (message: string): Promise<void> => {
    const deadline = Date.now() + 5_000;
    const ready = (): boolean => {
      const parts = screen().split('✔');
      return parts.length - 1 > answeredBefore && (parts.at(-1) ?? '').includes(`? ${message}`);
    };
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`prompt "${message}" never appeared. Screen:\n${screen()}`);
      await nextTurn();
    }
    answeredBefore = screen().split('✔').length - 1;
  };
  return { ...rendered, screen, waitForPrompt, demos };
}

const item = (scenario: ScenarioDefinition, kind: SessionItem['kind'] = 'new'): SessionItem => ({ scenario, kind });

test('answer → reveal with key-point coverage → self-grade → next review scheduled and saved', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const session = await startSession([item(fixtureScenario(24)), item(fixtureScenario(25))], 'recall', store);

    await session.waitForPrompt('Your answer:');
    assert.match(session.screen(), /Question 1\/2 · #24 Fixture scenario 24/);
    assert.match(session.screen(), /Why does request 24 create duplicates\?/);
    session.events.type('Put a unique index on email and map duplicate key errors to 409.');
    session.events.keypress('enter');
    await session.waitForPrompt('Your answer (continued):');
    session.events.type('Otherwise two requests race.');
    session.events.keypress('enter');
    await session.waitForPrompt('Your answer (continued):');
    session.events.keypress('enter');

    await session.waitForPrompt('How well did you answer?');
    const reveal = session.screen();
    assert.match(reveal, /Key points \(2 of 2 mentioned/);
    assert.match(reveal, /✓ A unique index makes the database the arbiter \(you said: unique index, duplicate key\)/);
    assert.match(reveal, /✓ Check-then-insert is a race/);
    // Folded: the reveal fits one screen, coverage right above the grade prompt; a key unfolds it.
    assert.doesNotMatch(reveal, /Reasoning paragraph for 24\./);
    assert.doesNotMatch(reveal, /Senior note 24\./);
    assert.match(reveal, /1–5 or ↑↓ choose/, 'the footer names the number keys');
    session.events.type('5'); // show the reasoning first
    session.events.keypress('enter');
    await session.waitForPrompt('How well did you answer?');
    const unfolded = session.screen();
    assert.match(unfolded, /Reasoning paragraph for 24\./);
    assert.match(unfolded, /Senior note 24\./);
    assert.match(unfolded.slice(unfolded.lastIndexOf('Senior note 24.')), /Key points \(2 of 2 mentioned/, 'coverage printed again, under the reasoning');
    session.events.keypress('enter'); // the default, Good

    await session.waitForPrompt('Watch the live demo of #24 now?');
    session.events.type('y');
    session.events.keypress('enter');

    // Second question answered in one's head: Enter straight away, then Hard.
    await session.waitForPrompt('Your answer:');
    session.events.keypress('enter');
    await session.waitForPrompt('How well did you answer?');
    assert.match(session.screen(), /Key points of a strong answer \(compare with the one in your head\):\n {2}• A unique index/);
    session.events.keypress('up');
    session.events.keypress('enter');
    await session.waitForPrompt('Watch the live demo of #25 now?');
    session.events.keypress('enter');

    const result = await session.answer;
    assert.equal(result.interrupted, false);
    assert.deepEqual(result.graded.map((g) => [g.id, g.grade]), [[24, 'good'], [25, 'hard']]);
    assert.deepEqual(session.demos, [24], 'the demo ran only where accepted');
    const saved = await store.read();
    assert.equal(saved.scenarios['24']?.card.due, applyGrade(undefined, 'good', clock, { mode: 'recall' }).card.due);
    assert.equal(saved.scenarios['25']?.card.due, applyGrade(undefined, 'hard', clock, { mode: 'recall' }).card.due);
    assert.match(session.screen(), /Graded good\. Next review of #24 in 10 min/);
  });
});

test('Ctrl-C mid-session keeps every answer graded before it', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const items = [item(fixtureScenario(24)), item(fixtureScenario(25)), item(fixtureScenario(26))];
    const session = await startSession(items, 'recall', store);

    await session.waitForPrompt('Your answer:');
    session.events.keypress('enter');
    await session.waitForPrompt('How well did you answer?');
    session.events.keypress('down'); // Easy
    session.events.keypress('enter');
    await session.waitForPrompt('Watch the live demo of #24 now?');
    session.events.keypress('enter');

    await session.waitForPrompt('Your answer:');
    session.events.type('half an answer');
    session.events.keypress({ name: 'c', ctrl: true });

    const result = await session.answer;
    assert.equal(result.interrupted, true);
    assert.deepEqual(result.graded.map((g) => [g.id, g.grade]), [[24, 'easy']]);
    const saved = await store.read();
    assert.deepEqual(Object.keys(saved.scenarios), ['24']);
    assert.deepEqual(saved.scenarios['24']?.reviews.map((r) => r.grade), ['easy']);
  });
});

test('choice mode: options shown shuffled, answer mapped back, every option explained in the order asked, wrong answer scheduled as Again', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    // random() = 0 makes Fisher–Yates swap the two options: the stored-first (correct) one is shown second.
    const session = await startSession([item(fixtureScenario(28))], 'choice', store, undefined, () => 0);

    await session.waitForPrompt('Your choice:');
    assert.match(session.screen(), /Q1 of 28: which status\?/);
    assert.match(session.screen(), /1\. 500 Internal Server Error[\s\S]*2\. 409 Conflict/);
    session.events.keypress('enter');
    await session.waitForPrompt('Watch the live demo of #28 now?');
    const screen = session.screen();
    assert.match(screen, /Not quite\./);
    assert.match(screen, /✗ 1\. 500 Internal Server Error \(your choice\)\n\s+The client caused it, not a bug\./);
    assert.match(screen, /✓ 2\. 409 Conflict\n\s+The resource already exists\./);
    assert.match(screen, /#28 comes back at the end of this session\./);
    session.events.keypress('enter');

    // Again is a learning step: the card comes back in this session (its next question), without a second demo offer.
    await session.waitForPrompt('Your choice:');
    assert.match(session.screen(), /Question 2\/2 · #28[\s\S]*Q2 of 28: which error code\?/);
    const again = session.screen().slice(session.screen().lastIndexOf('Q2 of 28'));
    session.events.type(/(\d)\. 11000/.exec(again)?.[1] ?? '1'); // the number key of the right answer
    session.events.keypress('enter');

    const result = await session.answer;
    assert.equal(result.graded.length, 2);
    assert.equal(result.graded[1]?.grade, 'good');
    assert.deepEqual(result.graded[0] && [result.graded[0].id, result.graded[0].grade], [28, 'again']);
    const saved = await store.read();
    assert.deepEqual(saved.scenarios['28']?.reviews[0] && [saved.scenarios['28'].reviews[0].mode, saved.scenarios['28'].reviews[0].question, saved.scenarios['28'].reviews[0].grade], ['choice', 0, 'again']);
    assert.equal(saved.scenarios['28']?.reviews[1]?.question, 1);
  });
});

test('choice mode: picking the correct option at its shuffled position grades Good', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const session = await startSession([item(fixtureScenario(28))], 'choice', store, undefined, () => 0);
    await session.waitForPrompt('Your choice:');
    session.events.keypress('down');
    session.events.keypress('enter');
    await session.waitForPrompt('Watch the live demo of #28 now?');
    assert.match(session.screen(), /Correct\./);
    assert.match(session.screen(), /✓ 2\. 409 Conflict \(your choice\)/);
    session.events.keypress('enter');
    const result = await session.answer;
    assert.deepEqual(result.graded.map((g) => [g.id, g.grade]), [[28, 'good']]);
  });
});

test('multiple-choice questions rotate across sessions', () => {
  let entry = undefined as ReturnType<typeof applyGrade> | undefined;
  const asked: number[] = [];
  for (let round = 0; round < 4; round += 1) {
    const question = nextChoiceQuestion(entry, 3);
    asked.push(question);
    entry = applyGrade(entry, 'good', clock, { mode: 'choice', question });
    entry = applyGrade(entry, 'hard', clock, { mode: 'recall' }); // recall reviews do not disturb the rotation
  }
  assert.deepEqual(asked, [0, 1, 2, 0]);
});

test('at 60 columns the heading, the answer instructions, the reveal and the scheduling line fit', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const scenario = fixtureScenario(24, { title: 'Registration race: one email, many accounts, and the index that settles it' });
    const session = await startSession([item(scenario)], 'recall', store, 60);
    await session.waitForPrompt('Your answer:');
    session.events.type('A unique index turns the second insert into a duplicate key error; check-then-insert is a race.');
    session.events.keypress('enter');
    await session.waitForPrompt('Your answer (continued):');
    session.events.keypress('enter');
    await session.waitForPrompt('How well did you answer?');
    session.events.keypress('enter');
    await session.waitForPrompt('Watch the live demo of #24 now?');
    session.events.keypress('enter');
    await session.answer;

    const screen = session.screen();
    const flat = screen.replace(/\s+/g, ' ');
    assert.ok(flat.includes(`Question 1/1 · #24 ${scenario.title} (new)`));
    assert.ok(flat.includes('Type your answer (as many lines as you like; an empty line finishes). Press Enter right away to answer in your head.'));
    assert.ok(flat.includes('Key points (2 of 2 mentioned in your answer; a hint for grading, not a verdict):'));
    assert.match(flat, /Graded good\. Next review of #24 in 10 min/);
    // The prompt library draws (and redraws, keystroke by keystroke) its own prompt lines; every
    // line the session itself prints fits.
    const wide = screen.split('\n').filter((line) => [...line].length > 60 && !/[?✔] /.test(line));
    assert.deepEqual(wide, []);
  });
});
