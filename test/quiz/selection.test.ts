import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdList, selectSession, sessionCounts } from '../../src/quiz/selection.js';
import { applyGrade } from '../../src/quiz/scheduler.js';
import { emptyProgress } from '../../src/quiz/progress.js';
import type { Progress } from '../../src/quiz/progress.js';
import { UserError } from '../../src/cli/errors.js';
import { fixtureScenario } from './support/fixtures.js';

const scenarios = [24, 25, 26, 27, 28].map((id) => fixtureScenario(id, id === 26 ? { tags: ['express', 'security'] } : {}));
const t0 = new Date('2026-05-01T10:00:00.000Z');
const hours = (n: number): Date => new Date(t0.getTime() + n * 3_600_000);

// 27 reviewed first (due soonest), then 25; 28 was graded easy and is not due for days.
function progressAt(): Progress {
  const progress = emptyProgress();
  progress.scenarios['27'] = applyGrade(undefined, 'again', t0, { mode: 'recall' });
  progress.scenarios['25'] = applyGrade(undefined, 'again', hours(1), { mode: 'recall' });
  progress.scenarios['28'] = applyGrade(undefined, 'easy', t0, { mode: 'recall' });
  return progress;
}

test('due reviews come first, most overdue first, then new scenarios by id', () => {
  const items = selectSession(scenarios, progressAt(), { count: 10 }, hours(2));
  assert.deepEqual(items.map((i) => [i.scenario.id, i.kind]), [[27, 'due'], [25, 'due'], [24, 'new'], [26, 'new']]);
});

test('--count limits the session', () => {
  assert.deepEqual(selectSession(scenarios, progressAt(), { count: 3 }, hours(2)).map((i) => i.scenario.id), [27, 25, 24]);
});

test('before anything is due only new scenarios are offered', () => {
  const items = selectSession(scenarios, progressAt(), { count: 10 }, t0);
  assert.deepEqual(items.map((i) => i.kind), ['new', 'new']);
});

test('--tag narrows case-insensitively; an unknown tag names the tags in use', () => {
  assert.deepEqual(selectSession(scenarios, emptyProgress(), { count: 5, tags: ['Security'] }, t0).map((i) => i.scenario.id), [26]);
  assert.throws(() => selectSession(scenarios, emptyProgress(), { count: 5, tags: ['redis'] }, t0),
    (error: unknown) => error instanceof UserError && /redis/.test(error.message) && /express, mongodb, security/.test(error.hint ?? ''));
});

test('--id includes scenarios that are not due yet, and asks them in the order typed', () => {
  const items = selectSession(scenarios, progressAt(), { count: 5, ids: [28, 24, 27] }, hours(2));
  assert.deepEqual(items.map((i) => [i.scenario.id, i.kind]), [[28, 'ahead'], [24, 'new'], [27, 'due']]);
});

test('--id with an unknown id is a user error', () => {
  assert.throws(() => selectSession(scenarios, emptyProgress(), { count: 5, ids: [24, 99] }, t0),
    (error: unknown) => error instanceof UserError && /99/.test(error.message));
});

test('id lists are parsed and bad ones rejected', () => {
  assert.deepEqual(parseIdList('24, 28,24'), [24, 28]);
  for (const bad of ['', 'abc', '24,x', ',']) assert.throws(() => parseIdList(bad), UserError);
});

test('a session opens with its counts: due reviews, cards still learning, new', () => {
  const progress = progressAt();
  // 28 was graded easy (a review card), due again days later.
  progress.scenarios['28'] = applyGrade(progress.scenarios['28'], 'good', hours(24 * 30), { mode: 'recall' });
  const items = selectSession(scenarios, progress, { count: 5 }, hours(24 * 400));
  assert.deepEqual(sessionCounts(items, progress), { due: 1, learning: 2, new: 2 });
});
