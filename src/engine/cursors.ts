// Server-side cursors. A find cursor keeps its query plan, not its results: each getMore pulls
// the next batch from the paused plan (a collection scan holds a live iterator, an index scan its
// last key), so an idle cursor costs a few hundred bytes, not a copy of its result set. Results
// that exist only as a computed array (aggregation output, listIndexes) are held as that array.
// What every cursor holds beyond the stored documents is estimated and bounded in total; past
// the bound a new cursor is refused with ExceededMemoryLimit. Idle cursors close after
// cursorTimeoutMillis (mongod's default 10 minutes) unless opened with noCursorTimeout.
// Cursor ids must be Int64 on the wire.
import { calculateObjectSize, Long } from 'bson';
import { CommandError } from './errors.js';
import type { PlanStage, Row } from './query/stages.js';
import { pullRows, type ReadOperation } from './query/yielding.js';
import type { Doc } from './storage/collection.js';

export const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** mongod closes cursors idle for 10 minutes (cursorTimeoutMillis). */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;
/** Total bytes open cursors may hold beyond the stored documents. */
export const DEFAULT_CURSOR_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;
/** A paused plan's own objects (stages, iterator, closures), whatever it buffers besides. */
const PLAN_OVERHEAD_BYTES = 2048;
/** One reference to a stored document in an array (pointer plus array slot, rounded up). */
const REFERENCE_BYTES = 16;

export interface CursorStoreOptions {
  idleTimeoutMs?: number;
  memoryLimitBytes?: number;
  /** Clock for idle time; tests may inject one. */
  now?: () => number;
}

export interface CursorOptions {
  batchSize?: number;
  singleBatch?: boolean;
  noCursorTimeout?: boolean;
  /** maxTimeMS of the command that opened it: the budget every later getMore draws from. */
  maxTimeMS?: number;
}

interface OpenCursor {
  id: number;
  ns: string;
  /** Materialised results (aggregation output, listings) and how far they were handed out. */
  docs?: Doc[];
  position: number;
  /** True when `docs` are computed documents this cursor alone keeps alive. */
  ownsDocs: boolean;
  /** A paused plan and the row it read past the last batch. */
  plan?: PlanStage;
  pending?: Row;
  lastUsed: number;
  noCursorTimeout: boolean;
  /** Milliseconds of maxTimeMS left, Infinity without one. */
  timeLeftMs: number;
  retainedBytes: number;
  busy: boolean;
}

export interface Batch {
  batch: Doc[];
  id: Long;
}

export class CursorStore {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = Math.floor(Math.random() * 1e9) + 1e9;
  private totalRetained = 0;
  idleTimeoutMs: number;
  memoryLimitBytes: number;
  private readonly now: () => number;
  /** serverStatus metrics.cursor.timedOut */
  timedOut = 0;

  constructor(options: CursorStoreOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? CURSOR_IDLE_MS;
    this.memoryLimitBytes = options.memoryLimitBytes ?? DEFAULT_CURSOR_MEMORY_LIMIT_BYTES;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.cursors.size;
  }

  get noTimeoutCount(): number {
    let n = 0;
    for (const cursor of this.cursors.values()) if (cursor.noCursorTimeout) n += 1;
    return n;
  }

  /** Estimated bytes all open cursors hold beyond the stored documents. */
  get retainedBytes(): number {
    return this.totalRetained;
  }

  /** Returns the first batch of computed results and the cursor id (0 when everything fitted). */
  open(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false, ownsDocs = true): Batch {
    const first = takeBatch(docs, 0, batchSize ?? DEFAULT_FIRST_BATCH);
    if (first.length >= docs.length || singleBatch) return { batch: first, id: Long.ZERO };
    const cursor = this.register({ ns, docs, position: first.length, ownsDocs }, {});
    return { batch: first, id: Long.fromNumber(cursor.id) };
  }

  /** Runs a plan for the first batch; the cursor keeps the paused plan for getMore. */
  async openPlan(ns: string, plan: PlanStage, op: ReadOperation, options: CursorOptions = {}): Promise<Batch> {
    const pulled = await pullRows(plan, op, options.batchSize ?? DEFAULT_FIRST_BATCH, MAX_BATCH_BYTES);
    const batch = pulled.rows.map((row) => row.doc);
    if (pulled.eof || options.singleBatch) return { batch, id: Long.ZERO };
    const cursor = this.register({ ns, plan, pending: pulled.pending, position: 0, ownsDocs: false }, options);
    return { batch, id: Long.fromNumber(cursor.id) };
  }

  private register(source: Pick<OpenCursor, 'ns' | 'docs' | 'position' | 'ownsDocs' | 'plan' | 'pending'>, options: CursorOptions): OpenCursor {
    const cursor: OpenCursor = {
      ...source,
      id: this.nextId,
      lastUsed: this.now(),
      noCursorTimeout: options.noCursorTimeout === true,
      timeLeftMs: options.maxTimeMS !== undefined && options.maxTimeMS > 0 ? options.maxTimeMS : Infinity,
      retainedBytes: 0,
      busy: false,
    };
    const bytes = estimateRetained(cursor);
    if (this.totalRetained + bytes > this.memoryLimitBytes) {
      throw new CommandError(
        146,
        `Cannot open another cursor: open cursors hold about ${mib(this.totalRetained)} MiB and this one needs ${mib(bytes)} MiB, ` +
          `over the engine's cursor memory limit of ${mib(this.memoryLimitBytes)} MiB. Read cursors to the end or close them ` +
          `(killCursors); idle cursors close after ${Math.round(this.idleTimeoutMs / 1000)} s.`,
      );
    }
    this.nextId += 1;
    cursor.retainedBytes = bytes;
    this.totalRetained += bytes;
    this.cursors.set(cursor.id, cursor);
    return cursor;
  }

