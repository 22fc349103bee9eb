// A sorted list of index entries kept in chunks of at most CHUNK entries: inserts and removals
// splice one small chunk instead of shifting the whole index, so a 50k-document insert with a
// random key (emails) stays O(log n + CHUNK) per entry.

export interface IndexEntry {
  /** One value per index field, undefined meaning null/missing. */
  readonly k: unknown[];
  /** Record id of the document. */
  readonly r: number;
}

export type EntryComparator = (a: IndexEntry, b: IndexEntry) => number;

const CHUNK = 256;

export interface EntryPosition {
  chunk: number;
  pos: number;
}

export class SortedEntries {
  private chunks: IndexEntry[][] = [];
  private count = 0;
  /** Bumped by every change, so a scan that paused (yield, getMore) knows its position went stale. */
  version = 0;

  constructor(readonly compare: EntryComparator) {}

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.version += 1;
    this.chunks = [];
    this.count = 0;
  }

  /** Index of the first chunk whose last entry is >= probe (or the last chunk). */
  private chunkFor(probe: IndexEntry): number {
    // Appends in key order (ObjectIds, timestamps, counters) land in the last chunk: one comparison.
    const lastChunk = this.chunks[this.chunks.length - 1] as IndexEntry[];
    if (this.compare(lastChunk[lastChunk.length - 1] as IndexEntry, probe) < 0) return this.chunks.length - 1;
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid] as IndexEntry[];
      if (this.compare(chunk[chunk.length - 1] as IndexEntry, probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBoundIn(chunk: IndexEntry[], probe: IndexEntry, compare: EntryComparator): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(chunk[mid] as IndexEntry, probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(entry: IndexEntry): void {
    this.version += 1;
    this.count += 1;
    if (this.chunks.length === 0) {
      this.chunks.push([entry]);
      return;
    }
    const c = this.chunkFor(entry);
    const chunk = this.chunks[c] as IndexEntry[];
    const last = chunk[chunk.length - 1] as IndexEntry;
    // Appending in key order (ObjectIds, timestamps) is the common case: no search needed.
    if (this.compare(last, entry) <= 0) chunk.push(entry);
    else chunk.splice(SortedEntries.lowerBoundIn(chunk, entry, this.compare), 0, entry);
    if (chunk.length > CHUNK * 2) {
      const tail = chunk.splice(CHUNK);
      this.chunks.splice(c + 1, 0, tail);
    }
  }

  remove(entry: IndexEntry): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(entry);
    const chunk = this.chunks[c] as IndexEntry[];
    const i = SortedEntries.lowerBoundIn(chunk, entry, this.compare);
    const found = chunk[i];
    if (found === undefined || this.compare(found, entry) !== 0) return false;
    chunk.splice(i, 1);
    this.version += 1;
    this.count -= 1;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** Position of the first entry >= probe. */
  seekForward(probe: IndexEntry): EntryPosition {
    if (this.chunks.length === 0) return { chunk: 0, pos: 0 };
    const c = this.chunkFor(probe);
    const chunk = this.chunks[c] as IndexEntry[];
    const pos = SortedEntries.lowerBoundIn(chunk, probe, this.compare);
    if (pos >= chunk.length) return { chunk: c + 1, pos: 0 };
    return { chunk: c, pos };
  }

  /** Position of the last entry <= probe (chunk -1 when none). */
  seekBackward(probe: IndexEntry): EntryPosition {
    if (this.chunks.length === 0) return { chunk: -1, pos: 0 };
    // first entry > probe, then step back one
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid] as IndexEntry[];
      if (this.compare(chunk[chunk.length - 1] as IndexEntry, probe) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const chunk = this.chunks[lo] as IndexEntry[];
    let l = 0;
    let h = chunk.length;
    while (l < h) {
      const mid = (l + h) >> 1;
      if (this.compare(chunk[mid] as IndexEntry, probe) <= 0) l = mid + 1;
      else h = mid;
    }
    const pos = l - 1;
    if (pos >= 0) return { chunk: lo, pos };
    if (lo === 0) return { chunk: -1, pos: 0 };
    return { chunk: lo - 1, pos: (this.chunks[lo - 1] as IndexEntry[]).length - 1 };
  }

  at(p: EntryPosition): IndexEntry | undefined {
    return this.chunks[p.chunk]?.[p.pos];
  }

  next(p: EntryPosition): void {
    p.pos += 1;
    const chunk = this.chunks[p.chunk];
    if (chunk !== undefined && p.pos >= chunk.length) {
      p.chunk += 1;
      p.pos = 0;
    }
  }

  prev(p: EntryPosition): void {
    p.pos -= 1;
    if (p.pos < 0) {
      p.chunk -= 1;
      const chunk = this.chunks[p.chunk];
      p.pos = chunk === undefined ? 0 : chunk.length - 1;
    }
  }

  *all(): Generator<IndexEntry> {
    for (const chunk of this.chunks) yield* chunk;
  }
}
