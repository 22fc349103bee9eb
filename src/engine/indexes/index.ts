// One secondary (or _id) index: its spec, key extraction with multikey fan-out, a sorted entry
// list for range scans and, for unique indexes, a hash map from key to record id so that a
// duplicate check costs O(1) instead of a scan.
import { compareValues, keyString } from '../bson/order.js';
import { isPlainObject, ownField, valuesAtPath } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { parseCollation, type Collation } from '../query/collation.js';
import { compileFilter, type Predicate } from '../query/matcher.js';
import { SortedEntries, type IndexEntry } from './sorted-entries.js';

export interface IndexSpec {
  v?: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Record<string, unknown>;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface IndexField {
  path: string;
  /** 1 or -1; special index types (text, hashed, 2dsphere) are stored ascending. */
  direction: 1 | -1;
}

export class Index {
  readonly spec: IndexSpec;
  readonly fields: IndexField[];
  readonly entries: SortedEntries;
  readonly unique: boolean;
  readonly sparse: boolean;
  /** Set once any document produced several keys: such an index cannot provide a sort. */
  multikey = false;
  readonly multikeyPaths = new Set<string>();
  private readonly uniqueKeys = new Map<string, number>();
  private readonly partial: Predicate | undefined;
  private readonly simplePaths: string[] | undefined;
  /** The index's collation: string keys order and collide by it (a strength-2 email index is case-insensitive). */
  readonly collation: Collation | undefined;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.collation = parseCollation(spec.collation);
    const collation = this.collation;
    this.fields = Object.entries(spec.key).map(([path, dir]) => ({
      path,
      direction: typeof dir === 'number' && dir < 0 ? -1 : 1,
    }));
    this.unique = spec.unique === true || spec.name === '_id_';
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : undefined;
    this.simplePaths = this.fields.every((f) => !f.path.includes('.')) ? this.fields.map((f) => f.path) : undefined;
    const fields = this.fields;
    const only = fields.length === 1 ? (fields[0] as IndexField).direction : 0;
    // Single-field indexes are the common case: a comparator without the field loop.
    this.entries = new SortedEntries(only !== 0 ? (a, b) => {
      const c = compareValues(a.k[0], b.k[0], collation);
      return c !== 0 ? c * only : a.r - b.r;
    } : (a, b) => {
      for (let i = 0; i < fields.length; i += 1) {
        const c = compareValues(a.k[i], b.k[i], collation);
        if (c !== 0) return (fields[i] as IndexField).direction === 1 ? c : -c;
      }
      return a.r - b.r;
    });
  }

  get name(): string {
    return this.spec.name;
  }

  /** Orders two values of one key field as the entries are ordered (by the index's collation). */
  compareKeyValues(a: unknown, b: unknown): number {
    return compareValues(a, b, this.collation);
  }

  /** The keys a document contributes, or [] when sparse/partial rules leave it out. */
  keysFor(doc: Record<string, unknown>): unknown[][] {
    if (this.partial && !this.partial(doc)) return [];
    if (this.simplePaths) {
      // Fast path: top-level fields holding scalars produce exactly one key.
      const key: unknown[] = [];
      let present = false;
      for (const path of this.simplePaths) {
        const value = ownField(doc, path);
        if (Array.isArray(value) || isPlainObject(value)) {
          key.length = 0;
          break;
        }
        if (value !== undefined) present = true;
        key.push(value);
      }
      if (key.length === this.simplePaths.length) return this.sparse && !present ? [] : [key];
    }
    const perField: unknown[][] = [];
    let arrayField = -1;
    let allMissing = true;
    for (let i = 0; i < this.fields.length; i += 1) {
      const field = this.fields[i] as IndexField;
      const raw = valuesAtPath(doc, field.path);
      const values: unknown[] = [];
      let fannedOut = raw.length > 1;
      for (const value of raw) {
        if (Array.isArray(value)) {
          fannedOut = true;
          if (value.length === 0) values.push(undefined);
          else values.push(...value);
        } else {
          values.push(value);
        }
      }
      const unique = dedupe(values, this.collation);
      if (unique.some((v) => v !== undefined)) allMissing = false;
      if (fannedOut) {
        if (arrayField >= 0) {
          throw new CommandError(
            171,
            `cannot index parallel arrays [${field.path}] [${(this.fields[arrayField] as IndexField).path}]`,
          );
        }
        arrayField = i;
        this.multikeyPaths.add(field.path);
      }
      perField.push(unique);
    }
    if (this.sparse && allMissing) return [];
    let keys: unknown[][] = [[]];
    for (const values of perField) {
      const next: unknown[][] = [];
      for (const key of keys) for (const value of values) next.push([...key, value]);
      keys = next;
    }
    if (keys.length > 1) this.multikey = true;
    return keys;
  }

  keyId(key: unknown[]): string {
    const collation = this.collation;
    return collation ? key.map((v) => keyString(v, collation)).join('|') : key.map((v) => keyString(v)).join('|');
  }

  /** Record id already holding one of these keys (other than `self`), for unique indexes. */
  findConflict(keys: unknown[][], self?: number): { key: unknown[]; owner: number } | undefined {
    if (!this.unique) return undefined;
    for (const key of keys) {
      const owner = this.uniqueKeys.get(this.keyId(key));
      if (owner !== undefined && owner !== self) return { key, owner };
    }
    return undefined;
  }

  add(rid: number, keys: unknown[][]): void {
    for (const key of keys) {
      this.entries.insert({ k: key, r: rid });
      if (this.unique) this.uniqueKeys.set(this.keyId(key), rid);
    }
  }

  remove(rid: number, keys: unknown[][]): void {
    for (const key of keys) {
      this.entries.remove({ k: key, r: rid });
      if (this.unique) {
        const id = this.keyId(key);
        if (this.uniqueKeys.get(id) === rid) this.uniqueKeys.delete(id);
      }
    }
  }

  /** Equality lookup through the unique hash map (the _id fast path). */
  lookupUnique(key: unknown[]): number | undefined {
    return this.uniqueKeys.get(this.keyId(key));
  }

  clear(): void {
    this.entries.clear();
    this.uniqueKeys.clear();
    this.multikey = false;
    this.multikeyPaths.clear();
  }

  keyValueOf(key: unknown[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.fields.forEach((field, i) => {
      out[field.path] = key[i] === undefined ? null : key[i];
    });
    return out;
  }

  *iterateAll(): Generator<IndexEntry> {
    yield* this.entries.all();
  }
}

function dedupe(values: unknown[], collation: Collation | undefined): unknown[] {
  if (values.length < 2) return values.length === 0 ? [undefined] : values;
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const id = keyString(v, collation);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(v);
    }
  }
  return out;
}
