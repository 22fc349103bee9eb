// A replica set inside one process: N members, each a complete engine with its own catalog on
// its own loopback port. The primary's writes are recorded in the oplog as they happen; every
// secondary applies the oplog in order, after its configured lag, unless its replication is
// paused (mongod's rsSyncApplyStop fail point, or the test hooks). Nothing here sleeps to decide
// an outcome: a paused member stays stale until it is resumed, and waits resolve on events.
import type { Timestamp} from 'bson';
import { Long, ObjectId, type Document } from 'bson';
import { keyString } from '../bson/order.js';
import { CommandError } from '../errors.js';
import type { EngineState } from '../commands/context.js';
import { runCommand } from '../commands/dispatch.js';
import type { Collection, CollectionObserver, Doc } from '../storage/collection.js';
import { compareTs, LogicalClock, Oplog, type OplogEntry } from './oplog.js';

export interface ReplicaMember {
  /** Position in the set (its `_id` in the configuration). */
  index: number;
  state: EngineState;
  host: string;
  /** How many oplog entries this member has applied. */
  applied: number;
  appliedTs: Timestamp;
  appliedWall: Date;
  /** Paused members apply nothing until resumed. */
  paused: boolean;
  /** Each entry is applied this long after the primary wrote it. */
  lagMs: number;
  timer: NodeJS.Timeout | undefined;
}

interface Waiter {
  ready(): boolean;
  resolve(): void;
}

/** Namespaces mongod never replicates. */
function replicated(ns: string): boolean {
  return !ns.endsWith('.system.profile') && !ns.startsWith('local.');
}

export class ReplicaSet {
  readonly oplog = new Oplog();
  readonly clock = new LogicalClock();
  readonly members: ReplicaMember[] = [];
  primaryIndex = 0;
  term = 1;
  electionId = new ObjectId(`7fffffff${'1'.padStart(16, '0')}`);
  readonly setVersion = 1;
  private readonly waiters = new Set<Waiter>();
  /** The cluster time of the last write to each document, `ns` + key → ts, for write-conflict checks. */
  readonly lastWrite = new Map<string, Timestamp>();
  /** Set around a write command so its 'u' entries know whether it replaced the whole document. */
  replacing = false;
  /** Set around a transaction's commit so its entries carry the session and transaction number. */
  committing: { lsid: Document; txnNumber: Long } | undefined;

  constructor(readonly name: string) {}

  get primary(): ReplicaMember {
    return this.members[this.primaryIndex]!;
  }

  addMember(state: EngineState, host: string): ReplicaMember {
    const member: ReplicaMember = {
      index: this.members.length, state, host, applied: 0, appliedTs: this.clock.current, appliedWall: new Date(),
      paused: false, lagMs: 0, timer: undefined,
    };
    this.members.push(member);
    if (member.index === this.primaryIndex) this.observe(member);
    return member;
  }

  isPrimary(member: ReplicaMember): boolean {
    return member.index === this.primaryIndex;
  }

  /** The primary's catalog reports every document it writes; each becomes an oplog entry. */
  private observe(member: ReplicaMember): void {
    const observer: CollectionObserver = {
      inserted: (coll, doc) => this.record(coll, 'i', doc, { _id: doc._id }),
      replaced: (coll, before, after) => this.record(coll, 'u', after, { _id: after._id }, before),
      removed: (coll, doc) => this.record(coll, 'd', { _id: doc._id }, { _id: doc._id }, doc),
    };
    member.state.catalog.observer = observer;
    for (const db of member.state.catalog.databases.values()) {
      db.observer = observer;
      for (const coll of db.collections.values()) coll.observer = observer;
    }
  }

  private unobserve(member: ReplicaMember): void {
    member.state.catalog.observer = undefined;
    for (const db of member.state.catalog.databases.values()) {
      db.observer = undefined;
      for (const coll of db.collections.values()) coll.observer = undefined;
    }
  }

