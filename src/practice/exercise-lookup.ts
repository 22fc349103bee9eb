// Finds the exercise a practice command names: a bad id is a usage error (exit 2) listing what
// exists; a scenario that has no exercise folder yet says so.
import { findScenario, listScenarioFiles, loadScenarioFile } from '../scenario/registry.js';
import type { ScenarioFile } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { UserError } from '../cli/errors.js';

export interface Exercise {
  file: ScenarioFile;
  scenario: ScenarioDefinition & { exercise: NonNullable<ScenarioDefinition['exercise']> };
}

export async function findExercise(idText: string | undefined, command: string): Promise<Exercise> {
  if (idText === undefined || idText.trim() === '') {
    throw new UserError(`${command} needs a scenario id.`, { hint: `e.g. \`backend-scenarios ${command} 24\`; \`backend-scenarios list\` shows the ids.` });
  }
  const files = await listScenarioFiles();
  const file = findScenario(files, idText);
  if (!file.folder) {
    const ready = files.filter((candidate) => candidate.folder).map((candidate) => candidate.id);
    throw new UserError(`Scenario ${file.id} has no exercise yet.`, {
      hint: ready.length > 0 ? `Exercises so far: ${ready.join(', ')}. \`backend-scenarios run ${file.id}\` shows its live demo.` : `\`backend-scenarios run ${file.id}\` shows its live demo.`,
    });
  }
  const scenario = await loadScenarioFile(file);
  return { file, scenario: scenario as Exercise['scenario'] };
}
