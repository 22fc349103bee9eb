// Which MongoDB a demo runs against. Every heavy module (the driver, mongodb-memory-server, the
// embedded engine) is loaded with a dynamic import() so that `list`, `show` and `--help` never
// pay for it.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { EmbeddedMongo, EmbeddedMongoOptions } from '../engine/api.js';
import { UserError } from '../cli/errors.js';

import type { EngineChoice } from './engine-choices.js';

export { engineChoices, isEngineChoice } from './engine-choices.js';
export type { EngineChoice } from './engine-choices.js';

export interface MongoEngineHandle {
  /** 'embedded' | 'memory-server' | 'uri' */
  name: string;
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

/** Hides the password (and the user name) of a connection string before it is printed. */
export function maskUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)([^@/]+)@/i, (_all, scheme: string, credentials: string) => {
    const masked = credentials.includes(':') ? '***:***' : '***';
    return `${scheme}${masked}@`;
  });
}

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

/** host:port pairs of a mongodb:// URI (not +srv, whose hosts come from DNS). */
export function seedHosts(uri: string): Array<{ host: string; port: number }> {
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(uri);
  if (!match) return [];
  return match[1]!.split(',').map((entry) => {
    const ipv6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (ipv6) return { host: ipv6[1]!, port: Number(ipv6[2] ?? 27017) };
    const [host = '', port] = entry.split(':');
    return { host, port: Number(port ?? 27017) };
  });
}

/** Resolves with an error message when a TCP connection is refused or times out, undefined when it opens. */
function tcpProblem(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => { socket.destroy(); resolve(`no answer from ${host}:${port} within ${timeoutMs / 1000} s`); });
    socket.once('connect', () => { socket.destroy(); resolve(undefined); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`${error.code ?? error.message} ${host}:${port}`));
  });
}

/** Asks a server for its version, failing within reachTimeoutMs all told when nobody answers. */
async function probeVersion(uri: string): Promise<string> {
  const started = performance.now();
  // A refused connection is definitive: say so at once instead of letting server selection retry.
  const hosts = seedHosts(uri);
  if (hosts.length > 0) {
    const problems = await Promise.all(hosts.map(({ host, port }) => tcpProblem(host, port, reachTimeoutMs)));
    if (problems.every((problem) => problem !== undefined)) throw new Error(problems.join('; '));
  }
  const { MongoClient } = await import('mongodb');
  const remainingMs = Math.max(500, Math.round(reachTimeoutMs - (performance.now() - started)));
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: remainingMs, connectTimeoutMS: remainingMs });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return typeof info['version'] === 'string' ? info['version'] : 'unknown';
  } finally {
    await client.close(true).catch(() => undefined);
  }
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
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(`Cannot reach MongoDB at ${maskUri(uri)} (MONGODB_URI): ${maskUri(reason ?? '')}`, {
      hint: 'Start that server or correct MONGODB_URI; or unset it (or pass --engine embedded) to use the built-in engine.',
    });
  }
}

export interface MongodBinary {
  path: string;
  /** Where it was found: MONGOMS_SYSTEM_BINARY or mongodb-memory-server's download cache. */
  source: string;
}

/** Finds a mongod that mongodb-memory-server could start without downloading anything. */
export async function findMongodBinary(): Promise<MongodBinary | undefined> {
  const systemBinary = process.env['MONGOMS_SYSTEM_BINARY'];
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

async function memoryServerEngine(binary: MongodBinary | undefined): Promise<MongoEngineHandle> {
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

/**
 * auto: MONGODB_URI when set; else mongodb-memory-server when a mongod is already on disk
 * (never a download: that would stall offline); else the embedded engine, which always works.
 */
export async function selectEngine(choice: EngineChoice, env: NodeJS.ProcessEnv = process.env): Promise<MongoEngineHandle> {
  switch (choice) {
    case 'embedded':
      return embeddedEngine();
    case 'uri':
      return uriEngine(env['MONGODB_URI']);
    case 'memory-server':
      return memoryServerEngine(await findMongodBinary());
    case 'auto': {
      if (env['MONGODB_URI']) return uriEngine(env['MONGODB_URI']);
      const binary = await findMongodBinary();
      if (binary) return memoryServerEngine(binary);
      return embeddedEngine();
    }
  }
}

export interface EngineAvailability {
  name: 'uri' | 'memory-server' | 'embedded';
  available: boolean;
  /** Why it is (or is not) available, in one line. */
  reason: string;
}

/** What `doctor` prints: each engine, whether `auto` could pick it, and why. */
export async function describeEngines(env: NodeJS.ProcessEnv = process.env): Promise<EngineAvailability[]> {
  const result: EngineAvailability[] = [];
  const uri = env['MONGODB_URI'];
  if (!uri) {
    result.push({ name: 'uri', available: false, reason: 'MONGODB_URI is not set' });
  } else {
    try {
      const version = await probeVersion(uri);
      result.push({ name: 'uri', available: true, reason: `${maskUri(uri)} answers as MongoDB ${version}` });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      result.push({ name: 'uri', available: false, reason: `${maskUri(uri)} is unreachable: ${maskUri(reason ?? '')}` });
    }
  }
  const binary = await findMongodBinary();
  result.push(binary
    ? { name: 'memory-server', available: true, reason: `mongod found at ${binary.path} (${binary.source})` }
    : { name: 'memory-server', available: false, reason: 'no mongod on disk (set MONGOMS_SYSTEM_BINARY, or run it once online to download one)' });
  try {
    const server = await startEmbedded();
    result.push({ name: 'embedded', available: true, reason: `built in; answers as MongoDB ${server.version}` });
    await server.close();
  } catch (error) {
    result.push({ name: 'embedded', available: false, reason: `failed to start: ${error instanceof Error ? error.message : String(error)}` });
  }
  return result;
}
