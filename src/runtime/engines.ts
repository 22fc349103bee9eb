// Which MongoDB a demo runs against. Every heavy module (the driver, mongodb-memory-server, the
// embedded engine) is loaded with a dynamic import() so that `list`, `show` and `--help` never
// pay for it.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { EmbeddedMongo, EmbeddedMongoOptions } from '../engine/api.js';
import { UserError } from '../cli/errors.js';
import type { ReplicationControl } from './context.js';
import { wireReplicationControl } from './replication.js';

import type { EngineChoice } from './engine-choices.js';
import { maskUri, scrubSecrets, seedHosts, uriProblem } from './connection-string.js';

export { maskUri, scrubSecrets, seedHosts, uriProblem } from './connection-string.js';

export { engineChoices, isEngineChoice } from './engine-choices.js';
export type { EngineChoice } from './engine-choices.js';

export interface MongoEngineHandle {
  /** 'embedded' | 'memory-server' | 'uri' */
  name: string;
  /** Set when the server is a replica set: demos can pause its secondaries. */
  replication?: ReplicationControl;
  /** What the server reports as buildInfo.version. */
  version: string;
  /** mongodb://host:port/ — demos add their own database name. */
  uri: string;
  stop(): Promise<void>;
}

/**
 * An unreachable server must fail fast (within 5 s all told), not after the driver's 30 s default.
 * Loading the driver alone can take most of a second on a busy machine, hence 3 s here.
 */
const reachTimeoutMs = 3_000;

interface EngineModule {
  startEmbeddedMongo(options?: EmbeddedMongoOptions): Promise<EmbeddedMongo>;
}

// A variable specifier: the engine is loaded only when a demo or `engine` runs.
const engineModulePath = '../engine/index.js';

export async function startEmbedded(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const engine = (await import(engineModulePath)) as EngineModule;
  return engine.startEmbeddedMongo(options);
}

async function embeddedEngine(): Promise<MongoEngineHandle> {
  const server = await startEmbedded();
  return { name: 'embedded', version: server.version, uri: server.uri, stop: () => server.close() };
}

/** The embedded engine as a 3-member replica set, test commands on so demos can pause replication. */
async function embeddedReplicaSet(): Promise<MongoEngineHandle> {
  const server = await startEmbedded({ replicaSet: { members: 3 }, enableTestCommands: true });
  const replication = wireReplicationControl(server.uri);
  return {
    name: 'embedded replica set', version: server.version, uri: server.uri, replication,
    stop: async () => { await replication.close(); await server.close(); },
  };
}

/**
 * The engine for a scenario that needs a replica set (transactions, secondaries, change streams):
 * MONGODB_URI when it names a replica set, else the embedded one. A standalone MONGODB_URI or
 * mongodb-memory-server (a single mongod here) cannot serve it, and the error says what to do.
 */
export async function selectReplicaSetEngine(choice: EngineChoice, env: NodeJS.ProcessEnv = process.env): Promise<MongoEngineHandle> {
  const uri = env['MONGODB_URI'];
  if (choice === 'memory-server') {
    throw new UserError('This scenario needs a replica set; --engine memory-server starts a single mongod here.', {
      hint: 'Use --engine embedded (a built-in 3-member replica set), or MONGODB_URI with a replica-set URI and --engine uri.',
    });
  }
  if (choice === 'uri' || (choice === 'auto' && uri)) {
    const handle = await uriEngine(uri);
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(handle.uri, { serverSelectionTimeoutMS: reachTimeoutMs });
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      if (typeof hello['setName'] !== 'string') {
        throw new UserError(`This scenario needs a replica set, and MONGODB_URI (${maskUri(handle.uri)}) is a standalone server.`, {
          hint: 'Point MONGODB_URI at a replica set (mongodb://h1,h2,h3/?replicaSet=rs0; pausing replication needs enableTestCommands=1), or use --engine embedded.',
        });
      }
    } finally {
      await client.close(true).catch(() => undefined);
    }
    const replication = wireReplicationControl(handle.uri);
    return { ...handle, replication, stop: async () => { await replication.close(); await handle.stop(); } };
  }
  return embeddedReplicaSet();
}

/** Resolves with why a TCP connection failed (refused, no such host, no answer), undefined when it opens. */
function tcpProblem(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => { socket.destroy(); resolve(`${host}:${port} did not answer within ${timeoutMs / 1000} s`); });
    socket.once('connect', () => { socket.destroy(); resolve(undefined); });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const meaning = error.code === 'ECONNREFUSED' ? ' (connection refused: nothing listens there)'
        : error.code === 'ENOTFOUND' ? ' (no such host)' : '';
      resolve(`${error.code ?? error.message} ${host}:${port}${meaning}`);
    });
  });
}

/** Why a server could not be used, in words fit to print (no secret in them). */
export interface UriFailure {
  kind: 'malformed' | 'unreachable';
  reason: string;
  hint: string;
}

