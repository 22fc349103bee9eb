// The embedded engine's public surface, the only thing the runtime and the CLI import from
// src/engine. Everything else in this folder is internal to the server.
import type { ReplicaSetControl } from './replication/start.js';

export type { ReplicaSetControl };

export interface EmbeddedMongoOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Always a loopback address; default 127.0.0.1. */
  host?: string;
  /**
   * Start a replica set instead of a standalone server: `members` engines on as many loopback
   * ports (default 3), member 0 primary, secondaries applying the oplog (pausable, with lag).
   */
  replicaSet?: { name?: string; members?: number };
  /** Idle cursors close after this long, as mongod's cursorTimeoutMillis (default 600000, 10 minutes). */
  cursorTimeoutMillis?: number;
  /** Bytes all open cursors may hold beyond the stored documents (default 256 MiB). */
  cursorMemoryLimitBytes?: number;
  /**
   * Accept test-only commands (`configureFailPoint`), as mongod does with
   * `--setParameter enableTestCommands=1`. Off by default: without it `configureFailPoint`
   * answers 59 CommandNotFound, so no client can make another client's commands fail. In
   * replica-set mode it also enables rsSyncApplyStop (pause a secondary) and onPrimaryTransactionalWrite.
   */
  enableTestCommands?: boolean;
  /** Bounds on what clients may make the server hold; defaults in `wire/input-limits.ts`. */
  inputLimits?: Partial<InputLimits>;
}

export interface InputLimits {
  /** A message must arrive whole within this many ms of its first byte, or the connection is closed. */
  incompleteMessageTimeoutMs: number;
  /** Bytes of not-yet-whole messages held across all connections; a connection that would exceed it is closed. */
  maxBufferedInputBytes: number;
}

export interface EmbeddedMongo {
  /** mongodb://127.0.0.1:PORT/ */
  uri: string;
  port: number;
  /** The MongoDB version the engine answers as (buildInfo.version), e.g. "7.0.0". */
  version: string;
  /** Stops listening, destroys every client socket, frees all data. */
  close(): Promise<void>;
  /** Present in replica-set mode: the members and the hooks that make lag certain. */
  replicaSet?: ReplicaSetControl;
}
