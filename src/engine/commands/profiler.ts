// The database profiler (`profile` command, `system.profile` collection): with level 1 every
// operation slower than slowms is recorded, with level 2 every operation, each with the work its
// plan really did (keysExamined, docsExamined, planSummary) — what a "find the slow query" demo reads.
import type { Document } from 'bson';
import { formatValue } from '../bson/format.js';
import { planObserver } from '../query/planner.js';
import type { PlanStage } from '../query/stages.js';
import type { EngineState } from './context.js';
import { prepareInsert } from './write.js';

export interface ProfileSettings {
  level: number;
  slowms: number;
}

const DEFAULT_SLOW_MS = 100;

const OPS: Record<string, string> = {
  find: 'query',
  aggregate: 'command',
  count: 'command',
  distinct: 'command',
  findAndModify: 'command',
  insert: 'insert',
  update: 'update',
  delete: 'remove',
  getMore: 'getmore',
};

export function profileCommand(cmd: Document, dbName: string, engine: EngineState): Document {
  const current = engine.profiling.get(dbName) ?? { level: 0, slowms: DEFAULT_SLOW_MS };
  const reply = { was: current.level, slowms: current.slowms, sampleRate: 1, ok: 1 };
  const level = Number(cmd.profile);
  if (level !== -1) {
    engine.profiling.set(dbName, {
      level: Math.max(0, Math.min(2, level)),
      slowms: cmd.slowms === undefined ? current.slowms : Number(cmd.slowms),
    });
  }
  return reply;
}

function planSummary(roots: PlanStage[]): string {
  const found: string[] = [];
  const walk = (stage: PlanStage): void => {
    if (stage.stage === 'COLLSCAN' || stage.stage === 'IDHACK') found.push(stage.stage);
    if (stage.stage === 'IXSCAN') {
      const key = (stage.describe().keyPattern ?? {}) as Record<string, unknown>;
      found.push(`IXSCAN ${formatValue(key)}`);
    }
    for (const child of stage.children) walk(child);
  };
  roots.forEach(walk);
  return [...new Set(found)].join(', ');
}

/** Runs `execute` and records it in system.profile when the database's profiling level asks for it. */
export function profiled(
  name: string,
  cmd: Document,
  dbName: string,
  engine: EngineState,
  execute: () => Document | Promise<Document>,
): Document | Promise<Document> {
  const settings = engine.profiling.get(dbName);
  const collName = String(cmd[name] ?? '');
  if (!settings || settings.level === 0 || !(name in OPS) || collName === 'system.profile') return execute();
  const roots: PlanStage[] = [];
  const previous = planObserver.roots;
  planObserver.roots = roots;
  const started = performance.now();
  let reply: Document | Promise<Document>;
  try {
    // Plans are built before a read's first yield, so the synchronous part collects them all.
    reply = execute();
  } finally {
    planObserver.roots = previous;
  }
  if (reply instanceof Promise) return reply.then((done) => record(done, settings, name, cmd, dbName, engine, roots, started));
  return record(reply, settings, name, cmd, dbName, engine, roots, started);
}

function record(
  reply: Document,
  settings: ProfileSettings,
  name: string,
  cmd: Document,
  dbName: string,
  engine: EngineState,
  roots: PlanStage[],
  started: number,
): Document {
  const millis = performance.now() - started;
  if (settings.level === 2 || millis >= settings.slowms) {
    let keysExamined = 0;
    let docsExamined = 0;
    for (const root of roots) {
      const t = root.totals();
      keysExamined += t.keys;
      docsExamined += t.docs;
    }
    const { lsid: _lsid, $clusterTime: _ct, $readPreference: _rp, ...command } = cmd;
    const cursor = reply.cursor as { firstBatch?: unknown[]; nextBatch?: unknown[] } | undefined;
    const entry: Document = {
      op: OPS[name],
      ns: `${dbName}.${name === 'getMore' ? String(cmd.collection) : String(cmd[name] ?? '')}`,
      command,
      keysExamined,
      docsExamined,
      ...(cursor ? { nreturned: (cursor.firstBatch ?? cursor.nextBatch ?? []).length } : {}),
      ...(typeof reply.n === 'number' ? { ninserted: name === 'insert' ? reply.n : undefined } : {}),
      millis: Math.round(millis),
      planSummary: planSummary(roots),
      ok: reply.ok,
      ts: new Date(),
      client: '127.0.0.1',
      user: '',
    };
    if (entry.ninserted === undefined) delete entry.ninserted;
    const profile = engine.catalog.db(dbName).getOrCreate('system.profile');
    try {
      profile.insert(prepareInsert(entry));
    } catch {
      // An entry is a document too (16 MiB, 180 levels): a huge or deep command is recorded
      // truncated, as mongod does, and profiling never fails the command it records.
      profile.insert(prepareInsert({ ...entry, command: { $truncated: `${name} on ${String(entry.ns)}` } }));
    }
  }
  return reply;
}
