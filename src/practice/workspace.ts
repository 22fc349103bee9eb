// The learner's folder: ./backend-scenarios-practice/NN-slug/ (or --dir) holding app.js (or app.ts)
// copied from the scenario's starter and a README. Never overwritten: an existing app file is the
// learner's work; --reset moves it to a timestamped backup first.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { CheckTable } from './attack-contract.js';

export const practiceRootName = 'backend-scenarios-practice';
export type PracticeLanguage = 'js' | 'ts';

export function folderName(scenario: Pick<ScenarioDefinition, 'id' | 'slug'>): string {
  return `${scenario.id}-${scenario.slug}`;
}

export function workspaceDir(scenario: Pick<ScenarioDefinition, 'id' | 'slug'>, dirOption: string | undefined, cwd = process.cwd()): string {
  return dirOption ? resolve(cwd, dirOption) : join(cwd, practiceRootName, folderName(scenario));
}

/** How a path is shown: relative to where the user stands when that is shorter. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

export function appFileName(language: PracticeLanguage): string {
  return language === 'ts' ? 'app.ts' : 'app.js';
}

/** The learner's file in a workspace: app.ts when it exists, else app.js; undefined when neither does. */
export function findAppFile(dir: string): string | undefined {
  for (const name of ['app.ts', 'app.js']) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * The TypeScript flavour of a starter: the same code under a typed signature. tsx strips the types
 * when `verify` loads it; a type error in the learner's edit is never a failure, a throw is.
 */
export function typescriptStarter(starter: string): string {
  const header = [
    '// TypeScript flavour: `verify` loads this file through tsx (types are stripped, never checked).',
    '// The deps are typed loosely on purpose: your editor has no express or mongoose types in this folder.',
    'type Deps = Record<string, any>;',
    '',
  ].join('\n');
  const typed = starter.replace(/export async function createApp\((\{[^)]*\})\)/, 'export async function createApp($1: Deps)');
  return `${header}${typed}`;
}

export function readmeText(scenario: ScenarioDefinition, checks: CheckTable, appFile: string): string {
  const exercise = scenario.exercise!;
  const line = (id: string): string => `- \`${id}\`: ${checks[id]!.claim}`;
  const ids = Object.keys(checks).filter((id) => !checks[id]!.fact);
  const core = ids.filter((id) => checks[id]!.level === 'core');
  const senior = ids.filter((id) => checks[id]!.level === 'senior');
  return [
    `# ${scenario.id} · ${scenario.title}`,
    '',
    '## The question',
    '',
    scenario.question,
    '',
    '## Your task',
    '',
    `Edit \`${appFile}\` until \`verify\` passes. The \`// TODO:\` lines say what must become true, not how.`,
    '',
    exercise.shape,
    '',
    '## What verify checks',
    '',
    'The same attack the live demo (`backend-scenarios run ' + scenario.id + '`) runs, against your file, on a fresh database each time.',
    'It passes when every core check holds; senior checks are extras.',
    '',
    ...core.map(line),
    ...(senior.length > 0 ? ['', 'Senior (extra):', '', ...senior.map(line)] : []),
    '',
    '## Commands',
    '',
    '```',
    `npx backend-scenarios verify ${scenario.id}            # run the checks against ${appFile}`,
    `npx backend-scenarios verify ${scenario.id} --watch    # re-run on every save`,
    `npx backend-scenarios hint ${scenario.id}              # the next hint (each reveals a little more)`,
    `npx backend-scenarios solution ${scenario.id}          # the reference fix (asks first)`,
    '```',
    '',
    `Run them from the folder that holds \`${practiceRootName}/\`, or add \`--dir <this folder>\`.`,
    '',
  ].join('\n');
}

export interface CreatedWorkspace {
  dir: string;
  appFile: string;
  /** False when the app file already existed and was kept as it is. */
  created: boolean;
  /** Set by a reset: where the previous app file went. */
  backup?: string;
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
}

export async function writeWorkspace(
  scenario: ScenarioDefinition,
  checks: CheckTable,
  dir: string,
  language: PracticeLanguage,
  options: { reset: boolean },
): Promise<CreatedWorkspace> {
  const exercise = scenario.exercise!;
  await mkdir(dir, { recursive: true });
  const existing = findAppFile(dir);
  let backup: string | undefined;
  if (existing && !options.reset) return { dir, appFile: existing, created: false };
  if (existing) {
    // The learner's work is moved aside, never deleted: app.backup-2026-11-30T09-30-00Z.js
    backup = existing.replace(/\.(js|ts)$/, `.backup-${timestamp()}.$1`);
    await rename(existing, backup);
  }
  const appFile = join(dir, appFileName(language));
  const starter = await readFile(join(exercise.folder, 'starter.js'), 'utf8');
  if (language === 'ts') await writeFile(appFile, typescriptStarter(starter));
  else await copyFile(join(exercise.folder, 'starter.js'), appFile);
  await writeFile(join(dir, 'README.md'), readmeText(scenario, checks, appFileName(language)));
  // app.js uses `export`: say so, so Node, tsx and the editor all read it as an ES module.
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  return { dir, appFile, created: true, ...(backup ? { backup } : {}) };
}
