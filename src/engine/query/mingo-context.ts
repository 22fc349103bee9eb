// One mingo operator context for the whole engine: mingo's own operators plus what it lacks for
// MongoDB fidelity ($toObjectId, a BSON-aware $type). Built once; mingo's root classes would
// rebuild a merged context on every construction when handed extra operators.
import { ObjectId } from 'bson';
import { Aggregator as AggregatorBase } from 'mingo/aggregator';
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as QueryBase } from 'mingo/query';
import type { Options } from 'mingo/types';
import { bsonTypeOf } from '../bson/order.js';
import { BSON_ACCUMULATORS, BSON_ARITHMETIC } from './bson-arithmetic.js';
import { compileJsonSchema } from './json-schema.js';
import { CommandError } from '../errors.js';

type ExpressionOp = (obj: Record<string, unknown>, expr: unknown, options: Options) => unknown;

const toObjectId: ExpressionOp = (obj, expr, options) => {
  const value = evalExpr(obj, expr, options);
  if (value === null || value === undefined) return null;
  if (bsonTypeOf(value) === 'objectId') return value;
  if (typeof value === 'string' && /^[0-9a-fA-F]{24}$/.test(value)) return new ObjectId(value);
  throw new CommandError(241, `Failed to parse objectId '${String(value)}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found ${String(value).length}`);
};

const bsonType: ExpressionOp = (obj, expr, options) => {
  const value = evalExpr(obj, Array.isArray(expr) ? expr[0] : expr, options);
  const type = bsonTypeOf(value);
  if (type === 'double' && Number.isInteger(value) && Math.abs(value as number) <= 2147483647) return 'int';
  return type;
};

const CUSTOM_EXPRESSIONS = { $toObjectId: toObjectId, $type: bsonType } as unknown as Record<string, never>;

export const ENGINE_CONTEXT = Context.init({
  accumulator: { ...accumulatorOperators, ...BSON_ACCUMULATORS },
  expression: { ...expressionOperators, ...CUSTOM_EXPRESSIONS, ...BSON_ARITHMETIC },
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
});

// $jsonSchema inside stages mingo runs ($lookup pipelines, $facet) uses the engine's own dialect.
const jsonSchemaValidator = (schema: Record<string, unknown>): ((doc: Record<string, unknown>) => boolean) => {
  const compiled = compileJsonSchema(schema);
  return (doc) => compiled.test(doc);
};

export function mingoAggregator(pipeline: Record<string, unknown>[], options: Partial<Options> = {}): AggregatorBase {
  return new AggregatorBase(pipeline, { jsonSchemaValidator, ...options, context: ENGINE_CONTEXT });
}

export function mingoQuery(condition: Record<string, unknown>, options: Partial<Options> = {}): QueryBase<Record<string, unknown>> {
  return new QueryBase(condition, { jsonSchemaValidator, ...options, context: ENGINE_CONTEXT });
}
