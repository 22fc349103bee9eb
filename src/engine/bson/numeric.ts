// BSON's four numeric types inside the engine, and arithmetic with mongod's type promotion.
//
// Representation (chosen so the common case stays a plain JS number and costs nothing):
//   int32    a JS number that is an integer in int32 range (the bson serializer writes it back as int32)
//   double   a JS number that is not such an integer (written back as double), or a `Double`
//            wrapper for an integer-valued double (1.0 would otherwise come back as int32 1)
//   int64    a `Long` (or a bigint), never promoted: 2^53 + 1 survives
//   decimal  a `Decimal128`
// `reviveNumbers` brings a freshly deserialized document (promoteValues: false) into this form.
//
// Promotion, as mongod's $inc/$mul and $add/$sum: int32 op int32 stays int32 unless it overflows
// (then int64); int64 overflow becomes double; anything with a double is double; anything with a
// decimal is decimal (computed exactly here, rounded to 34 digits).
// https://www.mongodb.com/docs/manual/reference/operator/update/inc/
import { Decimal128, Double, Long } from 'bson';
import { ownField, setOwnField } from './paths.js';

export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface Tagged {
  _bsontype?: string;
}

function tagOf(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? (value as Tagged)._bsontype : undefined;
}

/** True for a JS number the bson serializer writes as int32. */
export function isInt32Number(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

export function numericKind(value: unknown): NumericKind | undefined {
  if (typeof value === 'number') return isInt32Number(value) ? 'int' : 'double';
  if (typeof value === 'bigint') return 'long';
  switch (tagOf(value)) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    default:
      return undefined;
  }
}

/** A double as the engine stores it: a plain number unless that would read back as int32. */
export function makeDouble(n: number): number | Double {
  return isInt32Number(n) ? new Double(n) : n;
}

export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (tagOf(value) === 'Long') {
    const long = value as Long;
    return BigInt.asIntN(64, (BigInt(long.high) << 32n) | BigInt(long.low >>> 0));
  }
  return BigInt(Number(value));
}

function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (tagOf(value) === 'Decimal128') return Number.parseFloat(String(value));
  return Number(value);
}

/**
 * Walks a document fresh from the wire (deserialized with promoteValues: false) in place:
 * Int32 becomes a number, a Double stays a wrapper only when its value is an integer in int32
 * range, Long and Decimal128 stay as they are.
 */
export function reviveNumbers(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = reviveOne(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object' && (value as Tagged)._bsontype === undefined && !(value instanceof Date)) {
    const o = value as Record<string, unknown>;
    for (const key in o) o[key] = reviveOne(o[key]);
  }
  return value;
}

function reviveOne(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch ((value as Tagged)._bsontype) {
    case undefined:
      return reviveNumbers(value);
    case 'Int32':
      return (value as { value: number }).value;
    case 'Double': {
      const n = (value as Double).value;
      return isInt32Number(n) ? value : n;
    }
    default:
      return value;
  }
}

/**
 * Plain JS values for code that only knows those (mingo's expression and update operators):
 * Double and Int32 become numbers, a Long within 2^53 too (wider Longs and Decimal128 stay), and
 * a BSON regular expression becomes a RegExp with the flags JavaScript has.
 * Copy-on-write: returns `value` itself when it holds nothing to convert.
 */
export function plainValues<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const v = plainValues(value[i] as unknown);
      if (v !== value[i]) (out ??= [...value])[i] = v;
    }
    return (out ?? value) as T;
  }
  switch ((value as Tagged)._bsontype) {
    case undefined: {
      const o = value as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      for (const key of Object.keys(o)) {
        const v = plainValues(o[key]);
        // Spread and setOwnField keep a field named __proto__ as data, never the copy's prototype.
        if (v !== o[key]) setOwnField((out ??= { ...o }), key, v);
      }
      return (out ?? value) as T;
    }
    case 'Int32':
    case 'Double':
      return Number(value) as T;
    case 'Long': {
      const n = (value as unknown as Long).toNumber();
      return (Number.isSafeInteger(n) ? n : value) as T;
    }
    case 'BSONRegExp': {
      const r = value as unknown as { pattern: string; options: string };
      try {
        return new RegExp(r.pattern, [...r.options].filter((f) => 'imsu'.includes(f)).join('')) as T;
      } catch {
        return value;
      }
    }
    default:
      return value;
  }
}