  private record(coll: Collection, op: 'i' | 'u' | 'd', o: Document, key: Document, before?: Doc): void {
    if (!replicated(coll.ns)) return;
    const entry: OplogEntry = {
      ts: this.clock.tick(), t: Long.fromNumber(this.term), wall: new Date(), op, ns: coll.ns, o,
      ...(op !== 'i' ? { o2: key } : {}),
      ...(op === 'u' ? { replacement: this.replacing } : {}),
      ...(before ? { before } : {}),
      ...(this.committing ? { lsid: this.committing.lsid, txnNumber: this.committing.txnNumber } : {}),
    };
    this.lastWrite.set(documentKey(coll.ns, key._id), entry.ts);
    // A unique key written (or freed) is a write to that key too: a transaction that writes the
    // same key conflicts with it, as two WiredTiger writes to one unique-index entry do.
    const written = op === 'd' ? before : o as Doc;
    for (const uniqueKey of uniqueIndexKeys(coll, written)) this.lastWrite.set(uniqueKey, entry.ts);
    if (op === 'u' && before) for (const uniqueKey of uniqueIndexKeys(coll, before)) this.lastWrite.set(uniqueKey, entry.ts);
    this.append(entry);
  }

  /** A catalog command the primary ran (create, drop, createIndexes…), for secondaries to run too. */
  recordCommand(dbName: string, command: Document): Timestamp {
    const entry: OplogEntry = { ts: this.clock.tick(), t: Long.fromNumber(this.term), wall: new Date(), op: 'c', ns: `${dbName}.$cmd`, o: command };
    this.append(entry);
    return entry.ts;
  }

  private append(entry: OplogEntry): void {
    this.oplog.append(entry);
    const primary = this.primary;
    primary.applied = this.oplog.end;
    primary.appliedTs = entry.ts;
    primary.appliedWall = entry.wall;
    for (const member of this.members) if (!this.isPrimary(member)) this.catchUp(member);
    this.notify();
  }

  /** Applies what is due on a secondary; schedules itself for entries still inside the lag. */
  catchUp(member: ReplicaMember): void {
    if (this.isPrimary(member) || member.paused) return;
    let progressed = false;
    while (member.applied < this.oplog.end) {
      const entry = this.oplog.at(member.applied);
      const dueIn = entry.wall.getTime() + member.lagMs - Date.now();
      if (dueIn > 0) {
        if (!member.timer) {
          member.timer = setTimeout(() => {
            member.timer = undefined;
            this.catchUp(member);
          }, dueIn);
          member.timer.unref();
        }
        break;
      }
      applyEntry(member.state, entry);
      member.applied += 1;
      member.appliedTs = entry.ts;
      member.appliedWall = entry.wall;
      progressed = true;
    }
    if (progressed) {
      this.oplog.trim(Math.min(...this.members.map((each) => each.applied)));
      this.notify();
    }
  }

  pause(member: ReplicaMember): void {
    member.paused = true;
    if (member.timer) clearTimeout(member.timer);
    member.timer = undefined;
  }

  resume(member: ReplicaMember): void {
    member.paused = false;
    this.catchUp(member);
  }

  setLag(member: ReplicaMember, lagMs: number): void {
    member.lagMs = Math.max(0, lagMs);
    if (member.timer) clearTimeout(member.timer);
    member.timer = undefined;
    this.catchUp(member);
  }

  /** How many members (the primary included) have applied everything up to `ts`. */
  membersAt(ts: Timestamp): number {
    return this.members.filter((member) => compareTs(member.appliedTs, ts) >= 0).length;
  }

  get majority(): number {
    return Math.floor(this.members.length / 2) + 1;
  }

  /** The newest time a majority has applied: what readConcern majority may see. */
  majorityTs(): Timestamp {
    const sorted = this.members.map((member) => member.appliedTs).sort(compareTs).reverse();
    return sorted[this.majority - 1] ?? this.clock.current;
  }

