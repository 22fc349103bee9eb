// Logical sessions on a replica set: retryable writes (a write retried with the same txnNumber is
// answered from the first attempt, never applied twice) and multi-document transactions.
//
// A transaction works on a snapshot: the first time it touches a database, that database's
// collections are copied (the same immutable documents under freshly built indexes), so its reads
// see a fixed state plus its own writes, and nobody else sees its writes until commit. Writes are
// checked against everything committed after the snapshot and against other open transactions:
// the loser gets WriteConflict (112) with the TransientTransactionError label at once, as mongod
// answers, so the driver's withTransaction retries the whole callback. Commit replays the writes
// on the primary in order (each becomes an oplog entry carrying the session and txnNumber).
import { Long, type Document, type Timestamp } from 'bson';
import { CommandError } from '../errors.js';
import { Catalog, Database } from '../storage/catalog.js';
import type { Collection, CollectionObserver, Doc } from '../storage/collection.js';
import { compareTs } from './oplog.js';
import { documentKey, rewindTo, uniqueIndexKeys, type ReplicaSet } from './replica-set.js';

/** mongod's transactionLifetimeLimitSeconds default. */
export const TRANSACTION_LIFETIME_MS = 60_000;

interface TransactionWrite {
  ns: string;
  op: 'i' | 'u' | 'd';
  doc: Doc;
  before?: Doc;
  key: string;
}

export interface Transaction {
  txnNumber: number;
  state: 'inProgress' | 'committed' | 'aborted';
  catalog: TransactionCatalog;
  startedAt: number;
  snapshotTs: Timestamp;
  writes: TransactionWrite[];
  /** Keys written, for other transactions' conflict checks. */
  keys: Set<string>;
  conflict: boolean;
}

export interface Session {
  lsid: Document;
  /** The highest txnNumber seen on this session. */
  txnNumber: number;
  transaction?: Transaction;
  /** The reply to the last retryable write, by txnNumber. */
  retryable?: { txnNumber: number; reply: Document };
}

/**
 * A database's collections for a snapshot: each base collection is copied (and rewound) the first
 * time it is looked up, so a transaction that touches one collection of a large database pays for
 * that one. Listing them copies them all.
 */
class SnapshotCollections extends Map<string, Collection> {
  constructor(private readonly source: Database | undefined, private readonly prepare: (copy: Collection) => void) {
    super();
  }

  private copy(name: string): void {
    if (super.has(name) || this.dropped.has(name)) return;
    const original = this.source?.collections.get(name);
    if (!original) return;
    const copy = original.snapshot();
    this.prepare(copy);
    super.set(name, copy);
  }

  /** Names removed inside the snapshot, so they are not copied again from the base. */
  private readonly dropped = new Set<string>();

  private copyAll(): void {
    for (const name of this.source?.collections.keys() ?? []) this.copy(name);
  }

  override get(name: string): Collection | undefined {
    this.copy(name);
    return super.get(name);
  }

  override has(name: string): boolean {
    this.copy(name);
    return super.has(name);
  }

  override delete(name: string): boolean {
    this.copy(name);
    this.dropped.add(name);
    return super.delete(name);
  }

  override get size(): number {
    this.copyAll();
    return super.size;
  }

  override keys(): MapIterator<string> {
    this.copyAll();
    return super.keys();
  }

  override values(): MapIterator<Collection> {
    this.copyAll();
    return super.values();
  }

  override entries(): MapIterator<[string, Collection]> {
    this.copyAll();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, Collection]> {
    return this.entries();
  }

  override forEach(callback: (value: Collection, key: string, map: Map<string, Collection>) => void, thisArg?: unknown): void {
    this.copyAll();
    super.forEach(callback, thisArg);
  }
}

/**
 * A catalog seen at a point in time: each collection of the base is copied the first time it is
 * touched and rewound to the snapshot's time. A transaction reads and writes such a catalog (its
 * writes observed for conflicts and the commit); a snapshot read only reads it.
 */
export class TransactionCatalog extends Catalog {
  constructor(
    private readonly base: Catalog,
    private readonly writes: CollectionObserver | undefined,
    private readonly rewind: (coll: Collection) => void,
  ) {
    super();
  }

  override db(name: string): Database {
    return this.copied(name, true)!;
  }

