// Execution stages of a query plan, pulled one result at a time like mongod's classic engine.
// Each stage keeps the counters explain reports, so "keysExamined: 20" is work that really
// happened, not an estimate.
import { calculateObjectSize } from 'bson';
import { MAX_KEY, MIN_KEY } from '../bson/order.js';
import { CommandError } from '../errors.js';
import { formatValue } from '../bson/format.js';
import { setPath } from '../bson/paths.js';
import type { Index } from '../indexes/index.js';
import type { IndexEntry } from '../indexes/sorted-entries.js';
import type { Collection, Doc } from '../storage/collection.js';
import type { Interval } from './bounds.js';
import type { Predicate } from './matcher.js';
import type { Projector } from './projection.js';
import { sortDocuments, type SortField } from './sort.js';

/**
 * The operation whose synchronous slice is running now. JavaScript runs one slice at a time, so a
 * read that yields sets it again when it resumes (see `runSlice`); a write never yields.
 * `at` is the maxTimeMS deadline in performance.now() time (0 = none); scans check it every 256
 * documents or keys. `yieldable` lets scans hand control back once `YIELD_QUANTUM_MS` has passed.
 */
export const executionDeadline = { at: 0, yieldable: false, sliceStartedAt: 0 };

/** How long a read keeps the event loop before other connections get a turn. */
export const YIELD_QUANTUM_MS = 10;

export function checkDeadline(): void {
  if (executionDeadline.at > 0 && performance.now() > executionDeadline.at) {
    throw new CommandError(50, 'operation exceeded time limit');
  }
}

/** True when a yieldable read has held the event loop for a whole quantum. */
export function shouldYield(): boolean {
  return executionDeadline.yieldable && performance.now() - executionDeadline.sliceStartedAt >= YIELD_QUANTUM_MS;
}

/**
 * Returned by a stage instead of a row when the read should give the event loop back (mongod's
 * PlanStage::NEED_YIELD). Every stage passes it up unchanged and resumes where it stopped.
 */
export const NEED_YIELD = Symbol('NEED_YIELD');
export type StageResult = Row | typeof NEED_YIELD | undefined;

/** Code 292 QueryExceededMemoryLimitNoDiskUseAllowed, worded as mongod 7.0 words it. */
export function sortMemoryExceeded(limitBytes: number): CommandError {
  return new CommandError(292, `Sort exceeded memory limit of ${limitBytes} bytes, but did not opt in to external sorting.`);
}

export interface Row {
  rid: number;
  doc: Doc;
}

export interface StageStats {
  works: number;
  advanced: number;
  nReturned: number;
  timeMs: number;
}

export abstract class PlanStage {
  readonly stats: StageStats = { works: 0, advanced: 0, nReturned: 0, timeMs: 0 };
  eof = false;
  abstract readonly stage: string;
  abstract readonly children: PlanStage[];

  /** Next row, or undefined at end of stream. */
  /** Per-stage timing costs two clock reads per row, so only explain turns it on. */
  timed = false;

  next(): StageResult {
    let row: StageResult;
    if (this.timed) {
      const start = performance.now();
      row = this.produce();
      this.stats.timeMs += performance.now() - start;
    } else row = this.produce();
    if (row === NEED_YIELD) return row;
    if (row === undefined) this.eof = true;
    else {
      this.stats.advanced += 1;
      this.stats.nReturned += 1;
    }
    return row;
  }

  protected abstract produce(): StageResult;
  /** Stage-specific fields of the plan description (queryPlanner). */
  abstract describe(): Record<string, unknown>;
  /** Stage-specific counters (executionStats). */
  counters(): Record<string, unknown> {
    return {};
  }

  enableTiming(): void {
    this.timed = true;
    for (const child of this.children) child.enableTiming();
  }

  totals(): { keys: number; docs: number } {
    let keys = 0;
    let docs = 0;
    const own = this.counters();
    if (typeof own.keysExamined === 'number') keys += own.keysExamined;
    if (typeof own.docsExamined === 'number') docs += own.docsExamined;
    for (const child of this.children) {
      const t = child.totals();
      keys += t.keys;
      docs += t.docs;
    }
    return { keys, docs };
  }
}

