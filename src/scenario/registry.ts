// Scenarios are discovered by name (scenarios/NN-slug.ts, or .js once built; or a folder
// scenarios/NN-slug/ holding scenario.ts, attack.ts and real code files), not from a hand-kept
// list: adding a scenario is adding a file or a folder. Both shapes are accepted while the single
// files are converted. Each is validated as it loads, so a broken one is named in the error
// instead of surfacing as a crash in the middle of a demo.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import type { ScenarioDefinition } from './contract.js';
import { validateScenario } from './validate.js';
import { loadExerciseFolder } from './folder.js';
import { UserError } from '../cli/errors.js';

const scenarioFilePattern = /^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.(?:ts|js)$/;
const scenarioFolderPattern = /^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/**
 * scenarios/ beside src/, both in the source tree and in dist/ after the build; or the folder
 * named by BACKEND_SCENARIOS_DIR (an author's work in progress, the CLI tests' fixture scenarios).
 */
export const defaultScenariosDir = process.env['BACKEND_SCENARIOS_DIR']
  ? resolve(process.env['BACKEND_SCENARIOS_DIR'])
  : fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface ScenarioFile {
  id: number;
  slug: string;
  /** The module that defines it: NN-slug.ts, or NN-slug/scenario.ts for a folder. */
  path: string;
  /** Set for a folder scenario: the folder itself. */
  folder?: string;
}

export async function listScenarioFiles(dir = defaultScenariosDir): Promise<ScenarioFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: ScenarioFile[] = [];
  for (const entry of entries) {
    const name = entry.name;
    if (entry.isDirectory()) {
      const match = scenarioFolderPattern.exec(name);
      if (!match) continue;
      const folder = join(dir, name);
      // The built tree holds scenario.js, the source tree scenario.ts.
      const inside = await readdir(folder);
      const definition = inside.includes('scenario.js') ? 'scenario.js' : 'scenario.ts';
      files.push({ id: Number(match[1]), slug: match[2]!, path: join(folder, definition), folder });
      continue;
    }
    if (name.endsWith('.d.ts') || name.endsWith('.map')) continue;
    const match = scenarioFilePattern.exec(name);
    if (!match) continue;
    files.push({ id: Number(match[1]), slug: match[2]!, path: join(dir, name) });
  }
  return files.sort((a, b) => a.id - b.id);
}

export class ScenarioLoadError extends Error {
  constructor(readonly file: string, problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ScenarioLoadError';
  }
}

/**
 * Why a module failed to import, in one line: the error's own first line, plus the line number
 * when Node put it in the stack (a SyntaxError's message has none), without the stack itself.
 */
function importFailure(error: unknown, file: ScenarioFile, url: string): string {
  if (!(error instanceof Error)) return `does not load: ${String(error)}`;
  const firstLine = error.message.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  // A SyntaxError's stack starts with "/path/file.js:LINE", a throw's has "at file:///path/file.js:LINE:COL".
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`(?:${escape(url)}|${escape(file.path)}):(\\d+)`).exec(error.stack ?? '')?.[1];
  return `does not load: ${error.name}: ${firstLine}${line ? ` (line ${line})` : ''}`;
}

async function loadFolderScenario(file: ScenarioFile & { folder: string }): Promise<ScenarioDefinition> {
  const url = pathToFileURL(file.path).href;
  const attackPath = file.path.endsWith('.js') ? join(file.folder, 'attack.js') : join(file.folder, 'attack.ts');
  let loaded: Awaited<ReturnType<typeof loadExerciseFolder>>;
  try {
    loaded = await loadExerciseFolder({ folder: file.folder, definitionPath: file.path, attackPath }, { id: file.id, slug: file.slug });
  } catch (error) {
    // A syntax error or a throw in scenario.ts, or no scenario.ts at all: named, without a stack.
    throw new ScenarioLoadError(file.path, [importFailure(error, file, url)]);
  }
  if (!loaded.definition) throw new ScenarioLoadError(file.folder, loaded.problems);
  return loaded.definition;
}

export async function loadScenarioFile(file: ScenarioFile): Promise<ScenarioDefinition> {
  if (file.folder !== undefined) return loadFolderScenario({ ...file, folder: file.folder });
  const url = pathToFileURL(file.path).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    // A syntax error or a throw at the top level of a scenario file: name the file, no stack trace.
    throw new ScenarioLoadError(file.path, [importFailure(error, file, url)]);
  }
  const exported = module['scenario'];
  if (exported === undefined) {
    throw new ScenarioLoadError(file.path, ['does not export `scenario` (export const scenario = defineScenario({...}))']);
  }
  const problems = validateScenario(exported, { id: file.id, slug: file.slug });
  if (problems.length > 0) throw new ScenarioLoadError(file.path, problems);
  return exported as ScenarioDefinition;
}