  override existingDb(name: string): Database | undefined {
    return this.copied(name, false);
  }

  override collection(dbName: string, name: string): Collection | undefined {
    return this.existingDb(dbName)?.get(name);
  }

  override dropDatabase(): void {
    throw new CommandError(263, 'Cannot run dropDatabase in a multi-document transaction.');
  }

  private copied(name: string, create: boolean): Database | undefined {
    const existing = this.databases.get(name);
    if (existing) return existing;
    const source = this.base.existingDb(name);
    if (!source && !create) return undefined;
    const db = new Database(name);
    const collections = new SnapshotCollections(source, (copy) => {
      this.rewind(copy);
      // Observed only from here on: rewinding is not the transaction's own writing.
      copy.observer = this.writes;
    });
    Object.defineProperty(db, 'collections', { value: collections });
    db.observer = this.writes;
    this.databases.set(name, db);
    return db;
  }
}

function hexOf(lsid: Document): string {
  const id = lsid['id'] as { toString(format?: string): string } | undefined;
  return id ? id.toString('hex') : JSON.stringify(lsid);
}

export function txnNumberOf(cmd: Document): number | undefined {
  const value = cmd['txnNumber'];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' ? value : Number((value as Long).toString());
}

const transient = { errorLabels: ['TransientTransactionError'] };

