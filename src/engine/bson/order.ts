// MongoDB compares values of different types by a fixed "canonical type" order, not by
// JavaScript semantics: MinKey < null < numbers < strings < objects < arrays < binData <
// ObjectId < booleans < dates < timestamps < regexes < MaxKey.
// https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
import { MaxKey, MinKey } from 'bson';
import { isPlainObject } from './paths.js';
import { compareNumeric, isInt32Number, numericKeyString } from './numeric.js';

export const MIN_KEY = new MinKey();
export const MAX_KEY = new MaxKey();

interface BsonTagged {
  _bsontype?: string;
}

export function bsonTypeOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      // What the value is written back as: the serializer makes int-range integers int32.
      return isInt32Number(value as number) ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    case 'object':
      break;
    default:
      return 'javascript';
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  // A stored document may have a field named _bsontype; only BSON class instances carry a type.
  if (isPlainObject(value)) return 'object';
  const tag = (value as BsonTagged)._bsontype;
  switch (tag) {
    case 'ObjectId':
      return 'objectId';
    case 'Long':
      return 'long';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONRegExp':
      return 'regex';
    case 'Code':
      return 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    case 'DBRef':
      return 'object';
    case undefined:
      return 'object';
    default:
      return 'object';
  }
}

const CANONICAL_RANK: Record<string, number> = {
  minKey: 0,
  missing: 1,
  null: 1,
  undefined: 1,
  double: 2,
  int: 2,
  long: 2,
  decimal: 2,
  string: 3,
  symbol: 3,
  object: 4,
  array: 5,
  binData: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  timestamp: 10,
  regex: 11,
  javascript: 12,
  maxKey: 13,
};

export function canonicalRank(value: unknown): number {
  return CANONICAL_RANK[bsonTypeOf(value)] ?? 4;
}

export function isNumeric(value: unknown): boolean {
  return canonicalRank(value) === 2;
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return Number.NaN;
  const v = value as { _bsontype?: string; toNumber(): number; valueOf(): unknown; toString(): string };
  if (v._bsontype === 'Long') return v.toNumber();
  if (v._bsontype === 'Decimal128') return Number.parseFloat(v.toString());
  if (v._bsontype === 'Int32' || v._bsontype === 'Double') return Number(v.valueOf());
  return Number.NaN;
}

function compareNumbers(a: number, b: number): number {
  // MongoDB orders NaN below every other number.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareStrings(a: string, b: string): number {
  // Binary comparison of UTF-8 bytes; for BMP text code-unit order is the same.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a collation compares strings (query/collation.ts); absent means binary (the simple collation). */
export interface StringCollation {
  compare(a: string, b: string): number;
  key(s: string): string;
}

/** Total order over BSON values, as mongod sorts and compares them; strings, also nested ones, by `collation`. */
export function compareValues(a: unknown, b: unknown, collation?: StringCollation): number {
  // Fast paths for the common index keys.
  const ta = typeof a;
  if (ta === typeof b && collation === undefined) {
    if (ta === 'string') return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    if (ta === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
  }
  if (a instanceof Date && b instanceof Date) return compareNumbers(a.getTime(), b.getTime());
  const ra = canonicalRank(a);
  const rb = canonicalRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
    case 1:
    case 13:
      return 0;
    case 2:
      return compareNumeric(a, b);
    case 3:
      return collation ? collation.compare(String(a), String(b)) : compareStrings(String(a), String(b));
    case 4:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>, collation);
    case 5: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i += 1) {
        const c = compareValues(x[i], y[i], collation);
        if (c !== 0) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    case 6: {
      const x = a as { buffer: Uint8Array; sub_type: number };
      const y = b as { buffer: Uint8Array; sub_type: number };
      if (x.buffer.length !== y.buffer.length) return x.buffer.length < y.buffer.length ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return compareBytes(x.buffer, y.buffer);
    }
    case 7:
      return compareBytes((a as { id: Uint8Array }).id, (b as { id: Uint8Array }).id);
    case 8:
      return a === b ? 0 : a === false ? -1 : 1;
    case 9:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case 10: {
      const x = a as { t: number; i: number };
      const y = b as { t: number; i: number };
      if (x.t !== y.t) return x.t < y.t ? -1 : 1;
      return x.i === y.i ? 0 : x.i < y.i ? -1 : 1;
    }
    case 11: {
      const x = regexParts(a);
      const y = regexParts(b);
      return compareStrings(x.source, y.source) || compareStrings(x.flags, y.flags);
    }
    default:
      return compareStrings(String(a), String(b));
  }
}

function regexParts(value: unknown): { source: string; flags: string } {
  if (value instanceof RegExp) return { source: value.source, flags: value.flags };
  const r = value as { pattern: string; options: string };
  return { source: r.pattern, flags: r.options };
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>, collation?: StringCollation): number {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i += 1) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const va = a[fa];
    const vb = b[fb];
    const rt = canonicalRank(va) - canonicalRank(vb);
    if (rt !== 0) return rt < 0 ? -1 : 1;
    const fc = compareStrings(fa, fb);
    if (fc !== 0) return fc;
    const vc = compareValues(va, vb, collation);
    if (vc !== 0) return vc;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/**
 * A string that is equal for two values exactly when mongod treats them as the same index key
 * (1, 1.0 and NumberLong(1) collide), used for unique-index hash maps and $group-like grouping.
 */
export function keyString(value: unknown, collation?: StringCollation): string {
  if (typeof value === 'string') {
    const s = collation ? collation.key(value) : value;
    return `s${s.length}:${s}`;
  }
  const rank = canonicalRank(value);
  switch (rank) {
    case 0:
      return 'm';
    case 1:
      return 'z';
    case 2:
      return numericKeyString(value);
    case 3: {
      const s = collation ? collation.key(String(value)) : String(value);
      return `s${s.length}:${s}`;
    }
    case 4: {
      const o = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(o)) {
        if (o[k] === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${keyString(o[k], collation)}`);
      }
      return `{${parts.join(',')}}`;
    }
    case 5:
      return `[${(value as unknown[]).map((v) => keyString(v, collation)).join(',')}]`;
    case 6: {
      const b = value as { buffer: Uint8Array; sub_type: number };
      return `b${b.sub_type}:${Buffer.from(b.buffer).toString('hex')}`;
    }
    case 7:
      return `o${(value as { toHexString(): string }).toHexString()}`;
    case 8:
      return value ? 'T' : 'F';
    case 9:
      return `d${(value as Date).getTime()}`;
    case 10: {
      const t = value as { t: number; i: number };
      return `t${t.t}:${t.i}`;
    }
    case 11: {
      const r = regexParts(value);
      return `r/${r.source}/${r.flags}`;
    }
    case 13:
      return 'M';
    default:
      return `x${String(value)}`;
  }
}