  /** Resolves true once `ready()` holds, false when `timeoutMs` (if any) passes first. */
  waitFor(ready: () => boolean, timeoutMs?: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        ready,
        resolve: () => {
          if (timer) clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(true);
        },
      };
      this.waiters.add(waiter);
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) if (waiter.ready()) waiter.resolve();
  }

  /**
   * replSetStepDown: the primary steps down and the first other member takes over, after catching
   * up on the oplog (as an election's winner must). Clients learn of it from NotWritablePrimary.
   */
  stepDown(): ReplicaMember {
    const old = this.primary;
    const next = this.members.find((member) => member !== old);
    if (!next) return old;
    next.paused = false;
    this.catchUp(next);
    this.unobserve(old);
    this.primaryIndex = next.index;
    this.term += 1;
    this.electionId = new ObjectId(`7fffffff${this.term.toString(16).padStart(16, '0')}`);
    this.observe(next);
    // The old primary becomes a secondary from the point it had written to.
    old.applied = this.oplog.end;
    this.notify();
    return next;
  }

  close(): void {
    for (const member of this.members) if (member.timer) clearTimeout(member.timer);
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }
}

/**
 * Undoes, on a copy of one collection, the entries a member applied after `ts`, newest first: the
 * copy then holds the data as of `ts` (a snapshot read, or a transaction's snapshot). Catalog
 * commands are not undone: a collection created or dropped since stays as it is now.
 */
export function rewindTo(set: ReplicaSet, member: ReplicaMember, ts: Timestamp): (coll: Collection) => void {
  return (coll) => {
    if (!set.oplog.holdsAfter(ts)) throw new CommandError(239, 'Read timestamp is older than the oldest entry the oplog still holds');
    const from = set.oplog.positionAfter(ts);
    for (let index = Math.min(member.applied, set.oplog.end) - 1; index >= from; index -= 1) {
      const entry = set.oplog.at(index);
      if (entry.op === 'c' || entry.ns !== coll.ns) continue;
      const rid = coll.findById((entry.o2 ?? entry.o)['_id']);
      if (entry.op === 'i' && rid !== undefined) coll.remove(rid);
      else if (entry.op === 'u' && rid !== undefined && entry.before) coll.replace(rid, entry.before);
      else if (entry.op === 'd' && rid === undefined && entry.before) coll.insert(entry.before);
    }
  };
}

/** The conflict keys of a document's entries in the collection's unique secondary indexes. */
export function uniqueIndexKeys(coll: Collection, doc: Doc | undefined): string[] {
  if (!doc) return [];
  const keys: string[] = [];
  for (const index of coll.indexes.slice(1)) {
    if (!index.unique) continue;
    for (const key of index.keysFor(doc)) keys.push(`${coll.ns}\u0000${index.name}\u0000${index.keyId(key)}`);
  }
  return keys;
}

export function documentKey(ns: string, id: unknown): string {
  return `${ns}\u0000${keyString(id)}`;
}

/** Replays one oplog entry on a member's catalog: documents by _id, commands through dispatch. */
export function applyEntry(state: EngineState, entry: OplogEntry): void {
  const dot = entry.ns.indexOf('.');
  const dbName = entry.ns.slice(0, dot);
  const collName = entry.ns.slice(dot + 1);
  if (entry.op === 'c') {
    runCommand(entry.o, dbName, state, 0);
    return;
  }
  const coll = state.catalog.db(dbName).getOrCreate(collName);
  const id = (entry.o2 ?? entry.o)['_id'];
  const rid = coll.findById(id);
  if (entry.op === 'i' || entry.op === 'u') {
    if (rid === undefined) coll.insert(entry.o as Doc);
    else coll.replace(rid, entry.o as Doc);
  } else if (entry.op === 'd' && rid !== undefined) {
    coll.remove(rid);
  }
}
