// Chooses how to run a query. The rule, in order (mongod instead races candidate plans, but for
// the queries the demos run the outcome is the same and this one can be explained in a sentence):
//   1. an index qualifies when its first field is bounded by the filter, or when it yields the
//      requested sort order (after equality-bound leading fields);
//   2. among qualifying indexes prefer the most leading fields fixed by equality, then the most
//      bounded fields, then one that provides the sort (no in-memory SORT), then the shortest key;
//   3. with no qualifying index, scan the collection.
// Sparse indexes are skipped when the query could match documents missing the field, partial
// indexes unless the filter repeats their partialFilterExpression.
import { canonicalRank, compareValues, keyString } from '../bson/order.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Index } from '../indexes/index.js';
import type { Collection } from '../storage/collection.js';
import { boundsForField, collectPredicates, FULL_INTERVAL, type Interval } from './bounds.js';
import { parseCollation, sameCollation } from './collation.js';
import { compileFilter, normaliserFor, type Predicate } from './matcher.js';
import { compileProjection } from './projection.js';
import { parseSort, type SortField } from './sort.js';
import {
  CollScanStage,
  CoveredProjectionStage,
  FetchStage,
  OrStage,
  IdHackStage,
  IndexScanStage,
  LimitStage,
  ProjectionStage,
  SkipStage,
  SortStage,
  type PlanStage,
} from './stages.js';

export interface QueryRequest {
  filter?: Record<string, unknown>;
  sort?: Record<string, unknown>;
  projection?: Record<string, unknown>;
  skip?: number;
  limit?: number;
  hint?: unknown;
  /** `let` variables for $expr. */
  variables?: Record<string, unknown>;
  collation?: Record<string, unknown>;
  /** Set with allowDiskUse: false: a blocking sort holding more fails with code 292. */
  sortMemoryLimitBytes?: number;
}

export interface IndexChoice {
  index: Index;
  bounds: Interval[][];
  eqPrefix: number;
  boundedFields: number;
  providesSort: boolean;
  scanDirection: 1 | -1;
}

export interface Plan {
  root: PlanStage;
  choice: IndexChoice | undefined;
  rejected: IndexChoice[];
  filter: Predicate;
  /** Human-readable reason for the choice, shown by explain under queryPlanner.planChoice. */
  reason: string;
}

function partialSatisfied(index: Index, filter: Record<string, unknown>): boolean {
  const pfe = index.spec.partialFilterExpression;
  if (!pfe) return true;
  const predicates = collectPredicates(filter);
  for (const [path, condition] of Object.entries(pfe)) {
    const mine = predicates.get(path);
    if (!mine) return false;
    const wanted = keyString(condition);
    if (!mine.some((p) => keyString(p) === wanted || impliesRange(p, condition))) return false;
  }
  return true;
}

/** {$gt: 10} in the query implies {$gt: 5} in the partial filter, and equality implies $exists. */
function impliesRange(query: unknown, pfe: unknown): boolean {
  if (!isPlainObject(pfe)) return false;
  return Object.entries(pfe).every(([op, bound]) => {
    if (op === '$exists') return bound === true && query !== null && query !== undefined;
    const q = isPlainObject(query) ? query : { $eq: query };
    const values = ['$eq', op].map((o) => q[o]).filter((v) => v !== undefined);
    return values.some((v) => {
      const c = compareValues(v, bound);
      if (op === '$gt') return c > 0;
      if (op === '$gte') return c >= 0;
      if (op === '$lt') return c < 0;
      if (op === '$lte') return c <= 0;
      if (op === '$eq') return c === 0;
      return false;
    });
  });
}