const unreachableHint = 'Start that server or correct MONGODB_URI; or unset it (or pass --engine embedded) to use the built-in engine.';

class UriFailureError extends Error {
  constructor(readonly failure: UriFailure) {
    super(failure.reason);
  }
}

/** Asks a server for its version, failing within reachTimeoutMs all told when nobody answers. */
async function probeVersion(uri: string): Promise<string> {
  const started = performance.now();
  const malformed = uriProblem(uri);
  if (malformed) throw new UriFailureError({ kind: 'malformed', reason: malformed.problem, hint: malformed.hint });
  // A refused connection is definitive: say so at once instead of letting server selection retry.
  // (Unix socket paths, written with %2F, are left to the driver.)
  const hosts = seedHosts(uri);
  if (hosts.length > 0 && hosts.every(({ host }) => !host.includes('%'))) {
    const problems = await Promise.all(hosts.map(({ host, port }) => tcpProblem(host, port, reachTimeoutMs)));
    if (problems.every((problem) => problem !== undefined)) {
      throw new UriFailureError({ kind: 'unreachable', reason: scrubSecrets(problems.join('; '), uri), hint: unreachableHint });
    }
  }
  const { MongoClient } = await import('mongodb');
  const remainingMs = Math.max(500, Math.round(reachTimeoutMs - (performance.now() - started)));
  let client: InstanceType<typeof MongoClient>;
  try {
    client = new MongoClient(uri, { serverSelectionTimeoutMS: remainingMs, connectTimeoutMS: remainingMs });
  } catch (error) {
    // The driver's own parser is stricter than ours in places; its wording, with secrets removed.
    const reason = scrubSecrets(firstLine(error), uri);
    throw new UriFailureError({ kind: 'malformed', reason, hint: `Correct MONGODB_URI (${reason}); or unset it (or pass --engine embedded) to use the built-in engine.` });
  }
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return typeof info['version'] === 'string' ? info['version'] : 'unknown';
  } catch (error) {
    const detail = scrubSecrets(firstLine(error), uri);
    const reason = error instanceof Error && error.name === 'MongoServerSelectionError'
      ? `it did not answer within ${reachTimeoutMs / 1000} s (last error: ${detail})`
      : detail;
    throw new UriFailureError({ kind: 'unreachable', reason, hint: unreachableHint });
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** Any failure of probeVersion as a UriFailure whose text holds no secret. */
function uriFailureOf(error: unknown, uri: string): UriFailure {
  if (error instanceof UriFailureError) return error.failure;
  return { kind: 'unreachable', reason: scrubSecrets(firstLine(error), uri), hint: unreachableHint };
}

/** The one-line message for a MONGODB_URI that cannot be used. */
export function describeUriFailure(uri: string, failure: UriFailure): string {
  return failure.kind === 'malformed'
    ? `MONGODB_URI is malformed (${maskUri(uri)}): ${failure.reason}.`
    : `Cannot reach MongoDB at ${maskUri(uri)} (MONGODB_URI): ${failure.reason}`;
}

async function uriEngine(uri: string | undefined): Promise<MongoEngineHandle> {
  if (!uri) {
    throw new UserError('--engine uri needs a MONGODB_URI environment variable.', {
      hint: 'e.g. MONGODB_URI=mongodb://127.0.0.1:27017/ backend-scenarios run 24 --engine uri',
    });
  }
  try {
    const version = await probeVersion(uri);
    return { name: 'uri', version, uri, stop: async () => undefined };
  } catch (error) {
    const failure = uriFailureOf(error, uri);
    throw new UserError(describeUriFailure(uri, failure), { hint: failure.hint });
  }
}

export interface MongodBinary {
  path: string;
  /** Where it was found: MONGOMS_SYSTEM_BINARY or mongodb-memory-server's download cache. */
  source: string;
}

/**
 * MONGOMS_SYSTEM_BINARY set to a path that is not there: mongodb-memory-server would neither use
 * it nor download one, so the only useful message names the variable and the path.
 */
export function missingSystemBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const systemBinary = env['MONGOMS_SYSTEM_BINARY'];
  return systemBinary && !existsSync(systemBinary) ? systemBinary : undefined;
}

export function missingSystemBinaryMessage(path: string): string {
  return `MONGOMS_SYSTEM_BINARY points to ${path}, which does not exist`;
}

const missingSystemBinaryHint = 'Fix the path or unset MONGOMS_SYSTEM_BINARY; or use --engine embedded to run offline.';

/** Finds a mongod that mongodb-memory-server could start without downloading anything. */
export async function findMongodBinary(env: NodeJS.ProcessEnv = process.env): Promise<MongodBinary | undefined> {
  const systemBinary = env['MONGOMS_SYSTEM_BINARY'];
  if (systemBinary) {
    return existsSync(systemBinary) ? { path: systemBinary, source: 'MONGOMS_SYSTEM_BINARY' } : undefined;
  }
  try {
    const { DryMongoBinary } = await import('mongodb-memory-server');
    const path = await DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
    return path ? { path, source: 'mongodb-memory-server cache' } : undefined;
  } catch {
    return undefined;
  }
}

