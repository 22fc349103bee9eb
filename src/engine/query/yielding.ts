// Reads that give the event loop back. The engine runs on one thread, so a long scan would keep
// every other connection waiting; instead a read runs in slices of YIELD_QUANTUM_MS and awaits
// setImmediate between them, letting sockets be read and short commands answered.
//
// Consistency is mongod's yield semantics, not a snapshot: between slices other commands run
// whole (writes never yield, so each is still atomic), and a paused scan resumes where it was
// (a collection scan on its live iterator, an index scan by re-seeking its last key and record
// id). Each returned document is one committed version of it, because writes replace documents
// (copy-on-write) instead of mutating them. As with mongod, a document inserted or moved during a
// read may or may not be seen; an index scan whose key moved ahead may see it twice unless the
// index is multikey (mongod documents the same for reads that yield).
import { calculateObjectSize } from 'bson';
import type { Doc } from '../storage/collection.js';
import { checkDeadline, executionDeadline, NEED_YIELD, type PlanStage, type Row } from './stages.js';

/** A read's own limits, carried across its slices. */
export interface ReadOperation {
  /** performance.now() deadline from maxTimeMS, 0 for none. */
  at: number;
}

/** Captures the limits of the command now running (dispatch sets them before the handler). */
export function currentReadOperation(): ReadOperation {
  return { at: executionDeadline.at };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs synchronous work of a read after its first await (e.g. the pipeline stages after the
 * planner's) under the read's own deadline, without yielding.
 */
export function withOperation<T>(op: ReadOperation, body: () => T, yieldable = false): T {
  const saved = { ...executionDeadline };
  executionDeadline.at = op.at;
  executionDeadline.yieldable = yieldable;
  executionDeadline.sliceStartedAt = performance.now();
  try {
    checkDeadline();
    return body();
  } finally {
    Object.assign(executionDeadline, saved);
  }
}

/** One slice of a read: its deadline, and scans may ask to yield once the quantum is spent. */
function runSlice<T>(op: ReadOperation, body: () => T): T {
  return withOperation(op, body, true);
}

export interface Pulled {
  rows: Row[];
  eof: boolean;
  /** The row read past the batch (to learn whether the plan is exhausted); hand it back next time. */
  pending: Row | undefined;
}

/**
 * Pulls up to `count` rows and at most `maxBytes` of BSON (always at least one row), yielding
 * between slices. Reads one row beyond a full batch, so a cursor knows whether more remain.
 */
export async function pullRows(root: PlanStage, op: ReadOperation, count = Infinity, maxBytes = Infinity, pending?: Row): Promise<Pulled> {
  const rows: Row[] = [];
  let bytes = 0;
  let carried = pending;
  for (;;) {
    const outcome = runSlice(op, () => {
      for (;;) {
        let row: Row;
        if (carried !== undefined) {
          row = carried;
          carried = undefined;
        } else {
          const produced = root.next();
          if (produced === NEED_YIELD) return 'yield';
          if (produced === undefined) return 'eof';
          row = produced;
        }
        if (rows.length >= count) {
          carried = row;
          return 'full';
        }
        if (maxBytes !== Infinity) {
          const size = calculateObjectSize(row.doc);
          if (rows.length > 0 && bytes + size > maxBytes) {
            carried = row;
            return 'full';
          }
          bytes += size;
        }
        rows.push(row);
      }
    });
    if (outcome !== 'yield') return { rows, eof: outcome === 'eof', pending: carried };
    await yieldToEventLoop();
  }
}

/** Every row of a plan, yielding between slices. */
export async function drainYielding(root: PlanStage, op: ReadOperation): Promise<Row[]> {
  return (await pullRows(root, op)).rows;
}

/** Every document of a plan, yielding between slices. */
export async function drainDocs(root: PlanStage, op: ReadOperation): Promise<Doc[]> {
  return (await drainYielding(root, op)).map((row) => row.doc);
}
