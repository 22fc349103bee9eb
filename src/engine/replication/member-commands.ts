// How a replica-set member answers a command, around the standalone engine's dispatch: the hello
// of a set member, replSetGetStatus and friends, primary-only writes and secondaryOk reads,
// sessions (retryable writes, transactions), causal consistency (afterClusterTime waits until
// this member has applied that time), write concern (w waits until enough members have applied
// the write; wtimeout answers mongod's writeConcernError), change streams, and $clusterTime /
// operationTime on every reply. Waiting never blocks the process: it returns a promise.
import { Binary, Long, Timestamp, type Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { CLOSE_CONNECTION, executeCommand, runCommand, type DeferredReply } from '../commands/dispatch.js';
import type { EngineState } from '../commands/context.js';
import { CommandError } from '../errors.js';
import type { CommandRunner } from '../server.js';
import { ChangeStreams } from './change-streams.js';
import { compareTs } from './oplog.js';
import type { ReplicaMember, ReplicaSet } from './replica-set.js';
import { rewindTo } from './replica-set.js';
import type { SessionTable} from './transactions.js';
import { TransactionCatalog, txnNumberOf, type Session, type Transaction } from './transactions.js';
import { TransactionalWriteFailPoint } from './write-fail-point.js';

type Reply = Document | typeof CLOSE_CONNECTION | DeferredReply;

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
/** Catalog commands: run by secondaries too, from their 'c' oplog entries. */
const CATALOG_COMMANDS = new Set(['create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes', 'deleteIndexes', 'renameCollection', 'collMod']);
/** Reads a secondary serves only when the client allows it (a read preference other than primary). */
const SECONDARY_OK_READS = new Set(['find', 'aggregate', 'count', 'distinct', 'listCollections', 'listIndexes', 'dbStats', 'collStats', 'getMore', 'explain']);
/** Commands mongod refuses inside a transaction (OperationNotSupportedInTransaction). */
const NOT_IN_TRANSACTION = new Set(['count', 'listDatabases', 'dropDatabase', 'drop', 'renameCollection', 'collMod', 'dropIndexes', 'mapReduce']);
/** The reads mongod serves at a point in time outside a transaction. */
const SNAPSHOT_READS = new Set(['find', 'aggregate', 'distinct', 'count']);
const SESSION_FIELDS = ['txnNumber', 'autocommit', 'startTransaction', 'stmtId', 'stmtIds'];
/** Fields that say how to run a command, not what it does: never copied into the oplog. */
const ENVELOPE = new Set(['$db', 'lsid', '$clusterTime', 'txnNumber', 'autocommit', 'startTransaction', 'writeConcern', 'readConcern',
  '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'maxTimeMS', 'comment', '$audit', 'stmtId', 'stmtIds']);

/** mongod's RetriableError category: a retryable write (or commit) that fails with one may be retried. */
const RETRIABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
/** Errors after which a whole transaction may be retried: WriteConflict, LockTimeout, snapshot errors, a prepared conflict. */
const TRANSIENT_CODES = new Set([24, 112, 239, 246, 267]);

function withLabel(reply: Document, label: string): void {
  const labels = Array.isArray(reply['errorLabels']) ? (reply['errorLabels'] as string[]) : [];
  if (!labels.includes(label)) reply['errorLabels'] = [...labels, label];
}

/**
 * The labels mongod adds to an error, as its error_labels.cpp decides them: RetryableWriteError
 * for a retryable write or a commit/abort that failed (or whose write concern failed) with a
 * retriable code; TransientTransactionError for a statement inside a transaction that failed with
 * one, and for NoSuchTransaction. A fail point's own errorLabels replace them.
 */
function addErrorLabels(reply: Document, kind: 'retryable-write' | 'commit-or-abort' | 'in-transaction' | 'other'): void {
  const code = reply['ok'] === 1 ? undefined : Number(reply['code']);
  const wce = isPlainObject(reply['writeConcernError']) ? Number(reply['writeConcernError']['code']) : undefined;
  if (kind === 'retryable-write' || kind === 'commit-or-abort') {
    if ((code !== undefined && RETRIABLE_CODES.has(code)) || (wce !== undefined && RETRIABLE_CODES.has(wce))) withLabel(reply, 'RetryableWriteError');
  }
  if (kind === 'in-transaction' && code !== undefined && (RETRIABLE_CODES.has(code) || TRANSIENT_CODES.has(code) || code === 251)) withLabel(reply, 'TransientTransactionError');
  if (kind === 'commit-or-abort' && code !== undefined && (TRANSIENT_CODES.has(code) || (code === 251 && wce === undefined))) withLabel(reply, 'TransientTransactionError');
}

export interface ReplicaOptions {
  enableTestCommands: boolean;
}

function nameOf(cmd: Document): string {
  return Object.keys(cmd)[0] ?? '';
}

function isWrite(name: string, cmd: Document): boolean {
  if (WRITE_COMMANDS.has(name) || CATALOG_COMMANDS.has(name)) return true;
  if (name === 'aggregate' && Array.isArray(cmd['pipeline'])) {
    const last = (cmd['pipeline'] as Document[]).at(-1);
    return last !== undefined && ('$out' in last || '$merge' in last);
  }
  return false;
}

function secondaryOk(cmd: Document): boolean {
  const preference = cmd['$readPreference'];
  return isPlainObject(preference) && typeof preference['mode'] === 'string' && preference['mode'] !== 'primary';
}

function isReplacement(name: string, cmd: Document): boolean {
  const isReplaceDoc = (u: unknown): boolean => isPlainObject(u) && Object.keys(u).length > 0 && !Object.keys(u).some((key) => key.startsWith('$'));
  if (name === 'update') return Array.isArray(cmd['updates']) && (cmd['updates'] as Document[]).some((statement) => isReplaceDoc(statement['u']));
  if (name === 'findAndModify' || name === 'findandmodify') return isReplaceDoc(cmd['update']);
  return false;
}

function withoutSessionFields(cmd: Document): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(cmd)) if (!SESSION_FIELDS.includes(key)) out[key] = value;
  return out;
}

function oplogCommand(cmd: Document): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(cmd)) if (!ENVELOPE.has(key)) out[key] = value;
  return out;
}

