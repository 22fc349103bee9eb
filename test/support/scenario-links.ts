// The metadata of a scenario points into its demo by step title: a key point's `provenBy` and a
// follow-up's `shownBy` name the step (or a prefix of its title) that shows it. A renamed step
// would leave such a pointer dangling without any other test noticing; these helpers find them.
import type { ScenarioDefinition } from '../../src/scenario/contract.js';
import type { ScenarioReport } from '../../src/runtime/report.js';
import { loadScenarioById } from '../../src/scenario/registry.js';

/** Every `provenBy` / `shownBy` of the scenario that is not the prefix of exactly one step title. */
export function danglingStepLinks(scenario: ScenarioDefinition, report: ScenarioReport): string[] {
  const titles = report.steps.map((step) => step.title);
  const links = [
    ...scenario.answer.keyPoints.map((point, index) => ({ where: `answer.keyPoints[${index}].provenBy`, prefix: point.provenBy })),
    ...(scenario.followUps ?? []).map((rung, index) => ({ where: `followUps[${index}].shownBy`, prefix: rung.shownBy })),
  ];
  return links
    .filter((link): link is { where: string; prefix: string } => link.prefix !== undefined)
    .filter((link) => titles.filter((title) => title.startsWith(link.prefix)).length !== 1)
    .map((link) => `${link.where} "${link.prefix}" matches ${titles.filter((title) => title.startsWith(link.prefix)).length} of: ${titles.join(' | ')}`);
}

/** Loads scenario `id` and lists its dangling step links against a report of its run. */
export async function danglingStepLinksOf(id: number, report: ScenarioReport): Promise<string[]> {
  const scenario = await loadScenarioById(id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return danglingStepLinks(scenario, report);
}

// Reading a report by step and figure lives in step-figures.ts; re-exported for the tests that
// import both from here.
export { figure, stepOf } from './step-figures.js';