  /** The cursor, or CursorNotFound (43) when it never existed, was killed or timed out. */
  get(id: number): OpenCursor | undefined {
    const cursor = this.cursors.get(id);
    // A cursor past its idle time is gone even if housekeeping has not run yet.
    if (cursor && !cursor.busy && !cursor.noCursorTimeout && this.now() - cursor.lastUsed > this.idleTimeoutMs) {
      this.expire(cursor);
      return undefined;
    }
    return cursor;
  }

  /** The next batch; a plan cursor resumes its scan, yielding like any read. */
  async next(cursor: OpenCursor, batchSize: number | undefined): Promise<Batch> {
    const count = batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
    if (cursor.busy) throw new CommandError(143, `Cursor already in use (namespace: '${cursor.ns}', id: ${cursor.id}).`);
    if (!cursor.plan) {
      const docs = cursor.docs ?? [];
      const batch = takeBatch(docs, cursor.position, count);
      cursor.position += batch.length;
      return this.afterBatch(cursor, batch, cursor.position >= docs.length);
    }
    cursor.busy = true;
    const started = performance.now();
    try {
      const op: ReadOperation = { at: cursor.timeLeftMs === Infinity ? 0 : started + cursor.timeLeftMs };
      const pulled = await pullRows(cursor.plan, op, count, MAX_BATCH_BYTES, cursor.pending);
      cursor.pending = pulled.pending;
      return this.afterBatch(cursor, pulled.rows.map((row) => row.doc), pulled.eof);
    } catch (error) {
      // mongod kills a cursor whose getMore failed (time limit included).
      this.remove(cursor);
      throw error;
    } finally {
      cursor.busy = false;
      cursor.timeLeftMs -= performance.now() - started;
    }
  }

  private afterBatch(cursor: OpenCursor, batch: Doc[], exhausted: boolean): Batch {
    cursor.lastUsed = this.now();
    if (exhausted) {
      this.remove(cursor);
      return { batch, id: Long.ZERO };
    }
    const bytes = estimateRetained(cursor);
    this.totalRetained += bytes - cursor.retainedBytes;
    cursor.retainedBytes = bytes;
    return { batch, id: Long.fromNumber(cursor.id) };
  }

  private remove(cursor: OpenCursor): boolean {
    if (this.cursors.get(cursor.id) !== cursor) return false;
    this.cursors.delete(cursor.id);
    this.totalRetained -= cursor.retainedBytes;
    return true;
  }

  private expire(cursor: OpenCursor): void {
    if (this.remove(cursor)) this.timedOut += 1;
  }

  kill(id: number): boolean {
    const cursor = this.cursors.get(id);
    return cursor !== undefined && this.remove(cursor);
  }

  killNamespace(nsPrefix: string): void {
    for (const cursor of [...this.cursors.values()]) {
      if (cursor.ns === nsPrefix || cursor.ns.startsWith(`${nsPrefix}.`)) this.remove(cursor);
    }
  }

  /** Housekeeping: closes cursors idle past the timeout, except noCursorTimeout ones. */
  closeIdle(now = this.now(), idleMs = this.idleTimeoutMs): number {
    let closed = 0;
    for (const cursor of [...this.cursors.values()]) {
      if (!cursor.busy && !cursor.noCursorTimeout && now - cursor.lastUsed > idleMs) {
        this.expire(cursor);
        closed += 1;
      }
    }
    return closed;
  }

  clear(): void {
    this.cursors.clear();
    this.totalRetained = 0;
  }
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/**
 * What a cursor keeps alive beyond the stored documents: its paused plan's buffers, or the
 * remaining part of its result array (references, plus the documents themselves when computed;
 * their size is sampled, as measuring 100,000 documents would cost more than it tells).
 */
function estimateRetained(cursor: OpenCursor): number {
  let bytes = 512;
  if (cursor.plan) bytes += PLAN_OVERHEAD_BYTES + planRetained(cursor.plan);
  if (cursor.pending && cursor.plan) bytes += REFERENCE_BYTES;
  const docs = cursor.docs;
  if (docs) {
    const remaining = docs.length - cursor.position;
    bytes += remaining * REFERENCE_BYTES;
    if (cursor.ownsDocs && remaining > 0) {
      const samples = Math.min(remaining, 64);
      const stride = remaining / samples;
      let sampled = 0;
      for (let i = 0; i < samples; i += 1) sampled += calculateObjectSize(docs[cursor.position + Math.floor(i * stride)] as Doc);
      bytes += (sampled / samples) * remaining;
    }
  }
  return Math.round(bytes);
}

function planRetained(stage: PlanStage): number {
  const own = (stage as Partial<{ retainedBytes(): number }>).retainedBytes?.() ?? 0;
  return stage.children.reduce((sum, child) => sum + planRetained(child), own);
}

function takeBatch(docs: Doc[], from: number, count: number): Doc[] {
  const end = Math.min(docs.length, from + count);
  // Batches are capped at 16 MiB like mongod's, or the reply could not be serialised.
  let bytes = 0;
  let i = from;
  for (; i < end; i += 1) {
    bytes += calculateObjectSize(docs[i] as Doc);
    if (bytes > MAX_BATCH_BYTES && i > from) break;
  }
  return docs.slice(from, i);
}
