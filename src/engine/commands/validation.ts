// Document validation: a collection's `validator` (a query filter, often a $jsonSchema) checked on
// every insert and update, with mongod's `validationLevel` (strict: every write; moderate: only
// documents that were valid before the update, and inserts; off) and `validationAction` (error:
// refuse with 121 DocumentValidationFailure and an errInfo saying why; warn: mongod only logs, so
// the write goes through). `bypassDocumentValidation: true` skips it.
// https://www.mongodb.com/docs/manual/core/schema-validation/
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { compileJsonSchema, type CompiledJsonSchema } from '../query/json-schema.js';
import { compileFilter, pathCandidates, type Predicate } from '../query/matcher.js';
import type { Collection, Doc } from '../storage/collection.js';

const LEVELS = ['off', 'strict', 'moderate'];
const ACTIONS = ['error', 'warn'];

interface CompiledValidator {
  test: Predicate;
  details(doc: Doc): Record<string, unknown>;
}

// Compiled once per validator document; collMod installs a new object, so the cache follows it.
const compiled = new WeakMap<object, CompiledValidator>();

function compileValidator(validator: Record<string, unknown>): CompiledValidator {
  const cached = compiled.get(validator);
  if (cached) return cached;
  const test = compileFilter(validator);
  const clauses = Object.entries(validator).map(([key, value]) => clauseExplainer(key, value));
  const result: CompiledValidator = {
    test,
    details: (doc) => {
      const failing = clauses.map((explain, index) => ({ index, details: explain(doc) })).filter((c) => c.details !== undefined);
      if (clauses.length === 1 && failing[0]) return failing[0].details as Record<string, unknown>;
      return { operatorName: '$and', clausesNotSatisfied: failing };
    },
  };
  compiled.set(validator, result);
  return result;
}

type ClauseExplainer = (doc: Doc) => Record<string, unknown> | undefined;

/** One top-level clause of a validator, explained the way mongod's errInfo describes it. */
function clauseExplainer(key: string, value: unknown): ClauseExplainer {
  if (key === '$jsonSchema') {
    const schema: CompiledJsonSchema = compileJsonSchema(value);
    return (doc) => schema.explain(doc);
  }
  const test = compileFilter({ [key]: value });
  if (key.startsWith('$')) {
    return (doc) => (test(doc) ? undefined : { operatorName: key, specifiedAs: { [key]: value }, reason: 'expression did not match' });
  }
  const operator = isPlainObject(value) && Object.keys(value)[0]?.startsWith('$') ? (Object.keys(value)[0] as string) : '$eq';
  const parts = key.split('.');
  return (doc) => {
    if (test(doc)) return undefined;
    const found = pathCandidates(doc, parts).filter((v) => v !== undefined);
    if (found.length === 0) return { operatorName: operator, specifiedAs: { [key]: value }, reason: 'field was missing' };
    return { operatorName: operator, specifiedAs: { [key]: value }, reason: 'comparison failed', consideredValue: found.length === 1 ? found[0] : found };
  };
}

/**
 * Checks `validator`, `validationLevel` and `validationAction` as create and collMod receive them,
 * and returns the options to store (a validator brings the defaults with it, as listCollections shows).
 */
export function validationOptions(cmd: Record<string, unknown>, command: string, current: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (cmd.validator !== undefined) {
    if (!isPlainObject(cmd.validator)) throw new CommandError(14, `BSON field '${command}.validator' is the wrong type '${typeof cmd.validator}', expected type 'object'`);
    for (const key of Object.keys(cmd.validator)) {
      if (['$where', '$near', '$nearSphere', '$text', '$geoNear'].includes(key)) {
        throw new CommandError(72, `${key} is not allowed in collection validators`);
      }
    }
    compileValidator(cmd.validator); // refuses an invalid filter or schema now, not at the first insert
    out.validator = cmd.validator;
  }
  for (const [field, allowed] of [['validationLevel', LEVELS], ['validationAction', ACTIONS]] as const) {
    const value = cmd[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw new CommandError(2, `Enumeration value '${String(value)}' for field '${command}.${field}' is not a valid value.`);
    }
    out[field] = value;
  }
  const validator = out.validator ?? current.validator;
  if (validator !== undefined) {
    if (out.validationLevel === undefined && current.validationLevel === undefined) out.validationLevel = 'strict';
    if (out.validationAction === undefined && current.validationAction === undefined) out.validationAction = 'error';
  }
  return out;
}

/**
 * Throws 121 when `doc` (about to be written) fails the collection's validator. `before` is the
 * stored document an update replaces (undefined for inserts), which moderate validation consults.
 */
export function checkValidator(coll: Collection, doc: Doc, bypass: unknown, before?: Doc): void {
  const validator = coll.options.validator;
  if (bypass === true || !isPlainObject(validator) || Object.keys(validator).length === 0) return;
  const level = coll.options.validationLevel ?? 'strict';
  if (level === 'off') return;
  const check = compileValidator(validator);
  if (check.test(doc)) return;
  // Moderate: an update to a document that already broke the rules is let through.
  if (level === 'moderate' && before !== undefined && !check.test(before)) return;
  if (coll.options.validationAction === 'warn') return;
  throw new CommandError(121, 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details: check.details(doc) },
  });
}
