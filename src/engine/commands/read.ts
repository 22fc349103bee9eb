// find, getMore, killCursors, count, distinct.
import { Long, type Document } from 'bson';
import { keyString } from '../bson/order.js';
import { isPlainObject, valuesAtPath } from '../bson/paths.js';
import { CommandError, executorError } from '../errors.js';
import { evaluateLet, normaliserFor } from '../query/matcher.js';
import { planQuery } from '../query/planner.js';
import { runAggregate } from './aggregate.js';
import { findAsPipeline, resolveView } from './views.js';
import { currentReadOperation, drainYielding } from '../query/yielding.js';
import { asNumber, sortMemoryLimit, type CommandContext, type CommandHandler } from './context.js';

function optionalObject(cmd: Document, field: string): Record<string, unknown> | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new CommandError(14, `BSON field 'FindCommandRequest.${field}' is the wrong type '${Array.isArray(value) ? 'array' : typeof value}', expected type 'object'`);
  return value;
}

export function findRequest(cmd: Document): {
  filter?: Record<string, unknown>;
  sort?: Record<string, unknown>;
  projection?: Record<string, unknown>;
  skip: number;
  limit: number;
  hint?: unknown;
  batchSize?: number;
  singleBatch: boolean;
  variables?: Record<string, unknown>;
  collation?: Record<string, unknown>;
  allowDiskUse?: boolean;
  noCursorTimeout: boolean;
} {
  const skip = asNumber(cmd.skip, 0);
  let limit = asNumber(cmd.limit, 0);
  if (skip < 0) throw new CommandError(51024, `BSON field 'skip' value must be >= 0, actual value '${skip}'`);
  let singleBatch = cmd.singleBatch === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = cmd.batchSize === undefined ? undefined : asNumber(cmd.batchSize, 101);
  if (batchSize !== undefined && batchSize < 0) throw new CommandError(51024, `BSON field 'batchSize' value must be >= 0, actual value '${batchSize}'`);
  return {
    filter: optionalObject(cmd, 'filter'),
    sort: optionalObject(cmd, 'sort'),
    projection: optionalObject(cmd, 'projection'),
    skip,
    limit,
    hint: cmd.hint,
    batchSize,
    singleBatch,
    variables: evaluateLet(optionalObject(cmd, 'let')),
    collation: optionalObject(cmd, 'collation'),
    ...(typeof cmd.allowDiskUse === 'boolean' ? { allowDiskUse: cmd.allowDiskUse } : {}),
    noCursorTimeout: cmd.noCursorTimeout === true,
  };
}

export const readCommands: Record<string, CommandHandler> = {
  find: async (cmd, ctx) => {
    const collName = String(cmd.find);
    const coll = ctx.engine.catalog.collection(ctx.dbName, collName);
    const request = findRequest(cmd);
    const op = currentReadOperation();
    const ns = `${ctx.dbName}.${collName}`;
    try {
      if (resolveView(ctx, collName)) {
        const pipeline = findAsPipeline(request);
        const { docs } = await runAggregate({ aggregate: collName, pipeline, let: request.variables, collation: request.collation, allowDiskUse: request.allowDiskUse }, ctx);
        const { batch, id } = ctx.engine.cursors.open(ns, docs, request.batchSize, request.singleBatch);
        return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
      }
      const plan = planQuery(coll, { ...request, ...sortMemoryLimit(ctx, request.allowDiskUse) });
      const { batch, id } = await ctx.engine.cursors.openPlan(ns, plan.root, op, {
        batchSize: request.batchSize,
        singleBatch: request.singleBatch,
        noCursorTimeout: request.noCursorTimeout,
        maxTimeMS: asNumber(cmd.maxTimeMS, 0),
      });
      return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
    } catch (error) {
      throw executorError(error, 'Executor error during find command');
    }
  },
  getMore: async (cmd, ctx) => {
    const raw = cmd.getMore;
    const id = raw instanceof Long ? raw.toNumber() : Number(raw);
    if (typeof raw !== 'number' && !(raw instanceof Long)) {
      throw new CommandError(14, `BSON field 'getMore.getMore' is the wrong type '${typeof raw}', expected type 'long'`);
    }
    const cursor = ctx.engine.cursors.get(id);
    if (!cursor) throw new CommandError(43, `cursor id ${id} not found`);
    const ns = `${ctx.dbName}.${String(cmd.collection)}`;
    if (cursor.ns !== ns && !cursor.ns.startsWith(`${ctx.dbName}.$cmd`)) {
      throw new CommandError(13, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    try {
      const { batch, id: nextId } = await ctx.engine.cursors.next(cursor, cmd.batchSize === undefined ? undefined : asNumber(cmd.batchSize, 0));
      return { cursor: { nextBatch: batch, id: nextId, ns: cursor.ns }, ok: 1 };
    } catch (error) {
      throw executorError(error, 'Executor error during getMore');
    }
  },
  killCursors: (cmd, ctx) => {
    const ids = Array.isArray(cmd.cursors) ? cmd.cursors : [];
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = raw instanceof Long ? raw.toNumber() : Number(raw);
      (ctx.engine.cursors.kill(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },
  count: async (cmd, ctx) => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.count));
    const query = isPlainObject(cmd.query) ? cmd.query : {};
    const skip = asNumber(cmd.skip, 0);
    const limit = Math.abs(asNumber(cmd.limit, 0));
    if (!coll) return { n: 0, ok: 1 };
    if (resolveView(ctx, coll.name)) {
      return { n: (await runAggregate({ aggregate: coll.name, pipeline: findAsPipeline({ filter: query, skip, limit }) }, ctx)).docs.length, ok: 1 };
    }
    // Fast path: an unfiltered count is the collection's size, as mongod reads it from metadata.
    if (Object.keys(query).length === 0) {
      let n = Math.max(0, coll.size - skip);
      if (limit > 0) n = Math.min(n, limit);
      return { n, ok: 1 };
    }
    const plan = planQuery(coll, { filter: query, skip, limit, hint: cmd.hint, collation: optionalObject(cmd, 'collation') });
    return { n: (await drainYielding(plan.root, currentReadOperation())).length, ok: 1 };
  },
  distinct: async (cmd, ctx) => {
    const key = cmd.key;
    if (typeof key !== 'string') throw new CommandError(14, "BSON field 'distinct.key' is missing but a required field");
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.distinct));
    if (!coll) return { values: [], ok: 1 };
    const collation = optionalObject(cmd, 'collation');
    const filter = isPlainObject(cmd.query) ? cmd.query : undefined;
    const op = currentReadOperation();
    const rows = resolveView(ctx, coll.name)
      ? (await runAggregate({ aggregate: coll.name, pipeline: findAsPipeline({ filter }) }, ctx)).docs.map((doc) => ({ doc }))
      : await drainYielding(planQuery(coll, { filter, hint: cmd.hint, collation }).root, op);
    const normalise = normaliserFor(collation ?? (coll.options.collation as Record<string, unknown> | undefined));
    const seen = new Set<string>();
    const values: unknown[] = [];
    for (const row of rows) {
      for (const raw of valuesAtPath(row.doc, key)) {
        const items = Array.isArray(raw) ? raw : [raw];
        for (const value of items) {
          if (value === undefined) continue;
          const id = keyString(value, normalise?.collation);
          if (!seen.has(id)) {
            seen.add(id);
            values.push(value);
          }
        }
      }
    }
    return { values, ok: 1 };
  },
};

export function namespaceOf(ctx: CommandContext, name: unknown): string {
  return `${ctx.dbName}.${String(name)}`;
}
