// find() projections as mongod (4.4+) reads them: inclusion or exclusion of (dotted) fields,
// _id kept unless excluded (`{_id: 1}` alone returns only _id), `$slice` (keeps the other
// fields unless the projection includes some), `$elemMatch` and the positional `arr.$` (both
// inclusions: the projected array holds the one matching element), `$meta: 'textScore'`.
// Anything else (aggregation expressions, allowed since 4.4) goes through mingo's $project.
// Field names are client data: reads and writes use own properties only (see bson/paths.ts).
import { deepClone } from '../bson/clone.js';
import { getPath, hasOwnField, isPlainObject, ownField, setOwnField } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { compileFilter } from './matcher.js';
import { plainValues } from '../bson/numeric.js';
import { runMingoPipeline } from './mingo-context.js';
import { textScore } from './text.js';

export type Projector = (doc: Doc) => Doc;

export interface ProjectionInfo {
  project: Projector;
  /** PROJECTION_SIMPLE (plain inclusion/exclusion) or PROJECTION_DEFAULT. */
  stage: 'PROJECTION_SIMPLE' | 'PROJECTION_DEFAULT';
  /** Included top-level paths when it is an inclusion projection; used to detect covered plans. */
  inclusionPaths?: string[];
  includesId: boolean;
}

type Special = { path: string; kind: 'slice' | 'elemMatch' | 'meta' | 'positional'; arg: unknown };

function isFlag(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

export function compileProjection(rawSpec: unknown, filter?: Record<string, unknown>): ProjectionInfo | undefined {
  // A flag sent as a double or int64 ({a: 1.0}) counts as its number (bson/numeric.ts).
  const spec = plainValues(rawSpec);
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) return undefined;
  let includeId = true;
  let mode: 'include' | 'exclude' | undefined;
  const plain: string[] = [];
  const specials: Special[] = [];
  const setMode = (path: string, m: 'include' | 'exclude'): void => {
    if (mode !== undefined && mode !== m) {
      throw m === 'exclude'
        ? new CommandError(31254, `Cannot do exclusion on field ${path} in inclusion projection`)
        : new CommandError(31253, `Cannot do inclusion on field ${path} in exclusion projection`);
    }
    mode = m;
  };
  for (const [path, value] of Object.entries(spec)) {
    if (path === '_id' && isFlag(value)) {
      includeId = Boolean(value);
      continue;
    }
    if (path.endsWith('.$') && isFlag(value)) {
      if (!value) throw new CommandError(31395, 'positional projection cannot be used with exclusion');
      if (specials.some((s) => s.kind === 'positional')) throw new CommandError(31276, 'Cannot specify more than one positional projection per query.');
      setMode(path, 'include');
      specials.push({ path: path.slice(0, -2), kind: 'positional', arg: undefined });
    } else if (isFlag(value)) {
      setMode(path, value ? 'include' : 'exclude');
      plain.push(path);
    } else if (isPlainObject(value) && hasOwnField(value, '$slice')) {
      specials.push({ path, kind: 'slice', arg: value.$slice });
    } else if (isPlainObject(value) && hasOwnField(value, '$elemMatch')) {
      if (path.includes('.')) throw new CommandError(31275, 'Cannot use $elemMatch projection on a nested field.');
      setMode(path, 'include');
      specials.push({ path, kind: 'elemMatch', arg: value.$elemMatch });
    } else if (isPlainObject(value) && value.$meta === 'textScore') {
      specials.push({ path, kind: 'meta', arg: undefined });
    } else {
      return mingoProjection(spec, includeId);
    }
  }
  // Without a field that decides, `{_id: 1}` is an inclusion (only _id) and `{_id: 0}`, `$slice`
  // or `$meta` alone are exclusions (every other field is kept).
  const inclusion = mode === 'include' || (mode === undefined && includeId && specials.length === 0);
  const elemMatches = specials.filter((s) => s.kind === 'elemMatch').map((s) => ({ ...s, test: compileFilter({ x: { $elemMatch: s.arg } }) }));
  const project: Projector = (doc) => {
    let out: Doc;
    if (inclusion) {
      out = {};
      if (includeId && doc._id !== undefined) out._id = doc._id;
      for (const path of plain) includePath(doc, out, path.split('.'));
    } else {
      out = deepClone(doc);
      if (!includeId) delete out._id;
      for (const path of plain) excludePath(out, path.split('.'));
    }
    for (const special of specials) {
      if (special.kind === 'meta') setOwnField(out, special.path, textScore(doc));
      else if (special.kind === 'slice') applySlice(doc, out, special.path, special.arg);
      else if (special.kind === 'positional') applyPositional(doc, out, special.path, filter);
    }
    for (const { path, test } of elemMatches) {
      const array = ownField(doc, path);
      const found = Array.isArray(array) ? array.find((el) => test({ x: [el] })) : undefined;
      if (found === undefined) delete out[path];
      else setOwnField(out, path, [deepClone(found)]);
    }
    return inclusion ? orderLikeDocument(doc, out) : out;
  };
  return {
    project,
    stage: specials.length === 0 ? 'PROJECTION_SIMPLE' : 'PROJECTION_DEFAULT',
    inclusionPaths: inclusion && specials.length === 0 ? plain : undefined,
    includesId: includeId,
  };
}

