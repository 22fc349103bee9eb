// `verify <id>`: the scenario's attack against the learner's file (or, with --reference, against
// solution.js), in a worker the CLI can always stop. Exit 0 when every core check holds, 1 when a
// check failed or the code broke, 2 for a bad id or flag (main.ts), 130 on Ctrl-C.
import { join } from 'node:path';
import { findExercise } from '../practice/exercise-lookup.js';
import type { Exercise } from '../practice/exercise-lookup.js';
import { verifyFile } from '../practice/verify.js';
import { Sandbox } from '../practice/sandbox.js';
import type { VerifyTarget } from '../practice/verify.js';
import { verifyJson } from '../practice/verify-result.js';
import type { VerifyResult } from '../practice/verify-result.js';
import { renderVerify } from '../practice/verify-output.js';
import { recordAttempt } from '../practice/practice-progress.js';
import { findAppFile, shownPath, workspaceDir } from '../practice/workspace.js';
import { watchFile } from '../practice/watch.js';
import { openProgressStore } from '../quiz/progress-store.js';
import { selectEngine } from '../runtime/engines.js';
import type { MongoEngineHandle } from '../runtime/engines.js';
import { createTerminal } from '../ui/terminal.js';
import type { Terminal } from '../ui/terminal.js';
import { ExitCode, UserError } from './errors.js';
import type { VerifyOptions } from './practice-commands.js';

function targetOf(exercise: Exercise, options: VerifyOptions): VerifyTarget {
  if (options.reference) return { path: join(exercise.scenario.exercise.folder, 'solution.js'), kind: 'solution' };
  const dir = workspaceDir(exercise.scenario, options.dir);
  const path = findAppFile(dir);
  if (!path) {
    // Not a bad id or flag: the exercise simply is not there yet. Exit 1, with the way to make it.
    throw new UserError(`No exercise file in ${shownPath(dir)} (app.js or app.ts).`, {
      exitCode: ExitCode.checksFailed,
      hint: `Write it first: backend-scenarios practice ${exercise.scenario.id}${options.dir ? ` --dir ${options.dir}` : ''}`,
    });
  }
  return { path, kind: 'user' };
}

async function record(result: VerifyResult, target: VerifyTarget): Promise<void> {
  if (target.kind !== 'user' || (result.error?.kind === 'demo')) return;
  const failed = result.checks.filter((check) => !check.passed).map((check) => check.id);
  try {
    await recordAttempt(openProgressStore((message) => process.stderr.write(`${message}\n`)), result.id, result.passed, failed);
  } catch (error) {
    // A verdict matters more than its bookkeeping: say it, keep the exit code of the verdict.
    process.stderr.write(`note: progress not saved (${error instanceof Error ? error.message : String(error)})\n`);
  }
}

function print(result: VerifyResult, exercise: Exercise, options: VerifyOptions, terminal: Terminal): void {
  if (options.json) {
    // --watch --json prints one verdict per line (NDJSON), so a tool can read them as they come.
    process.stdout.write(options.watch ? `${JSON.stringify(verifyJson(result))}\n` : `${JSON.stringify(verifyJson(result), null, 2)}\n`);
    return;
  }
  for (const line of renderVerify(result, terminal, exercise.scenario.exercise.hints, { reference: options.reference === true })) terminal.line(line);
}

export async function verifyCommand(idText: string | undefined, options: VerifyOptions): Promise<void> {
  const exercise = await findExercise(idText, 'verify');
  const target = targetOf(exercise, options);
  const terminal = createTerminal();
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let engine: MongoEngineHandle | undefined;
  // Started before the engine: the worker loads mongoose and express while the engine comes up, and
  // in watch mode the next one warms up as soon as a run ends, so a save costs only the attack.
  let sandbox = new Sandbox(exercise.file);
  try {
    engine = await selectEngine(options.engine);
    const started = engine;
    const once = async (signal: AbortSignal, prepareNext: boolean): Promise<VerifyResult | undefined> => {
      const result = await verifyFile(exercise.file, exercise.scenario, target, started, { signal, sandbox });
      // The next worker warms up while the learner reads this verdict (not during the run: 2 cores).
      if (prepareNext) sandbox = new Sandbox(exercise.file);
      if (result.aborted) return undefined;
      await record(result, target);
      print(result, exercise, options, terminal);
      return result;
    };
    if (!options.watch) {
      const result = await once(interrupt.signal, false);
      process.exitCode = interrupt.signal.aborted ? ExitCode.interrupted : result?.passed ? ExitCode.ok : ExitCode.checksFailed;
      return;
    }
    await watchFile(target.path, async (signal) => {
      if (!options.json) terminal.line(terminal.style.dim(`── ${new Date().toLocaleTimeString()} · running the checks against ${shownPath(target.path)}`));
      await once(AbortSignal.any([signal, interrupt.signal]), true);
      if (!options.json) terminal.line(terminal.style.dim(`watching ${shownPath(target.path)}: save to re-run, Ctrl-C to stop`));
    }, { signal: interrupt.signal });
    process.exitCode = ExitCode.interrupted;
  } finally {
    await sandbox.dispose();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await engine?.stop();
  }
}
