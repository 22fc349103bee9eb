// Practice state lives in the quiz's progress file: files written before it existed stay valid,
// every change goes through the store's locked update, and a malformed entry is refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressStore } from '../../src/quiz/progress-store.js';
import { parseProgress, ProgressFormatError } from '../../src/quiz/progress.js';
import { practiceOf, practiceState, recordAttempt, recordHint, recordSolutionViewed } from '../../src/practice/practice-progress.js';

test('a progress file from before practice mode reads as "not started" and keeps its quiz data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-practice-progress-'));
  try {
    const file = join(dir, 'progress.json');
    const card = { due: '2026-01-01T00:00:00.000Z', stability: 1, difficulty: 5, elapsedDays: 0, scheduledDays: 1, learningSteps: 0, reps: 1, lapses: 0, state: 'Learning', lastReview: null };
    writeFileSync(file, JSON.stringify({ version: 1, scenarios: { 24: { card, reviews: [] } } }));
    const store = new ProgressStore(file);
    assert.equal(practiceState((await store.read()).practice?.['24']), 'not started');

    await recordHint(store, 24, 'oneAccount');
    assert.equal(practiceState(practiceOf(await store.read(), 24)), 'attempted');
    await recordAttempt(store, 24, false, ['oneAccount']);
    const solved = await recordAttempt(store, 24, true, [], new Date('2026-11-30T10:00:00Z'));
    assert.equal(solved.attempts, 2);
    assert.equal(solved.solvedAt, '2026-11-30T10:00:00.000Z');
    assert.equal((await recordAttempt(store, 24, false, ['oneAccount'])).solvedAt, '2026-11-30T10:00:00.000Z', 'solved stays solved');
    await recordSolutionViewed(store, 24);

    const saved = JSON.parse(readFileSync(file, 'utf8')) as { scenarios: Record<string, unknown>; practice: Record<string, { hints: Record<string, number> }> };
    assert.deepEqual(saved.scenarios['24'], { card, reviews: [] });
    assert.deepEqual(saved.practice['24']?.hints, { oneAccount: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed practice entry is refused, naming it', () => {
  const text = JSON.stringify({ version: 1, scenarios: {}, practice: { 24: { attempts: -1, solvedAt: null, lastAttemptAt: null, hints: {}, lastFailed: [], solutionViewedAt: null } } });
  assert.throws(() => parseProgress(text), (error: Error) => error instanceof ProgressFormatError && /practice 24: attempts/.test(error.message));
});
