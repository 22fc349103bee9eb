// Which key points a typed answer touches. An aid for self-grading, not a verdict: a key point
// counts as covered when the answer mentions at least one term of every synonym group (the
// contract's rule), and as partly covered when it mentions some groups but not all.
//
// "Mentions" is forgiving in the ways people write: case and runs of whitespace are ignored
// ("Unique   Index"), hyphens fold into spaces ("check-then-act" = "check then act"), British and
// American spellings meet ("normalise" = "normalize"), a leading article in a term is dropped and
// the rest matched as a whole word ("a ttl" matches "with TTL" but not "settle"), and a small table
// of interview synonyms widens a term ("race" is also "TOCTOU"). What the answer said is quoted
// back in its own words, never as an internal stem ("normalise", not "normaliz").
import type { KeyPoint } from '../scenario/contract.js';

export interface KeyPointCoverage {
  text: string;
  covered: boolean;
  /** Some groups mentioned, not all: the idea is half there. */
  partial: boolean;
  /** For each group of synonyms: the answer's own word(s) that matched, or undefined. */
  matched: (string | undefined)[];
  /** One representative term (the first, without a leading article) of each group not mentioned. */
  missing: string[];
}

/**
 * Interview vocabulary that means the same as a term authors commonly write. Keys and values are
 * compared after normalisation; a term that equals a key also matches each value.
 */
const synonyms: Record<string, string[]> = {
  'race': ['toctou', 'time of check', 'check then act', 'race condition', 'concurrently'],
  'concurrent': ['concurrently', 'in parallel', 'parallel requests', 'same instant', 'same moment', 'toctou'],
  'findone': ['existence check', 'exists check', 'check if it exists', 'check whether it exists', 'check then act', 'toctou'],
  'check then': ['toctou', 'existence check', 'time of check'],
  'skip': ['offset', 'pagination', 'paginate', 'paging'],
  'keyset': ['keyset', 'cursor based', 'seek method', 'after id'],
  'explain': ['explain', 'query plan', 'execution plan', 'winning plan'],
  'collscan': ['full scan', 'collection scan', 'table scan', 'scans every document', 'scans the whole collection'],
  'ttl': ['ttl', 'expires', 'expiry', 'time to live'],
  'projection': ['project only', 'select only', 'lean projection'],
  '409': ['conflict'],
  'unique index': ['unique constraint', 'unique key'],
};

const articles = /^(a|an|the)\s+/;

/** Lower case, hyphens and underscores as spaces, British -ise as -ize, whitespace folded. */
function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[-_]/g, ' ')
    .replace(/(\w)is(e|es|ed|ing|ation|ations)\b/g, '$1iz$2')
    .replace(/\s+/g, ' ');
}

interface Haystack {
  /** The folded answer. */
  text: string;
  /** For each character of `text`, its index in the original answer. */
  origin: number[];
  original: string;
}

function haystackOf(answer: string): Haystack {
  // Folded one character at a time so every match can be traced back to the user's own words.
  const text: string[] = [];
  const origin: number[] = [];
  for (let index = 0; index < answer.length; index += 1) {
    let char = answer[index]!.toLowerCase();
    if (/[-_\s]/.test(char)) char = ' ';
    if (char === ' ' && text[text.length - 1] === ' ') continue;
    text.push(char);
    origin.push(index);
  }
  // -ise → -ize keeps the length (one letter swapped), so the origin map still holds.
  const folded = text.join('').replace(/(\w)is(e|es|ed|ing|ation|ations)\b/g, '$1iz$2');
  return { text: folded, origin, original: answer };
}

/** The whole word(s) of the original answer around a match. */
function wordsAt(haystack: Haystack, start: number, length: number): string {
  let from = haystack.origin[start] ?? 0;
  let to = (haystack.origin[start + length - 1] ?? from) + 1;
  const word = /[\w$.()'"]/;
  while (from > 0 && word.test(haystack.original[from - 1]!)) from -= 1;
  while (to < haystack.original.length && /\w/.test(haystack.original[to]!)) to += 1;
  return haystack.original.slice(from, to).replace(/[.,;:]+$/, '').replace(/^[("']+|[)"']+$/g, '');
}

/** Where `term` occurs: anywhere (as before), or as a whole word when it came from "a/the term". */
function find(haystack: Haystack, term: string, wholeWord: boolean): number {
  if (term === '') return -1;
  if (!wholeWord) return haystack.text.indexOf(term);
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(^|[^a-z0-9])(${escaped})(?![a-z0-9])`).exec(haystack.text);
  return match ? match.index + match[1]!.length : -1;
}

/** Every spelling a term stands for: itself, without its article, and its synonyms. */
function spellings(term: string): { text: string; wholeWord: boolean }[] {
  const folded = fold(term).trim();
  const bare = folded.replace(articles, '');
  const result = [{ text: folded, wholeWord: false }];
  if (bare !== folded) result.push({ text: bare, wholeWord: true });
  for (const synonym of synonyms[bare] ?? []) result.push({ text: fold(synonym).trim(), wholeWord: true });
  return result;
}

function mention(haystack: Haystack, group: string[]): string | undefined {
  for (const term of group) {
    for (const spelling of spellings(term)) {
      const at = find(haystack, spelling.text, spelling.wholeWord);
      if (at >= 0) return wordsAt(haystack, at, spelling.text.length);
    }
  }
  return undefined;
}

export function keyPointCoverage(answer: string, keyPoints: KeyPoint[]): KeyPointCoverage[] {
  const haystack = haystackOf(answer);
  return keyPoints.map((point) => {
    const matched = point.terms.map((group) => mention(haystack, group));
    const missing = point.terms.flatMap((group, index) => (matched[index] === undefined ? [(group[0] ?? '').replace(articles, '')] : []));
    const some = matched.some((word) => word !== undefined);
    return { text: point.text, covered: missing.length === 0, partial: some && missing.length > 0, matched, missing };
  });
}