async function memoryServerEngine(binary: MongodBinary | undefined, env: NodeJS.ProcessEnv = process.env): Promise<MongoEngineHandle> {
  const missing = missingSystemBinary(env);
  if (missing) throw new UserError(`${missingSystemBinaryMessage(missing)}.`, { hint: missingSystemBinaryHint });
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  let server: InstanceType<typeof MongoMemoryServer>;
  // mongodb-memory-server prints its own failure, stack and all, with console.warn; the user gets
  // ours instead (one line and a hint).
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    server = await MongoMemoryServer.create({
      instance: { ip: '127.0.0.1' },
      ...(binary ? { binary: { systemBinary: binary.path } } : {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
    throw new UserError(`mongodb-memory-server could not start a mongod: ${reason}`, {
      hint: 'It downloads mongod on first use, which needs internet access. Use --engine embedded to run offline.',
    });
  } finally {
    console.warn = warn;
  }
  const uri = server.getUri();
  try {
    const version = await probeVersion(uri);
    return { name: 'memory-server', version, uri, stop: async () => { await server.stop({ doCleanup: true }); } };
  } catch (error) {
    await server.stop({ doCleanup: true }).catch(() => undefined);
    throw error;
  }
}

export type EngineName = 'uri' | 'memory-server' | 'embedded';

/**
 * What `auto` picks, shared by `run` and `doctor`: MONGODB_URI when set (even when it turns out to
 * be unreachable: the user asked for that server); else mongodb-memory-server when a mongod is
 * already on disk (never a download: that would stall offline); else the embedded engine.
 */
export function autoEngineName(env: NodeJS.ProcessEnv, mongodOnDisk: boolean): EngineName {
  if (env['MONGODB_URI']) return 'uri';
  return mongodOnDisk ? 'memory-server' : 'embedded';
}

export async function selectEngine(choice: EngineChoice, env: NodeJS.ProcessEnv = process.env): Promise<MongoEngineHandle> {
  switch (choice) {
    case 'embedded':
      return embeddedEngine();
    case 'uri':
      return uriEngine(env['MONGODB_URI']);
    case 'memory-server':
      return memoryServerEngine(await findMongodBinary(env), env);
    case 'auto': {
      const binary = env['MONGODB_URI'] ? undefined : await findMongodBinary(env);
      switch (autoEngineName(env, binary !== undefined)) {
        case 'uri': return uriEngine(env['MONGODB_URI']);
        case 'memory-server': return memoryServerEngine(binary);
        case 'embedded': return embeddedEngine();
      }
    }
  }
}

export interface EngineAvailability {
  name: EngineName;
  available: boolean;
  /** Why it is (or is not) available, in one line. */
  reason: string;
  /** What to do about it, when it is not available. */
  hint?: string;
  /**
   * Not available because nobody asked for it (no MONGODB_URI, no mongod downloaded): optional, not
   * broken, so `doctor` shows it neutrally. Unset when something configured does not work.
   */
  notConfigured?: boolean;
}

/** What `doctor` prints: each engine, whether `auto` could pick it, and why. */
export async function describeEngines(env: NodeJS.ProcessEnv = process.env): Promise<EngineAvailability[]> {
  const result: EngineAvailability[] = [];
  const uri = env['MONGODB_URI'];
  if (!uri) {
    result.push({ name: 'uri', available: false, notConfigured: true, reason: 'MONGODB_URI is not set' });
  } else {
    try {
      const version = await probeVersion(uri);
      result.push({ name: 'uri', available: true, reason: `${maskUri(uri)} answers as MongoDB ${version}` });
    } catch (error) {
      const failure = uriFailureOf(error, uri);
      result.push({ name: 'uri', available: false, reason: describeUriFailure(uri, failure), hint: failure.hint });
    }
  }
  const binary = await findMongodBinary(env);
  const missing = missingSystemBinary(env);
  result.push(binary
    ? { name: 'memory-server', available: true, reason: `mongod found at ${binary.path} (${binary.source})` }
    : missing
      ? { name: 'memory-server', available: false, reason: missingSystemBinaryMessage(missing), hint: missingSystemBinaryHint }
      : { name: 'memory-server', available: false, notConfigured: true, reason: 'no mongod on disk (set MONGOMS_SYSTEM_BINARY, or run it once online to download one)' });
  try {
    const server = await startEmbedded();
    result.push({ name: 'embedded', available: true, reason: `built in; answers as MongoDB ${server.version}` });
    await server.close();
  } catch (error) {
    result.push({ name: 'embedded', available: false, reason: `failed to start: ${error instanceof Error ? error.message : String(error)}` });
  }
  return result;
}
