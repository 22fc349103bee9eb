// How a scenario's text is laid out in the terminal, shared by `show` and `run`.
import type { ScenarioDefinition } from '../scenario/contract.js';
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

export async function renderAnswer(scenario: ScenarioDefinition, terminal: Terminal, options: { includeCode: boolean }): Promise<string[]> {
  const { answer } = scenario;
  const lines = [
    ...renderSection('How a candidate reasons', answer.reasoning, terminal),
    ...renderBullets('Key points', answer.keyPoints.map((point) => point.text), terminal),
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
