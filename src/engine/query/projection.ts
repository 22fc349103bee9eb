// find() projections: inclusion or exclusion of (dotted) fields, _id kept unless excluded,
// $slice and $elemMatch on arrays, and the positional `arr.$`. Anything else (aggregation
// expressions, allowed in find projections since 4.4) goes through mingo's $project.
import { deepClone } from '../bson/clone.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { compileFilter } from './matcher.js';
import { plainValues } from '../bson/numeric.js';
import { mingoAggregator } from './mingo-context.js';
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

export function compileProjection(spec: unknown, filter?: Record<string, unknown>): ProjectionInfo | undefined {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) return undefined;
  let includeId = true;
  let mode: 'include' | 'exclude' | undefined;
  const fields: Array<[string, unknown]> = [];
  let simple = true;
  let needsMingo = false;
  for (const [path, value] of Object.entries(spec)) {
    if (path === '_id' && (value === 0 || value === false)) {
      includeId = false;
      continue;
    }
    if (path === '_id' && (value === 1 || value === true)) continue;
    if (value === 1 || value === true || value === 0 || value === false || typeof value === 'number' || typeof value === 'boolean') {
      const m = value ? 'include' : 'exclude';
      if (mode !== undefined && mode !== m) {
        throw new CommandError(
          31254,
          `Cannot do ${mode === 'include' ? 'exclusion' : 'inclusion'} on field ${path} in ${mode} projection`,
        );
      }
      mode = m;
      fields.push([path, value]);
    } else if (isPlainObject(value) && ('$slice' in value || '$elemMatch' in value || value.$meta === 'textScore')) {
      simple = false;
      fields.push([path, value]);
    } else {
      needsMingo = true;
    }
  }
  if (needsMingo) {
    // mingo computes in JS numbers and RegExps (bson/numeric.ts plainValues).
    const aggregator = mingoAggregator([{ $project: plainValues(spec) }]);
    return {
      project: (doc) => (aggregator.run([plainValues(doc)])[0] ?? {}) as Doc,
      stage: 'PROJECTION_DEFAULT',
      includesId: includeId,
    };
  }
  const positional = fields.filter(([p]) => p.endsWith('.$'));
  if (positional.length > 0) simple = false;
  const exclusion = mode === 'exclude' || (mode === undefined && !fields.some(([, v]) => isPlainObject(v)) && !includeId);
  const specials = fields.filter(([, v]) => isPlainObject(v));
  const plain = fields.filter(([, v]) => !isPlainObject(v)).map(([p]) => p);
  const inclusion = mode === 'include' || (mode === undefined && specials.length === 0 && includeId);
  const project: Projector = (doc) => {
    let out: Doc;
    if (inclusion || (mode === undefined && specials.length > 0)) {
      out = {};
      if (includeId && doc._id !== undefined) out._id = doc._id;
      for (const path of plain) {
        const p = path.endsWith('.$') ? path.slice(0, -2) : path;
        includePath(doc, out, p.split('.'));
      }
      if (mode === undefined) {
        // Only $slice/$elemMatch: every other field is kept.
        out = { ...deepClone(doc) };
        if (!includeId) delete out._id;
      }
      for (const [path] of positional) applyPositional(doc, out, path.slice(0, -2), filter);
    } else {
      out = deepClone(doc);
      if (!includeId) delete out._id;
      if (exclusion) for (const path of plain) excludePath(out, path.split('.'));
    }
    for (const [path, value] of specials) applySpecial(doc, out, path, value as Record<string, unknown>);
    return out;
  };
  return {
    project,
    stage: simple ? 'PROJECTION_SIMPLE' : 'PROJECTION_DEFAULT',
    inclusionPaths: inclusion ? plain : undefined,
    includesId: includeId,
  };
}

function includePath(src: unknown, dst: Doc, parts: string[]): void {
  if (!isPlainObject(src)) return;
  const [head, ...rest] = parts as [string, ...string[]];
  const value = src[head];
  if (value === undefined) return;
  if (rest.length === 0) {
    dst[head] = deepClone(value);
    return;
  }
  if (Array.isArray(value)) {
    const existing = Array.isArray(dst[head]) ? (dst[head] as unknown[]) : undefined;
    const arr = value
      .map((el, i) => {
        if (Array.isArray(el)) return undefined;
        if (!isPlainObject(el)) return undefined;
        const target = (existing?.[i] as Doc | undefined) ?? {};
        includePath(el, target, rest);
        return target;
      })
      .filter((el) => el !== undefined);
    dst[head] = arr;
    return;
  }
  if (isPlainObject(value)) {
    const target = isPlainObject(dst[head]) ? (dst[head] as Doc) : {};
    includePath(value, target, rest);
    dst[head] = target;
  }
}

function excludePath(doc: unknown, parts: string[]): void {
  if (Array.isArray(doc)) {
    for (const el of doc) excludePath(el, parts);
    return;
  }
  if (!isPlainObject(doc)) return;
  const [head, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) delete doc[head];
  else excludePath(doc[head], rest);
}

function applySpecial(src: Doc, out: Doc, path: string, value: Record<string, unknown>): void {
  if (value.$meta === 'textScore') {
    out[path] = textScore(src);
    return;
  }
  const arr = src[path];
  if ('$slice' in value) {
    if (!Array.isArray(arr)) {
      if (arr !== undefined) out[path] = deepClone(arr);
      return;
    }
    const s = value.$slice;
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
    out[path] = deepClone(sliced);
    return;
  }
  if ('$elemMatch' in value) {
    const test = compileFilter({ x: { $elemMatch: value.$elemMatch } });
    if (!Array.isArray(arr)) {
      delete out[path];
      return;
    }
    const found = arr.find((el) => test({ x: [el] }));
    if (found === undefined) delete out[path];
    else out[path] = [deepClone(found)];
  }
}

function applyPositional(src: Doc, out: Doc, path: string, filter?: Record<string, unknown>): void {
  const arr = src[path];
  if (!Array.isArray(arr) || !filter) return;
  const conditions = Object.entries(filter).filter(([k]) => k === path || k.startsWith(`${path}.`));
  const index = arr.findIndex((el) =>
    conditions.every(([k, cond]) => {
      const sub = k === path ? 'x' : `x.${k.slice(path.length + 1)}`;
      return compileFilter({ [sub]: cond })({ x: el });
    }),
  );
  if (index >= 0) out[path] = [deepClone(arr[index])];
}
