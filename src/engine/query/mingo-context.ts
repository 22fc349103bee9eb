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
import { plainValues } from '../bson/numeric.js';
import { bsonTypeOf } from '../bson/order.js';
import { BSON_ACCUMULATORS, BSON_ARITHMETIC } from './bson-arithmetic.js';
import { compileJsonSchema } from './json-schema.js';
import { CommandError } from '../errors.js';
import { escapeDocument, escapeSpec, restoreDocument } from './mingo-fields.js';
import { compileRegex } from './regex.js';

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

// mingo's $regexMatch backtracks on RegExp; this one runs on the linear-time engine of $regex.
const regexMatch: ExpressionOp = (obj, expr, options) => {
  const spec = evalExpr(obj, expr, options) as { input?: unknown; regex?: unknown; options?: unknown } | null;
  const input = spec?.input;
  if (input === null || input === undefined) return false;
  if (typeof input !== 'string') throw new CommandError(51104, "$regexMatch needs 'input' to be of type string");
  const regex = spec?.regex;
  const flags = typeof spec?.options === 'string' ? spec.options : undefined;
  if (regex instanceof RegExp) return compileRegex(regex.source, flags ?? regex.flags).test(input);
  const bson = regex as { pattern?: unknown; options?: unknown } | null | undefined;
  if (bson && typeof bson.pattern === 'string') return compileRegex(bson.pattern, flags ?? String(bson.options ?? '')).test(input);
  if (typeof regex === 'string') return compileRegex(regex, flags ?? '').test(input);
  if (regex === null || regex === undefined) return false;
  throw new CommandError(51105, "$regexMatch needs 'regex' to be of type string or regex");
};

const CUSTOM_EXPRESSIONS = { $toObjectId: toObjectId, $type: bsonType, $regexMatch: regexMatch } as unknown as Record<string, never>;

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

const SERVER_JAVASCRIPT = new Map([['$where', 6108304], ['$function', 31264], ['$accumulator', 31264]]);

/**
 * mongod runs `$where`, `$function` and `$accumulator` in its JavaScript engine; the embedded
 * engine has none (mingo would try to call a string and fail with "fn.body.apply is not a
 * function"). Refused with the codes a mongod started with --noscripting answers.
 */
export function refuseServerJavaScript(spec: unknown): void {
  if (Array.isArray(spec)) {
    for (const item of spec) refuseServerJavaScript(item);
    return;
  }
  if (spec === null || typeof spec !== 'object' || (spec as { _bsontype?: unknown })._bsontype !== undefined) return;
  for (const [key, value] of Object.entries(spec)) {
    const code = SERVER_JAVASCRIPT.get(key);
    if (code !== undefined) throw new CommandError(code, `${key}: server-side JavaScript is not supported by the embedded engine`);
    if (key !== '$literal') refuseServerJavaScript(value);
  }
}

/**
 * A copy of a document as mingo can take it: inherited field names escaped (mingo-fields.ts) and
 * numbers as plain JS values (mingo knows no Double/Int32/Long wrappers: bson/numeric.ts).
 */
export function toMingo<T>(value: T): T {
  return plainValues(escapeDocument(value));
}

/**
 * Runs a pipeline through mingo on copies of `docs` with inherited field names escaped and
 * numbers made plain; the results carry the client's field names again.
 */
export function runMingoPipeline(pipeline: Record<string, unknown>[], docs: Record<string, unknown>[], options: Partial<Options> = {}): Record<string, unknown>[] {
  refuseServerJavaScript(pipeline);
  const safeOptions = options.variables ? { ...options, variables: toMingo(options.variables) } : options;
  const results = mingoAggregator(escapeSpec(plainValues(pipeline)), safeOptions).run(docs.map(toMingo)) as Record<string, unknown>[];
  return results.map(restoreDocument);
}