function analyseIndex(index: Index, filter: Record<string, unknown>, sort: SortField[]): IndexChoice | undefined {
  // Hidden indexes are maintained but invisible to the planner (to test dropping one safely).
  if (index.spec.hidden === true) return undefined;
  if (!partialSatisfied(index, filter)) return undefined;
  const predicates = collectPredicates(filter);
  const bounds: Interval[][] = [];
  let eqPrefix = 0;
  let boundedFields = 0;
  let stillPrefix = true;
  let sparseUnsafe = index.sparse;
  for (const field of index.fields) {
    const preds = predicates.get(field.path);
    const fb = preds ? boundsForField(preds, index.multikeyPaths.has(field.path)) : undefined;
    if (fb && stillPrefix) {
      bounds.push(fb.intervals);
      boundedFields += 1;
      if (fb.intervals.every((iv) => compareValues(iv.lo, null) !== 0)) sparseUnsafe = false;
      if (fb.points) eqPrefix += 1;
      else stillPrefix = false;
    } else {
      bounds.push([FULL_INTERVAL]);
      stillPrefix = false;
    }
  }
  if (sparseUnsafe) return undefined;
  if (index.fields.some((f) => typeof index.spec.key[f.path] === 'string')) return undefined;
  // Sort from the index: the sort fields must follow the single-point equality prefix.
  let providesSort = false;
  let scanDirection: 1 | -1 = 1;
  if (sort.length > 0 && !sort.some((s) => index.multikeyPaths.has(s.path))) {
    let start = 0;
    while (start < index.fields.length && (bounds[start] as Interval[]).length === 1 && start < eqPrefix) {
      if (sort.some((s) => s.path === (index.fields[start] as { path: string }).path)) break;
      start += 1;
    }
    const rest = index.fields.slice(start, start + sort.length);
    if (rest.length === sort.length) {
      const same = sort.every((s, i) => s.path === rest[i]?.path && s.direction === rest[i]?.direction);
      const reversed = sort.every((s, i) => s.path === rest[i]?.path && s.direction === -(rest[i]?.direction ?? 0));
      if (same || reversed) {
        // An $in on a leading field would interleave several sorted runs.
        const leadingPoints = bounds.slice(0, start).every((b) => b.length === 1);
        if (leadingPoints) {
          providesSort = true;
          scanDirection = same ? 1 : -1;
        }
      }
    }
  }
  if (boundedFields === 0 && !providesSort) return undefined;
  if (boundedFields === 0 && index.sparse) return undefined;
  return { index, bounds, eqPrefix, boundedFields, providesSort, scanDirection };
}

function better(a: IndexChoice, b: IndexChoice): boolean {
  const ua = a.index.unique && a.eqPrefix === a.index.fields.length ? 1 : 0;
  const ub = b.index.unique && b.eqPrefix === b.index.fields.length ? 1 : 0;
  if (ua !== ub) return ua > ub;
  if (a.eqPrefix !== b.eqPrefix) return a.eqPrefix > b.eqPrefix;
  if (a.boundedFields !== b.boundedFields) return a.boundedFields > b.boundedFields;
  if (a.providesSort !== b.providesSort) return a.providesSort;
  return a.index.fields.length < b.index.fields.length;
}

