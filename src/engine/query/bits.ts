// $bitsAllSet, $bitsAnySet, $bitsAllClear, $bitsAnyClear as mongod evaluates them: the mask is a
// non-negative integer, an array of bit positions or BinData; the field is an integral number
// (as a 64-bit two's complement value, so a negative number has every bit above 63 set) or
// BinData (bit i is bit i%8 of byte i/8). Other values, and non-integral numbers, never match.
// JavaScript's `|` works on 32 bits, which is what this replaces.
import { Binary } from 'bson';
import { bsonTypeOf, isNumeric, toNumber } from '../bson/order.js';
import { CommandError } from '../errors.js';

function bitPositionsOfBytes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  bytes.forEach((byte, i) => {
    for (let b = 0; b < 8; b += 1) if ((byte >> b) & 1) out.push(i * 8 + b);
  });
  return out;
}

function asBigInt(value: unknown): bigint | undefined {
  if (bsonTypeOf(value) === 'long') return BigInt((value as { toString(): string }).toString());
  const n = toNumber(value);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < -(2 ** 63) || n >= 2 ** 63) return undefined;
  return BigInt(n);
}

function maskPositions(op: string, arg: unknown): number[] {
  if (arg instanceof Binary || bsonTypeOf(arg) === 'binData') return bitPositionsOfBytes((arg as Binary).buffer);
  if (Array.isArray(arg)) {
    return arg.map((bit) => {
      const n = toNumber(bit);
      if (!Number.isInteger(n) || n < 0) throw new CommandError(9, `bit positions must be >= 0 but got: ${String(bit)}`);
      return n;
    });
  }
  const mask = isNumeric(arg) ? asBigInt(arg) : undefined;
  if (mask === undefined || mask < 0n) {
    throw new CommandError(9, `${op} takes an Array, a number, or a BinData but received: ${op}: ${String(arg)}`);
  }
  const out: number[] = [];
  for (let i = 0; i < 64; i += 1) if ((mask >> BigInt(i)) & 1n) out.push(i);
  return out;
}

/** The bit reader of a field value, or undefined when the value can never match. */
function bitsOf(value: unknown): ((position: number) => boolean) | undefined {
  if (value instanceof Binary || bsonTypeOf(value) === 'binData') {
    const bytes = (value as Binary).buffer;
    return (p) => p >> 3 < bytes.length && (((bytes[p >> 3] as number) >> (p & 7)) & 1) === 1;
  }
  if (!isNumeric(value)) return undefined;
  const n = asBigInt(value);
  if (n === undefined) return undefined;
  return (p) => (p >= 64 ? n < 0n : ((BigInt.asUintN(64, n) >> BigInt(p)) & 1n) === 1n);
}

export function compileBitTest(op: string, arg: unknown): (value: unknown) => boolean {
  const positions = maskPositions(op, arg);
  return (value) => {
    const bit = bitsOf(value);
    if (!bit) return false;
    switch (op) {
      case '$bitsAllSet':
        return positions.every(bit);
      case '$bitsAnySet':
        return positions.some(bit);
      case '$bitsAllClear':
        return positions.every((p) => !bit(p));
      default:
        return positions.some((p) => !bit(p));
    }
  };
}
