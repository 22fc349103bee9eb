// A collection: documents by record id (a Map keeps insertion order, which is the natural
// order a COLLSCAN returns) plus its indexes. Every mutation checks all unique indexes before
// touching anything, and runs synchronously, so two connections racing to insert the same
// email cannot both pass the check.
import { randomUUID } from 'node:crypto';
import { formatValue } from '../bson/format.js';
import { keyString } from '../bson/order.js';
import { getPath } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { Index, type IndexSpec } from '../indexes/index.js';

export type Doc = Record<string, unknown>;

/**
 * Told of every document a collection stores, replaces or removes, after the fact: the replica
 * set's oplog and a transaction's write set are built from these calls, so no write path can
 * forget to report itself.
 */
export interface CollectionObserver {
  inserted(coll: Collection, doc: Doc): void;
  replaced(coll: Collection, before: Doc, after: Doc): void;
  removed(coll: Collection, doc: Doc): void;
}

/** Binary key equality: under a collation 'Ada' and 'ada' collide, yet the entry must still change. */
function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => keyString(v) === keyString(b[i]));
}

export class Collection {
  readonly records = new Map<number, Doc>();
  readonly indexes: Index[] = [];
  readonly uuid = randomUUID();
  private nextRid = 1;
  observer: CollectionObserver | undefined;

  constructor(
    public dbName: string,
    public name: string,
    readonly options: Record<string, unknown> = {},
  ) {
    this.indexes.push(new Index({ v: 2, key: { _id: 1 }, name: '_id_' }));
  }

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get idIndex(): Index {
    return this.indexes[0] as Index;
  }

  get size(): number {
    return this.records.size;
  }

  getIndex(name: string): Index | undefined {
    return this.indexes.find((index) => index.name === name);
  }

  duplicateKeyError(index: Index, key: unknown[]): CommandError {
    const keyValue = index.keyValueOf(key);
    const rendered = Object.entries(keyValue)
      .map(([field, value]) => `${field}: ${formatValue(value)}`)
      .join(', ');
    return new CommandError(
      11000,
      // mongod names a collated index's collation too (its dup key shows ICU sort-key bytes; the value is clearer).
      `E11000 duplicate key error collection: ${this.ns} index: ${index.name}${index.collation ? ` collation: ${formatValue(index.collation.spec)}` : ''} dup key: { ${rendered} }`,
      { keyPattern: { ...index.spec.key }, keyValue },
    );
  }

  private keysOf(doc: Doc): unknown[][][] {
    return this.indexes.map((index) => index.keysFor(doc));
  }

  insert(doc: Doc): number {
    const keys = this.keysOf(doc);
    this.indexes.forEach((index, i) => {
      const conflict = index.findConflict(keys[i] as unknown[][]);
      if (conflict) throw this.duplicateKeyError(index, conflict.key);
    });
    const rid = this.nextRid;
    this.nextRid += 1;
    this.records.set(rid, doc);
    this.indexes.forEach((index, i) => index.add(rid, keys[i] as unknown[][]));
    this.observer?.inserted(this, doc);
    return rid;
  }

  replace(rid: number, doc: Doc): void {
    const old = this.records.get(rid);
    if (old === undefined) throw new CommandError(1, 'record vanished during update');
    const newKeys = this.keysOf(doc);
    this.indexes.forEach((index, i) => {
      const conflict = index.findConflict(newKeys[i] as unknown[][], rid);
      if (conflict) throw this.duplicateKeyError(index, conflict.key);
    });
    const oldKeys = this.keysOf(old);
    this.indexes.forEach((index, i) => {
      const before = oldKeys[i] as unknown[][];
      const after = newKeys[i] as unknown[][];
      // Most updates leave most index keys alone (_id never changes): skip those entries.
      if (before.length === after.length && before.every((key, j) => sameKey(key, after[j] as unknown[]))) return;
      index.remove(rid, before);
      index.add(rid, after);
    });
    this.records.set(rid, doc);
    this.observer?.replaced(this, old, doc);
  }

  remove(rid: number): Doc | undefined {
    const old = this.records.get(rid);
    if (old === undefined) return undefined;
    const oldKeys = this.keysOf(old);
    this.indexes.forEach((index, i) => index.remove(rid, oldKeys[i] as unknown[][]));
    this.records.delete(rid);
    this.observer?.removed(this, old);
    return old;
  }

  /**
   * A copy that later writes to either side do not affect: the same documents (stored documents
   * are never mutated in place, every update stores a new object) under freshly built indexes.
   * A transaction reads and writes such a copy until it commits.
   */
  snapshot(): Collection {
    const copy = new Collection(this.dbName, this.name, this.options);
    copy.nextRid = this.nextRid;
    for (const [rid, doc] of this.records) {
      copy.records.set(rid, doc);
      copy.idIndex.add(rid, copy.idIndex.keysFor(doc));
    }
    for (const index of this.indexes.slice(1)) copy.createIndex(index.spec);
    return copy;
  }

  findById(id: unknown): number | undefined {
    return this.idIndex.lookupUnique([id]);
  }

  /** Builds an index over existing documents; a unique violation aborts the build as in mongod. */
  createIndex(spec: IndexSpec): Index {
    const index = new Index(spec);
    const seen = new Map<string, unknown[]>();
    const built: Array<[number, unknown[][]]> = [];
    for (const [rid, doc] of this.records) {
      const keys = index.keysFor(doc);
      if (index.unique) {
        for (const key of keys) {
          const id = index.keyId(key);
          if (seen.has(id)) {
            const err = this.duplicateKeyError(index, key);
            throw new CommandError(
              11000,
              `Index build failed: ${randomUUID()}: Collection ${this.ns} ( ${this.uuid} ) :: caused by :: ${err.message}`,
              err.extra,
            );
          }
          seen.set(id, key);
        }
      }
      built.push([rid, keys]);
    }
    for (const [rid, keys] of built) index.add(rid, keys);
    this.indexes.push(index);
    return index;
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((index) => index.name === name);
    if (i > 0) this.indexes.splice(i, 1);
  }

  idOf(rid: number): unknown {
    return getPath(this.records.get(rid), '_id');
  }
}
