// The embedded engine's public surface, the only thing the runtime and the CLI import from
// src/engine. Everything else in this folder is internal to the server.

export interface EmbeddedMongoOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Always a loopback address; default 127.0.0.1. */
  host?: string;
  /** Idle cursors close after this long, as mongod's cursorTimeoutMillis (default 600000, 10 minutes). */
  cursorTimeoutMillis?: number;
  /** Bytes all open cursors may hold beyond the stored documents (default 256 MiB). */
  cursorMemoryLimitBytes?: number;
}

export interface EmbeddedMongo {
  /** mongodb://127.0.0.1:PORT/ */
  uri: string;
  port: number;
  /** The MongoDB version the engine answers as (buildInfo.version), e.g. "7.0.0". */
  version: string;
  /** Stops listening, destroys every client socket, frees all data. */
  close(): Promise<void>;
}
