// Reading dotted paths the way mongod does for index keys and sort keys: arrays met along the
// path fan out (a.b over {a:[{b:1},{b:2}]} yields 1 and 2), and a numeric path component
// indexes into an array.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof RegExp) return false;
  const tag = (value as { _bsontype?: string })._bsontype;
  return tag === undefined;
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
    collect(value[part], parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** The plain value at a dotted path without array fan-out (used for _id and simple reads). */
export function getPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) value = value[Number(part)];
    else if (isPlainObject(value)) value = value[part];
    else return undefined;
  }
  return value;
}

export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i += 1) {
    const part = parts[i] as string;
    let next = target[part];
    if (!isPlainObject(next) && !Array.isArray(next)) {
      next = {};
      target[part] = next;
    }
    target = next as Record<string, unknown>;
  }
  target[parts[parts.length - 1] as string] = value;
}
