// Turns a filesystem refusal while saving quiz progress (no permission, read-only disk, disk full,
// a file where a folder should be) into a UserError the CLI prints as one line and a hint, instead
// of a stack trace that buries the grade the user has just given.
import { UserError } from '../cli/errors.js';

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'a file is in the way of the folder',
};

export const writableHint = 'Set BACKEND_SCENARIOS_HOME to a writable folder, e.g. BACKEND_SCENARIOS_HOME=~/backend-scenarios-progress.';

/** A save of the progress file that the filesystem refused; `code` is the errno name (EACCES, …). */
export class ProgressWriteError extends UserError {
  constructor(readonly directory: string, readonly code: string, readonly reason: string, exitCode?: number) {
    super(`Cannot write quiz progress in ${directory} (${code}: ${reason}).`, { hint: writableHint, ...(exitCode !== undefined ? { exitCode } : {}) });
    this.name = 'ProgressWriteError';
  }
}

/** The ProgressWriteError for a filesystem error whose cause is the user's setup; undefined for anything else (a bug). */
export function progressWriteError(error: unknown, directory: string, exitCode?: number): ProgressWriteError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const reason = reasons[code];
  return reason === undefined ? undefined : new ProgressWriteError(directory, code, reason, exitCode);
}

export interface UnsavedGrade {
  id: number;
  title: string;
  grade: string;
}

/**
 * The error after a save failed mid-session: the grade that was not saved and the ones saved before
 * it, so the user can redo that one (with `quiz --id`) once the folder is writable again.
 */
export function unsavedGradeError(cause: ProgressWriteError, unsaved: UnsavedGrade, savedBefore: readonly { id: number; grade: string }[]): UserError {
  const saved = savedBefore.length === 0
    ? 'Nothing else from this session was graded.'
    : `Saved before it: ${savedBefore.map((entry) => `#${entry.id} ${entry.grade}`).join(', ')}.`;
  return new UserError(
    `Cannot write quiz progress in ${cause.directory} (${cause.code}: ${cause.reason}): your grade for #${unsaved.id} ${unsaved.title} (${unsaved.grade}) was NOT saved. ${saved}`,
    { hint: `${writableHint} Then redo it: backend-scenarios quiz --id ${unsaved.id}.`, exitCode: 1 },
  );
}
