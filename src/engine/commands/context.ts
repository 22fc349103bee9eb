import type { Document } from 'bson';
import type { CursorStore } from '../cursors.js';
import type { QueryLimits } from '../query/limits.js';
import type { Catalog } from '../storage/catalog.js';
import type { FailPoints } from './failpoints.js';

export interface EngineState {
  catalog: Catalog;
  cursors: CursorStore;
  port: number;
  startedAt: Date;
  /** Logical session ids seen in `lsid`, for $listLocalSessions. */
  sessions: Map<string, unknown>;
  failPoints: FailPoints;
  /** mongod's enableTestCommands: without it `configureFailPoint` does not exist (59). */
  testCommandsEnabled: boolean;
  /** Profiling level and slowms per database (the `profile` command). */
  profiling: Map<string, { level: number; slowms: number }>;
  /** mongod's query memory and size limits (server parameters). */
  limits: QueryLimits;
}

export interface CommandContext {
  engine: EngineState;
  dbName: string;
  connectionId: number;
}

/** Reads that yield return a promise; everything else, writes included, answers synchronously. */
export type CommandHandler = (cmd: Document, ctx: CommandContext) => Document | Promise<Document>;

export function commandNamespace(cmd: Document, name: string, ctx: CommandContext): string {
  return `${ctx.dbName}.${String(cmd[name])}`;
}

export function asNumber(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(typeof value === 'object' ? (value as { toString(): string }).toString() : value);
  return Number.isFinite(n) ? n : fallback;
}

/** mongod spills a large blocking sort to disk unless the client says allowDiskUse: false. */
export function sortMemoryLimit(ctx: CommandContext, allowDiskUse: unknown): { sortMemoryLimitBytes?: number } {
  return allowDiskUse === false ? { sortMemoryLimitBytes: ctx.engine.limits.internalQueryMaxBlockingSortMemoryUsageBytes } : {};
}
