import { isPlainObject, setOwnField } from './paths.js';

/** Copies plain objects, arrays and dates; BSON value classes are immutable and shared. */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwnField(out, key, deepClone(value[key]));
    return out as T;
  }
  return value;
}
