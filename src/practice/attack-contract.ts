// What an exercise's attack.ts is written against. Types and one identity helper only: attack.ts
// is imported by `run`, `verify` and the author check, never by `list` or `show`, but it must
// still get mongoose and express as values through the context, like every scenario.
import type { Connection } from 'mongoose';
import type { CheckSpec } from '../scenario/contract.js';
import type { DemoContext, ObserveOptions, ServedApp } from '../runtime/context.js';
import type { JsonValue } from '../runtime/report.js';

/** The checks an attack can make, by id. */
export type CheckTable = Record<string, CheckSpec>;

/**
 * The learner's code file, as the attack sees it. `start(deps)` imports nothing new: the module
 * was loaded before the attack began; it calls the module's `createApp(deps)`, waits (bounded)
 * for the app it resolves to, and serves it on an ephemeral port. Requests through the returned
 * ServedApp that time out are collected and named in the report.
 */
export interface AttackTarget {
  /** The file's path as the learner knows it (for narration). */
  file: string;
  /** What kind of file runs: the starter, a trap, the reference solution, or the learner's own. */
  kind: 'starter' | 'trap' | 'solution' | 'user';
  start(deps: Record<string, unknown>): Promise<ServedApp>;
  /**
   * Everything the code file exports, for exercises whose learner writes more than the app (e.g. a
   * migration the deploy runs: `target.exports.runMigration`). Every code file of a folder exports
   * the same names (the author check compares them), so the attack can rely on the solution's.
   */
  exports: Readonly<Record<string, unknown>>;
}

/**
 * Each of the next `racers` requests is held just after its first database read until every one
 * of them has read (or has answered without reading), bounded by `boundMs`. Installed at the
 * connection the attack hands to the learner, so the race window is certain without a line of
 * the learner's code knowing.
 */
export interface ReadBarrier {
  /** How many of the held requests' first reads found nothing (findOne → null, exists → null, count → 0). */
  readonly foundNothing: number;
  /** How many requests read at least once. */
  readonly read: number;
}

/**
 * The next write (a query update or a save) made while serving a request is held before it reaches
 * the database until `release()`: the attack sends another request into that window. Bounded: a hold
 * nobody releases lets the write through after `boundMs`.
 */
export interface WriteHold {
  /** Resolves true once a request's write is being held, false if none came within the bound. */
  reached(): Promise<boolean>;
  release(): void;
}

/** One read a request made through Mongoose, as the query stood when it was sent. */
export interface RecordedQuery {
  op: string;
  model: string;
  filter: Record<string, unknown>;
  projection: Record<string, unknown> | null;
  sort: Record<string, unknown> | null;
  skip: number | null;
  limit: number | null;
}

/** The reads requests made since `recordQueries()`, in order: an attack explains them or counts them. */
export interface QueryLog {
  readonly queries: RecordedQuery[];
}

export interface AttackContext extends Pick<DemoContext, 'mongoose' | 'express' | 'concurrently' | 'say' | 'redis' | 'defer' | 'signal' | 'tempDir' | 'replication'> {
  /** A fresh database of this target's own; its models are the learner's. */
  db: Connection;
  /** Record a figure of the current step (with its unit: `{ unit: 'ms' }`, see DemoContext.observe). */
  observe<T extends JsonValue>(label: string, value: T, options?: ObserveOptions): T;
  /** The verdict of one check of the table, with the figure it compared. */
  check(id: string, passed: boolean, observed: JsonValue, detail?: string): boolean;
  /** Arms the read barrier for the next `racers` requests (see ReadBarrier). */
  holdReads(racers: number, boundMs: number): ReadBarrier;
  /** Records the reads requests make from now on (find, findOne, countDocuments), replacing any earlier log. */
  recordQueries(): QueryLog;
  /** Holds the next write a request makes until released (see WriteHold). */
  holdNextWrite(boundMs: number): WriteHold;
  /**
   * Mongoose's automatic index builds (autoIndex, started when a model compiles) are held until
   * this is called, so requests that arrive right after start-up always beat an index nobody
   * awaited: the deploy race, made certain. An explicit `await Model.init()` or
   * `createIndexes()` is never held. Returns the outcome of every held build.
   */
  releaseAutomaticIndexBuilds(): Promise<Array<{ model: string; error: { code?: number; message: string } | null }>>;
}

export interface AttackDefinition<Checks extends CheckTable = CheckTable> {
  checks: Checks;
  /** Hold automatic index builds until the attack releases them (see AttackContext). */
  holdAutomaticIndexBuilds?: boolean;
  /** Upper bound for one code file's run, in ms (default 10 000). */
  timeoutMs?: number;
  /** Narration said once before the first code file runs (what the attack controls and why). */
  preamble?: string;
  run(ctx: AttackContext, target: AttackTarget): Promise<void>;
}

/** Identity helper: gives attack.ts its types. */
export function defineAttack<Checks extends CheckTable>(definition: AttackDefinition<Checks>): AttackDefinition<Checks> {
  return definition;
}
