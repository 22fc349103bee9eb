// Applying an update to one document: replacement, operator ($set, $inc, ...) or pipeline form.
// mingo does the operator work; this module adds what mongod enforces around it: $setOnInsert
// only on upsert-inserts, _id immutable (code 66) yet `$set: {_id: sameValue}` allowed,
// conflicting paths (code 40), unknown modifiers (code 9).
import { ObjectId } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { mingoAggregator } from './mingo-context.js';
import { deepClone } from '../bson/clone.js';
import { isInt32Number, numericArithmetic, numericKind, plainValues, restoreNumberTypes, zeroLike } from '../bson/numeric.js';
import { bsonTypeOf, compareValues, isNumeric, keyString } from '../bson/order.js';
import { formatValue } from '../bson/format.js';
import { getPath, isPlainObject, setPath } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { collectPredicates } from './bounds.js';

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

function checkConflicts(modifier: Record<string, Record<string, unknown>>): void {
  const seen: string[] = [];
  for (const [op, fields] of Object.entries(modifier)) {
    for (const path of Object.keys(fields)) {
      const paths = op === '$rename' ? [path, String(fields[path])] : [path];
      for (const p of paths) {
        const base = p.replace(/\.\$(\[[^\]]*\])?/g, '');
        for (const other of seen) {
          if (other === base || other.startsWith(`${base}.`) || base.startsWith(`${other}.`)) {
            throw new CommandError(40, `Updating the path '${p}' would create a conflict at '${other.length < base.length ? other : base}'`);
          }
        }
        seen.push(base);
      }
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
    result = (mingoAggregator(update, options.variables ? { variables: options.variables } : {}).run([plainValues(deepClone(doc))])[0] ?? {}) as Doc;
    restoreNumberTypes(result, doc);
    // A pipeline that drops _id (e.g. $replaceRoot) keeps the original one, as mongod does.
    if (result._id === undefined && originalId !== undefined) result = { _id: originalId, ...result };
  } else if (!isOperatorUpdate(update)) {
    result = replacement(doc, update);
  } else {
    const modifier: Record<string, Record<string, unknown>> = {};
    for (const [op, fields] of Object.entries(update)) {
      if (op === '$setOnInsert') {
        if (!options.isInsert) continue;
        modifier.$set = { ...(modifier.$set ?? {}), ...(fields as Doc) };
        continue;
      }
      modifier[op] = { ...(modifier[op] ?? {}), ...(fields as Doc) };
    }
    checkConflicts(modifier);
    if (!options.isInsert) {
      for (const [op, fields] of Object.entries(modifier)) {
        for (const path of Object.keys(fields)) {
          if (path === '_id' || path.startsWith('_id.')) {
            if (op === '$set' && compareValues(getPath(doc, path), fields[path]) === 0) {
              delete fields[path];
              continue;
            }
            throw new CommandError(66, `Performing an update on the path '_id' would modify the immutable field '_id'`);
          }
        }
      }
    }
    for (const [op, fields] of Object.entries(modifier)) if (Object.keys(fields).length === 0) delete modifier[op];
    checkOperandTypes(doc, modifier);
    const fast = applySimpleOperators(doc, modifier, options.arrayFilters);
    if (fast) return finishFast(doc, fast);
    result = plainValues(deepClone(doc));
    if (Object.keys(modifier).length > 0) {
      try {
        // The query only matters for the positional `$`; mingo re-checks it with its own matcher,
        // which would disagree with a collation, so pass it only when needed.
        const positional = Object.values(modifier).some((fields) => Object.keys(fields).some((p) => /\.\$(\.|$)/.test(p)));
        mingoUpdate(result, plainValues(modifier), plainValues(options.arrayFilters), positional ? plainValues(options.query) : undefined, { cloneMode: 'deep' });
        restoreNumberTypes(result, doc);
      } catch (error) {
        throw translateMingoError(error, doc);
      }
    }
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

const SIMPLE_OPS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate']);

function finishFast(doc: Doc, fast: { doc: Doc; changed: boolean }): { doc: Doc; changed: boolean } {
  if (!fast.changed) return { doc, changed: false };
  if (doc._id !== undefined && compareValues(fast.doc._id, doc._id) !== 0) {
    throw new CommandError(66, `Performing an update on the path '_id' would modify the immutable field '_id'`);
  }
  return fast;
}

function addNumbers(a: unknown, b: unknown, multiply: boolean): unknown {
  if (typeof a === 'number' && typeof b === 'number' && isInt32Number(a) && isInt32Number(b)) {
    const sum = multiply ? a * b : a + b;
    if (isInt32Number(sum)) return sum;
  }
  if (numericKind(a) === undefined || numericKind(b) === undefined) return undefined;
  return numericArithmetic(a, b, multiply);
}

/**
 * The common operators ($set, $unset, $inc, $mul, $min, $max, $currentDate) on plain dotted
 * paths, applied natively with copy-on-write along the touched paths: mingo builds an operator
 * context per call, which made a 100-document updateMany take hundreds of milliseconds.
 * Returns undefined when the update needs mingo (positional paths, arrays on the way, other operators).
 */
function applySimpleOperators(
  doc: Doc,
  modifier: Record<string, Record<string, unknown>>,
  arrayFilters: Doc[] | undefined,
): { doc: Doc; changed: boolean } | undefined {
  if (arrayFilters && arrayFilters.length > 0) return undefined;
  for (const [op, fields] of Object.entries(modifier)) {
    if (!SIMPLE_OPS.has(op)) return undefined;
    for (const [path, arg] of Object.entries(fields)) {
      if (path.includes('$') || path.split('.').some((p) => p === '' || /^\d+$/.test(p))) return undefined;
      if (op === '$currentDate' && isPlainObject(arg) && arg.$type === 'timestamp') return undefined;
      if ((op === '$inc' || op === '$mul') && numericKind(arg) === undefined) return undefined;
    }
  }
  const root: Doc = { ...doc };
  const copied = new Set<unknown>([root]);
  let changed = false;
  // mongod applies the fields of an update in lexicographic order (MongoDB 5.0+).
  const steps = Object.entries(modifier).flatMap(([op, fields]) => Object.entries(fields).map(([path, arg]) => ({ op, path, arg })));
  steps.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  for (const { op, path, arg } of steps) {
    const parts = path.split('.');
    let parent: Doc = root;
    let viable = true;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const part = parts[i] as string;
      const next = parent[part];
      if (next === undefined || next === null) {
        if (op === '$unset') {
          viable = false;
          break;
        }
        const created: Doc = {};
        copied.add(created);
        parent[part] = created;
        parent = created;
        continue;
      }
      if (!isPlainObject(next)) return undefined; // arrays on the way: mingo's semantics
      if (!copied.has(next)) {
        const copy = { ...next };
        copied.add(copy);
        parent[part] = copy;
        parent = copy;
      } else parent = next;
    }
    if (!viable) continue;
    const leaf = parts[parts.length - 1] as string;
    const current = parent[leaf];
    let next: unknown;
    switch (op) {
      case '$set':
        next = deepClone(arg);
        break;
      case '$unset':
        if (leaf in parent) {
          delete parent[leaf];
          changed = true;
        }
        continue;
      case '$inc':
        next = current === undefined ? arg : addNumbers(current, arg, false);
        break;
      case '$mul':
        next = current === undefined ? zeroLike(arg) : addNumbers(current, arg, true);
        break;
      case '$min':
        next = current === undefined || compareValues(arg, current) < 0 ? deepClone(arg) : current;
        break;
      case '$max':
        next = current === undefined || compareValues(arg, current) > 0 ? deepClone(arg) : current;
        break;
      case '$currentDate':
        next = new Date();
        break;
      default:
        return undefined;
    }
    if (next === undefined) return undefined; // e.g. $inc on a Long: leave it to mingo
    if (current === undefined || keyString(current) !== keyString(next) || bsonTypeOf(current) !== bsonTypeOf(next)) changed = true;
    parent[leaf] = next;
  }
  return { doc: root, changed };
}

const NUMERIC_OPS = new Set(['$inc', '$mul']);
const ARRAY_OPS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

function bsonTypeName(value: unknown): string {
  const t = bsonTypeOf(value);
  return t === 'double' && Number.isInteger(value) ? 'int' : t;
}

/**
 * mingo skips operations that do not fit the document; mongod rejects the whole update:
 * $inc on a string (14 TypeMismatch), $push on a non-array (2 BadValue), a path through a
 * scalar (28 PathNotViable).
 */
function checkOperandTypes(doc: Doc, modifier: Record<string, Record<string, unknown>>): void {
  const idText = `{_id: ${formatValue(doc._id)}}`;
  for (const [op, fields] of Object.entries(modifier)) {
    for (const [path, arg] of Object.entries(fields)) {
      if (path.includes('$')) continue;
      const parts = path.split('.');
      let value: unknown = doc;
      for (let i = 0; i < parts.length; i += 1) {
        const part = parts[i] as string;
        if (value === undefined || value === null) {
          value = undefined;
          break;
        }
        if (Array.isArray(value)) {
          if (!/^\d+$/.test(part)) {
            if (op === '$unset' || op === '$pull' || op === '$pullAll' || op === '$pop') { value = undefined; break; }
            throw new CommandError(28, `Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${formatValue(value)}}`);
          }
          value = value[Number(part)];
        } else if (isPlainObject(value)) {
          value = value[part];
        } else {
          if (op === '$unset') { value = undefined; break; }
          throw new CommandError(28, `Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${formatValue(value)}}`);
        }
      }
      if (NUMERIC_OPS.has(op)) {
        if (!isNumeric(arg)) {
          throw new CommandError(14, `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(arg)}}`);
        }
        if (value !== undefined && !isNumeric(value)) {
          throw new CommandError(14, `Cannot apply ${op} to a value of non-numeric type. ${idText} has the field '${parts[parts.length - 1] ?? path}' of non-numeric type ${bsonTypeName(value)}`);
        }
      }
      if (ARRAY_OPS.has(op) && value !== undefined && !Array.isArray(value)) {
        throw new CommandError(2, `The field '${path}' must be an array but is of type ${bsonTypeName(value)} in document ${idText}`);
      }
    }
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
    out[key] = deepClone(value);
  }
  return out;
}

function translateMingoError(error: unknown, doc: Doc): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/numeric|number/i.test(message)) {
    return new CommandError(14, `Cannot apply $inc to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} ${message}`);
  }
  if (/array/i.test(message)) return new CommandError(2, message);
  return new CommandError(2, message);
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
    for (const [k, v] of Object.entries(update)) if (k !== '_id') doc[k] = deepClone(v);
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