function hintedIndex(coll: Collection, hint: unknown): Index | 'natural' | undefined {
  if (hint === undefined || hint === null) return undefined;
  if (typeof hint === 'string') {
    const index = coll.getIndex(hint);
    if (!index) throw new CommandError(2, 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
    return index;
  }
  if (isPlainObject(hint)) {
    if (Object.keys(hint).length === 0) return undefined;
    if ('$natural' in hint) return 'natural';
    const wanted = keyString(hint);
    const index = coll.indexes.find((i) => keyString(i.spec.key) === wanted);
    if (!index) throw new CommandError(2, 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
    return index;
  }
  return undefined;
}

export function describeChoice(choice: IndexChoice | undefined, sortWanted: boolean): string {
  if (!choice) return 'no index has a field bounded by the filter or matching the sort: collection scan';
  const parts = [`index ${choice.index.name}`];
  if (choice.eqPrefix > 0) parts.push(`${choice.eqPrefix} leading field(s) fixed by equality`);
  if (choice.boundedFields > choice.eqPrefix) parts.push('a range on the next field');
  if (sortWanted) parts.push(choice.providesSort ? 'provides the sort order (no in-memory SORT)' : 'sort done in memory');
  return parts.join(', ');
}

/** The profiler collects the plans a command ran, to report the work they did. */
export const planObserver: { roots: PlanStage[] | undefined } = { roots: undefined };

export function planQuery(coll: Collection | undefined, request: QueryRequest): Plan {
  const plan = buildPlan(coll, request);
  planObserver.roots?.push(plan.root);
  return plan;
}

function buildPlan(coll: Collection | undefined, request: QueryRequest): Plan {
  const filterSpec = request.filter ?? {};
  const textIndex = coll?.indexes.find((i) => Object.values(i.spec.key).includes('text'));
  const textFields = textIndex ? Object.entries(textIndex.spec.key).filter(([, v]) => v === 'text').map(([k]) => k) : undefined;
  // The operation's collation, else the collection's default; an index serves only its own collation.
  const collationSpec = request.collation ?? (coll?.options.collation as Record<string, unknown> | undefined);
  const collation = parseCollation(collationSpec);
  const usable = (index: Index): boolean => sameCollation(index.collation, collation);
  const boundsFilter = collation ? withoutRegexes(filterSpec) : filterSpec;
  const filter = compileFilter(filterSpec, { variables: request.variables, collation: collationSpec, textFields });
  const normalise = normaliserFor(collationSpec);
  let sort = parseSort(request.sort);
  // {$natural: -1} asks for reverse insertion order: a backward collection scan, not a sort.
  let naturalDirection: 1 | -1 = 1;
  const naturalSort = sort.find((f) => f.path === '$natural');
  if (naturalSort) {
    naturalDirection = naturalSort.direction;
    sort = sort.filter((f) => f.path !== '$natural');
  }
  const skip = request.skip ?? 0;
  const limit = request.limit ?? 0;
  let choice: IndexChoice | undefined;
  const rejected: IndexChoice[] = [];
  let natural = false;
  if (coll && !naturalSort) {
    const hinted = hintedIndex(coll, request.hint);
    if (hinted === 'natural') natural = true;
    else if (hinted) {
      // A hinted index of another collation is walked whole, the filter deciding.
      choice =
        (usable(hinted) ? analyseIndex(hinted, boundsFilter, sort) : undefined) ?? {
          index: hinted,
          bounds: hinted.fields.map(() => [FULL_INTERVAL]),
          eqPrefix: 0,
          boundedFields: 0,
          providesSort: false,
          scanDirection: 1,
        };
    } else {
      const hasOr = '$or' in filterSpec || '$nor' in filterSpec || '$where' in filterSpec;
      for (const index of coll.indexes) {
        if (!usable(index)) continue;
        const c = analyseIndex(index, boundsFilter, sort);
        if (!c) continue;
        if (hasOr && c.boundedFields === 0 && !c.providesSort) continue;
        if (!choice || better(c, choice)) {
          if (choice) rejected.push(choice);
          choice = c;
        } else rejected.push(c);
      }
    }
  }
  // An $or no single index can answer: one index scan per branch, united (mongod's OR stage).
  let orScans: IndexScanStage[] | undefined;
  let orReason = '';
  if (coll && !choice && !natural && (request.hint === undefined || request.hint === null) && Array.isArray(filterSpec.$or)) {
    const branchChoices = (filterSpec.$or as unknown[]).map((branch) => {
      if (!isPlainObject(branch)) return undefined;
      let best: IndexChoice | undefined;
      for (const index of coll.indexes) {
        if (!usable(index)) continue;
        const c = analyseIndex(index, collation ? withoutRegexes(branch) : branch, []);
        if (c && c.boundedFields > 0 && (!best || better(c, best))) best = c;
      }
      return best;
    });
    if (branchChoices.length > 0 && branchChoices.every((c) => c !== undefined)) {
      orScans = branchChoices.map((c) => new IndexScanStage(c!.index, c!.bounds, 1));
      orReason = `every $or branch can use an index (${branchChoices.map((c) => c!.index.name).join(', ')}): OR of index scans`;
    }
  }
  let root: PlanStage;
  if (coll && isIdHackQuery(filterSpec, request, sort.length > 0, !usable(coll.idIndex))) {
    root = new IdHackStage(coll, filterSpec._id);
    if (limit > 0) root = new LimitStage(root, limit);
    const projection = compileProjection(request.projection, filterSpec);
    if (projection) root = new ProjectionStage(projection.stage, root, projection.project, request.projection ?? {});
    return { root, choice: undefined, rejected: [], filter, reason: 'equality on _id: IDHACK (direct _id lookup)' };
  }
  const filterForExplain = Object.keys(filterSpec).length > 0 ? filterSpec : undefined;
  const projection = compileProjection(request.projection, filterSpec);
  const inMemorySort = sort.length > 0 && !(choice && choice.providesSort);
  // As mongod does (planner_analysis analyzeDataAccess): when the index bounds answer the whole
  // filter exactly, FETCH carries no filter and SKIP runs on index keys before fetching, so a
  // deep skip costs keysExamined, not docsExamined.
  const exact = choice !== undefined && boundsAreExact(choice, filterSpec);
  let skipApplied = false;
  let coveredScan: IndexScanStage | undefined;
  if (choice && coll) {
    const scan = new IndexScanStage(choice.index, choice.bounds, choice.scanDirection);
    const projPaths = projection?.inclusionPaths;
    const indexPaths = choice.index.fields.map((f) => f.path);
    const covered =
      exact &&
      !inMemorySort &&
      projection !== undefined &&
      projPaths !== undefined &&
      projPaths.length > 0 &&
      (!projection.includesId || indexPaths.includes('_id')) &&
      projPaths.every((p) => indexPaths.includes(p));
    root = scan;
    if (exact && !inMemorySort && skip > 0) {
      root = new SkipStage(root, skip);
      skipApplied = true;
    }
    if (covered && projection) {
      coveredScan = scan;
      root = new CoveredProjectionStage(root, scan, projection.inclusionPaths ?? [], projection.includesId, request.projection ?? {});
    } else {
      root = new FetchStage(coll, root, exact ? undefined : filter, exact ? undefined : filterForExplain);
    }
  } else if (orScans && coll) {
    root = new FetchStage(coll, new OrStage(orScans), filter, filterForExplain);
  } else {
    const hintDirection = natural && isPlainObject(request.hint) && Number(request.hint.$natural) === -1 ? -1 : 1;
    root = new CollScanStage(coll, filter, filterForExplain, naturalSort ? naturalDirection : hintDirection);
  }
  if (inMemorySort) {
    root = new SortStage(root, sort, request.sort ?? {}, limit > 0 ? skip + limit : 0, normalise, request.sortMemoryLimitBytes);
    if (skip > 0) root = new SkipStage(root, skip);
  } else {
    if (skip > 0 && !skipApplied) root = new SkipStage(root, skip);
    if (limit > 0) root = new LimitStage(root, limit);
  }
  if (projection && !coveredScan) {
    root = new ProjectionStage(projection.stage, root, projection.project, request.projection ?? {});
  }
  return { root, choice, rejected, filter, reason: orScans ? orReason : describeChoice(choice, sort.length > 0) };
}

/**
 * The filter without its regex predicates, for index bounds under a collation: a regex prefix
 * bound (/^1/ scans ["1", "2")) holds in binary order only, not under numericOrdering or case folding.
 */
function withoutRegexes(filter: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      out.$and = value.map((sub) => (isPlainObject(sub) ? withoutRegexes(sub) : sub));
      continue;
    }
    if (canonicalRank(value) === 11) continue;
    if (isPlainObject(value) && '$regex' in value) continue;
    if (isPlainObject(value) && Array.isArray(value.$in) && value.$in.some((v) => canonicalRank(v) === 11)) continue;
    out[key] = value;
  }
  return out;
}

