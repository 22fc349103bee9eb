// MongoDB's query language, compiled once per command into a predicate. Written here rather than
// delegated to mingo because BSON semantics decide correctness: 1, 1.0 and NumberLong(1) are
// equal, comparisons never cross type brackets ({$gt: 5} never matches a string), arrays match
// when any element does, {a: null} matches a missing field, and $type knows objectId/binData.
// $expr and $where are evaluated through mingo; $jsonSchema by json-schema.ts.
import { plainValues } from '../bson/numeric.js';
import { bsonTypeOf, canonicalRank, compareValues, isNumeric, keyString, toNumber } from '../bson/order.js';
import { isPlainObject, ownField, setOwnField } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { mingoAggregator, mingoQuery, refuseServerJavaScript } from './mingo-context.js';
import { compileBitTest } from './bits.js';
import { normaliserOf, parseCollation, type CollationNormaliser } from './collation.js';
import { compileGeoWithin } from './geo.js';
import { compileJsonSchema } from './json-schema.js';
import { compileRegex, type CompiledRegex } from './regex.js';
import { compileText } from './text.js';

export type Predicate = (doc: Record<string, unknown>) => boolean;
type ValuePredicate = (candidates: unknown[]) => boolean;

const MATCH_ALL: Predicate = () => true;

export interface MatchOptions {
  /** `let` variables, visible to $expr as $$name. */
  variables?: Record<string, unknown>;
  /** Collation of string comparisons (query/collation.ts); undefined or {locale: 'simple'} is binary. */
  collation?: Record<string, unknown>;
  /** Paths of the collection's text index, for $text; undefined when it has none. */
  textFields?: string[];
}

/** Collation keys of strings (undefined: the simple collation); carries the collation for ordered comparisons. */
export type StringNormaliser = CollationNormaliser | undefined;

export function normaliserFor(collation: Record<string, unknown> | undefined): StringNormaliser {
  return normaliserOf(parseCollation(collation));
}

/** `let` values are expressions ({$literal: '$x'}, {$add: [1, 2]}) evaluated once, before use. */
export function evaluateLet(spec: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(spec)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, expr] of Object.entries(spec)) {
    if (!isPlainObject(expr) && !(typeof expr === 'string' && expr.startsWith('$'))) {
      setOwnField(out, name, expr);
      continue;
    }
    refuseServerJavaScript(expr);
    setOwnField(out, name, (mingoAggregator([{ $project: { _id: 0, v: plainValues(expr) } }]).run([{}])[0] as { v?: unknown } | undefined)?.v);
  }
  return out;
}

// Options of the filter being compiled; closures capture what they need at compile time.
let current: { options: MatchOptions; normalise: StringNormaliser } = { options: {}, normalise: undefined };

export function compileFilter(filter: unknown, options?: MatchOptions): Predicate {
  if (options === undefined) return compileFilterInner(filter);
  const saved = current;
  current = { options, normalise: normaliserFor(options.collation) };
  try {
    return compileFilterInner(filter);
  } finally {
    current = saved;
  }
}

function compileFilterInner(filter: unknown): Predicate {
  if (filter === undefined || filter === null) return MATCH_ALL;
  if (!isPlainObject(filter)) throw new CommandError(2, 'filter must be an object');
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    parts.push(compileTopLevel(key, value));
  }
  if (parts.length === 0) return MATCH_ALL;
  if (parts.length === 1) return parts[0] as Predicate;
  return (doc) => parts.every((p) => p(doc));
}

