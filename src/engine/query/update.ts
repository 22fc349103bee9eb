// Applying an update to one document: replacement, operator ($set, $inc, ...) or pipeline form.
// Operator updates are the engine's own (update-paths.ts parses and expands paths,
// update-operators.ts applies them; src/engine/README.md says why they are not delegated to
// mingo); pipeline updates run through the aggregation stages. Around them this module enforces
// what mongod does: $setOnInsert only on upsert-inserts, _id immutable (code 66) yet
// `$set: {_id: sameValue}` allowed, unknown modifiers (code 9), no new top-level `$` field (52).
import { ObjectId } from 'bson';
import { runMingoPipeline } from './mingo-context.js';
import { deepClone } from '../bson/clone.js';
import { restoreNumberTypes } from '../bson/numeric.js';
import { bsonTypeOf, compareValues, isNumeric, keyString } from '../bson/order.js';
import { formatValue } from '../bson/format.js';
import { getPath, hasOwnField, isPlainObject, setOwnField, setPath } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { collectPredicates } from './bounds.js';
import { compileFilter } from './matcher.js';
import { DocumentWriter } from './update-operators.js';
import { isIntegral } from './update-numbers.js';
import { expandPath, parseOperatorUpdate, type ParsedUpdate, type UpdateStep } from './update-paths.js';

const MODIFIERS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$currentDate',
  '$setOnInsert',
  '$bit',
]);

export type UpdateSpec = Doc | Doc[];

export function isOperatorUpdate(update: UpdateSpec): boolean {
  if (Array.isArray(update)) return false;
  const keys = Object.keys(update);
  return keys.length > 0 && (keys[0] as string).startsWith('$');
}

export function validateUpdate(update: unknown): asserts update is UpdateSpec {
  if (Array.isArray(update)) {
    for (const stage of update) {
      if (!isPlainObject(stage)) throw new CommandError(14, 'Each element of the update pipeline must be an object');
    }
    return;
  }
  if (!isPlainObject(update)) throw new CommandError(9, 'Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0 && ops.length !== keys.length) {
    throw new CommandError(9, `Unknown modifier: ${keys.find((k) => !k.startsWith('$')) ?? ''}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const op of ops) {
    if (!MODIFIERS.has(op)) {
      throw new CommandError(9, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(update[op])) {
      throw new CommandError(9, `Modifiers operate on fields but we found type ${Array.isArray(update[op]) ? 'array' : typeof update[op]} instead. For example: {$mod: {<field>: ...}} not {$set: [ { $mod: ... } ]}`);
    }
  }
}

export interface ApplyOptions {
  isInsert: boolean;
  arrayFilters?: Doc[];
  query?: Doc;
  variables?: Doc;
}

/** Returns the updated copy of `doc` (never mutates it) and whether anything changed. */
export function applyUpdate(doc: Doc, update: UpdateSpec, options: ApplyOptions): { doc: Doc; changed: boolean } {
  const originalId = doc._id;
  let result: Doc;
  if (Array.isArray(update)) {
    result = (runMingoPipeline(update, [doc], options.variables ? { variables: options.variables } : {})[0] ?? {}) as Doc;
    // Fields the pipeline left alone keep their BSON numeric type (mingo computes in JS numbers).
    restoreNumberTypes(result, doc);
    // A pipeline that drops _id (e.g. $replaceRoot) keeps the original one, as mongod does.
    if (result._id === undefined && originalId !== undefined) result = { _id: originalId, ...result };
  } else if (!isOperatorUpdate(update)) {
    result = replacement(doc, update);
  } else {
    result = applyOperators(doc, update, options);
  }
  if (originalId !== undefined && (result._id === undefined || compareValues(result._id, originalId) !== 0)) {
    if (result._id === undefined && !Array.isArray(update) && !isOperatorUpdate(update)) {
      result = { _id: originalId, ...result };
    } else if (!options.isInsert) {
      throw new CommandError(
        66,
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(result._id)}`,
      );
    }
  }
  if (result._id !== undefined && Object.keys(result)[0] !== '_id') {
    const { _id, ...rest } = result;
    result = { _id, ...rest };
  }
  return { doc: result, changed: keyString(result) !== keyString(doc) };
}

// An updateMany applies the same statement to every matched document: parse it once.
const parsedUpdates = new WeakMap<object, { arrayFilters: Doc[] | undefined; parsed: ParsedUpdate }>();

function parseOnce(update: Doc, arrayFilters: Doc[] | undefined): ParsedUpdate {
  const cached = parsedUpdates.get(update);
  if (cached && cached.arrayFilters === arrayFilters) return cached.parsed;
  const parsed = parseOperatorUpdate(update, arrayFilters);
  for (const step of parsed.steps) checkOperand(step);
  parsedUpdates.set(update, { arrayFilters, parsed });
  return parsed;
}

