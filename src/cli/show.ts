// `show`: a scenario's question and the candidate's answer (the 30-second answer first, reasoning,
// key points marked where a demo check backs them, the code of the fix, what a senior adds),
// without running anything. `--json` prints the same content as data, for tools and checks.
import { listScenarioFiles, loadScenarioFile, findScenario } from '../scenario/registry.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { UserError } from './errors.js';
import { createTerminal } from '../ui/terminal.js';
import { renderScenarioHeading, renderSection, renderAnswer } from '../ui/scenario-text.js';
import { command } from './invocation.js';
import { wrap } from '../ui/text.js';

export interface ShowOptions {
  json?: boolean;
}

/**
 * The scenario's content as data: everything `show` prints, plus the quiz with every option and
 * which is correct, and the follow-up ladder when there is one. The demo (code) is left out.
 */
export function scenarioContent(scenario: ScenarioDefinition): Record<string, unknown> {
  const { id, slug, title, tags, summary, question, answer, quiz, followUps } = scenario;
  return {
    id,
    slug,
    title,
    tags,
    summary,
    question,
    answer: {
      ...(answer.short !== undefined ? { short: answer.short } : {}),
      reasoning: answer.reasoning,
      keyPoints: answer.keyPoints.map((point) => ({ text: point.text, terms: point.terms, ...(point.provenBy ? { provenBy: point.provenBy } : {}) })),
      code: answer.code,
      seniorNotes: answer.seniorNotes,
    },
    quiz: { choices: quiz.choices },
    ...(followUps ? { followUps } : {}),
  };
}

export async function showCommand(idText: string | undefined, options: ShowOptions = {}): Promise<void> {
  if (idText === undefined || idText.trim() === '') {
    throw new UserError('show needs a scenario id.', { hint: `e.g. \`${command('show 24')}\`; \`${command('list')}\` shows the ids.` });
  }
  const scenario = await loadScenarioFile(findScenario(await listScenarioFiles(), idText));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(scenarioContent(scenario), null, 2)}\n`);
    return;
  }
  const terminal = createTerminal();
  for (const line of renderScenarioHeading(scenario, terminal)) terminal.line(line);
  for (const line of renderSection('The question', scenario.question, terminal)) terminal.line(line);
  for (const line of await renderAnswer(scenario, terminal, { includeCode: true })) terminal.line(line);
  terminal.line();
  const next = `Watch it live: ${command(`run ${scenario.id}`)} · answer it from memory: ${command(`quiz --id ${scenario.id}`)}`;
  for (const line of wrap(next, terminal.width, '  ')) terminal.line(terminal.style.dim(line));
}
