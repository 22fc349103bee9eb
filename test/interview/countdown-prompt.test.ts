// The countdown prompt driven for real through @inquirer/testing: the clock ticks while the
// candidate types, and every redraw still shows exactly what was typed; running over changes the
// wording, never the text; an empty line finishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { render } from '@inquirer/testing';
import { countdownAnswer } from '../../src/interview/countdown-prompt.js';

/** Waits until the screen shows `text` (the clock ticks on a real timer; the test clock is injected). */
async function screenShows(getScreen: () => string, text: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const screen = getScreen();
    if (screen.includes(text)) return screen;
    await delay(5);
  }
  assert.fail(`the screen never showed "${text}"; it shows:\n${getScreen()}`);
}

test('ticks redraw the countdown without touching the typed text, and running over is worded, not enforced', async () => {
  let now = 0;
  const { answer, events, getScreen } = await render(countdownAnswer, { label: 'Scenario 1 of 3', budgetSeconds: 90, now: () => now, tickMs: 10 });
  await screenShows(getScreen, '1:30 left');
  events.type('a unique index on email');
  events.keypress('enter');
  events.type('and 11000 becomes');
  now = 45_000;
  const midway = await screenShows(getScreen, '0:45 left');
  assert.match(midway, /\n {2}a unique index on email\n> and 11000 becomes/, 'the lines typed survive the redraw');
  now = 102_000;
  const over = await screenShows(getScreen, 'over time by 0:12');
  assert.match(over, /> and 11000 becomes/, 'the line being typed is still there');
  events.type(' 409');
  events.keypress('enter');
  events.keypress('enter');
  assert.deepEqual(await answer, { text: 'a unique index on email\nand 11000 becomes 409', seconds: 102 });
});

test('Enter at once means the answer was given aloud', async () => {
  const { answer, events } = await render(countdownAnswer, { label: 'Follow-up 1 of 2', budgetSeconds: 60, now: () => 0 });
  events.keypress('enter');
  assert.deepEqual(await answer, { text: '', seconds: 0 });
});