function isIdHackQuery(filter: Record<string, unknown>, request: QueryRequest, sorted: boolean, collated: boolean): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id' || sorted || collated) return false;
  if ((request.skip ?? 0) > 0 || (request.hint !== undefined && request.hint !== null)) return false;
  const id = filter._id;
  if (id === null || id === undefined || Array.isArray(id) || id instanceof RegExp) return false;
  if (isPlainObject(id)) return false;
  return (id as { _bsontype?: string })._bsontype !== 'BSONRegExp';
}

const EXACT_RANKS = new Set([2, 3, 7, 8, 9]);

/**
 * True when the index bounds alone decide the filter: every predicate is an equality, range or
 * $in on a bounded field of a non-multikey index, with operands whose type bracket the bounds
 * express exactly (numbers, strings, ObjectIds, booleans, dates; not null, arrays, documents, regexes).
 */
function boundsAreExact(choice: IndexChoice, filter: Record<string, unknown>): boolean {
  if (choice.index.multikey || choice.index.sparse || !residualIsBoundsOnly(filter)) return false;
  const paths = choice.index.fields.map((f) => f.path);
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) return false;
    const position = paths.indexOf(key);
    if (position < 0 || position >= choice.boundedFields) return false;
    const operands = isPlainObject(value)
      ? Object.entries(value).flatMap(([op, arg]) => (op === '$in' && Array.isArray(arg) ? arg : [arg]))
      : [value];
    if (!operands.every((v) => EXACT_RANKS.has(canonicalRank(v)))) return false;
  }
  return true;
}

/** A covered plan is only safe when every predicate is a plain equality or range the bounds express exactly. */
function residualIsBoundsOnly(filter: Record<string, unknown>): boolean {
  for (const value of Object.values(filter)) {
    if (isPlainObject(value)) {
      const ops = Object.keys(value);
      if (!ops.every((op) => ['$eq', '$gt', '$gte', '$lt', '$lte', '$in'].includes(op))) return false;
    } else if (Array.isArray(value) || value === null) return false;
  }
  return true;
}