function errorReply(error: unknown): Document {
  if (error instanceof CommandError) return error.toReply();
  return { ok: 0, errmsg: error instanceof Error ? error.message : String(error), code: 1, codeName: 'InternalError' };
}

/** The reply as a document, or undefined for a closed connection or a held-back (fail point) reply. */
function replyDocument(reply: Reply): Document | undefined {
  if (reply === CLOSE_CONNECTION || ('delayMs' in reply && 'produce' in reply)) return undefined;
  return reply as Document;
}


export class MemberCommands {
  private readonly streams: ChangeStreams;

  constructor(
    private readonly set: ReplicaSet,
    private readonly member: ReplicaMember,
    private readonly sessions: SessionTable,
    private readonly options: ReplicaOptions,
  ) {
    this.streams = new ChangeStreams(set, member);
  }

  private readonly transactionalWrite = new TransactionalWriteFailPoint();

  readonly run: CommandRunner = (cmd, dbName, engine, connectionId) => {
    const name = nameOf(cmd);
    const kind = this.kindOf(name, cmd);
    try {
      if (name === 'hello' || name === 'isMaster' || name === 'ismaster' || name === 'configureFailPoint') {
        return this.dispatch(name, cmd, dbName, engine, connectionId);
      }
      // failCommand applies to every command this member answers, its own ones included.
      const effect = engine.failPoints.intercept(name, connectionId);
      if (effect?.close) return CLOSE_CONNECTION;
      const proceed = (): Reply | Promise<Reply> => {
        if (effect?.reply) {
          const reply = { ...effect.reply };
          if (reply['errorLabels'] === undefined) addErrorLabels(reply, kind);
          if (kind === 'in-transaction' && reply['ok'] !== 1) this.abortOpenTransaction(cmd);
          return this.decorate(reply);
        }
        const answer = this.dispatch(name, cmd, dbName, engine, connectionId);
        const finish = (reply: Reply): Reply => {
          const doc = replyDocument(reply);
          if (!doc) return reply;
          if (effect?.extra) Object.assign(doc, effect.extra);
          if (!effect?.extra?.['errorLabels']) addErrorLabels(doc, kind);
          return doc;
        };
        return answer instanceof Promise ? answer.then(finish) : finish(answer);
      };
      if (effect?.blockMs) return new Promise<Reply>((resolve) => { setTimeout(() => resolve(proceed()), effect.blockMs); });
      return proceed();
    } catch (error) {
      const reply = errorReply(error);
      addErrorLabels(reply, kind);
      return this.decorate(reply);
    }
  };

