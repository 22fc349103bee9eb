// $text search over a collection's text index: words of the indexed string fields, matched
// case- and diacritic-insensitively after a light English stemming; "quoted phrases" must all
// appear and -negated words must not. mongod requires a text index (error 27 without one).
// The score (count of matched term occurrences) feeds {$meta: 'textScore'} in sort and projection.
import { isPlainObject, valuesAtPath } from '../bson/paths.js';
import { CommandError } from '../errors.js';

const scores = new WeakMap<object, number>();

export function textScore(doc: object): number {
  return scores.get(doc) ?? 0;
}

function fold(text: string, caseSensitive: boolean, diacriticSensitive: boolean): string {
  let out = diacriticSensitive ? text : text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (!caseSensitive) out = out.toLowerCase();
  return out;
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('es')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(stem);
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (isPlainObject(value)) for (const v of Object.values(value)) collectStrings(v, out);
}

/** `fields` are the text index's paths ('$**' for all strings); undefined means no text index. */
export function compileText(spec: unknown, fields: string[] | undefined): (doc: Record<string, unknown>) => boolean {
  if (fields === undefined) throw new CommandError(27, 'text index required for $text query');
  if (!isPlainObject(spec) || typeof spec.$search !== 'string') throw new CommandError(2, '$search needs a String');
  const caseSensitive = spec.$caseSensitive === true;
  const diacriticSensitive = spec.$diacriticSensitive === true;
  const search = fold(spec.$search, caseSensitive, diacriticSensitive);
  const phrases = [...search.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string).filter(Boolean);
  const rest = search.replace(/"[^"]*"/g, ' ');
  const negated = new Set(rest.split(/\s+/).filter((t) => t.startsWith('-') && t.length > 1).flatMap((t) => words(t.slice(1))));
  const terms = new Set(rest.split(/\s+/).filter((t) => t && !t.startsWith('-')).flatMap(words));
  for (const phrase of phrases) for (const w of words(phrase)) terms.add(w);
  return (doc) => {
    const strings: string[] = [];
    if (fields.includes('$**')) collectStrings(doc, strings);
    else for (const path of fields) for (const v of valuesAtPath(doc, path)) collectStrings(v, strings);
    const text = fold(strings.join('\n'), caseSensitive, diacriticSensitive);
    const docWords = words(text);
    let score = 0;
    for (const w of docWords) if (terms.has(w)) score += 1;
    if (score === 0) return false;
    if (docWords.some((w) => negated.has(w))) return false;
    if (!phrases.every((p) => text.includes(p))) return false;
    scores.set(doc, score);
    return true;
  };
}
