// Where output goes and how it may look: colour only when wanted (a TTY, no --no-color, no
// NO_COLOR), a width that follows the terminal (or COLUMNS, or 80 when piped) so that text wraps
// sensibly down to 60 columns and below.
import { createRequire } from 'node:module';
import type { ChalkInstance, Options as ChalkOptions } from 'chalk';

export interface Terminal {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Columns to wrap prose at (capped for readability); follows a resize. */
  readonly width: number;
  /** The terminal's full width, for tables that may use it all; follows a resize. */
  readonly columns: number;
  /** A person is watching: spinners and prompts make sense. */
  interactive: boolean;
  color: boolean;
  style: ChalkInstance;
  line(text?: string): void;
}

const maxWidth = 100;
const minWidth = 40;

/** https://no-color.org: NO_COLOR present and not empty disables colour; --no-color always does. */
export function colorWanted(stream: { isTTY?: boolean }, argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (argv.includes('--no-color') || argv.includes('--no-colors')) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * COLUMNS, else the stream's own width, else (piped into a pager: `run 24 | less`) the width of the
 * terminal stderr still shows on, else 80.
 */
export function terminalColumns(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
  viewer: { isTTY?: boolean; columns?: number } = process.stderr,
): number {
  const fromEnv = Number(env['COLUMNS']);
  const columns = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv
    : stream.isTTY && stream.columns ? stream.columns
      : viewer.isTTY && viewer.columns ? viewer.columns : 80;
  return Math.max(minWidth, columns);
}

export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
  viewer: { isTTY?: boolean; columns?: number } = process.stderr,
): number {
  return Math.min(maxWidth, terminalColumns(stream, env, viewer));
}

/** Chained style calls (style.red.bold(text)) that return the text unchanged. */
function plainStyle(): ChalkInstance {
  const identity = (...parts: unknown[]): string => parts.join(' ');
  const chain: object = new Proxy(identity, {
    get: (target, property) => (property in target ? Reflect.get(target, property) : chain),
  });
  return chain as ChalkInstance;
}

/**
 * chalk only when colour is wanted: piped output (scripts, CI, the start-up benchmark) never pays
 * for loading it. A synchronous require of the ES module (Node 20.19+) keeps this call synchronous.
 */
export function createStyle(color: boolean): ChalkInstance {
  if (!color) return plainStyle();
  const { Chalk } = createRequire(import.meta.url)('chalk') as { Chalk: new (options?: ChalkOptions) => ChalkInstance };
  return new Chalk({ level: 1 });
}

/**
 * `width` and `columns` are read again on every use: a terminal resized mid-run (SIGWINCH, which
 * Node turns into a new stdout.columns) wraps what comes next at the new width.
 */
export function createTerminal(out: NodeJS.WriteStream = process.stdout): Terminal {
  const color = colorWanted(out);
  return {
    out,
    get width() {
      return terminalWidth(out);
    },
    get columns() {
      return terminalColumns(out);
    },
    interactive: out.isTTY === true && process.stdin.isTTY === true && process.env['CI'] === undefined,
    color,
    style: createStyle(color),
    line(text = '') {
      out.write(`${text}\n`);
    },
  };
}