/** Component-wise order of two paths: mongod applies an update's fields in this order (5.0+). */
function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function applyOperators(doc: Doc, update: Doc, options: ApplyOptions): Doc {
  const parsed = parseOnce(update, options.arrayFilters);
  const context = {
    filters: parsed.filters,
    positional: (prefix: string[]) => (options.isInsert ? undefined : positionalIndex(doc, prefix, options.query)),
  };
  const writes: Array<{ step: UpdateStep; parts: string[] }> = [];
  const touched = new Set<string>();
  for (const step of parsed.steps) {
    if (step.op === '$setOnInsert' && !options.isInsert) continue;
    if (!options.isInsert && (step.parts[0] === '_id' || step.to?.[0] === '_id')) {
      // `$set: {_id: sameValue}` is allowed, as on mongod; anything else touching _id is not.
      if (step.op === '$set' && compareValues(getPath(doc, step.path), step.arg) === 0) continue;
      throw new CommandError(66, `Performing an update on the path '_id' would modify the immutable field '_id'`);
    }
    for (const parts of expandPath(doc, step, context)) {
      // Static paths were checked when parsing; two dynamic ones may still land on one element.
      if (parsed.dynamic) checkTouched(touched, step.to ? [parts, step.to] : [parts]);
      writes.push({ step, parts });
    }
  }
  if (writes.length > 1) writes.sort((x, y) => comparePaths(x.step.to ?? x.parts, y.step.to ?? y.parts));
  const writer = new DocumentWriter(doc);
  for (const { step, parts } of writes) writer.apply(step.op, parts, step.arg, step.to);
  const result = writer.root;
  if (parsed.dollarTopLevel) {
    for (const key of Object.keys(result)) {
      if (key.startsWith('$') && !hasOwnField(doc, key)) {
        throw new CommandError(52, `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
      }
    }
  }
  return result;
}

/** mongod's apply-time conflict: two writes to one element, or to an element and inside it. */
function checkTouched(touched: Set<string>, keys: string[][]): void {
  for (const key of keys) {
    for (let i = 1; i <= key.length; i += 1) {
      const prefix = key.slice(0, i).join('.');
      if (touched.has(prefix) || (i === key.length && [...touched].some((t) => t.startsWith(`${prefix}.`)))) {
        throw new CommandError(40, `Update created a conflict at '${prefix}'`);
      }
    }
    touched.add(key.join('.'));
  }
}

/** Query clauses about the array at `path` (and below), for finding the element `$` stands for. */
function clausesOn(query: Doc, path: string): Doc | undefined {
  const out: Doc = {};
  for (const [key, value] of Object.entries(query)) {
    if (key === path || key.startsWith(`${path}.`)) setOwnField(out, key, value);
    else if (key === '$and' && Array.isArray(value)) {
      const subs = value.filter(isPlainObject).map((sub) => clausesOn(sub, path)).filter((sub) => sub !== undefined);
      if (subs.length > 0) out.$and = subs;
    } else if (key === '$or' && Array.isArray(value)) {
      const subs = value.filter(isPlainObject).map((sub) => clausesOn(sub, path));
      if (subs.length > 0 && subs.every((sub) => sub !== undefined)) out.$or = subs;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The element the positional `$` names: the first element of the array at `prefix` that the
 * query's clauses on that array match on their own (mongod records it while matching).
 */
function positionalIndex(doc: Doc, prefix: string[], query: Doc | undefined): number | undefined {
  const path = prefix.join('.');
  const array = getPath(doc, path);
  const clauses = query ? clausesOn(query, path) : undefined;
  if (!Array.isArray(array) || !clauses) return undefined;
  const test = compileFilter(clauses);
  for (let i = 0; i < array.length; i += 1) {
    const probe: Doc = {};
    setPath(probe, path, [array[i]]);
    if (test(probe)) return i;
  }
  return undefined;
}

const PUSH_MODIFIERS = new Set(['$each', '$slice', '$sort', '$position']);

/** mongod's parse-time checks of an operator's argument. */
function checkOperand({ op, path, arg }: UpdateStep): void {
  switch (op) {
    case '$inc':
    case '$mul':
      if (!isNumeric(arg)) {
        throw new CommandError(14, `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(arg)}}`);
      }
      return;
    case '$push':
    case '$addToSet': {
      if (!isPlainObject(arg) || !hasOwnField(arg, '$each')) return;
      if (!Array.isArray(arg.$each)) {
        const type = bsonTypeOf(arg.$each);
        if (op === '$addToSet') throw new CommandError(14, `The argument to $each in $addToSet must be an array but it was of type ${type}`);
        throw new CommandError(2, `The argument to $each in $push must be an array but it was of type: ${type}`);
      }
      for (const key of Object.keys(arg)) {
        if (op === '$addToSet' ? key !== '$each' : !PUSH_MODIFIERS.has(key)) {
          throw new CommandError(2, op === '$addToSet' ? `Found unexpected fields after $each in $addToSet: ${formatValue(arg)}` : `Unrecognized clause in $push: ${key}`);
        }
      }
      if (arg.$slice !== undefined && !Number.isInteger(Number(arg.$slice))) {
        throw new CommandError(2, `The value for $slice must be an integer value but was given type: ${bsonTypeOf(arg.$slice)}`);
      }
      if (arg.$position !== undefined && !Number.isInteger(Number(arg.$position))) {
        throw new CommandError(2, `The value for $position must be an integer value, not of type: ${bsonTypeOf(arg.$position)}`);
      }
      if (arg.$sort !== undefined && !isPlainObject(arg.$sort) && Number(arg.$sort) !== 1 && Number(arg.$sort) !== -1) {
        throw new CommandError(2, 'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
      }
      return;
    }
    case '$pop':
      if (Number(arg) !== 1 && Number(arg) !== -1) throw new CommandError(9, `$pop expects 1 or -1, found: ${formatValue(arg)}`);
      return;
    case '$pullAll':
      if (!Array.isArray(arg)) throw new CommandError(2, `$pullAll requires an array argument but was given a ${bsonTypeOf(arg)}`);
      return;
    case '$bit':
      if (!isPlainObject(arg)) {
        throw new CommandError(2, `The $bit modifier is not compatible with a ${bsonTypeOf(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
      }
      for (const [bitOp, operand] of Object.entries(arg)) {
        if (bitOp !== 'and' && bitOp !== 'or' && bitOp !== 'xor') {
          throw new CommandError(2, `The $bit modifier only supports 'and', 'or', and 'xor', not '${bitOp}' which is an unknown operator: {${bitOp}: ${formatValue(operand)}}`);
        }
        if (!isIntegral(operand)) {
          throw new CommandError(2, `The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeOf(operand)}' is not supported here: {${bitOp}: ${formatValue(operand)}}`);
        }
      }
      return;
    case '$currentDate': {
      if (typeof arg === 'boolean') return;
      const type = isPlainObject(arg) ? arg.$type : undefined;
      if (type !== 'date' && type !== 'timestamp') {
        throw new CommandError(2, "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}");
      }
      return;
    }
    default:
  }
}

function replacement(doc: Doc, update: Doc): Doc {
  for (const key of Object.keys(update)) {
    if (key.startsWith('$')) throw new CommandError(52, `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
  }
  const out: Doc = {};
  if (doc._id !== undefined) out._id = doc._id;
  for (const [key, value] of Object.entries(update)) {
    if (key === '_id') {
      if (doc._id !== undefined && compareValues(value, doc._id) !== 0) {
        throw new CommandError(66, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(value)}`);
      }
      out._id = value;
      continue;
    }
    setOwnField(out, key, deepClone(value));
  }
  return out;
}

