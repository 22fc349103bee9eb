// TTL indexes: mongod's TTL monitor deletes documents whose indexed date is older than
// expireAfterSeconds, once a minute; the embedded engine checks every second so demos need not wait.
import type { Catalog } from './storage/catalog.js';

export function expireDocuments(catalog: Catalog, now = Date.now()): number {
  let removed = 0;
  for (const db of catalog.databases.values()) {
    for (const coll of db.collections.values()) {
      for (const index of coll.indexes) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
        const field = (index.fields[0] as { path: string }).path;
        const expired: number[] = [];
        for (const [rid, doc] of coll.records) {
          const raw = doc[field];
          const dates = (Array.isArray(raw) ? raw : [raw]).filter((v): v is Date => v instanceof Date);
          if (dates.length === 0) continue;
          const earliest = Math.min(...dates.map((d) => d.getTime()));
          if (earliest + seconds * 1000 <= now) expired.push(rid);
        }
        for (const rid of expired) if (coll.remove(rid)) removed += 1;
      }
    }
  }
  return removed;
}
