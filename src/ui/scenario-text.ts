// How a scenario's text is laid out in the terminal, shared by `show` and `run`.
import type { KeyPoint, ScenarioDefinition } from '../scenario/contract.js';
import type { ScenarioReport } from '../runtime/report.js';
import type { Terminal } from './terminal.js';
import { truncate, visibleLength, wrap } from './text.js';
import { frameCode, highlightCode } from './highlight.js';

/** A full-width heading line; a title too long for it is cut with an ellipsis (see ruleLines to keep it whole). */
export function rule(terminal: Terminal, title: string): string {
  const room = Math.max(1, terminal.width - 6);
  const text = ` ${truncate(title, room)} `;
  const fill = Math.max(2, terminal.width - text.length - 2);
  return terminal.style.cyan(`━━${text}${'━'.repeat(fill)}`);
}

/**
 * A heading whose title may not fit on the rule: then the rule carries the short `label` and the
 * full title follows, wrapped, in bold.
 */
export function ruleLines(terminal: Terminal, label: string, title: string): string[] {
  const full = `${label} · ${title}`;
  if (visibleLength(full) + 6 <= terminal.width) return [rule(terminal, full)];
  return [rule(terminal, label), ...wrap(terminal.style.bold(title), terminal.width, '  ', '  ')];
}

export function renderScenarioHeading(scenario: ScenarioDefinition, terminal: Terminal, engineLine?: string): string[] {
  const { style } = terminal;
  const lines = [rule(terminal, `Scenario ${scenario.id}`), ...wrap(style.bold(scenario.title), terminal.width, '  ', '  ')];
  lines.push(...wrap(style.dim(`tags: ${scenario.tags.join(', ')}`), terminal.width, '  '));
  if (engineLine) lines.push(...wrap(style.dim(engineLine), terminal.width, '  '));
  return lines;
}

export function renderSection(title: string, body: string | string[], terminal: Terminal): string[] {
  const lines = ['', terminal.style.bold.underline(title)];
  const paragraphs = Array.isArray(body) ? body : [body];
  paragraphs.forEach((paragraph, index) => {
    if (index > 0) lines.push('');
    lines.push(...wrap(paragraph, terminal.width, '  '));
  });
  return lines;
}

export function renderBullets(title: string, items: string[], terminal: Terminal): string[] {
  const lines = ['', terminal.style.bold.underline(title)];
  for (const item of items) lines.push(...wrap(item, terminal.width, '    ', '  • '));
  return lines;
}

/**
 * How a key point is backed. With a report (after `run`): proven when the step it names ran and
 * every check in it held. Without one (`show`): which demo step proves it.
 */
export function keyPointProof(point: KeyPoint, report?: ScenarioReport): { proven: boolean; note: string } | undefined {
  if (!point.provenBy) return undefined;
  const prefix = point.provenBy.toLowerCase();
  if (!report) return { proven: true, note: `proven by the demo: ${point.provenBy}` };
  const step = report.steps.find((candidate) => candidate.title.toLowerCase().startsWith(prefix));
  if (!step || step.checks.length === 0) return { proven: false, note: `its step (${point.provenBy}) did not run` };
  const held = step.checks.every((check) => check.passed);
  return { proven: held, note: held ? `proven in this run: ${step.title}` : `its step did not behave as claimed: ${step.title}` };
}

/** Key points, each marked ✔ when a demo check backs it (KeyPoint.provenBy); the rest are reasoning. */
export function renderKeyPoints(scenario: ScenarioDefinition, terminal: Terminal, report?: ScenarioReport): string[] {
  const { style } = terminal;
  const lines = ['', style.bold.underline('Key points')];
  const points = scenario.answer.keyPoints;
  for (const point of points) {
    const proof = keyPointProof(point, report);
    const mark = proof ? (proof.proven ? style.green('✔') : style.magenta('‼')) : '•';
    const note = proof ? ` ${style.dim(`(${proof.note})`)}` : '';
    lines.push(...wrap(`${point.text}${note}`, terminal.width, '    ', `  ${mark} `));
  }
  const backed = points.filter((point) => point.provenBy).length;
  if (backed > 0 && backed < points.length) {
    lines.push(...wrap(style.dim(`✔ a check in the demo backs it; • the candidate's reasoning (${backed} of ${points.length} backed).`), terminal.width, '    ', '  '));
  }
  return lines;
}

export async function renderAnswer(scenario: ScenarioDefinition, terminal: Terminal, options: { includeCode: boolean }): Promise<string[]> {
  const { answer } = scenario;
  const lines = [
    ...(answer.short ? renderSection('The 30-second answer', answer.short, terminal) : []),
    ...renderSection('How a candidate reasons', answer.reasoning, terminal),
    ...renderKeyPoints(scenario, terminal),
  ];
  if (options.includeCode) {
    lines.push('', terminal.style.bold.underline('The code'));
    for (const sample of answer.code) {
      lines.push('');
      lines.push(...frameCode(sample.title, await highlightCode(sample.code, sample.language, terminal), terminal));
    }
  }
  lines.push(...renderBullets('What a senior adds', answer.seniorNotes, terminal));
  return lines;
}
