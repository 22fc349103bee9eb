// Routes a command document to its handler, the way mongod does: the first field names the
// command, `$db` the database. A write handler runs synchronously from start to finish, which is
// what makes every write atomic with respect to every other connection. Long reads (find,
// getMore, aggregate, count, distinct) return a promise and yield between slices (see
// query/yielding.ts); a connection's next command waits for its previous one, as on mongod.
import type { Document } from 'bson';
import { CommandError } from '../errors.js';
import { adminCommands } from './admin.js';
import { aggregateCommands } from './aggregate.js';
import { collectionCommands } from './collections.js';
import type { CommandContext, CommandHandler, EngineState } from './context.js';
import { explainCommands, explainCommand } from './explain.js';
import { readCommands } from './read.js';
import { writeCommands } from './write.js';
import { CLOSE_CONNECTION, type DeferredReply } from './failpoints.js';
import { profileCommand, profiled } from './profiler.js';
import { executionDeadline } from '../query/stages.js';

export { CLOSE_CONNECTION };
export type { DeferredReply };

const HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    ...adminCommands,
    ...collectionCommands,
    ...readCommands,
    ...writeCommands,
    ...aggregateCommands,
    ...explainCommands,
  }),
);

const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit'];

export type CommandReply = Document | typeof CLOSE_CONNECTION | DeferredReply;

/** The unfinished command of each connection, per engine. */
const inFlight = new WeakMap<EngineState, Map<number, Promise<CommandReply>>>();

export function runCommand(cmd: Document, dbName: string, engine: EngineState, connectionId: number): CommandReply | Promise<CommandReply> {
  let running = inFlight.get(engine);
  if (!running) {
    running = new Map();
    inFlight.set(engine, running);
  }
  const previous = running.get(connectionId);
  const reply = previous ? previous.then(() => runCommandNow(cmd, dbName, engine, connectionId)) : runCommandNow(cmd, dbName, engine, connectionId);
  if (reply instanceof Promise) {
    const table = running;
    table.set(connectionId, reply);
    const settle = (): void => {
      if (table.get(connectionId) === reply) table.delete(connectionId);
    };
    reply.then(settle, settle);
  }
  return reply;
}

function errorReply(error: unknown): Document {
  if (error instanceof CommandError) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
}

function runCommandNow(cmd: Document, dbName: string, engine: EngineState, connectionId: number): CommandReply | Promise<CommandReply> {
  const name = Object.keys(cmd)[0];
  try {
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
      const app = (cmd.client as { application?: { name?: unknown } } | undefined)?.application?.name;
      if (typeof app === 'string') engine.failPoints.appNames.set(connectionId, app);
    }
    // Without enableTestCommands mongod has no such command: it falls through to 59 below.
    if (name === 'configureFailPoint' && engine.testCommandsEnabled) return engine.failPoints.configure(cmd);
    const effect = name === undefined ? undefined : engine.failPoints.intercept(name, connectionId);
    const finish = (): Document | typeof CLOSE_CONNECTION | Promise<Document> => {
      if (effect?.close) return CLOSE_CONNECTION;
      if (effect?.reply) return effect.reply;
      const reply = execute(cmd, name, dbName, engine, connectionId);
      const extra = effect?.extra;
      if (!extra) return reply;
      return reply instanceof Promise ? reply.then((done) => ({ ...done, ...extra })) : { ...reply, ...extra };
    };
    if (effect?.blockMs) return { delayMs: effect.blockMs, produce: finish };
    return finish();
  } catch (error) {
    return errorReply(error);
  }
}

/** Runs a command without fail points (a replica-set member applies those itself, around sessions). */
export function executeCommand(cmd: Document, dbName: string, engine: EngineState, connectionId: number): Document | Promise<Document> {
  return execute(cmd, Object.keys(cmd)[0], dbName, engine, connectionId);
}

function execute(cmd: Document, name: string | undefined, dbName: string, engine: EngineState, connectionId: number): Document | Promise<Document> {
  try {
    if (name === undefined) throw new CommandError(59, 'no such command: ""');
    // A standalone mongod has no transactions and no retryable writes.
    if (TRANSACTION_FIELDS.some((f) => f in cmd)) {
      throw new CommandError(20, 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    const lsid = cmd.lsid as { id?: { toString(format?: string): string } } | undefined;
    if (lsid?.id && engine.sessions.size < 10_000) engine.sessions.set(lsid.id.toString('hex'), lsid.id);
    const handler = name === 'profile' ? () => ({}) : HANDLERS.get(name);
    if (!handler) throw new CommandError(59, `no such command: '${name}'`);
    const ctx: CommandContext = { engine, dbName, connectionId };
    if (name === 'aggregate' && cmd.explain === true) {
      const { explain: _explain, ...inner } = cmd;
      return explainCommand({ explain: inner, verbosity: 'queryPlanner' }, ctx);
    }
    if (name === 'profile') return profileCommand(cmd, dbName, engine);
    const maxTimeMS = Number(cmd.maxTimeMS ?? 0);
    if (maxTimeMS > 0) executionDeadline.at = performance.now() + maxTimeMS;
    try {
      // A read that yields captures the deadline before its first await (currentReadOperation).
      const reply = profiled(name, cmd, dbName, engine, () => handler(cmd, ctx));
      return reply instanceof Promise ? reply.catch(errorReply) : reply;
    } finally {
      executionDeadline.at = 0;
    }
  } catch (error) {
    return errorReply(error);
  }
}
