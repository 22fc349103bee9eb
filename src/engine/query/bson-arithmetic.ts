// $add and $sum for mingo that know int64 and decimal: mingo adds JS numbers only, so a Long past
// 2^53 or a Decimal128 (which plainValues leaves as they are) would come out as NaN or be skipped.
// Plain numbers keep mingo's own fast code; an int32 sum that overflows becomes an int64, as in mongod.
import { Long } from 'bson';
import { evalExpr } from 'mingo/core';
import { $sum as mingoSum, $push } from 'mingo/operators/accumulator';
import { $add as mingoAdd } from 'mingo/operators/expression';
import type { Options } from 'mingo/types';
import { isInt32Number, numericArithmetic, numericKind } from '../bson/numeric.js';

type Accumulator = (collection: Record<string, unknown>[], expr: unknown, options: Options) => unknown;
type Expression = (obj: Record<string, unknown>, expr: unknown, options: Options) => unknown;

function hasWideNumber(values: unknown[]): boolean {
  return values.some((v) => typeof v === 'object' && v !== null && numericKind(v) !== undefined);
}

function exactSum(values: unknown[]): unknown {
  let total: unknown = 0;
  for (const v of values) if (numericKind(v) !== undefined) total = numericArithmetic(total, v, false);
  return total;
}

const $sum: Accumulator = (collection, expr, options) => {
  if (typeof expr === 'number') return (mingoSum as Accumulator)(collection, expr, options);
  const values = ($push as Accumulator)(collection, expr, options) as unknown[];
  if (hasWideNumber(values)) return exactSum(values);
  const result = (mingoSum as Accumulator)(collection, expr, options);
  const allInts = values.every((v) => typeof v !== 'number' || isInt32Number(v));
  return typeof result === 'number' && allInts && !isInt32Number(result) && Number.isSafeInteger(result) ? Long.fromNumber(result) : result;
};

const $add: Expression = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (Array.isArray(args) && hasWideNumber(args) && args.every((a) => numericKind(a) !== undefined)) return exactSum(args);
  return (mingoAdd as Expression)(obj, expr, options);
};

export const BSON_ACCUMULATORS = { $sum } as unknown as Record<string, never>;
export const BSON_ARITHMETIC = { $add } as unknown as Record<string, never>;
