// A cross-process lock around read-modify-write of the progress file. Atomic rename alone keeps the
// file whole (a reader sees the old or the new version, never half of one) but two quiz sessions
// grading at once would each write back what they read and silently drop the other's grade. So
// each update takes this lock, re-reads the file, applies its change and renames the result in.
// The lock is a file created with O_EXCL ('wx'), the one creation primitive that is atomic on every
// platform and local filesystem. A holder that died (crash, kill -9) leaves it behind: it is
// broken when its process no longer exists or it is older than any real update could take.
import { open, readFile, rename, stat, unlink, link } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

export interface FileLockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned even if its process id looks alive. */
  staleMs?: number;
  /**
   * A lock with no owner written in it, older than this, is abandoned: its creator got as far as
   * creating the file and no further (a full disk, a kill between the two system calls). Writing
   * the owner takes microseconds, so a few seconds is generous.
   */
  emptyStaleMs?: number;
}

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string, readonly holder: string) {
    super(`${lockPath} is held by ${holder}`);
    this.name = 'LockTimeoutError';
  }
}

interface LockContent {
  pid: number;
  token: string;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function readLock(path: string): Promise<{ text: string; content?: LockContent } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    try {
      const parsed = JSON.parse(text) as Partial<LockContent>;
      if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') {
        return { text, content: { pid: parsed.pid, token: parsed.token } };
      }
    } catch {
      // Written but not yet filled by its creator, or garbage: judged by age alone.
    }
    return { text };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'ESRCH';
  }
}

async function isStale(path: string, content: LockContent | undefined, options: Required<FileLockOptions>): Promise<boolean> {
  if (content && content.pid !== process.pid && processIsGone(content.pid)) return true;
  try {
    const { mtimeMs } = await stat(path);
    return Date.now() - mtimeMs > (content ? options.staleMs : Math.min(options.emptyStaleMs, options.staleMs));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Breaks an abandoned lock without a window in which two breakers both succeed: the lock is
 * renamed away (atomic: only one breaker gets it), then its text is compared with what was judged
 * stale. If a live lock was taken by mistake (someone re-locked in between), it is put back.
 */
async function breakStaleLock(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const taken = await readFile(aside, 'utf8').catch(() => staleText);
  if (taken !== staleText) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function acquire(path: string, token: string, options: Required<FileLockOptions>): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, token, at: new Date().toISOString() }));
      } catch (writeError) {
        // A full disk lets the empty file be created but not filled: take it away again, or every
        // later save would wait for a holder that does not exist.
        await handle.close().catch(() => undefined);
        await unlink(path).catch(() => undefined);
        throw writeError;
      }
      await handle.close();
      return;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const current = await readLock(path);
    if (current === undefined) continue;
    if (await isStale(path, current.content, options)) {
      await breakStaleLock(path, current.text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(path, current.content ? `process ${current.content.pid}` : 'another process');
    }
    // Contention lasts as long as one small file write; back off briefly with jitter.
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

async function release(path: string, token: string): Promise<void> {
  const current = await readLock(path);
  if (current?.content?.token === token) await unlink(path).catch(() => undefined);
}

export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const token = `${process.pid}-${randomUUID()}`;
  await acquire(lockPath, token, { timeoutMs: options.timeoutMs ?? 10_000, staleMs: options.staleMs ?? 30_000, emptyStaleMs: options.emptyStaleMs ?? 3_000 });
  try {
    return await work();
  } finally {
    await release(lockPath, token);
  }
}