export class SessionTable {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly set: ReplicaSet) {}

  session(lsid: Document): Session {
    const key = hexOf(lsid);
    let session = this.sessions.get(key);
    if (!session) {
      session = { lsid, txnNumber: -1 };
      this.sessions.set(key, session);
    }
    return session;
  }

  /** killAllSessions: every open transaction is aborted and every session forgotten. */
  endAll(): void {
    for (const session of this.sessions.values()) if (session.transaction) this.abort(session.transaction);
    this.sessions.clear();
  }

  end(lsid: Document): void {
    const session = this.sessions.get(hexOf(lsid));
    if (session?.transaction?.state === 'inProgress') session.transaction.state = 'aborted';
    this.sessions.delete(hexOf(lsid));
  }

  /** The transaction a command with autocommit:false belongs to, started when it says so. */
  transactionFor(session: Session, cmd: Document, name: string): Transaction {
    const txnNumber = txnNumberOf(cmd);
    if (txnNumber === undefined) throw new CommandError(72, 'Transaction number is required when autocommit is false');
    if (txnNumber < session.txnNumber) {
      throw new CommandError(225, `Cannot start transaction ${txnNumber} on session ${hexOf(session.lsid)} because a newer transaction ${session.txnNumber} has already started.`);
    }
    const current = session.transaction;
    if (cmd['startTransaction'] === true) {
      if (current && current.txnNumber === txnNumber) {
        throw new CommandError(251, `Given transaction number ${txnNumber} does not match any in-progress transactions. The active transaction number is ${txnNumber}`, transient);
      }
      if (current?.state === 'inProgress') this.abort(current);
      session.txnNumber = txnNumber;
      session.transaction = this.begin(txnNumber);
      return session.transaction;
    }
    if (!current || current.txnNumber !== txnNumber) {
      if (txnNumber > session.txnNumber) session.txnNumber = txnNumber;
      throw new CommandError(251, `Given transaction number ${txnNumber} does not match any in-progress transactions.`, transient);
    }
    if (current.state === 'aborted') {
      throw new CommandError(251, `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, transient);
    }
    if (current.state === 'committed' && name !== 'commitTransaction') {
      throw new CommandError(256, `Transaction with { txnNumber: ${txnNumber} } has been committed.`);
    }
    if (current.state === 'inProgress' && Date.now() - current.startedAt > TRANSACTION_LIFETIME_MS) {
      this.abort(current);
      throw new CommandError(251, `Transaction ${txnNumber} has been aborted because it exceeded transactionLifetimeLimitSeconds.`, transient);
    }
    return current;
  }

  private begin(txnNumber: number): Transaction {
    const writes: TransactionWrite[] = [];
    const keys = new Set<string>();
    const transaction: Transaction = {
      txnNumber, state: 'inProgress', startedAt: Date.now(), snapshotTs: this.set.clock.current, writes, keys, conflict: false,
      catalog: undefined as unknown as TransactionCatalog,
    };
    const record = (coll: Collection, op: TransactionWrite['op'], doc: Doc, before?: Doc): void => {
      const key = documentKey(coll.ns, doc._id);
      // The document, and every unique-index entry it takes or frees, is what this write touches.
      const touched = [key, ...uniqueIndexKeys(coll, doc), ...uniqueIndexKeys(coll, before)];
      if (touched.some((each) => this.conflicts(transaction, each))) transaction.conflict = true;
      for (const each of touched) keys.add(each);
      writes.push({ ns: coll.ns, op, doc, key, ...(before ? { before } : {}) });
    };
    transaction.catalog = new TransactionCatalog(this.set.primary.state.catalog, {
      inserted: (coll, doc) => record(coll, 'i', doc),
      replaced: (coll, before, after) => record(coll, 'u', after, before),
      removed: (coll, doc) => record(coll, 'd', doc),
    }, rewindTo(this.set, this.set.primary, transaction.snapshotTs));
    return transaction;
  }

  /** Written after the snapshot by someone else, or held by another open transaction. */
  private conflicts(transaction: Transaction, key: string): boolean {
    const committed = this.set.lastWrite.get(key);
    if (committed && compareTs(committed, transaction.snapshotTs) > 0) return true;
    for (const session of this.sessions.values()) {
      const other = session.transaction;
      if (other && other !== transaction && other.state === 'inProgress' && other.keys.has(key)) return true;
    }
    return false;
  }

  abort(transaction: Transaction): void {
    if (transaction.state === 'inProgress') transaction.state = 'aborted';
  }

  /** A write conflict seen during a command ends the transaction, as in mongod. */
  conflictError(transaction: Transaction): CommandError {
    this.abort(transaction);
    return new CommandError(112, 'Caused by :: Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.', transient);
  }

  /** Replays the transaction's writes on the primary, in order; all or nothing. */
  commit(session: Session, transaction: Transaction): void {
    if (transaction.state === 'committed') return;
    if (transaction.state === 'aborted') throw new CommandError(251, `Transaction with { txnNumber: ${transaction.txnNumber} } has been aborted.`, transient);
    for (const touched of transaction.keys) {
      if (this.conflicts(transaction, touched)) throw this.conflictError(transaction);
    }
    const base = this.set.primary.state.catalog;
    const undo: (() => void)[] = [];
    this.set.committing = { lsid: session.lsid, txnNumber: Long.fromNumber(transaction.txnNumber) };
    try {
      // Collections the transaction created, even empty ones, exist after the commit, with the
      // indexes it built on them.
      for (const db of transaction.catalog.databases.values()) {
        for (const [name, copy] of db.collections) {
          const existed = base.collection(db.name, name) !== undefined;
          const target = base.db(db.name).getOrCreate(name);
          if (existed) continue;
          this.set.recordCommand(db.name, { create: name });
          for (const index of copy.indexes.slice(1)) {
            if (target.getIndex(index.name)) continue;
            target.createIndex(index.spec);
            this.set.recordCommand(db.name, { createIndexes: name, indexes: [index.spec] });
          }
        }
      }
      for (const write of transaction.writes) {
        const dot = write.ns.indexOf('.');
        const coll = base.db(write.ns.slice(0, dot)).getOrCreate(write.ns.slice(dot + 1));
        const rid = coll.findById(write.doc._id);
        if (write.op === 'i') {
          const inserted = coll.insert(write.doc);
          undo.push(() => coll.remove(inserted));
        } else if (write.op === 'u' && rid !== undefined) {
          const before = coll.records.get(rid)!;
          coll.replace(rid, write.doc);
          undo.push(() => coll.replace(rid, before));
        } else if (write.op === 'd' && rid !== undefined) {
          const removed = coll.remove(rid)!;
          undo.push(() => coll.insert(removed));
        }
      }
    } catch (error) {
      for (const step of undo.reverse()) step();
      this.abort(transaction);
      throw error;
    } finally {
      this.set.committing = undefined;
    }
    transaction.state = 'committed';
  }

  /** Open transactions past their lifetime are aborted, as mongod's reaper does. */
  reap(now = Date.now()): void {
    for (const session of this.sessions.values()) {
      const transaction = session.transaction;
      if (transaction?.state === 'inProgress' && now - transaction.startedAt > TRANSACTION_LIFETIME_MS) this.abort(transaction);
    }
  }
}
