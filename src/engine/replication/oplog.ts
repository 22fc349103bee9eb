// The replica set's operation log, like mongod's local.oplog.rs: one entry per document written
// (op 'i' insert, 'u' update with the whole new document, 'd' delete) or per command that changed
// the catalog (op 'c'), in the order the primary applied them, each stamped with a cluster time.
// Secondaries apply it in order; change streams read it; causal reads wait on its timestamps.
import type { Long} from 'bson';
import { Timestamp, type Document } from 'bson';
import type { Doc } from '../storage/collection.js';

export interface OplogEntry {
  ts: Timestamp;
  /** The election term the entry was written in. */
  t: Long;
  wall: Date;
  op: 'i' | 'u' | 'd' | 'c' | 'n';
  ns: string;
  /** 'i': the document; 'u': the document after the update; 'd': { _id }; 'c': the command. */
  o: Document;
  /** 'u': { _id } of the updated document. */
  o2?: Document;
  /** Change streams: a 'u' that replaced the whole document, and the document before an update. */
  replacement?: boolean;
  before?: Doc;
  /** Written by a transaction's commit: its session and number (change streams report them). */
  lsid?: Document;
  txnNumber?: Long;
}

/** Cluster time as one comparable number: seconds in the high 32 bits, the counter in the low. */
export function tsValue(ts: Timestamp): bigint {
  return (BigInt(ts.t) << 32n) | BigInt(ts.i);
}

export function compareTs(a: Timestamp, b: Timestamp): number {
  const x = tsValue(a);
  const y = tsValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Hands out strictly increasing cluster times: wall-clock seconds, and a counter within a second. */
export class LogicalClock {
  private last = new Timestamp({ t: Math.floor(Date.now() / 1000), i: 0 });

  get current(): Timestamp {
    return this.last;
  }

  tick(): Timestamp {
    const seconds = Math.floor(Date.now() / 1000);
    this.last = seconds > this.last.t
      ? new Timestamp({ t: seconds, i: 1 })
      : new Timestamp({ t: this.last.t, i: this.last.i + 1 });
    return this.last;
  }
}

/**
 * Entries by absolute position (0 is the first entry ever written). Like mongod's capped oplog it
 * forgets its oldest entries once every member has applied them and it holds more than `capacity`:
 * a change stream or snapshot read that needs a forgotten entry is told so (history lost), instead
 * of the engine's memory growing for as long as it runs.
 */
export class Oplog {
  private entries: OplogEntry[] = [];
  /** Absolute position of entries[0]. */
  private offset = 0;

  constructor(private readonly capacity = 100_000) {}

  /** One past the newest entry's position. */
  get end(): number {
    return this.offset + this.entries.length;
  }

  /** The oldest position still held. */
  get start(): number {
    return this.offset;
  }

  at(position: number): OplogEntry {
    const entry = this.entries[position - this.offset];
    if (!entry) throw new RangeError(`oplog position ${position} is outside ${this.offset}..${this.end - 1}`);
    return entry;
  }

  append(entry: OplogEntry): void {
    this.entries.push(entry);
  }

  /** Forgets entries before `position` (all applied everywhere) while over capacity. */
  trim(position: number): void {
    const excess = this.entries.length - this.capacity;
    const drop = Math.min(excess, position - this.offset);
    if (drop <= 0) return;
    this.entries = this.entries.slice(drop);
    this.offset += drop;
  }

  get last(): OplogEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** The position of the first entry after `ts` (`end` when there is none yet). */
  positionAfter(ts: Timestamp): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareTs(this.entries[mid]!.ts, ts) <= 0) low = mid + 1;
      else high = mid;
    }
    return this.offset + low;
  }

  /** Whether everything after `ts` is still held (nothing newer than it was forgotten). */
  holdsAfter(ts: Timestamp): boolean {
    const first = this.entries[0];
    // Trimming always keeps `capacity` entries, so a trimmed oplog is never empty.
    return this.offset === 0 || (first !== undefined && compareTs(first.ts, ts) <= 0);
  }
}
