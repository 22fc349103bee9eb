// A scenario as a folder (scenarios/NN-slug/): scenario.ts (metadata), attack.ts (the checks and
// the attack), starter.js, solution.js and optional traps/*.js (real code the learner and the
// editor see). Loading one reads the code files as text and imports scenario.ts only: attack.ts and
// the code are imported when a demo runs, so `list` and `show` stay light. The file set is closed
// (rustlings' check_unexpected_files): `solutoin.js` or `starter.old.js` cannot linger unnoticed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeSample, ExerciseScenarioDefinition, ExerciseSpec, ScenarioDefinition } from './contract.js';
import { validateScenario } from './validate.js';

/** Names allowed at the top of a scenario folder: source (.ts) and built (.js) forms alike. */
const folderEntries = new Set(['scenario.ts', 'scenario.js', 'attack.ts', 'attack.js', 'starter.js', 'solution.js', 'traps']);

function isBuildArtefact(name: string): boolean {
  return name.endsWith('.map') || name.endsWith('.d.ts');
}

export interface ExerciseFolder {
  folder: string;
  /** scenario.ts in the source tree, scenario.js once built. */
  definitionPath: string;
  attackPath: string;
}

/** Everything wrong with a folder's file set, each naming the file; empty when it is complete and closed. */
export async function folderFileProblems(folder: string, declaredTraps: string[]): Promise<string[]> {
  const problems: string[] = [];
  const names = await readdir(folder);
  for (const name of names) {
    if (!folderEntries.has(name) && !isBuildArtefact(name)) {
      problems.push(`unexpected file ${name} (a scenario folder holds scenario.ts, attack.ts, starter.js, solution.js and traps/*.js)`);
    }
  }
  for (const required of ['starter.js', 'solution.js']) {
    if (!names.includes(required)) problems.push(`${required} is missing`);
  }
  if (!names.includes('attack.ts') && !names.includes('attack.js')) problems.push('attack.ts is missing');
  const onDisk = names.includes('traps')
    ? (await readdir(join(folder, 'traps'))).filter((name) => !isBuildArtefact(name)).map((name) => `traps/${name}`)
    : [];
  for (const file of onDisk) {
    if (!file.endsWith('.js')) problems.push(`unexpected file ${file} (traps/ holds .js code files)`);
    else if (!declaredTraps.includes(file)) problems.push(`${file} is not declared in exercise.traps`);
  }
  for (const file of declaredTraps) {
    if (!onDisk.includes(file)) problems.push(`exercise.traps names ${file}, which does not exist`);
  }
  return problems;
}

function exerciseProblems(exercise: ExerciseSpec | undefined): string[] {
  if (!exercise || typeof exercise !== 'object') return ['exercise is missing (starter, solution, hints, shape)'];
  const problems: string[] = [];
  const files = [['exercise.starter', exercise.starter], ['exercise.solution', exercise.solution],
    ...(exercise.traps ?? []).map((trap, index) => [`exercise.traps[${index}]`, trap] as const)] as const;
  for (const [where, file] of files) {
    if (!file?.title?.trim()) problems.push(`${where}.title is empty`);
    if (!file?.lesson?.trim()) problems.push(`${where}.lesson is empty`);
  }
  for (const [where, file] of [['exercise.starter', exercise.starter], ...(exercise.traps ?? []).map((trap, index) => [`exercise.traps[${index}]`, trap] as const)] as const) {
    if (!Array.isArray(file?.fails) || file.fails.length === 0) problems.push(`${where}.fails must list the check ids it fails`);
  }
  if (!exercise.shape?.trim()) problems.push('exercise.shape is empty');
  if (!exercise.hints || Object.keys(exercise.hints).length === 0) problems.push('exercise.hints must hold hints keyed by check id');
  else {
    for (const [id, hints] of Object.entries(exercise.hints)) {
      if (!Array.isArray(hints) || hints.length === 0 || hints.some((hint) => !hint?.trim())) problems.push(`exercise.hints.${id} must be non-empty strings`);
    }
  }
  return problems;
}

/**
 * Loads scenario.ts, reads the code files as text, and returns a full ScenarioDefinition whose demo
 * walks starter, traps and solution through attack.ts. Problems are returned, not thrown, so the
 * registry reports them with the folder's path like any other scenario's.
 */
export async function loadExerciseFolder(folder: ExerciseFolder, expected: { id: number; slug: string }): Promise<{ definition?: ScenarioDefinition; problems: string[] }> {
  const module = (await import(pathToFileURL(folder.definitionPath).href)) as Record<string, unknown>;
  const exported = module['scenario'] as ExerciseScenarioDefinition | undefined;
  if (exported === undefined) return { problems: ['does not export `scenario` (export const scenario = defineExercise({...}))'] };
  const problems = exerciseProblems(exported.exercise);
  if (problems.length > 0) return { problems };
  const traps = exported.exercise.traps ?? [];
  problems.push(...await folderFileProblems(folder.folder, traps.map((trap) => trap.file)));
  if (problems.length > 0) return { problems };

  const read = (file: string): Promise<string> => readFile(join(folder.folder, file), 'utf8');
  const codeFiles: Array<{ file: string; spec: { title: string; lesson: string; fails?: string[] } }> = [
    { file: 'starter.js', spec: exported.exercise.starter },
    ...traps.map((trap) => ({ file: trap.file, spec: trap })),
    { file: 'solution.js', spec: exported.exercise.solution },
  ];
  const texts = await Promise.all(codeFiles.map((entry) => read(entry.file)));
  const code: CodeSample[] = [
    ...codeFiles.map((entry, index) => ({ title: `${entry.file} · ${entry.spec.title}`, language: 'js' as const, code: texts[index]! })),
    ...(exported.answer?.code ?? []),
  ];
  const { exercise, timeoutMs, ...metadata } = exported;
  const definition: ScenarioDefinition = {
    ...metadata,
    answer: { ...exported.answer, code },
    exercise: { ...exercise, folder: folder.folder },
    demo: {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      async run(ctx) {
        // The attack and the code files are imported only when the demo runs.
        const { importAttack, runExerciseWalk } = await import('../practice/exercise-runtime.js');
        const attack = await importAttack(folder.attackPath);
        await runExerciseWalk(ctx, attack, codeFiles.map((entry) => ({
          path: join(folder.folder, entry.file),
          shownAs: entry.file,
          kind: entry.file === 'starter.js' ? 'starter' : entry.file === 'solution.js' ? 'solution' : 'trap',
          title: entry.spec.title,
          lesson: entry.spec.lesson,
          ...(entry.spec.fails ? { fails: entry.spec.fails } : {}),
          showCode: true,
        })));
      },
    },
  };
  problems.push(...validateScenario(definition, expected));
  return problems.length > 0 ? { problems } : { definition, problems };
}
