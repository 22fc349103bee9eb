// In-memory sort with mongod's rules: BSON type order across types, and an array field sorts by
// its smallest element ascending and its largest descending.
import { compareValues, type StringCollation } from '../bson/order.js';
import { ownField, valuesAtPath } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { textScore } from './text.js';

export interface SortField {
  path: string;
  direction: 1 | -1;
  meta?: boolean;
}

export function parseSort(spec: unknown): SortField[] {
  if (spec === undefined || spec === null) return [];
  if (typeof spec !== 'object' || Array.isArray(spec)) throw new CommandError(2, 'sort must be an object');
  return Object.entries(spec as Record<string, unknown>).map(([path, dir]) => {
    if (typeof dir === 'object' && dir !== null && '$meta' in dir) return { path, direction: -1, meta: true };
    const n = Number(dir);
    if (n !== 1 && n !== -1) throw new CommandError(15974, `Illegal key in $sort specification: ${path}: ${String(dir)}`);
    return { path, direction: n as 1 | -1 };
  });
}

export function sortKey(doc: Doc, field: SortField, collation?: StringCollation): unknown {
  if (!field.path.includes('.')) {
    const direct = ownField(doc, field.path);
    if (!Array.isArray(direct)) return direct;
  }
  const raw = valuesAtPath(doc, field.path);
  const values: unknown[] = [];
  for (const v of raw) {
    if (Array.isArray(v)) {
      if (v.length === 0) values.push(undefined);
      else values.push(...v);
    } else values.push(v);
  }
  if (values.length === 1) return values[0];
  let best = values[0];
  for (const v of values) {
    const c = compareValues(v, best, collation);
    if (field.direction === 1 ? c < 0 : c > 0) best = v;
  }
  return best;
}

export function compareBySort(fields: SortField[]): (a: Doc, b: Doc) => number {
  return (a, b) => {
    for (const field of fields) {
      if (field.meta) continue;
      const c = compareValues(sortKey(a, field), sortKey(b, field));
      if (c !== 0) return field.direction === 1 ? c : -c;
    }
    return 0;
  };
}

/**
 * Sorts with keys computed once per document (decorate-sort-undecorate). `normalise` is the
 * query's collation normaliser (matcher's normaliserFor); its collation orders the strings.
 */
export function sortDocuments(docs: Doc[], fields: SortField[], normalise?: (s: string) => string): Doc[] {
  const active = fields;
  if (active.length === 0) return docs;
  const collation = (normalise as { collation?: StringCollation } | undefined)?.collation;
  const keyOf = (doc: Doc, f: SortField): unknown => (f.meta ? textScore(doc) : sortKey(doc, f, collation));
  const decorated = docs.map((doc, i) => ({ doc, i, keys: active.map((f) => keyOf(doc, f)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < active.length; j += 1) {
      const c = compareValues(a.keys[j], b.keys[j], collation);
      if (c !== 0) return (active[j] as SortField).direction === 1 ? c : -c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.doc);
}
