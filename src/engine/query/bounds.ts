// Index bounds: which key ranges of a field a filter allows. Only predicates an index can answer
// become bounds (equality, $eq, $in of literals, $gt/$gte/$lt/$lte); everything else stays a
// residual filter that FETCH re-applies, so wide bounds are never wrong, only slower.
// A range predicate is bracketed by the type of its operand, as mongod does ({$gt: 5} scans
// (5, inf.0], never strings).
import { ObjectId } from 'bson';
import { canonicalRank, compareValues, MAX_KEY, MIN_KEY } from '../bson/order.js';
import { isPlainObject } from '../bson/paths.js';

export interface Interval {
  lo: unknown;
  loInc: boolean;
  hi: unknown;
  hiInc: boolean;
}

export const FULL_INTERVAL: Interval = { lo: MIN_KEY, loInc: true, hi: MAX_KEY, hiInc: true };

function typeBracket(value: unknown): { lo: unknown; hi: unknown; hiInc: boolean } {
  switch (canonicalRank(value)) {
    case 2:
      return { lo: -Infinity, hi: Infinity, hiInc: true };
    case 3:
      return { lo: '', hi: {}, hiInc: false };
    case 7:
      return { lo: new ObjectId('000000000000000000000000'), hi: new ObjectId('ffffffffffffffffffffffff'), hiInc: true };
    case 8:
      return { lo: false, hi: true, hiInc: true };
    case 9:
      return { lo: new Date(-8.64e15), hi: new Date(8.64e15), hiInc: true };
    default:
      return { lo: MIN_KEY, hi: MAX_KEY, hiInc: true };
  }
}

function isSargableLiteral(value: unknown): boolean {
  if (Array.isArray(value)) return false;
  const rank = canonicalRank(value);
  if (rank === 11) return false; // regex
  if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) return false;
  return true;
}

function point(value: unknown): Interval {
  return { lo: value, loInc: true, hi: value, hiInc: true };
}

/**
 * A case-sensitive regex anchored with ^ and starting with literal characters bounds the scan to
 * the strings sharing that prefix (/^abc/ scans ["abc", "abd")), as mongod does; others scan all strings.
 */
function regexInterval(value: unknown, options?: string): Interval[] {
  // A stored regex equal to the query's regex matches too, hence the second, point interval.
  const self = typeof value === 'string' ? new RegExp(value, (options ?? '').replace(/[^imsu]/g, '')) : value;
  return [stringsForRegex(value, options), point(self)];
}

function stringsForRegex(value: unknown, options?: string): Interval {
  const source =
    typeof value === 'string' ? value : value instanceof RegExp ? value.source : String((value as { pattern?: string }).pattern ?? '');
  const flags = options ?? (value instanceof RegExp ? value.flags : String((value as { options?: string }).options ?? ''));
  const match = /^\^([^.*+?^${}()|[\]\\]*)/.exec(source);
  const prefix = match?.[1] ?? '';
  if (flags.includes('i') || flags.includes('m') || prefix === '') return { lo: '', loInc: true, hi: {}, hiInc: false };
  const last = prefix.charCodeAt(prefix.length - 1);
  const upper = prefix.slice(0, -1) + String.fromCharCode(last + 1);
  return { lo: prefix, loInc: true, hi: upper, hiInc: false };
}

/** Intervals for one operator expression, or undefined if that operator cannot bound an index. */
function intervalsForOperator(op: string, arg: unknown, options?: string): Interval[] | undefined {
  switch (op) {
    case '$regex':
      return regexInterval(arg, options);
    case '$eq':
      return isSargableLiteral(arg) ? [point(arg)] : undefined;
    case '$in': {
      if (!Array.isArray(arg) || !arg.every(isSargableLiteral)) return undefined;
      const sorted = [...arg].sort(compareValues);
      const out: Interval[] = [];
      for (const v of sorted) {
        const last = out[out.length - 1];
        if (last === undefined || compareValues(last.lo, v) !== 0) out.push(point(v));
      }
      return out;
    }
    case '$gt':
    case '$gte': {
      if (!isSargableLiteral(arg) || arg === null) return undefined;
      const b = typeBracket(arg);
      return [{ lo: arg, loInc: op === '$gte', hi: b.hi, hiInc: b.hiInc }];
    }
    case '$lt':
    case '$lte': {
      if (!isSargableLiteral(arg) || arg === null) return undefined;
      const b = typeBracket(arg);
      return [{ lo: b.lo, loInc: true, hi: arg, hiInc: op === '$lte' }];
    }
    default:
      return undefined;
  }
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const loCmp = compareValues(x.lo, y.lo);
      const lo = loCmp > 0 ? x.lo : y.lo;
      const loInc = loCmp > 0 ? x.loInc : loCmp < 0 ? y.loInc : x.loInc && y.loInc;
      const hiCmp = compareValues(x.hi, y.hi);
      const hi = hiCmp < 0 ? x.hi : y.hi;
      const hiInc = hiCmp < 0 ? x.hiInc : hiCmp > 0 ? y.hiInc : x.hiInc && y.hiInc;
      const c = compareValues(lo, hi);
      if (c < 0 || (c === 0 && loInc && hiInc)) out.push({ lo, loInc, hi, hiInc });
    }
  }
  return out;
}

export interface FieldBounds {
  intervals: Interval[];
  /** True when the field is constrained to single points (equality or $in). */
  points: boolean;
  /** True when all intervals came from one predicate (needed on multikey paths). */
  single: boolean;
}

/** Top-level field predicates of a filter, flattening $and. */
export function collectPredicates(filter: Record<string, unknown>, out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) collectPredicates(sub, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const list = out.get(key) ?? [];
    list.push(value);
    out.set(key, list);
  }
  return out;
}

/**
 * Bounds for a field from its predicates. `multikey` forbids intersecting two ranges, because
 * {a: {$gt: 1, $lt: 5}} matches a: [0, 10] (different elements satisfy each side).
 */
export function boundsForField(predicates: unknown[], multikey: boolean): FieldBounds | undefined {
  let result: Interval[] | undefined;
  let count = 0;
  for (const predicate of predicates) {
    const isOps = isPlainObject(predicate) && Object.keys(predicate).length > 0 && Object.keys(predicate).every((k) => k.startsWith('$'));
    const pieces: Interval[][] = [];
    if (isOps) {
      for (const [op, arg] of Object.entries(predicate)) {
        const iv = intervalsForOperator(op, arg, typeof predicate.$options === 'string' ? predicate.$options : undefined);
        if (iv) pieces.push(iv);
      }
    } else if (isSargableLiteral(predicate)) {
      pieces.push([point(predicate)]);
    } else if (canonicalRank(predicate) === 11) {
      pieces.push(regexInterval(predicate));
    }
    for (const piece of pieces) {
      if (result === undefined) result = piece;
      else if (!multikey) result = intersect(result, piece);
      else continue;
      count += 1;
    }
  }
  if (result === undefined) return undefined;
  const points = result.every((iv) => iv.loInc && iv.hiInc && compareValues(iv.lo, iv.hi) === 0);
  return { intervals: result, points, single: count === 1 };
}
