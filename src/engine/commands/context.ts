import type { Document } from 'bson';
import type { CursorStore } from '../cursors.js';
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
}

export interface CommandContext {
  engine: EngineState;
  dbName: string;
  connectionId: number;
}

export type CommandHandler = (cmd: Document, ctx: CommandContext) => Document;

export function commandNamespace(cmd: Document, name: string, ctx: CommandContext): string {
  return `${ctx.dbName}.${String(cmd[name])}`;
}

export function asNumber(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(typeof value === 'object' ? (value as { toString(): string }).toString() : value);
  return Number.isFinite(n) ? n : fallback;
}