/**
 * After mingo rewrote a copy made by plainValues: every number still equal to the wrapper the
 * original held at the same path gets that wrapper back, so fields an update did not touch keep
 * their BSON type. Mutates and returns `result`.
 */
export function restoreNumberTypes(result: unknown, original: unknown): unknown {
  if (original === null || typeof original !== 'object' || result === null || typeof result !== 'object') return result;
  if (Array.isArray(original) !== Array.isArray(result) || (original as Tagged)._bsontype !== undefined) return result;
  const r = result as Record<string, unknown>;
  const o = original as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    const before = ownField(o, key);
    const after = r[key];
    if (typeof after === 'number') {
      const tag = tagOf(before);
      if ((tag === 'Double' || tag === 'Long') && Number(before) === after) setOwnField(r, key, before);
    } else if (after !== null && typeof after === 'object') {
      restoreNumberTypes(after, before);
    }
  }
  return result;
}

// ---- exact decimal arithmetic (Decimal128 has none of its own) ----

interface DecimalParts {
  coefficient: bigint;
  exponent: number;
  special?: number; // NaN or ±Infinity
}

function decimalParts(value: unknown): DecimalParts {
  const kind = numericKind(value);
  if (kind === 'int' || kind === 'long') return { coefficient: toBigInt(value), exponent: 0 };
  const text = kind === 'decimal' ? String(value) : String(toDouble(value));
  if (/^-?(Infinity|inf)$/i.test(text) || /^nan$/i.test(text)) return { coefficient: 0n, exponent: 0, special: Number.parseFloat(text) };
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return { coefficient: 0n, exponent: 0, special: Number.NaN };
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match;
  const digits = `${whole}${fraction}` || '0';
  const coefficient = BigInt(digits) * (sign === '-' ? -1n : 1n);
  return { coefficient, exponent: Number(exp) - fraction.length };
}

function decimalFrom(parts: DecimalParts): Decimal128 {
  if (parts.special !== undefined) {
    return Decimal128.fromString(Number.isNaN(parts.special) ? 'NaN' : parts.special > 0 ? 'Infinity' : '-Infinity');
  }
  return Decimal128.fromStringWithRounding(`${parts.coefficient.toString()}E${parts.exponent}`);
}

function decimalOp(a: unknown, b: unknown, multiply: boolean): Decimal128 {
  const x = decimalParts(a);
  const y = decimalParts(b);
  if (x.special !== undefined || y.special !== undefined) {
    const fx = x.special ?? 0;
    const fy = y.special ?? 0;
    return decimalFrom({ coefficient: 0n, exponent: 0, special: multiply ? fx * fy : fx + fy });
  }
  if (multiply) return decimalFrom({ coefficient: x.coefficient * y.coefficient, exponent: x.exponent + y.exponent });
  const exponent = Math.min(x.exponent, y.exponent);
  const scale = (p: DecimalParts): bigint => p.coefficient * 10n ** BigInt(p.exponent - exponent);
  return decimalFrom({ coefficient: scale(x) + scale(y), exponent });
}

const RANK: Record<NumericKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

/**
 * a + b (or a × b) with mongod's promotion. Both must be numeric (numericKind defined).
 * Returns the value in the engine's representation.
 */
export function numericArithmetic(a: unknown, b: unknown, multiply: boolean): unknown {
  const ka = numericKind(a) as NumericKind;
  const kb = numericKind(b) as NumericKind;
  const kind = RANK[ka] >= RANK[kb] ? ka : kb;
  if (kind === 'decimal') return decimalOp(a, b, multiply);
  if (kind === 'double') {
    const x = toDouble(a);
    const y = toDouble(b);
    return makeDouble(multiply ? x * y : x + y);
  }
  const exact = multiply ? toBigInt(a) * toBigInt(b) : toBigInt(a) + toBigInt(b);
  if (kind === 'int' && exact >= BigInt(INT32_MIN) && exact <= BigInt(INT32_MAX)) return Number(exact);
  if (exact >= INT64_MIN && exact <= INT64_MAX) return Long.fromBigInt(exact);
  // int64 overflow: mongod falls back to double.
  return makeDouble(multiply ? toDouble(a) * toDouble(b) : toDouble(a) + toDouble(b));
}

