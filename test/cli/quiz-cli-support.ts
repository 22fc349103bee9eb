// Shared by the quiz and stats CLI tests: the built binary run with execa against a throwaway
// BACKEND_SCENARIOS_HOME, and a real installed scenario's metadata to build answers from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { listScenarioFiles } from '../../src/scenario/registry.js';
import type { ScenarioDefinition } from '../../src/scenario/contract.js';

export const binary = fileURLToPath(new URL('../../bin/backend-scenarios.js', import.meta.url));

/** Runs `body` with a fresh BACKEND_SCENARIOS_HOME, removed afterwards whether it passed or threw. */
export async function withCliHome(body: (home: { dir: string; progressFile: string }) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-quiz-cli-'));
  try {
    await body({ dir, progressFile: join(dir, 'progress.json') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the built CLI with stdin not a terminal (execa's default pipe), as in CI. */
export function runCli(home: string, args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [binary, ...args], {
    // Without npm's variables: under `npm test` they would make every suggestion read `npx …`.
    env: { BACKEND_SCENARIOS_HOME: home, NO_COLOR: '1', COLUMNS: '100', npm_command: undefined, npm_lifecycle_event: undefined, npm_execpath: undefined, ...env },
    cwd: home,
    reject: false,
    timeout: 60_000,
  });
}

/** The lowest-numbered installed scenario's metadata, loaded from its source file. */
export async function firstInstalledScenario(): Promise<ScenarioDefinition> {
  const [file] = await listScenarioFiles();
  if (!file) throw new Error('no scenario is installed under scenarios/');
  const module = (await import(pathToFileURL(file.path).href)) as { scenario: ScenarioDefinition };
  return module.scenario;
}

/**
 * Lines of `text` wider than `columns` characters (as a terminal counts them: code points). A line
 * that is one unbreakable token (a long file path) cannot be wrapped without breaking copy-paste,
 * so it is not counted.
 */
export function linesWiderThan(text: string, columns: number): string[] {
  return text.split('\n').filter((line) => [...line].length > columns && /\s/.test(line.trim()));
}

/** Text with every run of whitespace as one space: error and hint lines wrap at the terminal's width. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
