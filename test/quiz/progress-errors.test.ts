// QA2 #1: a progress folder that cannot be written is reported before the first question (one line,
// the path, the reason, a hint), and a save that still fails mid-session names the grade it lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProgressWriteError, progressWriteError } from '../../src/quiz/progress-errors.js';
import { ProgressStore } from '../../src/quiz/progress-store.js';
import { runQuizSession } from '../../src/quiz/session.js';
import type { QuizPrompter } from '../../src/quiz/session.js';
import { runScriptedAnswers } from '../../src/quiz/scripted.js';
import { UserError } from '../../src/cli/errors.js';
import { fixtureScenario, plain, withTemporaryHome } from './support/fixtures.js';

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, open '/data/progress.json.lock'`), { code });
}

test('EACCES, EPERM, EROFS and ENOSPC become a usage error naming the folder, the reason and the hint', () => {
  const expected: Record<string, RegExp> = { EACCES: /permission denied/, EPERM: /not permitted/, EROFS: /read-only/, ENOSPC: /no space/ };
  for (const [code, reason] of Object.entries(expected)) {
    const error = progressWriteError(fsError(code), '/data/bs');
    assert.ok(error instanceof ProgressWriteError && error instanceof UserError, code);
    assert.match(error.message, new RegExp(`Cannot write quiz progress in /data/bs \\(${code}: `));
    assert.match(error.message, reason);
    assert.match(error.hint ?? '', /BACKEND_SCENARIOS_HOME to a writable folder/);
    assert.equal(error.exitCode, 2);
  }
  assert.equal(progressWriteError(fsError('EIO'), '/data/bs'), undefined, 'an unexpected error keeps its stack');
  assert.equal(progressWriteError(new TypeError('bug'), '/data/bs'), undefined);
});

test('ensureWritable creates a missing folder and refuses a path blocked by a regular file (EEXIST, ENOTDIR)', async () => {
  await withTemporaryHome(async (home) => {
    const fresh = new ProgressStore(join(home.dir, 'a', 'b', 'progress.json'));
    await fresh.ensureWritable();
    assert.ok((await stat(join(home.dir, 'a', 'b'))).isDirectory());

    await writeFile(join(home.dir, 'blocker'), 'a file, not a folder');
    // The folder itself is a file (EEXIST), or a file sits higher up its path (ENOTDIR).
    for (const [folder, code] of [[join(home.dir, 'blocker'), 'EEXIST'], [join(home.dir, 'blocker', 'sub'), 'ENOTDIR']] as const) {
      const blocked = new ProgressStore(join(folder, 'progress.json'));
      await assert.rejects(blocked.ensureWritable(), (error: unknown) => {
        assert.ok(error instanceof ProgressWriteError);
        assert.equal(error.code, code);
        assert.equal(error.message.startsWith(`Cannot write quiz progress in ${folder} (${code}: `), true, error.message);
        return true;
      });
      // A save through the lock is mapped the same way, never a raw fs error.
      await assert.rejects(blocked.update((progress) => progress), ProgressWriteError);
    }
  });
});

/** A store on a good folder whose saves start failing with `code` after `okSaves` saves. */
function failingStore(file: string, okSaves: number, code: string): ProgressStore {
  const store = new ProgressStore(file);
  const update = store.update.bind(store);
  let saves = 0;
  store.update = async (change) => {
    saves += 1;
    if (saves > okSaves) throw progressWriteError(fsError(code), '/data/bs')!;
    return update(change);
  };
  return store;
}

const choosing: QuizPrompter = {
  answer: () => Promise.resolve(''),
  grade: () => Promise.resolve('good'),
  offerDemo: () => Promise.resolve(false),
  choose: (question) => Promise.resolve(question.options.findIndex((option) => option.correct)),
};

test('a save refused mid-session (EROFS) names the lost grade and the ones saved before it, exit 1', async () => {
  await withTemporaryHome(async (home) => {
    const store = failingStore(join(home.dir, 'progress.json'), 1, 'EROFS');
    const items = [24, 25].map((id) => ({ scenario: fixtureScenario(id), kind: 'new' as const }));
    await assert.rejects(
      runQuizSession(items, 'recall', { store, prompter: choosing, write: () => undefined, view: { style: plain, width: 80 } }),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.equal(error.exitCode, 1);
        assert.match(error.message, /\(EROFS: read-only file system\)/);
        assert.match(error.message, /grade for #25 Fixture scenario 25 \(good\) was NOT saved/);
        assert.match(error.message, /Saved before it: #24 good\./);
        assert.match(error.hint ?? '', /quiz --id 25/);
        return true;
      },
    );
    assert.deepEqual(Object.keys((await store.read()).scenarios), ['24']);
  });
});

test('quiz --answers: a refused save (EACCES) names the scripted entry whose grade was lost', async () => {
  await withTemporaryHome(async (home) => {
    const store = failingStore(join(home.dir, 'progress.json'), 0, 'EACCES');
    const scenario = fixtureScenario(26);
    await assert.rejects(
      runScriptedAnswers([{ kind: 'choice', scenario, question: 0, choice: 1 }], { store, write: () => undefined, view: { style: plain, width: 80 } }),
      /grade for #26 Fixture scenario 26 \(again\) was NOT saved\. Nothing else from this session was graded\./,
    );
  });
});
