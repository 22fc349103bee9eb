// Syntax highlighting for code blocks. cli-highlight pulls in highlight.js, so it is loaded only
// when a block is actually shown in colour.
import type { Terminal } from './terminal.js';
import { wrap } from './text.js';

const languageNames: Record<string, string> = { ts: 'typescript', js: 'javascript', json: 'json', bash: 'bash', text: 'plaintext' };

export async function highlightCode(code: string, language: string, terminal: Terminal): Promise<string> {
  if (!terminal.color || language === 'text') return code;
  try {
    const { highlight } = await import('cli-highlight');
    return highlight(code, { language: languageNames[language] ?? language, ignoreIllegals: true });
  } catch {
    return code;
  }
}

/** Indents a code block and frames it with a title line. */
export function frameCode(title: string, code: string, terminal: Terminal, indent = '  '): string[] {
  const { style } = terminal;
  // A title is prose: wrapped like it. (Code lines are the author's to keep within 60 columns.)
  const lines = wrap(title, terminal.width, indent).map((line) => style.bold(line));
  for (const line of code.replace(/\s+$/, '').split('\n')) lines.push(`${indent}${style.dim('│')} ${line}`.trimEnd());
  return lines;
}
