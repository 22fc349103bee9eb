// Change streams on a replica-set member: `aggregate` with a leading $changeStream opens a cursor
// on the oplog (on what this member has applied), and each getMore turns the entries after the
// cursor's position into change events (insert, update with updateDescription, replace, delete,
// drop, rename, dropDatabase, invalidate), runs the rest of the pipeline over them and answers
// with a resume token. An empty getMore waits for the next entry up to maxTimeMS, as mongod's
// awaitData cursors do, without holding up other connections.
import { Long, Timestamp, type Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import type { CommandContext } from '../commands/context.js';
import { runStages } from '../commands/aggregate.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import type { OplogEntry } from './oplog.js';
import type { ReplicaMember, ReplicaSet } from './replica-set.js';

interface StreamCursor {
  id: Long;
  ns: string;
  /** What the stream watches: one collection, one database, or the whole cluster. */
  db?: string;
  coll?: string;
  position: number;
  fullDocument: string;
  pipeline: Document[];
  batchSize: number;
  /** The newest point the stream has seen, for postBatchResumeToken. */
  seen: Timestamp;
  invalidated: boolean;
  dbName: string;
}

const DEFAULT_AWAIT_MS = 1000;

export function resumeToken(ts: Timestamp): Document {
  return { _data: `${ts.t.toString(16).padStart(8, '0')}${ts.i.toString(16).padStart(8, '0')}` };
}

function tokenTs(token: unknown): Timestamp {
  const data = isPlainObject(token) ? token['_data'] : undefined;
  if (typeof data !== 'string' || !/^[0-9a-f]{16}$/.test(data)) throw new CommandError(9, 'KeyString format error: invalid resume token');
  return new Timestamp({ t: parseInt(data.slice(0, 8), 16), i: parseInt(data.slice(8, 16), 16) });
}

function splitNs(ns: string): { db: string; coll: string } {
  const dot = ns.indexOf('.');
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

/** updatedFields / removedFields between two versions of a document, top-level fields. */
function describeUpdate(before: Doc | undefined, after: Doc): Document {
  const updatedFields: Doc = {};
  const removedFields: string[] = [];
  for (const [field, value] of Object.entries(after)) {
    if (!before || JSON.stringify(before[field]) !== JSON.stringify(value) || !(field in before)) updatedFields[field] = value;
  }
  for (const field of Object.keys(before ?? {})) if (!(field in after)) removedFields.push(field);
  delete updatedFields['_id'];
  return { updatedFields, removedFields, truncatedArrays: [] };
}

export class ChangeStreams {
  private readonly cursors = new Map<string, StreamCursor>();
  private nextId = Math.floor(Math.random() * 1e9) + 3e9;

  constructor(private readonly set: ReplicaSet, private readonly member: ReplicaMember) {}

  owns(id: unknown): boolean {
    return id !== undefined && id !== null && this.cursors.has(String(id));
  }

  kill(id: unknown): boolean {
    return this.cursors.delete(String(id));
  }

  open(cmd: Document, dbName: string): Document {
    const pipeline = Array.isArray(cmd['pipeline']) ? (cmd['pipeline'] as Document[]) : [];
    const spec = (pipeline[0]?.['$changeStream'] ?? {}) as Document;
    if (!isPlainObject(spec)) throw new CommandError(14, '$changeStream stage must be an object');
    const aggregate = cmd['aggregate'];
    const cluster = spec['allChangesForCluster'] === true;
    if (cluster && dbName !== 'admin') throw new CommandError(73, '$changeStream may only be run on the \'admin\' database if allChangesForCluster is true');
    if (!cluster && dbName === 'admin' && aggregate === 1) throw new CommandError(73, "$changeStream may not be opened on the internal admin database");
    const fullDocument = typeof spec['fullDocument'] === 'string' ? spec['fullDocument'] : 'default';
    if (!['default', 'updateLookup', 'whenAvailable', 'required'].includes(fullDocument)) {
      throw new CommandError(2, `'${fullDocument}' is not a valid value for fullDocument`);
    }
    let position = this.member.applied;
    let seen = this.member.appliedTs;
    const from = spec['resumeAfter'] ?? spec['startAfter'];
    if (from !== undefined) {
      const ts = tokenTs(from);
      if (!this.set.oplog.holdsAfter(ts)) throw new CommandError(286, 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.');
      position = this.set.oplog.positionAfter(ts);
      seen = ts;
    } else if (spec['startAtOperationTime'] !== undefined) {
      const ts = spec['startAtOperationTime'] as Timestamp;
      position = this.set.oplog.positionAfter(new Timestamp({ t: ts.t, i: Math.max(0, ts.i - 1) }));
    }
    const id = Long.fromNumber(this.nextId++);
    const cursor: StreamCursor = {
      id, ns: `${dbName}.${typeof aggregate === 'string' ? aggregate : '$cmd.aggregate'}`,
      ...(cluster ? {} : { db: dbName }),
      ...(typeof aggregate === 'string' ? { coll: aggregate } : {}),
      position, fullDocument, pipeline: pipeline.slice(1), batchSize: Number((cmd['cursor'] as Document | undefined)?.['batchSize'] ?? 101),
      seen, invalidated: false, dbName,
    };
    this.cursors.set(String(id), cursor);
    const firstBatch = cursor.batchSize === 0 ? [] : this.collect(cursor, cursor.batchSize);
    return { cursor: { firstBatch, postBatchResumeToken: resumeToken(cursor.seen), id, ns: cursor.ns }, ok: 1 };
  }

  getMore(cmd: Document): Document | Promise<Document> {
    const cursor = this.cursors.get(String(cmd['getMore']));
    if (!cursor) throw new CommandError(43, `cursor id ${String(cmd['getMore'])} not found`);
    const batchSize = cmd['batchSize'] === undefined ? 101 : Number(cmd['batchSize']);
    const answer = (): Document => {
      const nextBatch = this.collect(cursor, batchSize);
      const id = cursor.invalidated ? Long.ZERO : cursor.id;
      if (cursor.invalidated) this.cursors.delete(String(cursor.id));
      return { cursor: { nextBatch, postBatchResumeToken: resumeToken(cursor.seen), id, ns: cursor.ns }, ok: 1 };
    };
    if (cursor.position < this.member.applied || cursor.invalidated) return answer();
    const waitMs = cmd['maxTimeMS'] === undefined ? DEFAULT_AWAIT_MS : Number(cmd['maxTimeMS']);
    return this.set.waitFor(() => cursor.position < this.member.applied, waitMs).then(answer);
  }

  private collect(cursor: StreamCursor, limit: number): Doc[] {
    const events: Doc[] = [];
    if (cursor.position < this.set.oplog.start) throw new CommandError(286, 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.');
    while (cursor.position < this.member.applied && events.length < limit && !cursor.invalidated) {
      const entry = this.set.oplog.at(cursor.position);
      cursor.position += 1;
      cursor.seen = entry.ts;
      const produced = this.eventsFor(cursor, entry);
      if (produced.length === 0) continue;
      const ctx: CommandContext = { engine: this.member.state, dbName: cursor.dbName, connectionId: 0 };
      events.push(...(cursor.pipeline.length > 0 ? runStages(produced, cursor.pipeline, ctx) : produced));
    }
    return events;
  }

  private watches(cursor: StreamCursor, ns: string): boolean {
    const { db, coll } = splitNs(ns);
    if (db === 'admin' || db === 'config' || db === 'local' || coll.startsWith('system.')) return false;
    if (cursor.db !== undefined && db !== cursor.db) return false;
    return cursor.coll === undefined || coll === cursor.coll;
  }

  private eventsFor(cursor: StreamCursor, entry: OplogEntry): Doc[] {
    const base = (operationType: string, ns: { db: string; coll?: string }): Doc => ({
      _id: resumeToken(entry.ts), operationType, clusterTime: entry.ts, wallTime: entry.wall, ns,
      ...(entry.lsid ? { lsid: entry.lsid, txnNumber: entry.txnNumber } : {}),
    });
    if (entry.op === 'c') return this.commandEvents(cursor, entry, base);
    if (!this.watches(cursor, entry.ns)) return [];
    const ns = splitNs(entry.ns);
    const documentKey = { _id: (entry.o2 ?? entry.o)['_id'] };
    if (entry.op === 'i') return [{ ...base('insert', ns), fullDocument: entry.o, documentKey }];
    if (entry.op === 'd') return [{ ...base('delete', ns), documentKey }];
    if (entry.replacement) return [{ ...base('replace', ns), fullDocument: entry.o, documentKey }];
    const event: Doc = { ...base('update', ns), documentKey, updateDescription: describeUpdate(entry.before, entry.o as Doc) };
    if (cursor.fullDocument !== 'default') {
      const coll = this.member.state.catalog.collection(ns.db, ns.coll);
      const rid = coll?.findById(documentKey._id);
      const current = rid === undefined ? undefined : coll?.records.get(rid);
      if (current === undefined && cursor.fullDocument === 'required') throw new CommandError(286, 'Change stream was configured to require a post-image for all update events, but the post-image was not found');
      event['fullDocument'] = current ?? null;
    }
    return [event];
  }

  private commandEvents(cursor: StreamCursor, entry: OplogEntry, base: (type: string, ns: { db: string; coll?: string }) => Doc): Doc[] {
    const db = entry.ns.slice(0, entry.ns.indexOf('.'));
    const command = entry.o;
    const name = Object.keys(command)[0];
    if (name === 'drop' && this.watches(cursor, `${db}.${String(command['drop'])}`)) {
      const ns = { db, coll: String(command['drop']) };
      if (cursor.coll === undefined) return [base('drop', ns)];
      cursor.invalidated = true;
      return [base('drop', ns), base('invalidate', ns)];
    }
    if (name === 'renameCollection') {
      const [fromDb, fromColl] = [String(command['renameCollection']).split('.')[0]!, String(command['renameCollection']).split('.').slice(1).join('.')];
      if (!this.watches(cursor, `${fromDb}.${fromColl}`)) return [];
      const to = String(command['to']);
      const event = { ...base('rename', { db: fromDb, coll: fromColl }), to: { db: to.split('.')[0], coll: to.split('.').slice(1).join('.') } };
      if (cursor.coll === undefined) return [event];
      cursor.invalidated = true;
      return [event, base('invalidate', { db: fromDb, coll: fromColl })];
    }
    if (name === 'dropDatabase' && (cursor.db === undefined || cursor.db === db)) {
      if (cursor.db === undefined) return [base('dropDatabase', { db })];
      cursor.invalidated = true;
      return [base('dropDatabase', { db }), base('invalidate', { db })];
    }
    return [];
  }
}
