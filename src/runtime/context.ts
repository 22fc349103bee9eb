// What a demo receives. Types only: scenario files import this with `import type`, and get the
// heavy libraries (mongoose, express) as values through the context, so that loading a scenario
// file for `list` or `show` never loads them.
import type { Connection, Mongoose } from 'mongoose';
import type express from 'express';
import type { Express } from 'express';
import type { CheckRole, JsonValue } from './report.js';
import type { Redis } from 'ioredis';
import type { Server } from 'node:http';

export type ExpressModule = typeof express;

/** An Express app listening on 127.0.0.1 on an ephemeral port; closed by the runtime at the end. */
export interface ServedApp {
  /** e.g. http://127.0.0.1:53211 */
  url: string;
  port: number;
  /** Send one request; never rejects on HTTP status, only on network failure or timeout. */
  request(options: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
  /**
   * The http.Server itself, for a demo whose subject is the server's own life cycle (scenario 40
   * hands it to the learner's SIGTERM handler and watches its connections). Others never need it.
   */
  server: Server;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Give up after this long and resolve with `timedOut: true` (default 5 000 ms). */
  timeoutMs?: number;
}

export interface HttpResponse {
  /** 0 when no response arrived (timed out or connection failed). */
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body when the response was JSON, else the text. */
  body: unknown;
  text: string;
  /** Size of the body in bytes as received. */
  bytes: number;
  durationMs: number;
  timedOut: boolean;
  /** Set-Cookie headers, one entry each (fetch folds them otherwise). */
  setCookies: string[];
}

export interface RedisHandle {
  client: Redis;
  /** 'Redis 7.0 at 127.0.0.1:6390' (REDIS_URL) or 'in-memory (ioredis-mock)' */
  name: string;
}

/**
 * What a step's checks prove, so the output can tell a reproduced bug (drawn as a bug) from a fix
 * that holds and from a demo that misbehaved. A check always states what the step expects to see;
 * `shows` says whether that expectation is the failure or the cure.
 */
export interface StepOptions {
  /** 'failure': the checks reproduce the bug; 'fix': they prove the cure; 'context': neither (setup, a measurement). */
  shows: 'failure' | 'fix' | 'context';
  /** Beyond the textbook answer: what a senior adds. */
  senior?: boolean;
}

export interface ObserveOptions {
  /** The figure's unit: 'ms', 's', 'bytes', '%', '×' (a ratio) or any word ('docs', 'requests'). */
  unit?: string;
}

/** A child process a demo started (execa's or node:child_process's both fit). */
export interface TrackedProcess {
  pid?: number | undefined;
  kill(signal?: NodeJS.Signals | number): boolean;
}

export interface CheckMeta {
  id?: string;
  observed?: JsonValue;
  role?: CheckRole;
  level?: 'core' | 'senior';
}

/** Present when the demo runs on a replica set (see ScenarioDefinition.requires). */
export interface ReplicationControl {
  /** Every secondary stops applying the primary's writes (reads from it go stale) until resume(). */
  pause(): Promise<void>;
  /** Secondaries catch up on everything they missed. */
  resume(): Promise<void>;
}

export interface DemoContext {
  /** The mongoose module itself, for Schema, Types, isValidObjectId and the like. */
  mongoose: Mongoose;
  /** A connection to a fresh database of its own on the selected engine. Define models on it. */
  db: Connection;
  /** The express module (call it to make an app; express.json() etc. hang off it). */
  express: ExpressModule;
  /** Serve an app on 127.0.0.1:0; the runtime closes it when the demo ends, whatever happens. */
  serve(app: Express): Promise<ServedApp>;
  /** Fire the same request factory n times at once and wait for all of them. */
  concurrently<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]>;

  /** A numbered step of the story; observations and checks made inside belong to it. */
  step(title: string, body: () => Promise<void>, options?: StepOptions): Promise<void>;
  /**
   * Record and print one measured figure of the current step. Returns the value for chaining.
   *
   * Units: `ctx.observe('median', 13, { unit: 'ms' })` prints `median: 13 ms`; `{ unit: '×' }` prints
   * `9.3×`. Without `unit`, a label whose last word is a unit and whose value is a number gives the
   * unit: `observe('median ms', 13)` prints the same `median: 13 ms` (recognised: ms, s, min, bytes,
   * B, KiB, MiB, %, ×; a trailing parenthesis is kept: "skip http ms (median of 3)"). Numbers from
   * 10 000 up are grouped in thousands (`20 000`), except when the label names a port, code or id.
   * The unit is recorded in the report (`StepReport.units`); the value itself stays a plain number.
   *
   * The end-of-run summary pairs figures by label: the same label observed in a failure step and in
   * a later fix step prints as a before/after (`documents 5 → 1`), so give the two the same label.
   */
  observe<T extends JsonValue>(label: string, value: T, options?: ObserveOptions): T;
  /**
   * Record and print a claim and whether it held. A failed check fails the demo's exit code.
   * `meta` (used by the exercise runtime) gives the check its id and figure, and may override the
   * role and level the step would give it.
   */
  check(claim: string, passed: boolean, detail?: string, meta?: CheckMeta): boolean;
  /** Print a line of narration (what is about to happen, why). */
  say(text: string): void;
  /** Print a block of code with highlighting. */
  showCode(title: string, code: string, language?: 'ts' | 'js' | 'json' | 'bash' | 'text'): void;

  /** Redis: real one when REDIS_URL is set, in-memory otherwise. Closed by the runtime. */
  redis(): Promise<RedisHandle>;
  /**
   * A fresh temporary directory (mode 0700) removed at the end, and by a forced exit (second Ctrl-C);
   * one left behind by a killed run is swept by the next run. Write secrets in it with mode 0600.
   */
  tempDir(): Promise<string>;
  /**
   * Registers a child process the demo started, so that a forced exit (second Ctrl-C) kills it too:
   * `const child = ctx.trackProcess(execa(...))`. The demo still awaits and ends it normally.
   */
  trackProcess<T extends TrackedProcess>(child: T): T;
  /** Register cleanup to run at the end (reverse order), even on error, timeout or Ctrl-C. */
  defer(cleanup: () => Promise<void> | void): void;
  /** Aborted when the demo times out or the user presses Ctrl-C. */
  signal: AbortSignal;
  /**
   * Replication on a replica set: pause and resume the secondaries (a stale read made certain,
   * not waited for). Undefined on a standalone server; a scenario that needs it declares
   * `requires: { replicaSet: true }` and then always gets it.
   */
  replication: ReplicationControl | undefined;
  /** Which engine runs the demo, for narration only: a demo must not behave differently on it. */
  engine: { name: string; version: string };
}
