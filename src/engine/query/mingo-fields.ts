// mingo walks field paths with plain property access: given a document with a `constructor`
// field, `$project: {'constructor.x': 1}` wrote `x` onto the global Object function, and it
// refuses `__proto__` paths outright. mongod treats both as ordinary names. So whatever goes
// into mingo has the names JavaScript objects inherit (`__proto__`, `constructor`, `toString`,
// ...) renamed to a form mingo never resolves (a NUL in front: BSON field names cannot contain
// NUL, so no stored name can collide), in the documents and in the stage specs alike, and
// renamed back on the way out.
import { isPlainObject, setOwnField } from '../bson/paths.js';

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));
const MARK = '\u0000';

function escapeName(name: string): string {
  return INHERITED.has(name) ? MARK + name : name;
}

function escapePath(path: string): string {
  if (!path.includes('.') && !INHERITED.has(path.replace(/^\$+/, ''))) return path;
  return path
    .split('.')
    .map((segment) => {
      const dollars = /^\$*/.exec(segment)?.[0] ?? '';
      return dollars + escapeName(segment.slice(dollars.length));
    })
    .join('.');
}

/** A deep copy of a document (or any value) with inherited names escaped; mingo may mutate it freely. */
export function escapeDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(escapeDocument) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[escapeName(key)] = escapeDocument(value[key]);
    return out as T;
  }
  return value;
}

/** Undoes escapeDocument on mingo's output (in place where nothing was renamed). */
export function restoreDocument<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = restoreDocument(value[i]);
    return value;
  }
  if (!isPlainObject(value)) return value;
  const doc: Record<string, unknown> = value;
  const keys = Object.keys(doc);
  if (!keys.some((k) => k.startsWith(MARK))) {
    for (const key of keys) doc[key] = restoreDocument(doc[key]);
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) setOwnField(out, key.startsWith(MARK) ? key.slice(1) : key, restoreDocument(doc[key]));
  return out as T;
}

/** A stage (or expression) spec with inherited names escaped in field names and `$field.paths`. */
export function escapeSpec<T>(spec: T): T {
  if (typeof spec === 'string') return (spec.startsWith('$') ? escapePath(spec) : spec) as T;
  if (Array.isArray(spec)) return spec.map(escapeSpec) as T;
  if (!isPlainObject(spec)) return spec;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(spec)) {
    // A literal is data, not a path.
    out[key.startsWith('$') ? key : escapePath(key)] = key === '$literal' ? spec[key] : escapeSpec(spec[key]);
  }
  return out as T;
}
