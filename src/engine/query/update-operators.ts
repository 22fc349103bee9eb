// The update operators themselves, applied to concrete paths (see update-paths.ts for how `$`,
// `$[]` and `$[id]` become indexes). Copy-on-write: only the objects and arrays along a written
// path are copied, so the stored document is never touched and an error halfway leaves nothing
// half-applied. Every field write goes through setOwnField, so `__proto__` is stored as a field.
import { Timestamp } from 'bson';
import { deepClone } from '../bson/clone.js';
import { formatValue } from '../bson/format.js';
import { bsonTypeOf, compareValues, isNumeric, keyString } from '../bson/order.js';
import { hasOwnField, isPlainObject, ownField, setOwnField } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { compileFilter } from './matcher.js';
import { parseSort, sortDocuments } from './sort.js';
import { arithmetic, bitwise, isIntegral, zeroLike } from './update-numbers.js';

type Container = Doc | unknown[];

const isIndex = (part: string): boolean => /^\d+$/.test(part);

function typeName(value: unknown): string {
  const t = bsonTypeOf(value);
  return t === 'double' && Number.isInteger(value) ? 'int' : t;
}

/** One document being updated: the root copy and the containers already copied into it. */
export class DocumentWriter {
  readonly root: Doc;
  private readonly copied = new Set<unknown>();

  constructor(readonly original: Doc) {
    this.root = { ...original };
    this.copied.add(this.root);
  }

  private idText(): string {
    return `{_id: ${formatValue(this.original._id)}}`;
  }

  private own<T extends Container>(value: T): T {
    if (this.copied.has(value)) return value;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as T;
    this.copied.add(copy);
    return copy;
  }