export class CollScanStage extends PlanStage {
  readonly stage = 'COLLSCAN';
  readonly children: PlanStage[] = [];
  docsExamined = 0;
  private works = 0;
  // Forward: a live Map iterator, which survives writes between yields and getMores (deleted
  // records are skipped, inserted ones are reached at the end, as in mongod's natural order).
  private readonly iterator: Iterator<[number, Doc]> | undefined;
  // Backward: Maps cannot iterate in reverse, so the record ids (not the documents) are copied.
  private readonly reverseRids: number[] | undefined;
  private reversePosition = 0;

  constructor(
    private readonly coll: Collection | undefined,
    private readonly filter: Predicate,
    private readonly filterSpec: Record<string, unknown> | undefined,
    private readonly direction: 1 | -1 = 1,
  ) {
    super();
    if (direction === 1) this.iterator = coll ? coll.records.entries() : undefined;
    else this.reverseRids = coll ? [...coll.records.keys()].reverse() : [];
  }

  /** Bytes this scan holds beyond the collection itself (cursor memory accounting). */
  retainedBytes(): number {
    return (this.reverseRids?.length ?? 0) * 8;
  }

  private step(): [number, Doc] | undefined {
    if (this.iterator) {
      const step = this.iterator.next();
      return step.done ? undefined : step.value;
    }
    const rids = this.reverseRids ?? [];
    while (this.reversePosition < rids.length) {
      const rid = rids[this.reversePosition] as number;
      this.reversePosition += 1;
      const doc = this.coll?.records.get(rid);
      if (doc !== undefined) return [rid, doc];
    }
    return undefined;
  }

  protected produce(): StageResult {
    for (;;) {
      this.stats.works += 1;
      this.works += 1;
      if ((this.works & 255) === 0) {
        checkDeadline();
        if (shouldYield()) return NEED_YIELD;
      }
      const entry = this.step();
      if (entry === undefined) return undefined;
      this.docsExamined += 1;
      const [rid, doc] = entry;
      if (this.filter(doc)) return { rid, doc };
    }
  }

  describe(): Record<string, unknown> {
    return {
      ...(this.filterSpec && Object.keys(this.filterSpec).length > 0 ? { filter: this.filterSpec } : {}),
      direction: this.direction === 1 ? 'forward' : 'backward',
    };
  }

  override counters(): Record<string, unknown> {
    return { docsExamined: this.docsExamined };
  }
}

function fill(direction: 1 | -1, low: boolean): unknown {
  // The smallest key in index order is MinKey for an ascending field and MaxKey for a descending one.
  return (direction === 1) === low ? MIN_KEY : MAX_KEY;
}

interface IndexOrderInterval {
  start: unknown;
  startInc: boolean;
  end: unknown;
  endInc: boolean;
}

export function toIndexOrder(intervals: Interval[], direction: 1 | -1): IndexOrderInterval[] {
  const asc = intervals.map((iv) => ({ start: iv.lo, startInc: iv.loInc, end: iv.hi, endInc: iv.hiInc }));
  if (direction === 1) return asc;
  return asc.map((iv) => ({ start: iv.end, startInc: iv.endInc, end: iv.start, endInc: iv.startInc })).reverse();
}