/** Every scenario, sorted by id; throws ScenarioLoadError naming the file on the first bad one. */
export async function loadScenarios(dir = defaultScenariosDir): Promise<ScenarioDefinition[]> {
  const files = await listScenarioFiles(dir);
  const seen = new Map<number, string>();
  for (const file of files) {
    const previous = seen.get(file.id);
    if (previous) throw new ScenarioLoadError(file.path, [`duplicate id ${file.id} (also ${previous})`]);
    seen.set(file.id, file.path);
  }
  return Promise.all(files.map(loadScenarioFile));
}

/**
 * One scenario by id, loading only its own file: a test or `run 24` is not held up (or broken) by
 * another scenario file that is mid-edit.
 */
export async function loadScenarioById(id: number, dir = defaultScenariosDir): Promise<ScenarioDefinition | undefined> {
  const file = (await listScenarioFiles(dir)).find((candidate) => candidate.id === id);
  return file ? loadScenarioFile(file) : undefined;
}

export interface FindScenarioOptions {
  /** `run` takes "all" as well: the hint says so only where it works. */
  allowAll?: boolean;
}

/**
 * Parses a user-typed id (or slug) and finds its scenario, or explains what went wrong and what
 * exists. Works on loaded scenarios and on bare ScenarioFile entries alike.
 */
export function findScenario<T extends { id: number; slug: string }>(scenarios: T[], idText: string, options: FindScenarioOptions = {}): T {
  const known = scenarios.map((s) => s.id);
  const range = known.length > 0 ? `${known[0]}–${known[known.length - 1]}` : 'none installed';
  const text = idText.trim().toLowerCase();
  if (!/^\d+$/.test(text)) {
    const bySlug = scenarios.find((s) => s.slug === text);
    if (bySlug) return bySlug;
    if (text === 'all') {
      throw new UserError('"all" works with run, not here.', { hint: '`backend-scenarios list` shows every scenario; then pick one by id or slug.' });
    }
    // A word out of a slug ("registration") most likely meant that scenario.
    const containing = text === '' ? [] : scenarios.filter((s) => s.slug.includes(text)).map((s) => `${s.slug} (${s.id})`);
    const first = scenarios[0];
    const forms = first
      ? `a number such as ${first.id} (${range}), a slug such as ${first.slug}${options.allowAll ? ', or all' : ''}`
      : `a number${options.allowAll ? ', or all' : ''}`;
    throw new UserError(`"${idText}" is not a scenario id.`, {
      hint: containing.length > 0
        ? `Did you mean ${containing.slice(0, 3).join(', ')}? Use ${forms}.`
        : `Use ${forms}; \`backend-scenarios list\` shows them all.`,
    });
  }
  const id = Number(text);
  const found = scenarios.find((s) => s.id === id);
  if (found) return found;
  const nearest = [...known].sort((a, b) => Math.abs(a - id) - Math.abs(b - id)).slice(0, 3).sort((a, b) => a - b);
  throw new UserError(`There is no scenario ${id}.`, {
    hint: `Nearest: ${nearest.join(', ')}. Scenarios available: ${range}; \`backend-scenarios list\` shows them all.`,
  });
}

/** What `run` was asked for: every scenario, or the listed ones in the order given. */
export type ScenarioSelection<T> = { all: true } | { all: false; scenarios: T[] };

/**
 * `run 24`, `run 24 25`, `run 24,25`, `run registration-race`, `run all`: every id is checked
 * before anything starts, so a typo in the third id does not cost two demos first.
 */
export function selectScenarios<T extends { id: number; slug: string }>(scenarios: T[], texts: readonly string[]): ScenarioSelection<T> {
  const words = texts.flatMap((text) => text.split(/[\s,]+/)).filter((word) => word !== '');
  if (words.some((word) => word.toLowerCase() === 'all')) {
    if (words.length > 1) throw new UserError('"all" cannot be combined with scenario ids.', { hint: 'e.g. `backend-scenarios run all`, or `backend-scenarios run 24 25`.' });
    return { all: true };
  }
  const selected: T[] = [];
  for (const word of words) {
    const scenario = findScenario(scenarios, word, { allowAll: true });
    if (!selected.includes(scenario)) selected.push(scenario);
  }
  return { all: false, scenarios: selected };
}
