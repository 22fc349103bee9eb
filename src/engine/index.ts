// Entry point of the embedded MongoDB-compatible engine: a server on 127.0.0.1 that the real
// `mongodb` driver and mongoose talk to over TCP as they would to a standalone mongod 7.0.
import type { EmbeddedMongo, EmbeddedMongoOptions } from './api.js';
import type { EngineState } from './commands/context.js';
import { FailPoints } from './commands/failpoints.js';
import { CURSOR_IDLE_MS, CursorStore } from './cursors.js';
import { defaultQueryLimits } from './query/limits.js';
import { WireServer } from './server.js';
import { inputLimitsFrom } from './wire/input-limits.js';
import { Catalog } from './storage/catalog.js';
import { expireDocuments } from './ttl.js';
import { startReplicaSet } from './replication/start.js';
import { ENGINE_VERSION } from './version.js';

export type { EmbeddedMongo, EmbeddedMongoOptions } from './api.js';

const HOUSEKEEPING_MS = 1000;

/** One server's state: a standalone engine has one, each replica-set member its own. */
function newEngineState(options: EmbeddedMongoOptions): EngineState {
  return {
    catalog: new Catalog(),
    cursors: new CursorStore({ idleTimeoutMs: options.cursorTimeoutMillis, memoryLimitBytes: options.cursorMemoryLimitBytes }),
    port: 0,
    startedAt: new Date(),
    sessions: new Map(),
    failPoints: new FailPoints(),
    testCommandsEnabled: options.enableTestCommands === true,
    profiling: new Map(),
    limits: defaultQueryLimits(),
  };
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  // No authentication: the engine must never be reachable from another machine.
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`the embedded engine only listens on a loopback address, not ${host}`);
  }
  if (options.replicaSet) {
    const started = await startReplicaSet({
      name: options.replicaSet.name ?? 'rs0', members: options.replicaSet.members ?? 3, host, enableTestCommands: options.enableTestCommands === true,
      newState: () => newEngineState(options),
      inputLimits: inputLimitsFrom(options.inputLimits),
    });
    const [, firstPort] = started.control.hosts[0]!.split(':');
    return { uri: started.uri, port: Number(firstPort), version: ENGINE_VERSION, close: started.close, replicaSet: started.control };
  }
  const state = newEngineState(options);
  const server = new WireServer(state, inputLimitsFrom(options.inputLimits));
  const port = await server.listen(options.port ?? 0, host);
  state.port = port;
  const housekeeping = setInterval(() => {
    state.cursors.closeIdle();
    expireDocuments(state.catalog);
  }, Math.max(10, Math.min(HOUSEKEEPING_MS, Math.floor((options.cursorTimeoutMillis ?? CURSOR_IDLE_MS) / 2))));
  housekeeping.unref();
  let closed: Promise<void> | undefined;
  return {
    uri: `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    version: ENGINE_VERSION,
    close(): Promise<void> {
      if (!closed) {
        clearInterval(housekeeping);
        closed = server.close().then(() => {
          state.cursors.clear();
          state.catalog.databases.clear();
        });
      }
      return closed;
    },
  };
}
