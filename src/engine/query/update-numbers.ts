// Arithmetic of $inc, $mul and $bit with mongod's numeric type promotion: int op int stays an
// int unless it overflows (then long), long stays long (overflow gives a double), anything with a
// double is a double, anything with a decimal is a decimal. Plain JS numbers (what the wire layer
// promotes int32/int64/double to) add as JS numbers. Decimal128 arithmetic goes through a double,
// which loses digits beyond 15-17: bson has no decimal arithmetic.
import { Decimal128, Double, Int32, Long } from 'bson';
import { bsonTypeOf, toNumber } from '../bson/order.js';

type Kind = 'number' | 'int' | 'long' | 'double' | 'decimal';

function kindOf(value: unknown): Kind {
  if (typeof value === 'number') return 'number';
  const type = bsonTypeOf(value);
  return type === 'int' || type === 'long' || type === 'decimal' ? type : 'double';
}

const RANK: Record<Kind, number> = { number: 0, int: 1, long: 2, double: 3, decimal: 4 };
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function toLong(value: unknown): Long {
  if (value instanceof Long || bsonTypeOf(value) === 'long') return value as Long;
  return Long.fromNumber(toNumber(value));
}

/** a + b (or a * b) with mongod's result type. */
export function arithmetic(a: unknown, b: unknown, multiply: boolean): unknown {
  const kind = RANK[kindOf(a)] >= RANK[kindOf(b)] ? kindOf(a) : kindOf(b);
  const plain = (): number => (multiply ? toNumber(a) * toNumber(b) : toNumber(a) + toNumber(b));
  switch (kind) {
    case 'number':
      return plain();
    case 'double':
      return new Double(plain());
    case 'decimal':
      return Decimal128.fromString(String(plain()));
    case 'int': {
      const result = plain();
      return result >= INT32_MIN && result <= INT32_MAX ? new Int32(result) : Long.fromNumber(result);
    }
    case 'long': {
      const x = toLong(a);
      const y = toLong(b);
      const result = multiply ? x.multiply(y) : x.add(y);
      // Long wraps silently; mongod turns an int64 overflow into a double.
      const approx = plain();
      if (Math.abs(approx - result.toNumber()) > Math.abs(approx) * 1e-9 + 1) return approx;
      return result;
    }
  }
}

/** The zero $mul stores on a missing field, typed like the multiplier. */
export function zeroLike(value: unknown): unknown {
  switch (kindOf(value)) {
    case 'int':
      return new Int32(0);
    case 'long':
      return Long.fromNumber(0);
    case 'double':
      return new Double(0);
    case 'decimal':
      return Decimal128.fromString('0');
    default:
      return 0;
  }
}

export function isIntegral(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  const type = bsonTypeOf(value);
  return type === 'int' || type === 'long';
}

/** $bit and/or/xor over 64-bit integers; the result keeps int unless either side is a long. */
export function bitwise(a: unknown, b: unknown, op: 'and' | 'or' | 'xor'): unknown {
  const x = BigInt.asIntN(64, BigInt(toLong(a).toString()));
  const y = BigInt.asIntN(64, BigInt(toLong(b).toString()));
  const r = BigInt.asIntN(64, op === 'and' ? x & y : op === 'or' ? x | y : x ^ y);
  if (kindOf(a) === 'long' || kindOf(b) === 'long') return Long.fromBigInt(r);
  const n = Number(r);
  if (kindOf(a) === 'int' || kindOf(b) === 'int') return n >= INT32_MIN && n <= INT32_MAX ? new Int32(n) : Long.fromBigInt(r);
  return n;
}