function compileTopLevel(key: string, value: unknown): Predicate {
  switch (key) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(value) || value.length === 0) {
        throw new CommandError(2, `${key} must be a nonempty array`);
      }
      const subs = value.map((sub) => {
        if (!isPlainObject(sub)) throw new CommandError(2, `$or/$and/$nor entries need to be full objects`);
        return compileFilterInner(sub);
      });
      if (key === '$and') return (doc) => subs.every((p) => p(doc));
      if (key === '$or') return (doc) => subs.some((p) => p(doc));
      return (doc) => !subs.some((p) => p(doc));
    }
    case '$comment':
      return MATCH_ALL;
    case '$jsonSchema': {
      const schema = compileJsonSchema(value);
      return (doc) => schema.test(doc);
    }
    case '$expr':
    case '$where': {
      refuseServerJavaScript({ [key]: value });
      // mingo computes in JS numbers and RegExps (bson/numeric.ts plainValues).
      const query = mingoQuery(plainValues({ [key]: value }), current.options.variables ? { variables: plainValues(current.options.variables) } : {});
      return (doc) => query.test(plainValues(doc));
    }
    case '$text':
      return compileText(value, current.options.textFields);
    default:
      if (key.startsWith('$') && !DBREF_FIELDS.has(key)) throw new CommandError(2, `unknown top level operator: ${key}`);
      return compilePath(key, value);
  }
}

// A DBRef's fields ($ref, $id, $db) are field names, not operators, as in mongod's parser.
const DBREF_FIELDS = new Set(['$ref', '$id', '$db']);

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$') && !DBREF_FIELDS.has(first);
}

/** A DBRef (deserialized into bson's class) seen as the document it is on the wire. */
function asDocument(value: unknown): Record<string, unknown> | undefined {
  if (isPlainObject(value)) return value;
  if (value !== null && typeof value === 'object' && (value as { _bsontype?: unknown })._bsontype === 'DBRef') {
    return (value as { toJSON(): Record<string, unknown> }).toJSON();
  }
  return undefined;
}

/** Candidate values a path reaches, with implicit array traversal. undefined = missing. */
export function pathCandidates(doc: unknown, parts: string[], i = 0, out: unknown[] = []): unknown[] {
  if (i === parts.length) {
    out.push(doc);
    return out;
  }
  const part = parts[i] as string;
  if (Array.isArray(doc)) {
    const before = out.length;
    if (/^\d+$/.test(part)) {
      const element = doc[Number(part)];
      if (element !== undefined) pathCandidates(element, parts, i + 1, out);
    }
    for (const element of doc) {
      const sub = asDocument(element);
      if (sub) pathCandidates(sub, parts, i, out);
    }
    if (out.length === before) out.push(undefined);
    return out;
  }
  const sub = asDocument(doc);
  if (sub) return pathCandidates(ownField(sub, part), parts, i + 1, out);
  out.push(undefined);
  return out;
}

function compilePath(path: string, condition: unknown): Predicate {
  const parts = path.split('.');
  const test = isOperatorObject(condition) ? compileOperators(condition) : compileEquality(condition);
  if (parts.length === 1) return (doc) => test([ownField(doc, path)]);
  return (doc) => test(pathCandidates(doc, parts));
}

/** Candidates plus, for array candidates, their elements (MongoDB's implicit "any element"). */
function expand(candidates: unknown[]): unknown[] {
  let hasArray = false;
  for (const c of candidates) if (Array.isArray(c)) hasArray = true;
  if (!hasArray) return candidates;
  const out: unknown[] = [];
  for (const c of candidates) {
    out.push(c);
    if (Array.isArray(c)) out.push(...c);
  }
  return out;
}

function isRegex(value: unknown): boolean {
  return bsonTypeOf(value) === 'regex';
}

/** The pattern and options of a regex operand (a RegExp, a BSONRegExp or a string with $options). */
function toRegex(value: unknown, options?: string): CompiledRegex {
  if (value instanceof RegExp) return compileRegex(value.source, options ?? value.flags);
  const r = value as { pattern?: string; options?: string };
  if (typeof r.pattern === 'string') return compileRegex(r.pattern, options ?? r.options ?? '');
  return compileRegex(String(value), options ?? '');
}

function equalsValue(candidate: unknown, target: unknown, normalise?: StringNormaliser): boolean {
  if (target === null) return candidate === null || candidate === undefined;
  if (candidate === undefined) return false;
  return canonicalRank(candidate) === canonicalRank(target) && compareValues(candidate, target, normalise?.collation) === 0;
}

