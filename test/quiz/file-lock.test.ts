// The progress lock when the disk or a process lets it down: a lock file that was created but never
// filled (a full disk between open and write, a kill in between) must not block every later save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock, LockTimeoutError } from '../../src/quiz/file-lock.js';
import { withTemporaryHome } from './support/fixtures.js';

test('a write that fails after the lock file was created (full disk) removes the lock again', async () => {
  await withTemporaryHome(async (home) => {
    const lock = join(home.dir, 'progress.json.lock');
    // Fault injection on the real code path: the next FileHandle.writeFile fails as a full disk does.
    const probe = await open(join(home.dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { writeFile: (...args: unknown[]) => Promise<void> };
    await probe.close();
    const original = prototype.writeFile;
    prototype.writeFile = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    try {
      await assert.rejects(withFileLock(lock, async () => 'never'), /ENOSPC/);
    } finally {
      prototype.writeFile = original;
    }
    assert.deepEqual((await readdir(home.dir)).filter((name) => name.includes('.lock')), [], 'no empty lock left behind');
    assert.equal(await withFileLock(lock, async () => 'saved', { timeoutMs: 200 }), 'saved', 'the next save goes through at once');
  });
});

test('an empty lock older than a few seconds is stale and broken; a fresh empty one is waited for', async () => {
  await withTemporaryHome(async (home) => {
    const lock = join(home.dir, 'progress.json.lock');
    await writeFile(lock, '');
    // Fresh: its creator may be about to write its owner in, so it is respected (until the timeout).
    await assert.rejects(withFileLock(lock, async () => 'x', { timeoutMs: 100 }), (error: unknown) => error instanceof LockTimeoutError);
    // Ten seconds old (dated back, not waited for): abandoned.
    const past = new Date(Date.now() - 10_000);
    await utimes(lock, past, past);
    const started = Date.now();
    assert.equal(await withFileLock(lock, async () => 'saved', { timeoutMs: 5_000 }), 'saved');
    assert.ok(Date.now() - started < 2_000, 'broken at once, not after the timeout');
    assert.deepEqual((await readdir(home.dir)).filter((name) => name.includes('.lock')), []);
  });
});

test('a lock with a live owner written in it is not broken by the empty-lock rule', async () => {
  await withTemporaryHome(async (home) => {
    const lock = join(home.dir, 'progress.json.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, token: 'another-holder-in-this-process' }));
    const past = new Date(Date.now() - 10_000);
    await utimes(lock, past, past);
    await assert.rejects(withFileLock(lock, async () => 'x', { timeoutMs: 100 }), (error: unknown) => error instanceof LockTimeoutError);
  });
});
