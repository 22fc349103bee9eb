// Arithmetic of $inc, $mul and $bit with mongod's numeric type promotion. The promotion itself
// (int32 → int64 on overflow, int64 overflow → double, double and decimal win) is
// bson/numeric.ts's, shared with $add/$sum in aggregation; this module adds what only the
// update operators need, in the engine's representation of numbers (see bson/numeric.ts).
import { Long } from 'bson';
import { numericArithmetic, numericKind, toBigInt, zeroLike } from '../bson/numeric.js';

/** a + b (or a * b) with mongod's result type; both must be numeric. */
export function arithmetic(a: unknown, b: unknown, multiply: boolean): unknown {
  return numericArithmetic(a, b, multiply);
}

/** The zero $mul stores on a missing field, typed like the multiplier. */
export { zeroLike };

/** int32 or int64: what $bit accepts (a double, even 1.0, is refused as on mongod). */
export function isIntegral(value: unknown): boolean {
  const kind = numericKind(value);
  return kind === 'int' || kind === 'long';
}

/** $bit and/or/xor over 64-bit integers; the result stays int32 unless either side is an int64. */
export function bitwise(a: unknown, b: unknown, op: 'and' | 'or' | 'xor'): unknown {
  const x = BigInt.asIntN(64, toBigInt(a));
  const y = BigInt.asIntN(64, toBigInt(b));
  const r = BigInt.asIntN(64, op === 'and' ? x & y : op === 'or' ? x | y : x ^ y);
  if (numericKind(a) === 'long' || numericKind(b) === 'long') return Long.fromBigInt(r);
  // Two int32 operands give an int32 result: a plain number in the engine's representation.
  return Number(BigInt.asIntN(32, r));
}