  private kindOf(name: string, cmd: Document): 'retryable-write' | 'commit-or-abort' | 'in-transaction' | 'other' {
    if (name === 'commitTransaction' || name === 'abortTransaction') return 'commit-or-abort';
    if (cmd['autocommit'] === false) return 'in-transaction';
    if (txnNumberOf(cmd) !== undefined && WRITE_COMMANDS.has(name)) return 'retryable-write';
    return 'other';
  }

  private abortOpenTransaction(cmd: Document): void {
    const lsid = isPlainObject(cmd['lsid']) ? cmd['lsid'] : undefined;
    const transaction = lsid ? this.sessions.session(lsid).transaction : undefined;
    if (transaction && transaction.txnNumber === txnNumberOf(cmd)) this.sessions.abort(transaction);
  }

  private get primary(): boolean {
    return this.set.isPrimary(this.member);
  }

  private dispatch(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number): Reply | Promise<Reply> {
    const own = this.ownCommand(name, cmd, dbName, engine, connectionId);
    if (own) return this.decorate(own);

    if (!this.primary) {
      if (isWrite(name, cmd) || cmd['autocommit'] === false || name === 'commitTransaction' || name === 'abortTransaction') {
        throw new CommandError(10107, 'not primary', { errorLabels: ['RetryableWriteError'] });
      }
      if (SECONDARY_OK_READS.has(name) && !secondaryOk(cmd)) throw new CommandError(13435, 'not primary and secondaryOk=false');
    }
    const readConcern = isPlainObject(cmd['readConcern']) ? cmd['readConcern'] : undefined;
    if (readConcern?.['level'] === 'linearizable' && !this.primary) {
      throw new CommandError(10107, 'cannot satisfy linearizable read concern on non-primary node');
    }
    const afterClusterTime = readConcern?.['afterClusterTime'];
    if (afterClusterTime instanceof Timestamp && compareTs(this.member.appliedTs, afterClusterTime) < 0) {
      // Causal consistency: this member serves the read only once it has applied that time.
      const maxTimeMS = Number(cmd['maxTimeMS'] ?? 0);
      return this.set.waitFor(() => compareTs(this.member.appliedTs, afterClusterTime) >= 0, maxTimeMS > 0 ? maxTimeMS : undefined)
        .then((caughtUp) => (caughtUp
          ? this.afterReadConcern(name, cmd, dbName, engine, connectionId)
          : this.decorate(new CommandError(50, 'operation exceeded time limit').toReply())));
    }
    return this.afterReadConcern(name, cmd, dbName, engine, connectionId);
  }

