// Temp dirs of runs that died without cleaning up (SIGKILL) are swept by the next run: they may
// hold .env files with secrets. A dir whose owner is alive is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { sweepLeftoverTempDirs, tempDirPrefix } from '../../src/runtime/run-scenario.js';

/** A PID that certainly belonged to a process that has exited: one we started and waited for. */
async function deadPid(): Promise<number> {
  const child = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(child.status, 0);
  return child.pid;
}

test('leftovers of dead runs are removed, live runs and other files are kept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bs-sweep-test-'));
  try {
    const dead = join(root, `${tempDirPrefix}${await deadPid()}-abc123`);
    const live = join(root, `${tempDirPrefix}${process.pid}-def456`);
    const oldUnowned = join(root, `${tempDirPrefix}ghi789`);
    const recentUnowned = join(root, `${tempDirPrefix}jkl012`);
    const unrelated = join(root, 'something-else-123');
    for (const dir of [dead, live, oldUnowned, recentUnowned, unrelated]) {
      mkdirSync(join(dir, 'app'), { recursive: true });
      writeFileSync(join(dir, 'app', '.env'), 'JWT_SECRET=x\n', { mode: 0o600 });
    }
    // Made before PIDs were in the name: only swept once clearly abandoned (dated back two days).
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(oldUnowned, twoDaysAgo, twoDaysAgo);

    const removed = sweepLeftoverTempDirs(root).sort();
    assert.deepEqual(removed, [dead, oldUnowned].sort());
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(oldUnowned), false);
    assert.equal(existsSync(join(live, 'app', '.env')), true, 'a running demo keeps its files');
    assert.equal(existsSync(recentUnowned), true);
    assert.equal(existsSync(unrelated), true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
