// Which key points a typed answer touches. An aid for self-grading, not a verdict: a key point
// counts as covered when the answer mentions at least one term of every synonym group (the
// contract's rule), compared case-insensitively with runs of whitespace folded, so "Unique
//   Index" matches "unique index".
import type { KeyPoint } from '../scenario/contract.js';

export interface KeyPointCoverage {
  text: string;
  covered: boolean;
  /** For each group of synonyms: the first term the answer mentions, or undefined. */
  matched: (string | undefined)[];
  /** One representative term (the first) of each group the answer does not mention. */
  missing: string[];
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

export function keyPointCoverage(answer: string, keyPoints: KeyPoint[]): KeyPointCoverage[] {
  const haystack = normalize(answer);
  return keyPoints.map((point) => {
    const matched = point.terms.map((group) => group.find((term) => haystack.includes(normalize(term).trim())));
    const missing = point.terms.flatMap((group, index) => (matched[index] === undefined ? [group[0] ?? ''] : []));
    return { text: point.text, covered: missing.length === 0, matched, missing };
  });
}