  private afterReadConcern(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number): Reply | Promise<Reply> {
    try {
      if (name === 'aggregate' && Array.isArray(cmd['pipeline']) && isPlainObject((cmd['pipeline'] as Document[])[0]) && '$changeStream' in (cmd['pipeline'] as Document[])[0]!) {
        return this.decorate(this.streams.open(cmd, dbName));
      }
      if (name === 'getMore' && this.streams.owns(cmd['getMore']?.toString())) {
        const answer = this.streams.getMore(cmd);
        return answer instanceof Promise ? answer.then((reply) => this.decorate(reply), (error: unknown) => this.decorate(errorReply(error))) : this.decorate(answer);
      }
      if (name === 'killCursors' && Array.isArray(cmd['cursors'])) {
        const ids = (cmd['cursors'] as unknown[]).map(String);
        const ours = ids.filter((id) => this.streams.owns(id));
        if (ours.length > 0 && ours.length === ids.length) {
          for (const id of ours) this.streams.kill(id);
          return this.decorate({ cursorsKilled: (cmd['cursors'] as unknown[]), cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [], ok: 1 });
        }
      }
      const lsid = isPlainObject(cmd['lsid']) ? cmd['lsid'] : undefined;
      const readConcern = isPlainObject(cmd['readConcern']) ? cmd['readConcern'] : undefined;
      if (name === 'endSessions' && Array.isArray(cmd['endSessions'])) {
        for (const ended of cmd['endSessions'] as Document[]) this.sessions.end(ended);
      }
      if (name === 'killSessions' && Array.isArray(cmd['killSessions'])) {
        for (const killed of cmd['killSessions'] as Document[]) this.sessions.end(killed);
      }
      if (name === 'killAllSessions') this.sessions.endAll();
      if (lsid && (cmd['autocommit'] === false || name === 'commitTransaction' || name === 'abortTransaction')) {
        return this.inTransaction(name, cmd, dbName, engine, connectionId, this.sessions.session(lsid));
      }
      if (readConcern?.['level'] === 'snapshot') return this.snapshotRead(name, cmd, dbName, engine, connectionId, readConcern);
      if (lsid && txnNumberOf(cmd) !== undefined && WRITE_COMMANDS.has(name)) {
        const session = this.sessions.session(lsid);
        const failPoint = session.retryable?.txnNumber === txnNumberOf(cmd) ? undefined : this.transactionalWrite.take();
        if (failPoint?.failCode !== undefined) {
          if (failPoint.closeAfter) return CLOSE_CONNECTION;
          throw new CommandError(failPoint.failCode, "Failing write via 'onPrimaryTransactionalWrite' failpoint");
        }
        const reply = this.retryableWrite(name, cmd, dbName, engine, connectionId, session);
        if (!failPoint?.closeAfter) return reply;
        // Applied and recorded, but the client never hears of it: its retry must not write twice.
        return reply instanceof Promise ? reply.then(() => CLOSE_CONNECTION) : CLOSE_CONNECTION;
      }
      if (txnNumberOf(cmd) !== undefined) throw new CommandError(50768, `txnNumber may only be provided for multi-document transactions and retryable write commands. autocommit:false was not provided, and ${name} is not a retryable write command.`);
      return this.execute(name, cmd, dbName, engine, connectionId);
    } catch (error) {
      return this.decorate(errorReply(error));
    }
  }

  /**
   * readConcern snapshot outside a transaction: the read sees the data as of atClusterTime (this
   * member's latest applied time when the client gives none), rebuilt by undoing later oplog
   * entries on a copy, and the reply says which time it read at so the session can stay on it.
   */
  private snapshotRead(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number, readConcern: Document): Document | Promise<Document> {
    if (!SNAPSHOT_READS.has(name)) throw new CommandError(72, `readConcern level snapshot is not supported by the ${name} command outside a multi-document transaction`);
    const requested = readConcern['atClusterTime'];
    const at = requested instanceof Timestamp ? requested : this.member.appliedTs;
    if (compareTs(at, this.member.appliedTs) > 0) throw new CommandError(72, 'atClusterTime is in the future of this member');
    const catalog = new TransactionCatalog(engine.catalog, undefined, rewindTo(this.set, this.member, at));
    const stamp = (reply: Document): Document => {
      if (reply['ok'] === 1) {
        if (isPlainObject(reply['cursor'])) reply['cursor']['atClusterTime'] = at;
        else reply['atClusterTime'] = at;
      }
      return this.decorate(reply);
    };
    const reply = executeCommand(withoutSessionFields(cmd), dbName, { ...engine, catalog }, connectionId);
    return reply instanceof Promise ? reply.then(stamp) : stamp(reply);
  }

