// Runs a scenario's live demo from inside a quiz by spawning this same CLI (`run <id>`) with the
// terminal handed over, rather than importing the runtime: the quiz stays light, and the demo
// gets a process of its own (its engine, servers and timers end with it).
import { spawn } from 'node:child_process';

export interface CliInvocation {
  command: string;
  args: string[];
}

/** How this process was started (node, its flags such as `--import tsx`, the entry script). */
export function currentCliInvocation(): CliInvocation {
  const entry = process.argv[1];
  if (!entry) throw new Error('cannot tell which script started this process');
  return { command: process.execPath, args: [...process.execArgv, entry] };
}

export async function runLiveDemo(id: number, cli: CliInvocation = currentCliInvocation()): Promise<number> {
  // Ctrl-C in the demo reaches the whole foreground process group; the quiz should survive it
  // and carry on with the next question while the child decides how to stop.
  const ignoreInterrupt = (): void => undefined;
  process.on('SIGINT', ignoreInterrupt);
  try {
    return await new Promise<number>((resolve, reject) => {
      // --demo-only: the user has just answered the question and seen the model answer; the demo
      // alone follows (no question, no "think first", no reasoning again), still pausing after the bug.
      const child = spawn(cli.command, [...cli.args, 'run', String(id), '--demo-only'], { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    process.off('SIGINT', ignoreInterrupt);
  }
}