/** The document an upsert starts from: the equality fields of its query. */
export function upsertSeed(query: Doc): Doc {
  const seed: Doc = {};
  for (const [path, predicates] of collectPredicates(query)) {
    for (const predicate of predicates) {
      let value: unknown;
      if (isPlainObject(predicate) && Object.keys(predicate).some((k) => k.startsWith('$'))) {
        if ('$eq' in predicate) value = predicate.$eq;
        else if ('$in' in predicate && Array.isArray(predicate.$in) && predicate.$in.length === 1) value = predicate.$in[0];
        else continue;
      } else value = predicate;
      setPath(seed, path, deepClone(value));
    }
  }
  return seed;
}

/** Builds the document an upsert inserts. */
export function buildUpsert(query: Doc, update: UpdateSpec, arrayFilters?: Doc[], variables?: Doc): Doc {
  let doc: Doc;
  if (!Array.isArray(update) && !isOperatorUpdate(update)) {
    const seedId = upsertSeed(query)._id;
    doc = {};
    if (update._id !== undefined) doc._id = update._id;
    else if (seedId !== undefined) doc._id = seedId;
    for (const [k, v] of Object.entries(update)) if (k !== '_id') setOwnField(doc, k, deepClone(v));
  } else {
    doc = applyUpdate(upsertSeed(query), update, { isInsert: true, arrayFilters, query, variables }).doc;
  }
  if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
  else if (Object.keys(doc)[0] !== '_id') {
    const { _id, ...rest } = doc;
    doc = { _id, ...rest };
  }
  return doc;
}