  /** Runs the command on this member and, for a write, waits for its write concern. */
  private execute(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number): Document | Promise<Document> {
    const concern = this.writeConcernOf(name, cmd);
    const before = this.set.oplog.end;
    this.set.replacing = isReplacement(name, cmd);
    let result: Document | Promise<Document>;
    try {
      // Writes run synchronously (atomic); reads may yield and come back as a promise.
      result = executeCommand(withoutSessionFields(cmd), dbName, engine, connectionId);
    } finally {
      this.set.replacing = false;
    }
    const finish = (reply: Document): Document | Promise<Document> => {
      if (this.primary && CATALOG_COMMANDS.has(name) && reply['ok'] === 1) this.set.recordCommand(dbName, oplogCommand(cmd));
      // A command that yielded (an aggregate with $out) waits for the newest entry when it ended:
      // at least its own, which is never too early.
      const wrote = this.set.oplog.end > before ? this.set.oplog.last!.ts : undefined;
      return this.awaitWriteConcern(reply, concern, wrote);
    };
    return result instanceof Promise ? result.then(finish) : finish(result);
  }

  private retryableWrite(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number, session: Session): Reply | Promise<Reply> {
    const txnNumber = txnNumberOf(cmd)!;
    if (txnNumber < session.txnNumber) {
      throw new CommandError(225, `Retryable write with txnNumber ${txnNumber} is prohibited on session because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`);
    }
    if (session.retryable?.txnNumber === txnNumber) {
      // The same write again (the reply was lost): answer what the first attempt did.
      return this.decorate({ ...session.retryable.reply, retriedStmtIds: [0] });
    }
    session.txnNumber = txnNumber;
    if (session.transaction?.state === 'inProgress') this.sessions.abort(session.transaction);
    const result = this.execute(name, cmd, dbName, engine, connectionId);
    const remember = (reply: Reply): Reply => {
      const doc = replyDocument(reply);
      if (doc?.['ok'] === 1) {
        const { $clusterTime: _time, operationTime: _op, writeConcernError: _wce, ...stored } = doc;
        session.retryable = { txnNumber, reply: stored };
      }
      return reply;
    };
    return result instanceof Promise ? result.then(remember) : remember(result);
  }

  private inTransaction(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number, session: Session): Reply | Promise<Reply> {
    const transaction: Transaction = this.sessions.transactionFor(session, cmd, name);
    if (name === 'commitTransaction') {
      const wasCommitted = transaction.state === 'committed';
      const before = this.set.oplog.end;
      this.sessions.commit(session, transaction);
      const wrote = this.set.oplog.end > before ? this.set.oplog.last!.ts : (wasCommitted ? this.set.oplog.last?.ts : undefined);
      return this.awaitWriteConcern({ ok: 1 }, this.writeConcernOf(name, cmd), wrote);
    }
    if (name === 'abortTransaction') {
      if (transaction.state === 'committed') throw new CommandError(256, `Transaction with { txnNumber: ${transaction.txnNumber} } has been committed.`);
      this.sessions.abort(transaction);
      return this.awaitWriteConcern({ ok: 1 }, this.writeConcernOf(name, cmd), undefined);
    }
    if (cmd['writeConcern'] !== undefined) {
      throw new CommandError(72, `Cannot set write concern after starting a transaction.`);
    }
    if (cmd['readConcern'] !== undefined && cmd['startTransaction'] !== true) {
      throw new CommandError(72, 'Only the first command in a transaction may specify a readConcern');
    }
    if (transaction.state !== 'inProgress') throw new CommandError(251, `Transaction ${transaction.txnNumber} is not in progress.`, { errorLabels: ['TransientTransactionError'] });
    if (NOT_IN_TRANSACTION.has(name)) throw new CommandError(263, `Cannot run '${name}' in a multi-document transaction.`);
    const inner: EngineState = { ...engine, catalog: transaction.catalog };
    this.set.replacing = isReplacement(name, cmd);
    let result: Document | Promise<Document>;
    try {
      result = executeCommand(withoutSessionFields(cmd), dbName, inner, connectionId);
    } finally {
      this.set.replacing = false;
    }
    const finish = (reply: Document): Document => {
      if (transaction.conflict) return this.decorate(this.sessions.conflictError(transaction).toReply());
      // Any failed statement ends the transaction, as in mongod.
      if (reply['ok'] !== 1 || Array.isArray(reply['writeErrors'])) {
        this.sessions.abort(transaction);
        if (reply['ok'] !== 1) withLabel(reply, 'TransientTransactionError');
      }
      return this.decorate(reply);
    };
    return result instanceof Promise ? result.then(finish) : finish(result);
  }

