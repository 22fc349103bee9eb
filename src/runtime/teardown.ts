// Cleanup that always runs, newest first (a server registered after the connection it uses is
// closed before that connection), each step bounded so one stuck cleanup cannot hang the exit.

export type Cleanup = () => Promise<void> | void;

const cleanupBoundMs = 5_000;

export class Teardown {
  private readonly cleanups: Cleanup[] = [];
  private ran = false;

  get closed(): boolean {
    return this.ran;
  }

  push(cleanup: Cleanup): void {
    if (this.ran) {
      // Registered after the end (a demo still running past its time bound): clean up at once.
      void runBounded(cleanup);
      return;
    }
    this.cleanups.push(cleanup);
  }

  /** Runs every cleanup in reverse order; returns the messages of those that failed. */
  async run(): Promise<string[]> {
    this.ran = true;
    const failures: string[] = [];
    while (this.cleanups.length > 0) {
      const cleanup = this.cleanups.pop()!;
      const failure = await runBounded(cleanup);
      if (failure) failures.push(failure);
    }
    return failures;
  }
}

async function runBounded(cleanup: Cleanup): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`a cleanup step did not finish within ${cleanupBoundMs / 1000} s`), cleanupBoundMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(cleanup).then(() => undefined), bound]);
    return outcome;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
