// Reads and writes the progress file. Every change goes through update(): under the file lock the
// file is re-read, the change applied to what is really on disk, and the result written with
// write-file-atomic (temp file + fsync + rename), so concurrent sessions never lose each other's
// grades and a crash mid-write never leaves half a file. A file that cannot be read or parsed is
// moved aside (never overwritten) and reported through onNotice; a fresh one is started.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from '../cli/errors.js';
import { withFileLock, LockTimeoutError } from './file-lock.js';
import { progressFilePath } from './progress-location.js';
import { progressWriteError } from './progress-errors.js';
import type { FileLockOptions } from './file-lock.js';
import { emptyProgress, parseProgress, ProgressFormatError, serializeProgress } from './progress.js';
import type { Progress } from './progress.js';

export interface ProgressStoreOptions {
  /** Told when a corrupt file was moved aside (the CLI prints it to stderr). */
  onNotice?: (message: string) => void;
  lock?: FileLockOptions;
}

type ReadOutcome =
  | { kind: 'ok'; progress: Progress }
  | { kind: 'missing' }
  | { kind: 'broken'; reason: string };

function timestampForFileName(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export class ProgressStore {
  readonly file: string;
  private readonly lockFile: string;
  private readonly onNotice: (message: string) => void;

  constructor(file: string, private readonly options: ProgressStoreOptions = {}) {
    this.file = file;
    this.lockFile = `${file}.lock`;
    this.onNotice = options.onNotice ?? (() => undefined);
  }

  private async readOutcome(): Promise<ReadOutcome> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'broken', reason: `it could not be read (${code ?? (error as Error).message})` };
    }
    try {
      return { kind: 'ok', progress: parseProgress(text) };
    } catch (error) {
      if (error instanceof ProgressFormatError && error.newerVersion !== undefined) {
        throw new UserError(`Your quiz progress (${this.file}) was written by a newer backend-scenarios.`, {
          hint: 'Upgrade backend-scenarios to keep using it (the file was left untouched), or start over with `backend-scenarios stats --reset --yes`, which keeps it beside the new one.',
        });
      }
      if (error instanceof SyntaxError || error instanceof ProgressFormatError) {
        return { kind: 'broken', reason: `it is not valid progress data (${error.message})` };
      }
      throw error;
    }
  }

  private async moveAside(reason: string): Promise<void> {
    const aside = join(dirname(this.file), `${basename(this.file, '.json')}.corrupt-${timestampForFileName()}.json`);
    try {
      await rename(this.file, aside);
    } catch (error) {
      throw new UserError(`Your quiz progress file ${this.file} is unusable: ${reason}. It could not be moved aside either (${(error as Error).message}).`, {
        hint: 'Move or delete it yourself, or set BACKEND_SCENARIOS_HOME to another directory.',
      });
    }
    this.onNotice(`Your quiz progress file could not be used: ${reason}.\nIt was moved to ${aside} (nothing was deleted) and a fresh progress file was started.`);
  }

  /** Under the lock: the progress on disk, after moving a broken file aside. */
  private async readLocked(): Promise<Progress> {
    const outcome = await this.readOutcome();
    if (outcome.kind === 'ok') return outcome.progress;
    if (outcome.kind === 'missing') return emptyProgress();
    await this.moveAside(outcome.reason);
    const fresh = emptyProgress();
    await this.write(fresh);
    return fresh;
  }

  private async write(progress: Progress): Promise<void> {
    await writeFileAtomic(this.file, serializeProgress(progress), { fsync: true });
  }

  /**
   * Creates the progress folder if needed and proves a file can be created in it, so a folder the
   * user cannot write is reported before the first question rather than after their first answer.
   */
  async ensureWritable(): Promise<void> {
    const directory = dirname(this.file);
    const probe = join(directory, `.write-check-${process.pid}-${Date.now()}`);
    try {
      await mkdir(directory, { recursive: true });
      const handle = await open(probe, 'wx');
      await handle.close();
      await unlink(probe);
    } catch (error) {
      throw progressWriteError(error, directory) ?? error;
    }
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    try {
      await mkdir(dirname(this.file), { recursive: true });
      return await withFileLock(this.lockFile, work, this.options.lock);
    } catch (error) {
      const refused = progressWriteError(error, dirname(this.file));
      if (refused) throw refused;
      if (error instanceof LockTimeoutError) {
        throw new UserError(`Your quiz progress is being written by ${error.holder} and did not become free.`, {
          hint: `If no other backend-scenarios is running, delete ${error.lockPath}.`,
          exitCode: 1,
        });
      }
      throw error;
    }
  }

  /** The current progress. Lock-free when the file is healthy: atomic renames mean it is never half-written. */
  async read(): Promise<Progress> {
    const outcome = await this.readOutcome();
    if (outcome.kind === 'ok') return outcome.progress;
    if (outcome.kind === 'missing') return emptyProgress();
    return this.locked(() => this.readLocked());
  }

  /** Applies a change to the progress as it is on disk right now and saves it before returning. */
  async update(change: (progress: Progress) => Progress): Promise<Progress> {
    return this.locked(async () => {
      const next = change(await this.readLocked());
      await this.write(next);
      return next;
    });
  }

  /**
   * Forgets all progress. The old file is kept beside it, whatever it holds (corrupt, or written by
   * a newer version: a reset is how a user gets past those), so it is moved without being parsed.
   * Returns the backup's path (undefined if there was no file).
   */
  async reset(): Promise<string | undefined> {
    return this.locked(async () => {
      const backup = join(dirname(this.file), `${basename(this.file, '.json')}.reset-${timestampForFileName()}.json`);
      try {
        await rename(this.file, backup);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new UserError(`Your quiz progress file ${this.file} could not be moved aside to reset it (${(error as Error).message}).`, {
          hint: 'Move or delete it yourself, or set BACKEND_SCENARIOS_HOME to another directory.',
        });
      }
      await this.write(emptyProgress());
      return backup;
    });
  }
}

/** The store at the user's progress file (data directory or BACKEND_SCENARIOS_HOME). */
export function openProgressStore(onNotice: (message: string) => void, env: NodeJS.ProcessEnv = process.env): ProgressStore {
  return new ProgressStore(progressFilePath(env), { onNotice });
}
