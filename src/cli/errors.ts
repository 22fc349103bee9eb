// Errors a user can cause (bad id, bad flag, unreachable database) are values with a message and
// an exit code, printed without a stack trace. Anything else is a bug and keeps its stack.

export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  usage: 2,
  /** Ctrl-C (SIGINT): 128 + 2. */
  interrupted: 130,
  /** SIGTERM: 128 + 15, what a shell reports for a process killed by it. */
  terminated: 143,
} as const;

export class UserError extends Error {
  readonly exitCode: number;
  /** One line telling the user what to do next, printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.hint = options.hint;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/**
 * Ends a command with an exit code and no error: Ctrl-C before anything had started (nothing to
 * say), or a stop the user chose, told plainly in `notice` (no "error:" prefix: it is not one).
 */
export class SilentExit extends Error {
  constructor(readonly exitCode: number, readonly notice?: string) {
    super(notice ?? `exit ${exitCode}`);
    this.name = 'SilentExit';
  }
}