/** Zero of the same numeric type (what $mul writes to a missing field). */
export function zeroLike(value: unknown): unknown {
  switch (numericKind(value)) {
    case 'long':
      return Long.ZERO;
    case 'decimal':
      return Decimal128.fromString('0');
    case 'double':
      return new Double(0);
    default:
      return 0;
  }
}

/**
 * Exact comparison of two numeric values: int64 beyond 2^53 must not collapse onto its
 * neighbours, as converting both to doubles would do. NaN sorts below every number.
 */
export function compareNumeric(a: unknown, b: unknown): number {
  const ka = numericKind(a);
  const kb = numericKind(b);
  if (ka === 'decimal' || kb === 'decimal') return compareDecimal(a, b);
  if (ka === 'long' || kb === 'long') {
    if (tagOf(a) === 'Long' && tagOf(b) === 'Long') return (a as Long).compare(b as Long);
    // Within 2^53 an int64 is exactly a double, and comparing doubles is exact.
    const fa = toDouble(a);
    const fb = toDouble(b);
    if ((ka !== 'long' || Number.isSafeInteger(fa)) && (kb !== 'long' || Number.isSafeInteger(fb))) return compareDoubles(fa, fb);
    const x = ka === 'long' ? toBigInt(a) : toDouble(a);
    const y = kb === 'long' ? toBigInt(b) : toDouble(b);
    return compareMixed(x, y);
  }
  return compareDoubles(toDouble(a), toDouble(b));
}

function compareDoubles(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareMixed(x: bigint | number, y: bigint | number): number {
  if (typeof x === 'number' && typeof y === 'number') return compareDoubles(x, y);
  if (typeof x === 'number') return -compareMixed(y, x);
  // x is a bigint here.
  if (typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  if (Number.isNaN(y)) return 1;
  if (y === Infinity) return -1;
  if (y === -Infinity) return 1;
  const floor = BigInt(Math.floor(y));
  if (x < floor) return -1;
  if (x > floor) return 1;
  return Number.isInteger(y) ? 0 : -1;
}

function compareDecimal(a: unknown, b: unknown): number {
  const x = decimalParts(a);
  const y = decimalParts(b);
  if (x.special !== undefined || y.special !== undefined) {
    return compareDoubles(x.special ?? Number(x.coefficient), y.special ?? Number(y.coefficient));
  }
  const exponent = Math.min(x.exponent, y.exponent);
  const sx = x.coefficient * 10n ** BigInt(x.exponent - exponent);
  const sy = y.coefficient * 10n ** BigInt(y.exponent - exponent);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/**
 * The part of an index key string that makes equal numbers collide across types (1, 1.0,
 * NumberLong(1), NumberDecimal('1.0')) while keeping distinct int64 values distinct.
 */
export function numericKeyString(value: unknown): string {
  const kind = numericKind(value);
  if (kind === 'long') return `n${toBigInt(value).toString()}`;
  if (kind === 'decimal') {
    const p = normalisedParts(decimalParts(value));
    if (p.special !== undefined) return `n${p.special}`;
    if (p.exponent >= 0 && p.exponent <= 400) return `n${(p.coefficient * 10n ** BigInt(p.exponent)).toString()}`;
    // Equal to a double only when that double has exactly these digits.
    const asDouble = Number(`${p.coefficient}e${p.exponent}`);
    const back = normalisedParts(decimalParts(asDouble));
    return back.coefficient === p.coefficient && back.exponent === p.exponent ? numericKeyString(asDouble) : `d${p.coefficient}e${p.exponent}`;
  }
  const n = toDouble(value);
  // Integers past 2^53 are written out in full so that they meet the int64 spelling.
  if (Number.isInteger(n) && Math.abs(n) >= 2 ** 53) return `n${BigInt(n).toString()}`;
  return `n${Object.is(n, -0) ? 0 : n}`;
}

function normalisedParts(p: DecimalParts): DecimalParts {
  if (p.special !== undefined || p.coefficient === 0n) return p.special !== undefined ? p : { coefficient: 0n, exponent: 0 };
  let { coefficient, exponent } = p;
  while (coefficient % 10n === 0n) {
    coefficient /= 10n;
    exponent += 1;
  }
  return { coefficient, exponent };
}