function compileEquality(target: unknown): ValuePredicate {
  if (isRegex(target)) {
    const re = toRegex(target);
    return (candidates) =>
      expand(candidates).some((c) => (typeof c === 'string' && re.test(c)) || (isRegex(c) && compareValues(c, target) === 0));
  }
  const normalise = current.normalise;
  return (candidates) => expand(candidates).some((c) => equalsValue(c, target, normalise));
}

/**
 * The kinds of value whose equality keyString decides exactly (1, 1.0 and NumberLong(1) share a
 * key): strings (after the collation's folding), numbers, ObjectIds, booleans and dates.
 */
function hashKey(value: unknown, normalise: StringNormaliser): string | undefined {
  if (typeof value === 'string') return keyString(value, normalise?.collation);
  const rank = canonicalRank(value);
  return rank === 2 || rank === 7 || rank === 8 || rank === 9 ? keyString(value) : undefined;
}

/**
 * $in as a set lookup, as mongod does: one hash probe per candidate instead of one comparison
 * per listed value (10,000 values over 100,000 documents was a billion comparisons). Regexes,
 * null, documents and arrays in the list keep their own equality tests.
 */
function compileIn(values: unknown[]): ValuePredicate {
  const normalise = current.normalise;
  const hashed = new Set<string>();
  const hashedValues: unknown[] = [];
  const others: ValuePredicate[] = [];
  for (const value of values) {
    const key = isRegex(value) ? undefined : hashKey(value, normalise);
    if (key === undefined) others.push(compileEquality(value));
    else if (!hashed.has(key)) {
      hashed.add(key);
      hashedValues.push(value);
    }
  }
  return (candidates) => {
    if (hashed.size > 0) {
      for (const c of expand(candidates)) {
        if (c === undefined) continue;
        const key = hashKey(c, normalise);
        if (key !== undefined) {
          if (hashed.has(key)) return true;
        } else if (canonicalRank(c) === 3 && hashedValues.some((v) => equalsValue(c, v, normalise))) {
          // A BSON symbol equals the string with its text.
          return true;
        }
      }
    }
    return others.some((eq) => eq(candidates));
  };
}

function compareOp(op: string, target: unknown): ValuePredicate {
  const rank = canonicalRank(target);
  const ok =
    op === '$gt'
      ? (c: number) => c > 0
      : op === '$gte'
        ? (c: number) => c >= 0
        : op === '$lt'
          ? (c: number) => c < 0
          : (c: number) => c <= 0;
  const inclusive = op === '$gte' || op === '$lte';
  const normalise = current.normalise;
  return (candidates) =>
    expand(candidates).some((c) => {
      if (c === undefined) return target === null && inclusive;
      // MinKey/MaxKey compare against everything; otherwise comparisons stay within a type bracket.
      if (rank === 0 || rank === 13) return ok(compareValues(c, target));
      if (canonicalRank(c) !== rank) return false;
      if (isNumeric(c) && (Number.isNaN(toNumber(c)) || Number.isNaN(toNumber(target)))) {
        return inclusive && Number.isNaN(toNumber(c)) && Number.isNaN(toNumber(target));
      }
      return ok(compareValues(c, target, normalise?.collation));
    });
}

const TYPE_ALIASES: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

function typeMatches(value: unknown, type: unknown): boolean {
  const name = isNumeric(type) ? TYPE_ALIASES[toNumber(type)] : String(type);
  if (name === undefined) throw new CommandError(2, `Invalid numerical type code: ${String(type)}`);
  if (name === 'number') return isNumeric(value);
  // Numbers keep their BSON type through the engine (bson/numeric.ts), so the tag is exact.
  return bsonTypeOf(value) === name;
}