export function renderBounds(index: Index, bounds: Interval[][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  index.fields.forEach((field, i) => {
    const ivs = toIndexOrder(bounds[i] as Interval[], field.direction);
    out[field.path] = ivs.map(
      (iv) => `${iv.startInc ? '[' : '('}${formatValue(iv.start)}, ${formatValue(iv.end)}${iv.endInc ? ']' : ')'}`,
    );
  });
  return out;
}

export class IndexScanStage extends PlanStage {
  readonly stage = 'IXSCAN';
  readonly children: PlanStage[] = [];
  keysExamined = 0;
  seeks = 0;
  dupsTested = 0;
  dupsDropped = 0;
  private readonly ranges: Array<{ startKey: unknown[]; startInc: boolean; endKey: unknown[]; endInc: boolean }> = [];
  private readonly fieldIntervals: IndexOrderInterval[][];
  private rangeIndex = 0;
  private position: { chunk: number; pos: number } | undefined;
  /** Entry last stepped over and the index version then: a write since then means re-seeking. */
  private lastEntry: IndexEntry | undefined;
  private positionVersion = -1;
  private steps = 0;
  private readonly seen = new Set<number>();
  /** Last key returned, for covered projections. */
  lastKey: unknown[] = [];

  constructor(
    readonly index: Index,
    readonly bounds: Interval[][],
    readonly scanDirection: 1 | -1,
  ) {
    super();
    const fields = index.fields;
    this.fieldIntervals = fields.map((f, i) => toIndexOrder(bounds[i] as Interval[], f.direction));
    // Expand leading point fields (and the first range field) into compound key ranges.
    let prefixLen = 0;
    while (
      prefixLen < fields.length &&
      (this.fieldIntervals[prefixLen] as IndexOrderInterval[]).every(
        (iv) => iv.startInc && iv.endInc && index.compareKeyValues(iv.start, iv.end) === 0,
      )
    ) {
      prefixLen += 1;
    }
    const expandLen = Math.min(prefixLen + 1, fields.length);
    let combos: Array<{ start: unknown[]; end: unknown[]; startInc: boolean; endInc: boolean }> = [
      { start: [], end: [], startInc: true, endInc: true },
    ];
    for (let i = 0; i < expandLen; i += 1) {
      const next: typeof combos = [];
      for (const combo of combos) {
        for (const iv of this.fieldIntervals[i] as IndexOrderInterval[]) {
          next.push({
            start: [...combo.start, iv.start],
            end: [...combo.end, iv.end],
            startInc: iv.startInc,
            endInc: iv.endInc,
          });
        }
      }
      combos = next;
    }
    for (const combo of combos) {
      const startKey = [...combo.start];
      const endKey = [...combo.end];
      for (let i = expandLen; i < fields.length; i += 1) {
        const dir = (fields[i] as { direction: 1 | -1 }).direction;
        // An exclusive start skips every key sharing that prefix: fill it with the largest key.
        startKey.push(fill(dir, combo.startInc));
        endKey.push(fill(dir, !combo.endInc));
      }
      this.ranges.push({ startKey, startInc: combo.startInc, endKey, endInc: combo.endInc });
    }
    if (scanDirection === -1) this.ranges.reverse();
  }

  private compareKeys(a: unknown[], b: unknown[]): number {
    const fields = this.index.fields;
    for (let i = 0; i < fields.length; i += 1) {
      const c = this.index.compareKeyValues(a[i], b[i]);
      if (c !== 0) return (fields[i] as { direction: 1 | -1 }).direction === 1 ? c : -c;
    }
    return 0;
  }

  private inBounds(key: unknown[]): boolean {
    const fields = this.index.fields;
    for (let i = 0; i < fields.length; i += 1) {
      const dir = (fields[i] as { direction: 1 | -1 }).direction;
      const v = key[i];
      const ok = (this.fieldIntervals[i] as IndexOrderInterval[]).some((iv) => {
        const s = this.index.compareKeyValues(v, iv.start) * dir;
        const e = this.index.compareKeyValues(v, iv.end) * dir;
        return (s > 0 || (s === 0 && iv.startInc)) && (e < 0 || (e === 0 && iv.endInc));
      });
      if (!ok) return false;
    }
    return true;
  }

  /** Bytes this scan holds: the record ids seen, for de-duplicating multikey entries. */
  retainedBytes(): number {
    return this.seen.size * 40;
  }

  /**
   * mongod's saveState/restoreState: when the index changed while the scan was paused, find the
   * entry after the last one examined again by key and record id (positions shift on insert).
   */
  private restorePosition(): void {
    const entries = this.index.entries;
    if (this.position === undefined || entries.version === this.positionVersion) return;
    this.positionVersion = entries.version;
    const last = this.lastEntry;
    if (last === undefined) {
      this.position = undefined;
      return;
    }
    if (this.scanDirection === 1) {
      this.position = entries.seekForward(last);
      const here = entries.at(this.position);
      if (here !== undefined && entries.compare(here, last) === 0) entries.next(this.position);
    } else {
      this.position = entries.seekBackward(last);
      const here = this.position.chunk < 0 ? undefined : entries.at(this.position);
      if (here !== undefined && entries.compare(here, last) === 0) entries.prev(this.position);
    }
  }

  protected produce(): StageResult {
    const entries = this.index.entries;
    this.restorePosition();
    for (;;) {
      this.stats.works += 1;
      const range = this.ranges[this.rangeIndex];
      if (range === undefined) return undefined;
      if (this.position === undefined) {
        this.positionVersion = entries.version;
        this.lastEntry = undefined;
        this.seeks += 1;
        if (this.scanDirection === 1) {
          this.position = entries.seekForward({ k: range.startKey, r: range.startInc ? -1 : Number.MAX_SAFE_INTEGER });
        } else {
          this.position = entries.seekBackward({ k: range.endKey, r: range.endInc ? Number.MAX_SAFE_INTEGER : -1 });
        }
      }
      const entry: IndexEntry | undefined = entries.at(this.position);
      if (entry === undefined || this.position.chunk < 0) {
        this.nextRange();
        continue;
      }
      this.steps += 1;
      if ((this.steps & 255) === 0) {
        checkDeadline();
        if (shouldYield()) return NEED_YIELD;
      }
      this.keysExamined += 1;
      if (this.pastEnd(entry.k, range)) {
        this.nextRange();
        continue;
      }
      this.lastEntry = entry;
      if (this.scanDirection === 1) entries.next(this.position);
      else entries.prev(this.position);
      if (!this.inBounds(entry.k)) continue;
      // Under a collation two bounds can reach the same entry ($in: ['ada', 'ADA'] at strength 2).
      if (this.index.multikey || this.index.collation) {
        this.dupsTested += 1;
        if (this.seen.has(entry.r)) {
          this.dupsDropped += 1;
          continue;
        }
        this.seen.add(entry.r);
      }
      this.lastKey = entry.k;
      return { rid: entry.r, doc: undefined as unknown as Doc };
    }
  }

  private pastEnd(key: unknown[], range: { startKey: unknown[]; startInc: boolean; endKey: unknown[]; endInc: boolean }): boolean {
    if (this.scanDirection === 1) {
      const c = this.compareKeys(key, range.endKey);
      return range.endInc ? c > 0 : c >= 0;
    }
    const c = this.compareKeys(key, range.startKey);
    return range.startInc ? c < 0 : c <= 0;
  }

  private nextRange(): void {
    this.rangeIndex += 1;
    this.position = undefined;
  }

  describe(): Record<string, unknown> {
    const index = this.index;
    const multiKeyPaths: Record<string, string[]> = {};
    for (const f of index.fields) multiKeyPaths[f.path] = index.multikeyPaths.has(f.path) ? [f.path] : [];
    return {
      keyPattern: { ...index.spec.key },
      indexName: index.name,
      isMultiKey: index.multikey,
      multiKeyPaths,
      isUnique: index.unique,
      isSparse: index.sparse,
      isPartial: index.spec.partialFilterExpression !== undefined,
      indexVersion: 2,
      direction: this.scanDirection === 1 ? 'forward' : 'backward',
      indexBounds: renderBounds(index, this.bounds),
    };
  }

  override counters(): Record<string, unknown> {
    return {
      keysExamined: this.keysExamined,
      seeks: this.seeks,
      dupsTested: this.dupsTested,
      dupsDropped: this.dupsDropped,
    };
  }
}

/** mongod's fast path for {_id: value}: one hash lookup, no plan ranking. */
export class IdHackStage extends PlanStage {
  readonly stage = 'IDHACK';
  readonly children: PlanStage[] = [];
  keysExamined = 0;
  docsExamined = 0;
  private done = false;

  constructor(
    private readonly coll: Collection,
    private readonly id: unknown,
  ) {
    super();
  }

  protected produce(): StageResult {
    this.stats.works += 1;
    if (this.done) return undefined;
    this.done = true;
    this.keysExamined += 1;
    const rid = this.coll.findById(this.id);
    if (rid === undefined) return undefined;
    const doc = this.coll.records.get(rid);
    if (doc === undefined) return undefined;
    this.docsExamined += 1;
    return { rid, doc };
  }

  describe(): Record<string, unknown> {
    return {};
  }

  override counters(): Record<string, unknown> {
    return { keysExamined: this.keysExamined, docsExamined: this.docsExamined };
  }
}

/** Union of index scans for an $or whose every branch can use an index; each record once. */
export class OrStage extends PlanStage {
  readonly stage = 'OR';
  readonly children: PlanStage[];
  private current = 0;
  private readonly seen = new Set<number>();
  dupsTested = 0;
  dupsDropped = 0;

  constructor(children: PlanStage[]) {
    super();
    this.children = children;
  }

  /** Bytes this stage holds: the record ids seen, so each document is returned once. */
  retainedBytes(): number {
    return this.seen.size * 40;
  }

  protected produce(): StageResult {
    for (;;) {
      this.stats.works += 1;
      const child = this.children[this.current];
      if (child === undefined) return undefined;
      const row = child.next();
      if (row === NEED_YIELD) return row;
      if (row === undefined) {
        this.current += 1;
        continue;
      }
      this.dupsTested += 1;
      if (this.seen.has(row.rid)) {
        this.dupsDropped += 1;
        continue;
      }
      this.seen.add(row.rid);
      return row;
    }
  }

  describe(): Record<string, unknown> {
    return {};
  }

  override counters(): Record<string, unknown> {
    return { dupsTested: this.dupsTested, dupsDropped: this.dupsDropped };
  }
}

export class FetchStage extends PlanStage {
  readonly stage = 'FETCH';
  readonly children: PlanStage[];
  docsExamined = 0;

  constructor(
    private readonly coll: Collection,
    private readonly child: PlanStage,
    private readonly filter: Predicate | undefined,
    private readonly filterSpec: Record<string, unknown> | undefined,
  ) {
    super();
    this.children = [child];
  }

  protected produce(): StageResult {
    for (;;) {
      this.stats.works += 1;
      const row = this.child.next();
      if (row === undefined || row === NEED_YIELD) return row;
      const doc = this.coll.records.get(row.rid);
      if (doc === undefined) continue;
      this.docsExamined += 1;
      if (this.filter && !this.filter(doc)) continue;
      return { rid: row.rid, doc };
    }
  }

  describe(): Record<string, unknown> {
    return this.filterSpec && Object.keys(this.filterSpec).length > 0 ? { filter: this.filterSpec } : {};
  }

  override counters(): Record<string, unknown> {
    return { docsExamined: this.docsExamined, alreadyHasObj: 0 };
  }
}

export class SortStage extends PlanStage {
  readonly stage = 'SORT';
  readonly children: PlanStage[];
  private buffered: Row[] = [];
  private bufferedBytes = 0;
  private sorted: Row[] | undefined;
  private i = 0;
  totalDataSizeSorted = 0;

  constructor(
    private readonly child: PlanStage,
    private readonly fields: SortField[],
    private readonly spec: Record<string, unknown>,
    private readonly limit: number,
    private readonly normalise?: (s: string) => string,
    /** Set when the client passed allowDiskUse: false: past it the sort fails as mongod's does. */
    private readonly memoryLimitBytes?: number,
  ) {
    super();
    this.children = [child];
  }

  /** Bytes held beyond the collection: one reference per buffered or sorted row. */
  retainedBytes(): number {
    return ((this.sorted?.length ?? 0) - this.i + this.buffered.length) * 40;
  }

  protected produce(): StageResult {
    if (this.sorted === undefined) {
      for (;;) {
        this.stats.works += 1;
        const row = this.child.next();
        if (row === NEED_YIELD) return row;
        if (row === undefined) break;
        this.buffered.push(row);
        if (this.memoryLimitBytes !== undefined) this.account(row);
      }
      const rows = this.buffered;
      this.buffered = [];
      const byDoc = new Map<Doc, Row>();
      for (const row of rows) byDoc.set(row.doc, row);
      let docs = sortDocuments(
        rows.map((r) => r.doc),
        this.fields,
        this.normalise,
      );
      checkDeadline();
      if (this.limit > 0) docs = docs.slice(0, this.limit);
      this.sorted = docs.map((d) => byDoc.get(d) as Row);
      this.totalDataSizeSorted = rows.length;
    }
    this.stats.works += 1;
    const row = this.sorted[this.i];
    this.i += 1;
    return row;
  }

  /** mongod counts the documents a blocking sort holds; a top-k sort holds only k of them. */
  private account(row: Row): void {
    this.bufferedBytes += calculateObjectSize(row.doc);
    const held = this.limit > 0 && this.buffered.length > this.limit ? (this.bufferedBytes * this.limit) / this.buffered.length : this.bufferedBytes;
    if (held > (this.memoryLimitBytes as number)) throw sortMemoryExceeded(this.memoryLimitBytes as number);
  }

  describe(): Record<string, unknown> {
    return {
      sortPattern: this.spec,
      memLimit: this.memoryLimitBytes ?? 104857600,
      ...(this.limit > 0 ? { limitAmount: this.limit } : {}),
      type: 'simple',
    };
  }

  override counters(): Record<string, unknown> {
    return { totalDataSizeSorted: this.totalDataSizeSorted, usedDisk: false, spills: 0, spilledDataStorageSize: 0 };
  }
}

export class SkipStage extends PlanStage {
  readonly stage = 'SKIP';
  readonly children: PlanStage[];
  private skipped = 0;

  constructor(
    private readonly child: PlanStage,
    private readonly amount: number,
  ) {
    super();
    this.children = [child];
  }

  protected produce(): StageResult {
    for (;;) {
      this.stats.works += 1;
      const row = this.child.next();
      if (row === undefined || row === NEED_YIELD) return row;
      if (this.skipped < this.amount) {
        this.skipped += 1;
        continue;
      }
      return row;
    }
  }

  describe(): Record<string, unknown> {
    return { skipAmount: this.amount };
  }
}

export class LimitStage extends PlanStage {
  readonly stage = 'LIMIT';
  readonly children: PlanStage[];
  private returned = 0;

  constructor(
    private readonly child: PlanStage,
    private readonly amount: number,
  ) {
    super();
    this.children = [child];
  }

  protected produce(): StageResult {
    this.stats.works += 1;
    if (this.returned >= this.amount) return undefined;
    const row = this.child.next();
    if (row !== undefined && row !== NEED_YIELD) this.returned += 1;
    return row;
  }

  describe(): Record<string, unknown> {
    return { limitAmount: this.amount };
  }
}

export class ProjectionStage extends PlanStage {
  readonly children: PlanStage[];

  constructor(
    readonly stage: string,
    private readonly child: PlanStage,
    private readonly project: Projector,
    private readonly spec: Record<string, unknown>,
  ) {
    super();
    this.children = [child];
  }

  protected produce(): StageResult {
    this.stats.works += 1;
    const row = this.child.next();
    if (row === undefined || row === NEED_YIELD) return row;
    return { rid: row.rid, doc: this.project(row.doc) };
  }

  describe(): Record<string, unknown> {
    return { transformBy: this.spec };
  }
}

/** Covered projection: builds the result from index keys, never touching the document. */
export class CoveredProjectionStage extends PlanStage {
  readonly stage = 'PROJECTION_COVERED';
  readonly children: PlanStage[];

  constructor(
    private readonly child: PlanStage,
    private readonly scan: IndexScanStage,
    private readonly paths: string[],
    private readonly includeId: boolean,
    private readonly spec: Record<string, unknown>,
  ) {
    super();
    this.children = [child];
  }

  protected produce(): StageResult {
    this.stats.works += 1;
    const row = this.child.next();
    if (row === undefined || row === NEED_YIELD) return row;
    const doc: Doc = {};
    const fields = this.scan.index.fields;
    fields.forEach((f, i) => {
      if (f.path === '_id' ? this.includeId : this.paths.includes(f.path)) {
        const v = this.scan.lastKey[i];
        setDotted(doc, f.path, v === undefined ? null : v);
      }
    });
    return { rid: row.rid, doc };
  }

  describe(): Record<string, unknown> {
    return { transformBy: this.spec };
  }
}

// Index paths come from clients: setPath writes `__proto__` as a field, never as the prototype.
function setDotted(doc: Doc, path: string, value: unknown): void {
  setPath(doc, path, value);
}

/** Materialises a plan: every row until EOF, without yielding (writes and explain). */
export function drain(stage: PlanStage): Row[] {
  const rows: Row[] = [];
  for (;;) {
    const row = stage.next();
    if (row === undefined) return rows;
    if (row !== NEED_YIELD) rows.push(row);
  }
}
