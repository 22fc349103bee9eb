// A one-key prompt: Enter goes on, q or Esc leaves, Ctrl-C interrupts. Nothing typed is echoed (the
// terminal is in raw mode while it waits), so there is no text that appears and is then thrown
// away; the prompt line is erased once a key is taken. Only for an interactive terminal: callers
// check `terminal.interactive` first.
import { emitKeypressEvents } from 'node:readline';
import { visibleLength } from './text.js';

export type KeyAnswer = 'enter' | 'quit' | 'interrupt' | string;

export interface KeyPromptOptions {
  /** Extra keys that answer the prompt (e.g. ['r'] for "read the reasoning"); returned as typed. */
  keys?: readonly string[];
  /** Aborting it ends the wait as 'interrupt'. */
  signal?: AbortSignal;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}

interface Key {
  name?: string;
  ctrl?: boolean;
  sequence?: string;
}

/** Resolves with the key that answered: 'enter', 'quit' (q, Esc), 'interrupt' (Ctrl-C) or one of `keys`. */
export function waitForKey(message: string, options: KeyPromptOptions = {}): Promise<KeyAnswer> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const extra = new Set((options.keys ?? []).map((key) => key.toLowerCase()));
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve('interrupt');
      return;
    }
    emitKeypressEvents(input);
    const wasRaw = input.isRaw;
    if (input.isTTY) input.setRawMode(true);
    input.resume();
    output.write(message);
    const finish = (answer: KeyAnswer): void => {
      input.off('keypress', onKey);
      options.signal?.removeEventListener('abort', onAbort);
      if (input.isTTY) input.setRawMode(wasRaw);
      input.pause();
      // A prompt longer than the terminal is wide took several rows: erase each of them.
      const rows = Math.max(1, Math.ceil(visibleLength(message) / Math.max(1, output.columns || 80)));
      output.write(`\r\x1b[2K${'\x1b[1A\x1b[2K'.repeat(rows - 1)}`);
      resolve(answer);
    };
    const onAbort = (): void => finish('interrupt');
    const onKey = (_text: string | undefined, key: Key | undefined): void => {
      const name = key?.name?.toLowerCase();
      if (key?.ctrl && (name === 'c' || name === 'd')) finish('interrupt');
      else if (name === 'return' || name === 'enter') finish('enter');
      else if (name === 'escape' || name === 'q') finish('quit');
      else if (name !== undefined && extra.has(name)) finish(name);
      // Any other key is ignored: the prompt says which keys it takes.
    };
    input.on('keypress', onKey);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
