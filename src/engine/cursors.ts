// Server-side cursors. Results are materialised when the cursor is opened (commands run
// synchronously, so a later write cannot shift an index position under a live scan); getMore
// hands out the rest in batches. Cursor ids must be Int64 on the wire.
import { calculateObjectSize, Long } from 'bson';
import type { Doc } from './storage/collection.js';

export const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** mongod closes cursors idle for 10 minutes (cursorTimeoutMillis). */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;

interface OpenCursor {
  id: number;
  ns: string;
  docs: Doc[];
  position: number;
  lastUsed: number;
}

export class CursorStore {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = Math.floor(Math.random() * 1e9) + 1e9;

  get size(): number {
    return this.cursors.size;
  }

  /** Returns the first batch and the cursor id (0 when everything fitted). */
  open(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): { batch: Doc[]; id: Long } {
    const first = takeBatch(docs, 0, batchSize ?? DEFAULT_FIRST_BATCH);
    if (first.length >= docs.length || singleBatch) return { batch: first, id: Long.ZERO };
    const id = this.nextId;
    this.nextId += 1;
    this.cursors.set(id, { id, ns, docs, position: first.length, lastUsed: Date.now() });
    return { batch: first, id: Long.fromNumber(id) };
  }

  get(id: number): OpenCursor | undefined {
    return this.cursors.get(id);
  }

  next(cursor: OpenCursor, batchSize: number | undefined): { batch: Doc[]; id: Long } {
    const batch = takeBatch(cursor.docs, cursor.position, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    cursor.position += batch.length;
    cursor.lastUsed = Date.now();
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(cursor.id);
      return { batch, id: Long.ZERO };
    }
    return { batch, id: Long.fromNumber(cursor.id) };
  }

  kill(id: number): boolean {
    return this.cursors.delete(id);
  }

  killNamespace(nsPrefix: string): void {
    for (const [id, cursor] of this.cursors) if (cursor.ns === nsPrefix || cursor.ns.startsWith(`${nsPrefix}.`)) this.cursors.delete(id);
  }

  closeIdle(now = Date.now(), idleMs = CURSOR_IDLE_MS): number {
    let closed = 0;
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.lastUsed > idleMs) {
        this.cursors.delete(id);
        closed += 1;
      }
    }
    return closed;
  }

  clear(): void {
    this.cursors.clear();
  }
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