  private writeConcernOf(name: string, cmd: Document): { w: number | string; wtimeout: number; explicit: boolean } | undefined {
    if (!isWrite(name, cmd) && name !== 'commitTransaction' && name !== 'abortTransaction') return undefined;
    const concern = isPlainObject(cmd['writeConcern']) ? cmd['writeConcern'] : undefined;
    // MongoDB 5.0+ replica sets default to { w: "majority" }.
    const raw: unknown = concern?.['w'] ?? 'majority';
    // The driver may send w as an Int32/Double wrapper or a plain number.
    const w: number | string = typeof raw === 'string' ? raw : Number(raw);
    const wtimeout = Number(concern?.['wtimeout'] ?? 0);
    if (typeof w === 'number' && w > this.set.members.length) {
      throw new CommandError(100, `Not enough data-bearing nodes; write concern w: ${w} asks for more members than the set has (${this.set.members.length})`);
    }
    if (typeof w === 'string' && w !== 'majority') throw new CommandError(79, `No write concern mode named '${w}' found in replica set configuration`);
    return { w, wtimeout, explicit: concern !== undefined };
  }

  private awaitWriteConcern(reply: Document, concern: { w: number | string; wtimeout: number; explicit: boolean } | undefined, wrote: Timestamp | undefined): Document | Promise<Document> {
    if (!concern || !wrote || reply['ok'] !== 1) return this.decorate(reply, wrote);
    const needed = concern.w === 'majority' ? this.set.majority : Math.max(1, Number(concern.w));
    const ready = (): boolean => this.set.membersAt(wrote) >= needed;
    if (ready()) return this.decorate(reply, wrote);
    return this.set.waitFor(ready, concern.wtimeout > 0 ? concern.wtimeout : undefined).then((satisfied) => {
      if (satisfied) return this.decorate(reply, wrote);
      return this.decorate({
        ...reply,
        writeConcernError: {
          code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out',
          errInfo: { wtimeout: true, writeConcern: { w: concern.w, wtimeout: concern.wtimeout, provenance: concern.explicit ? 'clientSupplied' : 'implicitDefault' } },
        },
      }, wrote);
    });
  }

  /** $clusterTime and operationTime, which drivers need for causal consistency. */
  private decorate(reply: Document, operationTime?: Timestamp): Document {
    reply['$clusterTime'] = { clusterTime: this.set.clock.current, signature: { hash: new Binary(Buffer.alloc(20)), keyId: Long.ZERO } };
    reply['operationTime'] = operationTime ?? this.member.appliedTs;
    return reply;
  }