function mingoProjection(spec: Record<string, unknown>, includeId: boolean): ProjectionInfo {
  const pipeline = [{ $project: spec }];
  return { project: (doc) => (runMingoPipeline(pipeline, [doc])[0] ?? {}) as Doc, stage: 'PROJECTION_DEFAULT', includesId: includeId };
}

/** An inclusion keeps the fields in the order the document holds them, as mongod does. */
function orderLikeDocument(doc: Doc, out: Doc): Doc {
  const keys = Object.keys(out);
  const ordered = Object.keys(doc).filter((k) => hasOwnField(out, k));
  if (ordered.length === keys.length && ordered.every((k, i) => keys[i] === k)) return out;
  const result: Doc = {};
  for (const key of ordered) setOwnField(result, key, out[key]);
  for (const key of keys) if (!hasOwnField(result, key)) setOwnField(result, key, out[key]);
  return result;
}

function includePath(src: unknown, dst: Doc, parts: string[]): void {
  if (!isPlainObject(src)) return;
  const [head, ...rest] = parts as [string, ...string[]];
  const value = ownField(src, head);
  if (value === undefined) return;
  if (rest.length === 0) {
    setOwnField(dst, head, deepClone(value));
    return;
  }
  const existing = ownField(dst, head);
  if (Array.isArray(value)) {
    const previous = Array.isArray(existing) ? existing : undefined;
    const arr = value
      .map((el, i) => {
        if (!isPlainObject(el)) return undefined;
        const target = (previous?.[i] as Doc | undefined) ?? {};
        includePath(el, target, rest);
        return target;
      })
      .filter((el) => el !== undefined);
    setOwnField(dst, head, arr);
    return;
  }
  if (isPlainObject(value)) {
    const target = isPlainObject(existing) ? existing : {};
    includePath(value, target, rest);
    setOwnField(dst, head, target);
  }
}

function excludePath(doc: unknown, parts: string[]): void {
  if (Array.isArray(doc)) {
    for (const el of doc) excludePath(el, parts);
    return;
  }
  if (!isPlainObject(doc)) return;
  const [head, ...rest] = parts as [string, ...string[]];
  if (!hasOwnField(doc, head)) return;
  if (rest.length === 0) delete doc[head];
  else excludePath(doc[head], rest);
}

/** The (copied) object at a dotted path of a projection's output, created when missing. */
function outputParent(out: Doc, parts: string[]): Doc | undefined {
  let target = out;
  for (const part of parts.slice(0, -1)) {
    const next = ownField(target, part);
    if (next === undefined) {
      const created: Doc = {};
      setOwnField(target, part, created);
      target = created;
    } else if (isPlainObject(next)) target = next;
    else return undefined;
  }
  return target;
}

function applySlice(src: Doc, out: Doc, path: string, s: unknown): void {
  const parts = path.split('.');
  const arr = getPath(src, path);
  const parent = outputParent(out, parts);
  const leaf = parts[parts.length - 1] as string;
  if (!parent || arr === undefined) return;
  if (!Array.isArray(arr)) {
    setOwnField(parent, leaf, deepClone(arr));
    return;
  }
  let sliced: unknown[];
  if (Array.isArray(s)) {
    const skip = Number(s[0]);
    const limit = Number(s[1]);
    const start = skip < 0 ? Math.max(arr.length + skip, 0) : skip;
    sliced = arr.slice(start, start + limit);
  } else {
    const n = Number(s);
    sliced = n >= 0 ? arr.slice(0, n) : arr.slice(n);
  }
  setOwnField(parent, leaf, deepClone(sliced));
}

/** Query clauses on the array at `path` (and below it), which pick the element `arr.$` returns. */
function clausesOn(filter: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === path || key.startsWith(`${path}.`)) setOwnField(out, key, value);
    else if (key === '$and' && Array.isArray(value)) {
      const subs = value.filter(isPlainObject).map((sub) => clausesOn(sub, path)).filter((sub) => Object.keys(sub).length > 0);
      if (subs.length > 0) out.$and = subs;
    }
  }
  return out;
}

const POSITIONAL_NOT_FOUND = "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array";

function applyPositional(src: Doc, out: Doc, path: string, filter?: Record<string, unknown>): void {
  const parts = path.split('.');
  const arr = getPath(src, path);
  if (arr === undefined) return;
  const parent = outputParent(out, parts);
  const leaf = parts[parts.length - 1] as string;
  if (!parent) return;
  if (!Array.isArray(arr)) {
    setOwnField(parent, leaf, deepClone(arr));
    return;
  }
  const clauses = filter ? clausesOn(filter, path) : {};
  if (Object.keys(clauses).length === 0) throw new CommandError(51246, POSITIONAL_NOT_FOUND);
  const test = compileFilter(clauses);
  const index = arr.findIndex((el) => {
    const probe: Doc = {};
    let target = probe;
    for (const part of parts.slice(0, -1)) {
      const next: Doc = {};
      setOwnField(target, part, next);
      target = next;
    }
    setOwnField(target, leaf, [el]);
    return test(probe);
  });
  if (index < 0) throw new CommandError(51246, POSITIONAL_NOT_FOUND);
  setOwnField(parent, leaf, [deepClone(arr[index])]);
}