function compileOperators(ops: Record<string, unknown>): ValuePredicate {
  const tests: ValuePredicate[] = [];
  for (const [op, arg] of Object.entries(ops)) {
    switch (op) {
      case '$eq':
        tests.push(compileEquality(arg));
        break;
      case '$ne': {
        const eq = compileEquality(arg);
        tests.push((c) => !eq(c));
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (isRegex(arg)) {
          tests.push(() => false);
          break;
        }
        tests.push(compareOp(op, arg));
        break;
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg)) throw new CommandError(2, `${op} needs an array`);
        for (const v of arg) {
          if (isOperatorObject(v)) throw new CommandError(2, 'cannot nest $ under $in');
        }
        const inTest = compileIn(arg);
        tests.push(op === '$in' ? inTest : (c) => !inTest(c));
        break;
      }
      case '$exists': {
        const want = Boolean(arg);
        tests.push((c) => c.some((v) => v !== undefined) === want);
        break;
      }
      case '$type': {
        const types = Array.isArray(arg) ? arg : [arg];
        tests.push((c) =>
          c.some(
            (v) =>
              v !== undefined &&
              (types.some((t) => typeMatches(v, t)) ||
                (Array.isArray(v) && v.some((e) => types.some((t) => typeMatches(e, t))))),
          ),
        );
        break;
      }
      case '$regex': {
        const re = toRegex(arg, typeof ops.$options === 'string' ? ops.$options : undefined);
        tests.push((c) => expand(c).some((v) => typeof v === 'string' && re.test(v)));
        break;
      }
      case '$options':
        break;
      case '$size': {
        if (typeof arg !== 'number' && !isNumeric(arg)) throw new CommandError(2, '$size needs a number');
        const n = toNumber(arg);
        tests.push((c) => c.some((v) => Array.isArray(v) && v.length === n));
        break;
      }
      case '$all': {
        if (!Array.isArray(arg)) throw new CommandError(2, '$all needs an array');
        if (arg.length === 0) {
          tests.push(() => false);
          break;
        }
        const subs = arg.map((v) =>
          isPlainObject(v) && '$elemMatch' in v ? compileOperators(v) : compileEquality(v),
        );
        tests.push((c) => subs.every((s) => s(c)));
        break;
      }
      case '$elemMatch': {
        // {$ref, $id} arrives as a DBRef instance: a query on those two fields.
        const spec = asDocument(arg);
        if (!spec) throw new CommandError(2, '$elemMatch needs an Object');
        const valueForm = isOperatorObject(spec) && !['$and', '$or', '$nor', '$expr'].includes(Object.keys(spec)[0] as string);
        const elementTest: (e: unknown) => boolean = valueForm
          ? ((t) => (e: unknown) => t([e]))(compileOperators(spec))
          : ((p) => (e: unknown) => {
              const sub = asDocument(e);
              return sub !== undefined && p(sub);
            })(compileFilterInner(spec));
        tests.push((c) => c.some((v) => Array.isArray(v) && v.some(elementTest)));
        break;
      }
      case '$not': {
        let inner: ValuePredicate;
        if (isRegex(arg)) inner = compileEquality(arg);
        else if (isOperatorObject(arg)) inner = compileOperators(arg);
        else throw new CommandError(2, '$not needs a regex or a document');
        tests.push((c) => !inner(c));
        break;
      }
      case '$mod': {
        if (!Array.isArray(arg) || arg.length !== 2) {
          throw new CommandError(2, 'malformed mod, needs to be an array of 2 elements');
        }
        const d = toNumber(arg[0]);
        const r = toNumber(arg[1]);
        tests.push((c) =>
          expand(c).some((v) => isNumeric(v) && Math.trunc(toNumber(v)) % Math.trunc(d) === Math.trunc(r)),
        );
        break;
      }
      case '$bitsAllSet':
      case '$bitsAnySet':
      case '$bitsAllClear':
      case '$bitsAnyClear': {
        const test = compileBitTest(op, arg);
        tests.push((c) => expand(c).some(test));
        break;
      }
      case '$geoWithin':
      case '$geoIntersects': {
        const test = compileGeoWithin(op, arg);
        tests.push((c) => c.some(test));
        break;
      }
      case '$near':
      case '$nearSphere':
        throw new CommandError(291, `error processing query: planner returned error :: caused by :: unable to find index for $geoNear query: the embedded engine has no geo index (${op} needs one; 2d and 2dsphere indexes are refused at creation)`);
      case '$comment':
        break;
      default:
        throw new CommandError(2, `unknown operator: ${op}`);
    }
  }
  return (c) => tests.every((t) => t(c));
}
