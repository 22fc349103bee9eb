// Reading dotted paths the way mongod does for index keys and sort keys: arrays met along the
// path fan out (a.b over {a:[{b:1},{b:2}]} yields 1 and 2), and a numeric path component
// indexes into an array.
//
// Field names come from clients, so every read and write here goes through `ownField` and
// `setOwnField`: a document is a plain JavaScript object, and `doc['__proto__']` or
// `doc['constructor']` would otherwise reach Object.prototype (an upsert on
// `'__proto__.isAdmin'` used to give every object in the process an isAdmin field). mongod
// stores `__proto__`, `constructor` and `prototype` as ordinary field names, and so do we.

/**
 * A document (not an array, Date, RegExp or BSON value). Decided by the prototype, not by a
 * `_bsontype` field: a client may store a document with a field of that name.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** True when `key` is a field of `obj` itself (never one inherited from Object.prototype). */
export function hasOwnField(obj: object, key: string): boolean {
  return hasOwn.call(obj, key);
}

/** The value of the field `key` of `obj`, or undefined when `obj` has no such field of its own. */
export function ownField(obj: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined;
}

/**
 * Sets the field `key` on `obj`. `obj[key] = value` is not enough: with key `__proto__` the
 * assignment goes to Object.prototype's setter and replaces the object's prototype instead of
 * storing a field.
 */
export function setOwnField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** Every value a dotted path reaches; `undefined` stands for "missing". Arrays at the end are returned whole. */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) {
      collect(value[Number(part)], parts, i + 1, out);
      return;
    }
    if (value.length === 0) {
      out.push(undefined);
      return;
    }
    for (const element of value) {
      if (isPlainObject(element) || Array.isArray(element)) collect(element, parts, i, out);
      else out.push(undefined);
    }
    return;
  }
  if (isPlainObject(value)) {
    collect(ownField(value, part), parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** The plain value at a dotted path without array fan-out (used for _id and simple reads). */
export function getPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) value = /^\d+$/.test(part) ? value[Number(part)] : undefined;
    else if (isPlainObject(value)) value = ownField(value, part);
    else return undefined;
  }
  return value;
}

/** Sets a dotted path, creating objects along the way (used for upsert seeds and covered projections). */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i += 1) {
    const part = parts[i] as string;
    let next = ownField(target, part);
    if (!isPlainObject(next) && !Array.isArray(next)) {
      next = {};
      setOwnField(target, part, next);
    }
    target = next as Record<string, unknown>;
  }
  setOwnField(target, parts[parts.length - 1] as string, value);
}
