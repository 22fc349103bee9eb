// How a scenario's text is laid out in the terminal, shared by `show` and `run`.
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { Terminal } from './terminal.js';
import { wrap } from './text.js';
import { frameCode, highlightCode } from './highlight.js';

export function rule(terminal: Terminal, title: string): string {
  const text = ` ${title} `;
  const fill = Math.max(2, terminal.width - text.length - 2);
  return terminal.style.cyan(`━━${text}${'━'.repeat(fill)}`);
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
