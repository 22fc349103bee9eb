// `verify --watch`: re-run on every save of the learner's file, rustlings-style. The folder is
// watched rather than the file (editors often save by writing a new file and renaming it over the
// old one, which a watch on the file itself would lose), events are debounced (200 ms, as rustlings
// does), and a save during a run aborts that run: only the newest text gets a verdict.
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export const watchDebounceMs = 200;

export interface WatchLoopOptions {
  debounceMs?: number;
  /** Ends the loop (Ctrl-C). */
  signal: AbortSignal;
}

/** Calls `run` once at once and again after every save; resolves when `signal` aborts. */
export function watchFile(file: string, run: (signal: AbortSignal) => Promise<void>, options: WatchLoopOptions): Promise<void> {
  const debounceMs = options.debounceMs ?? watchDebounceMs;
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  let current: AbortController | undefined;
  let running: Promise<void> = Promise.resolve();

  const start = (): void => {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    // One run at a time: the next starts once the aborted one has let go of its worker.
    running = running.then(() => (controller.signal.aborted ? undefined : run(controller.signal))).catch(() => undefined);
  };

  return new Promise<void>((resolve) => {
    const watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(start, debounceMs);
    });
    const stop = (): void => {
      clearTimeout(timer);
      watcher.close();
      current?.abort();
      void running.then(() => resolve());
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop, { once: true });
    start();
  });
}
