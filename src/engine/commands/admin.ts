// Handshake and server-level commands. The hello reply says "standalone, wire version 21":
// no setName (so drivers neither retry writes nor start transactions) and
// logicalSessionTimeoutMinutes (so they attach lsid and send endSessions).
import type { Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { compileFilter } from '../query/matcher.js';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire/messages.js';
import { ENGINE_VERSION, MAX_WIRE_VERSION, MIN_WIRE_VERSION } from '../version.js';
import { isQueryLimit, type QueryLimits } from '../query/limits.js';
import { asNumber, type CommandContext, type CommandHandler } from './context.js';

export function helloReply(cmd: Document, ctx: CommandContext, legacy: boolean): Document {
  return {
    ...(cmd.helloOk === true ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: MIN_WIRE_VERSION,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

const SYSTEM_DATABASES = ['admin', 'config', 'local'];

function dataSize(ctx: CommandContext, dbName?: string): number {
  let total = 0;
  for (const db of ctx.engine.catalog.databases.values()) {
    if (dbName && db.name !== dbName) continue;
    for (const coll of db.collections.values()) total += coll.size * 64;
  }
  return total;
}

export const adminCommands: Record<string, CommandHandler> = {
  hello: (cmd, ctx) => helloReply(cmd, ctx, false),
  isMaster: (cmd, ctx) => helloReply(cmd, ctx, true),
  ismaster: (cmd, ctx) => helloReply(cmd, ctx, true),
  ping: () => ({ ok: 1 }),
  buildInfo: () => ({
    version: ENGINE_VERSION,
    gitVersion: 'backend-scenarios-embedded',
    versionArray: ENGINE_VERSION.split('.').map(Number).concat([0]),
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    javascriptEngine: 'none',
    modules: [],
    ok: 1,
  }),
  buildinfo: (cmd, ctx) => adminCommands.buildInfo!(cmd, ctx),
  getParameter: (cmd, ctx) => {
    const out: Document = { ok: 1 };
    if (cmd.featureCompatibilityVersion !== undefined) out.featureCompatibilityVersion = { version: '7.0' };
    if (cmd.authenticationMechanisms !== undefined) out.authenticationMechanisms = [];
    if (cmd.cursorTimeoutMillis !== undefined) out.cursorTimeoutMillis = ctx.engine.cursors.idleTimeoutMs;
    for (const name of Object.keys(ctx.engine.limits)) {
      if (cmd[name] !== undefined) out[name] = ctx.engine.limits[name as keyof QueryLimits];
    }
    return out;
  },
  // The server parameters the engine honours; mongod answers `was` with the previous value.
  setParameter: (cmd, ctx) => {
    const out: Document = {};
    for (const [name, raw] of Object.entries(cmd)) {
      if (name === 'setParameter' || name.startsWith('$') || name === 'lsid' || name === 'comment') continue;
      const value = asNumber(raw, NaN);
      if (name === 'cursorTimeoutMillis' || isQueryLimit(name)) {
        if (!Number.isInteger(value) || value <= 0) throw new CommandError(2, `Invalid value for parameter ${name}: ${String(raw)}`);
        if (name === 'cursorTimeoutMillis') {
          out.was = ctx.engine.cursors.idleTimeoutMs;
          ctx.engine.cursors.idleTimeoutMs = value;
        } else {
          out.was = ctx.engine.limits[name];
          ctx.engine.limits[name] = value;
        }
        continue;
      }
      throw new CommandError(2, `attempted to set unrecognized parameter [${name}], use help:true to see options`);
    }
    if (!('was' in out)) throw new CommandError(2, 'no option found to set, use help:true to see options');
    return { ...out, ok: 1 };
  },
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  serverStatus: (_cmd, ctx) => ({
    host: `127.0.0.1:${ctx.engine.port}`,
    version: ENGINE_VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor((Date.now() - ctx.engine.startedAt.getTime()) / 1000),
    uptimeMillis: Date.now() - ctx.engine.startedAt.getTime(),
    localTime: new Date(),
    connections: { current: 0, available: 1000 },
    metrics: {
      cursor: {
        timedOut: ctx.engine.cursors.timedOut,
        open: { noTimeout: ctx.engine.cursors.noTimeoutCount, pinned: 0, total: ctx.engine.cursors.size },
      },
    },
    // Not a mongod section: what the embedded engine's open cursors hold, against its bound.
    embeddedEngine: { cursorRetainedBytes: ctx.engine.cursors.retainedBytes, cursorMemoryLimitBytes: ctx.engine.cursors.memoryLimitBytes },
    storageEngine: { name: 'embedded' },
    ok: 1,
  }),
  hostInfo: () => ({ system: { hostname: '127.0.0.1', numCores: 1 }, os: { type: process.platform }, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1:0', ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded'], parsed: {}, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  getFreeMonitoringStatus: () => ({ state: 'disabled', ok: 1 }),
  logout: () => ({ ok: 1 }),
  endSessions: (cmd, ctx) => {
    for (const session of Array.isArray(cmd.endSessions) ? cmd.endSessions : []) {
      const id = (session as { id?: { toString(format: string): string } }).id;
      if (id) ctx.engine.sessions.delete(id.toString('hex'));
    }
    return { ok: 1 };
  },
  killSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  startSession: () => ({ id: { id: crypto.randomUUID() }, timeoutMinutes: 30, ok: 1 }),
  listDatabases: (cmd, ctx) => {
    // A standalone mongod always has admin, config and local (mongosh `show dbs` lists them).
    const names = new Set(SYSTEM_DATABASES);
    for (const db of ctx.engine.catalog.databases.values()) if (db.collections.size > 0) names.add(db.name);
    let databases = [...names].sort().map((name) => ({ name, sizeOnDisk: dataSize(ctx, name) + (SYSTEM_DATABASES.includes(name) ? 8192 : 0), empty: false }));
    if (isPlainObject(cmd.filter)) databases = databases.filter(compileFilter(cmd.filter));
    if (cmd.nameOnly) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
    const totalSize = databases.reduce((sum, d) => sum + d.sizeOnDisk, 0);
    return { databases, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)), ok: 1 };
  },
  dbStats: (_cmd, ctx) => {
    const db = ctx.engine.catalog.existingDb(ctx.dbName);
    let objects = 0;
    let indexes = 0;
    for (const coll of db?.collections.values() ?? []) {
      objects += coll.size;
      indexes += coll.indexes.length;
    }
    return { db: ctx.dbName, collections: db?.collections.size ?? 0, views: 0, objects, indexes, dataSize: objects * 64, ok: 1 };
  },
  // Writes run whole; a read paused between its slices is not listed (the engine keeps no operation table).
  currentOp: () => ({ inprog: [], ok: 1 }),
  killOp: () => ({ info: 'attempting to kill op', ok: 1 }),
  abortTransaction: () => {
    throw new CommandError(20, 'Transaction numbers are only allowed on a replica set member or mongos');
  },
  commitTransaction: () => {
    throw new CommandError(20, 'Transaction numbers are only allowed on a replica set member or mongos');
  },
};
