// Word wrapping and truncation that measure what is visible (colour codes take no columns).
import { stripVTControlCharacters } from 'node:util';

export function visibleLength(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/** Wraps each paragraph of `text` to `width` columns, every line prefixed with `indent`. */
export function wrap(text: string, width: number, indent = '', firstIndent = indent): string[] {
  const lines: string[] = [];
  const available = (prefix: string): number => Math.max(10, width - visibleLength(prefix));
  for (const paragraph of text.split('\n')) {
    let prefix = lines.length === 0 ? firstIndent : indent;
    // Plain spaces only: a no-break space (the thousands separator in "20 000") holds its words together.
    const words = paragraph.split(/[ \t\r\f\v]+/).filter((word) => word.length > 0);
    if (words.length === 0) {
      lines.push(prefix.trimEnd());
      continue;
    }
    let current = '';
    for (const word of words) {
      const candidate = current === '' ? word : `${current} ${word}`;
      if (visibleLength(candidate) <= available(prefix) || current === '') {
        current = candidate;
      } else {
        lines.push(prefix + current);
        prefix = indent;
        current = word;
      }
    }
    lines.push(prefix + current);
  }
  return lines;
}

/** Cuts plain text to `width` visible characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  return `${chars.slice(0, width - 1).join('')}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(text))) + text;
}