  /**
   * The (copied) container holding the last part of `parts`, or undefined when the path does not
   * exist and `create` is false. With `create`, missing objects are made and a scalar in the way
   * is mongod's PathNotViable (28).
   */
  container(parts: string[], create: boolean): Container | undefined {
    let current: Container = this.root;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const part = parts[i] as string;
      let next: unknown;
      if (Array.isArray(current)) {
        if (!isIndex(part)) {
          if (!create) return undefined;
          throw new CommandError(28, `Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${formatValue(current)}}`);
        }
        next = current[Number(part)];
      } else next = ownField(current, part);
      if (next === undefined) {
        if (!create) return undefined;
        next = {};
        this.copied.add(next);
        this.write(current, part, next);
      } else if (isPlainObject(next) || Array.isArray(next)) {
        const copy = this.own(next);
        if (copy !== next) this.write(current, part, copy);
        next = copy;
      } else {
        if (!create) return undefined;
        throw new CommandError(28, `Cannot create field '${parts[i + 1] ?? ''}' in element {${part}: ${formatValue(next)}}`);
      }
      current = next as Container;
    }
    return current;
  }

  read(container: Container, key: string): unknown {
    if (Array.isArray(container)) return isIndex(key) ? container[Number(key)] : undefined;
    return ownField(container, key);
  }

  /** Writes a field or an array slot (padding a short array with nulls, as mongod does). */
  write(container: Container, key: string, value: unknown): void {
    if (Array.isArray(container)) {
      const index = Number(key);
      while (container.length < index) container.push(null);
      container[index] = value;
    } else setOwnField(container, key, value);
  }

  /** Container for a creating write; an array whose next part is not an index is PathNotViable. */
  leafContainer(parts: string[]): Container {
    const container = this.container(parts, true) as Container;
    const leaf = parts[parts.length - 1] as string;
    if (Array.isArray(container) && !isIndex(leaf)) {
      throw new CommandError(28, `Cannot create field '${leaf}' in element {${parts[parts.length - 2] ?? ''}: ${formatValue(container)}}`);
    }
    return container;
  }

  /** The array at `parts` copied for writing, or undefined when missing; a non-array is an error. */
  private arrayAt(parts: string[], op: string, create: boolean): { container: Container; leaf: string; array: unknown[] } | undefined {
    const container = create ? this.leafContainer(parts) : this.container(parts, false);
    if (!container) return undefined;
    const leaf = parts[parts.length - 1] as string;
    const current = this.read(container, leaf);
    if (current === undefined) {
      if (!create) return undefined;
      const array: unknown[] = [];
      this.copied.add(array);
      this.write(container, leaf, array);
      return { container, leaf, array };
    }
    if (!Array.isArray(current)) {
      if (op === '$pop') throw new CommandError(14, `Path '${parts.join('.')}' contains an element of non-array type '${typeName(current)}'`);
      if (op === '$pull' || op === '$pullAll') throw new CommandError(2, `Cannot apply ${op} to a non-array value`);
      if (op === '$addToSet') throw new CommandError(2, `Cannot apply $addToSet to non-array field. Field named '${leaf}' has non-array type ${typeName(current)}`);
      throw new CommandError(2, `The field '${parts.join('.')}' must be an array but is of type ${typeName(current)} in document ${this.idText()}`);
    }
    const array = this.own(current);
    if (array !== current) this.write(container, leaf, array);
    return { container, leaf, array };
  }

  apply(op: string, parts: string[], arg: unknown, to?: string[]): void {
    const leaf = parts[parts.length - 1] as string;
    switch (op) {
      case '$set':
      case '$setOnInsert':
        this.write(this.leafContainer(parts), leaf, deepClone(arg));
        return;
      case '$unset': {
        const container = this.container(parts, false);
        if (!container || this.read(container, leaf) === undefined) return;
        if (Array.isArray(container)) container[Number(leaf)] = null;
        else if (hasOwnField(container, leaf)) delete container[leaf];
        return;
      }
      case '$inc':
      case '$mul': {
        const container = this.leafContainer(parts);
        const current = this.read(container, leaf);
        if (current !== undefined && !isNumeric(current)) {
          throw new CommandError(14, `Cannot apply ${op} to a value of non-numeric type. ${this.idText()} has the field '${leaf}' of non-numeric type ${typeName(current)}`);
        }
        const next = current === undefined ? (op === '$inc' ? arg : zeroLike(arg)) : arithmetic(current, arg, op === '$mul');
        this.write(container, leaf, next);
        return;
      }
      case '$min':
      case '$max': {
        const container = this.leafContainer(parts);
        const current = this.read(container, leaf);
        const c = current === undefined ? 0 : compareValues(arg, current);
        if (current === undefined || (op === '$min' ? c < 0 : c > 0)) this.write(container, leaf, deepClone(arg));
        return;
      }
      case '$currentDate': {
        const type = isPlainObject(arg) ? arg.$type : undefined;
        this.write(this.leafContainer(parts), leaf, type === 'timestamp' ? Timestamp.fromBits(0, Math.floor(Date.now() / 1000)) : new Date());
        return;
      }
      case '$rename':
        this.rename(parts, to as string[]);
        return;
      case '$push':
        this.push(parts, arg);
        return;
      case '$addToSet': {
        const values = isPlainObject(arg) && hasOwnField(arg, '$each') ? (arg.$each as unknown[]) : [arg];
        const { array } = this.arrayAt(parts, op, true) as { array: unknown[] };
        const seen = new Set(array.map((e) => keyString(e)));
        for (const value of values) {
          const key = keyString(value);
          if (seen.has(key)) continue;
          seen.add(key);
          array.push(deepClone(value));
        }
        return;
      }
      case '$pop': {
        const found = this.arrayAt(parts, op, false);
        if (!found || found.array.length === 0) return;
        if (Number(arg) === 1) found.array.pop();
        else found.array.shift();
        return;
      }
      case '$pull':
      case '$pullAll': {
        const found = this.arrayAt(parts, op, false);
        if (!found) return;
        const remove = op === '$pull' ? pullMatcher(arg) : (e: unknown): boolean => (arg as unknown[]).some((v) => compareValues(v, e) === 0);
        const kept = found.array.filter((e) => !remove(e));
        if (kept.length !== found.array.length) this.write(found.container, found.leaf, kept);
        return;
      }
      case '$bit': {
        const container = this.leafContainer(parts);
        let current = this.read(container, leaf);
        if (current === undefined) current = 0;
        if (!isIntegral(current)) {
          throw new CommandError(14, `Cannot apply $bit to a value of non-integral type.${this.idText()} has the field ${leaf} of non-integer type ${typeName(current)}`);
        }
        for (const [bitOp, operand] of Object.entries(arg as Doc)) current = bitwise(current, operand, bitOp as 'and' | 'or' | 'xor');
        this.write(container, leaf, current);
        return;
      }
      default:
        throw new CommandError(9, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
  }

  /** The first field along `parts` (leaf excluded) that holds an array, if any. */
  private arrayAlong(parts: string[]): string | undefined {
    let value: unknown = this.root;
    for (const part of parts.slice(0, -1)) {
      value = Array.isArray(value) ? undefined : isPlainObject(value) ? ownField(value, part) : undefined;
      if (Array.isArray(value)) return part;
      if (value === undefined) return undefined;
    }
    return undefined;
  }

  private rename(from: string[], to: string[]): void {
    const id = formatValue(this.original._id);
    const sourceArray = this.arrayAlong(from);
    if (sourceArray !== undefined) {
      throw new CommandError(2, `The source field cannot be an array element, '${from.join('.')}' in doc with _id: ${id} has an array field called '${sourceArray}'`);
    }
    const source = this.container(from, false);
    const fromLeaf = from[from.length - 1] as string;
    if (!source || Array.isArray(source)) return;
    const value = ownField(source, fromLeaf);
    if (value === undefined) return;
    const targetArray = this.arrayAlong(to);
    if (targetArray !== undefined) {
      throw new CommandError(2, `The destination field cannot be an array element, '${to.join('.')}' in doc with _id: ${id} has an array field called '${targetArray}'`);
    }
    const target = this.leafContainer(to);
    delete source[fromLeaf];
    this.write(target, to[to.length - 1] as string, value);
  }

  private push(parts: string[], arg: unknown): void {
    const modifiers = isPlainObject(arg) && hasOwnField(arg, '$each') ? arg : undefined;
    const { container, leaf, array } = this.arrayAt(parts, '$push', true) as { container: Container; leaf: string; array: unknown[] };
    const values = (modifiers ? (modifiers.$each as unknown[]) : [arg]).map(deepClone);
    const position = modifiers?.$position === undefined ? array.length : Number(modifiers.$position);
    const at = position < 0 ? Math.max(array.length + position, 0) : Math.min(position, array.length);
    array.splice(at, 0, ...values);
    let result = array;
    if (modifiers?.$sort !== undefined) {
      const sort = modifiers.$sort;
      if (isPlainObject(sort)) result = sortElements(array, sort);
      else result = [...array].sort((x, y) => (Number(sort) === 1 ? compareValues(x, y) : compareValues(y, x)));
    }
    if (modifiers?.$slice !== undefined) {
      const n = Number(modifiers.$slice);
      result = n >= 0 ? result.slice(0, n) : result.slice(n);
    }
    if (result !== array) this.write(container, leaf, result);
  }
}

/** $push's $sort by fields of the elements; non-documents sort as if the fields were missing. */
function sortElements(array: unknown[], spec: Doc): unknown[] {
  const wrapped = array.map((e) => ({ e, doc: isPlainObject(e) ? e : {} }));
  const order = sortDocuments(wrapped.map((w) => w.doc), parseSort(spec));
  const byDoc = new Map<unknown, unknown[]>();
  for (const w of wrapped) byDoc.set(w.doc, [...(byDoc.get(w.doc) ?? []), w.e]);
  return order.map((doc) => (byDoc.get(doc) as unknown[]).shift());
}

const LOGICAL = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema', '$alwaysTrue', '$alwaysFalse']);

/**
 * $pull's condition, chosen like mongod's PullNode: a document whose first field is not a path
 * operator ({x: 1}, {$or: [...]}) is a query run against each element that is a document; an
 * operator document ({$gte: 5}) or a regex is matched against the element's value; anything else
 * is equality.
 */
function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainObject(condition)) {
    const first = Object.keys(condition)[0];
    if (first === undefined || !first.startsWith('$') || LOGICAL.has(first)) {
      const test = compileFilter(condition);
      return (element) => isPlainObject(element) && test(element);
    }
    const test = compileFilter({ v: condition });
    return (element) => test({ v: element });
  }
  if (bsonTypeOf(condition) === 'regex') {
    const test = compileFilter({ v: condition });
    return (element) => test({ v: element });
  }
  return (element) => compareValues(element, condition) === 0;
}
