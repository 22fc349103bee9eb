// One code file of an exercise through its attack, as one demo run of its own: what `verify` does
// with the learner's file (inside a worker), what `verify --reference` does with solution.js, and
// what the author check does with every starter, trap and solution.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { ScenarioReport } from '../runtime/report.js';
import { runScenario } from '../runtime/run-scenario.js';
import type { RunScenarioOptions } from '../runtime/run-scenario.js';
import { attackTarget, importAttack, importCodeFile } from './exercise-runtime.js';
import type { TargetOutcome, TargetPlan } from './exercise-runtime.js';

export const defaultFileTimeoutMs = 10_000;

export interface FileRun {
  report: ScenarioReport;
  /** Absent when the attack never got going (the file did not load, createApp threw). */
  outcome?: TargetOutcome;
  /** The error the learner's code (or the attack) threw, as it was thrown: callers locate it in the file. */
  thrown?: unknown;
}

/** attack.ts in the source tree, attack.js once built. */
export function attackPathOf(folder: string): string {
  const built = join(folder, 'attack.js');
  return existsSync(built) ? built : join(folder, 'attack.ts');
}

/** The plan for one of the folder's own files, by its path inside the folder ("starter.js", "traps/x.js"). */
export function folderPlan(scenario: ScenarioDefinition, file: string): TargetPlan {
  const exercise = scenario.exercise;
  if (!exercise) throw new Error(`scenario ${scenario.id} is not a folder scenario`);
  const path = join(exercise.folder, file);
  if (file === 'starter.js') return { path, shownAs: file, kind: 'starter', title: exercise.starter.title, lesson: exercise.starter.lesson, fails: exercise.starter.fails, showCode: false };
  if (file === 'solution.js') return { path, shownAs: file, kind: 'solution', title: exercise.solution.title, lesson: exercise.solution.lesson, showCode: false };
  const trap = exercise.traps?.find((candidate) => candidate.file === file);
  if (!trap) throw new Error(`${file} is not a code file of scenario ${scenario.id}`);
  return { path, shownAs: file, kind: 'trap', title: trap.title, lesson: trap.lesson, fails: trap.fails, showCode: false };
}

export async function runExerciseFile(scenario: ScenarioDefinition, plan: TargetPlan, options: RunScenarioOptions): Promise<FileRun> {
  const exercise = scenario.exercise;
  if (!exercise) throw new Error(`scenario ${scenario.id} is not a folder scenario`);
  const attack = await importAttack(attackPathOf(exercise.folder));
  const result: Omit<FileRun, 'report'> = {};
  const single: ScenarioDefinition = {
    ...scenario,
    demo: {
      timeoutMs: attack.timeoutMs ?? defaultFileTimeoutMs,
      async run(ctx) {
        await ctx.step(plan.title, async () => {
          try {
            const module = await importCodeFile(plan.path);
            result.outcome = await attackTarget(ctx, attack, plan, module);
          } catch (error) {
            result.thrown = error;
            throw error;
          }
        }, { shows: plan.kind === 'solution' || plan.kind === 'user' ? 'fix' : 'failure' });
      },
    },
  };
  const report = await runScenario(single, options);
  return { report, ...result };
}
