// Routes a command document to its handler, the way mongod does: the first field names the
// command, `$db` the database. A handler runs synchronously from start to finish, which is what
// makes every command atomic with respect to every other connection.
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

export function runCommand(
  cmd: Document,
  dbName: string,
  engine: EngineState,
  connectionId: number,
): Document | typeof CLOSE_CONNECTION | DeferredReply {
  const name = Object.keys(cmd)[0];
  try {
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
      const app = (cmd.client as { application?: { name?: unknown } } | undefined)?.application?.name;
      if (typeof app === 'string') engine.failPoints.appNames.set(connectionId, app);
    }
    if (name === 'configureFailPoint') return engine.failPoints.configure(cmd);
    const effect = name === undefined ? undefined : engine.failPoints.intercept(name, connectionId);
    const finish = (): Document | typeof CLOSE_CONNECTION => {
      if (effect?.close) return CLOSE_CONNECTION;
      if (effect?.reply) return effect.reply;
      const reply = execute(cmd, name, dbName, engine, connectionId);
      return effect?.extra ? { ...reply, ...effect.extra } : reply;
    };
    if (effect?.blockMs) return { delayMs: effect.blockMs, produce: finish };
    return finish();
  } catch (error) {
    if (error instanceof CommandError) return error.toReply();
    const message = error instanceof Error ? error.message : String(error);
    return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
  }
}

/** Runs a command without fail points (a replica-set member applies those itself, around sessions). */
export function executeCommand(cmd: Document, dbName: string, engine: EngineState, connectionId: number): Document {
  return execute(cmd, Object.keys(cmd)[0], dbName, engine, connectionId);
}

function execute(cmd: Document, name: string | undefined, dbName: string, engine: EngineState, connectionId: number): Document {
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
      return profiled(name, cmd, dbName, engine, () => handler(cmd, ctx));
    } finally {
      executionDeadline.at = 0;
    }
  } catch (error) {
    if (error instanceof CommandError) return error.toReply();
    const message = error instanceof Error ? error.message : String(error);
    return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
  }
}