  /** Commands only a set member has, answered here; undefined hands the command on. */
  private ownCommand(name: string, cmd: Document, dbName: string, engine: EngineState, connectionId: number): Document | undefined {
    switch (name) {
      case 'hello':
      case 'isMaster':
      case 'ismaster': {
        const reply = runCommand(cmd, dbName, engine, connectionId) as Document;
        return { ...reply, ...this.helloFields(name !== 'hello') };
      }
      case 'replSetGetStatus':
        return this.status();
      case 'replSetGetConfig':
        return { config: this.config(), ok: 1 };
      case 'replSetStepDown': {
        if (!this.primary) throw new CommandError(10107, 'not primary so can\'t step down');
        this.set.stepDown();
        return { ok: 1 };
      }
      case 'replSetFreeze':
        return { ok: 1 };
      case 'getDefaultRWConcern':
        return {
          defaultReadConcern: { level: 'local' }, defaultWriteConcern: { w: 'majority', wtimeout: 0 },
          defaultReadConcernSource: 'implicit', defaultWriteConcernSource: 'implicit', ok: 1,
        };
      case 'appendOplogNote':
        return { ok: 1 };
      case 'configureFailPoint': {
        const which = cmd['configureFailPoint'];
        if (which === 'onPrimaryTransactionalWrite') {
          if (!this.options.enableTestCommands) throw new CommandError(59, "no such command: 'configureFailPoint'");
          return this.transactionalWrite.configure(cmd);
        }
        if (which !== 'rsSyncApplyStop' && which !== 'stopReplProducer') return runCommand(cmd, dbName, engine, connectionId) as Document;
        if (!this.options.enableTestCommands) throw new CommandError(59, "no such command: 'configureFailPoint'");
        // mongod's own hooks for a stale secondary: this member stops applying the oplog.
        if (cmd['mode'] === 'off') this.set.resume(this.member);
        else this.set.pause(this.member);
        return { count: 0, ok: 1 };
      }
      default:
        return undefined;
    }
  }

  private helloFields(legacy: boolean): Document {
    const primary = this.primary;
    const opTime = { ts: this.member.appliedTs, t: Long.fromNumber(this.set.term) };
    const majority = { ts: this.set.majorityTs(), t: Long.fromNumber(this.set.term) };
    return {
      ...(legacy ? { ismaster: primary } : { isWritablePrimary: primary }),
      secondary: !primary,
      setName: this.set.name,
      setVersion: this.set.setVersion,
      hosts: this.set.members.map((member) => member.host),
      primary: this.set.primary.host,
      me: this.member.host,
      ...(primary ? { electionId: this.set.electionId } : {}),
      lastWrite: { opTime, lastWriteDate: this.member.appliedWall, majorityOpTime: majority, majorityWriteDate: this.member.appliedWall },
    };
  }

  private config(): Document {
    return {
      _id: this.set.name,
      version: this.set.setVersion,
      term: this.set.term,
      members: this.set.members.map((member) => ({
        _id: member.index, host: member.host, arbiterOnly: false, buildIndexes: true, hidden: false,
        priority: 1, tags: {}, secondaryDelaySecs: Long.fromNumber(Math.round(member.lagMs / 1000)), votes: 1,
      })),
      protocolVersion: Long.fromNumber(1),
      writeConcernMajorityJournalDefault: true,
      settings: { chainingAllowed: true, heartbeatIntervalMillis: 2000, electionTimeoutMillis: 10000 },
    };
  }

  private status(): Document {
    const now = new Date();
    return {
      set: this.set.name,
      date: now,
      myState: this.primary ? 1 : 2,
      term: Long.fromNumber(this.set.term),
      syncSourceHost: this.primary ? '' : this.set.primary.host,
      heartbeatIntervalMillis: Long.fromNumber(2000),
      majorityVoteCount: this.set.majority,
      writeMajorityCount: this.set.majority,
      optimes: {
        lastCommittedOpTime: { ts: this.set.majorityTs(), t: Long.fromNumber(this.set.term) },
        appliedOpTime: { ts: this.member.appliedTs, t: Long.fromNumber(this.set.term) },
      },
      members: this.set.members.map((member) => {
        const isPrimary = this.set.isPrimary(member);
        return {
          _id: member.index,
          name: member.host,
          health: 1,
          state: isPrimary ? 1 : 2,
          stateStr: isPrimary ? 'PRIMARY' : 'SECONDARY',
          uptime: Math.floor((now.getTime() - member.state.startedAt.getTime()) / 1000),
          optime: { ts: member.appliedTs, t: Long.fromNumber(this.set.term) },
          optimeDate: member.appliedWall,
          syncSourceHost: isPrimary ? '' : this.set.primary.host,
          // What this engine adds: is the member's replication paused, and its configured lag.
          replicationPaused: member.paused,
          replicationLagMs: member.lagMs,
          ...(member === this.member ? { self: true } : {}),
        };
      }),
      ok: 1,
    };
  }
}
