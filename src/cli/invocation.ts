// Every command the tool suggests must run as typed. Started through npx / npm exec / npm run, the
// bare `backend-scenarios` is not on PATH (it lives in node_modules/.bin or npm's _npx cache), so
// suggestions say `npx backend-scenarios …`; installed globally or linked, the bare name works.
import { sep } from 'node:path';

export const binaryName = 'backend-scenarios';

/**
 * True when npm started this process: `npx` and `npm exec` set npm_command=exec (npm 7+), `npm run`
 * sets npm_lifecycle_event to the script's name; npx's cache puts the entry under `_npx`.
 */
export function startedThroughNpm(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): boolean {
  if (env['npm_command'] === 'exec' || env['npm_command'] === 'run-script' || env['npm_command'] === 'run') return true;
  if ((env['npm_lifecycle_event'] ?? '') !== '' || (env['npm_execpath'] ?? '') !== '') return true;
  const entry = argv[1] ?? '';
  return entry.includes(`${sep}_npx${sep}`) || entry.includes(`${sep}node_modules${sep}.bin${sep}`);
}

/** How to type this CLI here: `npx backend-scenarios` or `backend-scenarios`. */
export function commandPrefix(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): string {
  return startedThroughNpm(env, argv) ? `npx ${binaryName}` : binaryName;
}

/** A full command to suggest: command('run 24') → "npx backend-scenarios run 24". */
export function command(args: string, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): string {
  return `${commandPrefix(env, argv)} ${args}`.trimEnd();
}

/**
 * Hints written elsewhere (the registry, the quiz, other commands) name `backend-scenarios …`
 * literally; the one place that prints them passes them through here, so they run as typed too.
 */
export function asTyped(text: string, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): string {
  const prefix = commandPrefix(env, argv);
  if (prefix === binaryName) return text;
  // Only where a command follows: "written by a newer backend-scenarios" is prose, not a command.
  return text.replace(/(?<![\w/.-]|npx )backend-scenarios(?=( (list|show|run|quiz|stats|doctor|engine|practice|verify|hint|solution|interview)\b|( --?\w)|`))/g, prefix);
}
