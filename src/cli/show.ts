// `show`: a scenario's question and the candidate's answer (reasoning, key points, the code of
// the fix, what a senior adds), without running anything.
import { listScenarioFiles, loadScenarioFile, findScenario } from '../scenario/registry.js';
import { UserError } from './errors.js';
import { createTerminal } from '../ui/terminal.js';
import { renderScenarioHeading, renderSection, renderAnswer } from '../ui/scenario-text.js';

export async function showCommand(idText: string | undefined): Promise<void> {
  if (idText === undefined || idText.trim() === '') {
    throw new UserError('show needs a scenario id.', { hint: 'e.g. `backend-scenarios show 24`; `backend-scenarios list` shows the ids.' });
  }
  const scenario = await loadScenarioFile(findScenario(await listScenarioFiles(), idText));
  const terminal = createTerminal();
  for (const line of renderScenarioHeading(scenario, terminal)) terminal.line(line);
  for (const line of renderSection('The question', scenario.question, terminal)) terminal.line(line);
  for (const line of await renderAnswer(scenario, terminal, { includeCode: true })) terminal.line(line);
  terminal.line();
  terminal.line(terminal.style.dim(`Watch it live: backend-scenarios run ${scenario.id}`));
}
