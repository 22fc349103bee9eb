// Databases and their collections. Databases and collections come into existence implicitly on
// first write, as in mongod; dropDatabase forgets everything so memory is freed.
import { CommandError } from '../errors.js';
import { Collection } from './collection.js';
import type { CollectionObserver } from './collection.js';

export class Database {
  readonly collections = new Map<string, Collection>();
  /** Handed to every collection this database creates (see CollectionObserver). */
  observer: CollectionObserver | undefined;
  constructor(readonly name: string) {}

  get(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  getOrCreate(name: string): Collection {
    let coll = this.collections.get(name);
    if (coll === undefined) {
      validateCollectionName(name);
      coll = new Collection(this.name, name);
      coll.observer = this.observer;
      this.collections.set(name, coll);
    }
    return coll;
  }
}

export function validateCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new CommandError(73, `Invalid namespace specified '${String(name)}'`);
  }
  if (name.includes('$') || name.includes('\0')) {
    throw new CommandError(73, `Invalid collection name: ${name}`);
  }
}

export class Catalog {
  readonly databases = new Map<string, Database>();
  /** Handed to every database (and so every collection) this catalog creates. */
  observer: CollectionObserver | undefined;

  db(name: string): Database {
    let db = this.databases.get(name);
    if (db === undefined) {
      db = new Database(name);
      db.observer = this.observer;
      this.databases.set(name, db);
    }
    return db;
  }

  existingDb(name: string): Database | undefined {
    return this.databases.get(name);
  }

  collection(dbName: string, name: string): Collection | undefined {
    return this.databases.get(dbName)?.get(name);
  }

  dropDatabase(name: string): void {
    this.databases.delete(name);
  }
}
