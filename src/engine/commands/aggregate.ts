// aggregate: the leading $match/$sort/$skip/$limit run through the planner (so they use indexes
// and show up in explain as a $cursor stage); later stages run one at a time, $match/$sort/
// $skip/$limit/$count with the engine's own BSON semantics and the rest through mingo.
import { Binary, type Document } from 'bson';
import { deepClone } from '../bson/clone.js';
import { plainValues } from '../bson/numeric.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { compileFilter, evaluateLet, normaliserFor } from '../query/matcher.js';
import { mingoAggregator } from '../query/mingo-context.js';
import { planQuery, type Plan, type QueryRequest } from '../query/planner.js';
import { parseSort, sortDocuments } from '../query/sort.js';
import { checkDeadline, drain } from '../query/stages.js';
import type { Collection, Doc } from '../storage/collection.js';
import { batchSizeOf, collectionStats } from './collections.js';
import type { CommandContext, CommandHandler } from './context.js';
import { resolveView } from './views.js';
import { prepareInsert } from './write.js';

export interface SplitPipeline {
  request: QueryRequest;
  rest: Document[];
}

/** Peels off the stages the query planner can run. */
export function splitPipeline(pipeline: Document[]): SplitPipeline {
  const request: QueryRequest = {};
  let i = 0;
  const first = pipeline[0];
  if (first && isPlainObject(first.$match)) {
    request.filter = first.$match;
    i = 1;
  }
  const sortStage = pipeline[i];
  if (sortStage && isPlainObject(sortStage.$sort)) {
    request.sort = sortStage.$sort;
    i += 1;
  }
  const skipStage = pipeline[i];
  if (skipStage && skipStage.$skip !== undefined) {
    request.skip = Number(skipStage.$skip);
    i += 1;
  }
  const limitStage = pipeline[i];
  if (limitStage && limitStage.$limit !== undefined) {
    request.limit = Number(limitStage.$limit);
    i += 1;
  }
  return { request, rest: pipeline.slice(i) };
}

export interface StageOptions {
  variables?: Record<string, unknown>;
  collation?: Record<string, unknown>;
}

export function runStages(docs: Doc[], stages: Document[], ctx: CommandContext, options: StageOptions = {}, collName?: string): Doc[] {
  const normalise = normaliserFor(options.collation);
  let current = docs;
  let cloned = false;
  const resolver = (name: string): Doc[] => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, name);
    return coll ? [...coll.records.values()].map((doc) => plainValues(deepClone(doc))) : [];
  };
  for (const stage of stages) {
    checkDeadline();
    const keys = Object.keys(stage);
    if (keys.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    const name = keys[0] as string;
    const arg = stage[name];
    switch (name) {
      case '$match': {
        const test = compileFilter(arg, options);
        current = current.filter((d) => test(d));
        break;
      }
      case '$sort':
        current = sortDocuments([...current], parseSort(arg), normalise);
        break;
      case '$skip':
        current = current.slice(Number(arg));
        break;
      case '$limit':
        current = current.slice(0, Number(arg));
        break;
      case '$count':
        current = current.length === 0 ? [] : [{ [String(arg)]: current.length }];
        break;
      case '$currentOp':
        current = [];
        break;
      case '$collStats': {
        const coll = collName ? ctx.engine.catalog.collection(ctx.dbName, collName) : undefined;
        current = coll ? [{ ns: coll.ns, host: `127.0.0.1:${ctx.engine.port}`, localTime: new Date(), storageStats: collectionStats(coll), count: coll.size }] : [];
        break;
      }
      case '$indexStats': {
        const coll = collName ? ctx.engine.catalog.collection(ctx.dbName, collName) : undefined;
        current = (coll?.indexes ?? []).map((index) => ({ name: index.name, key: index.spec.key, host: `127.0.0.1:${ctx.engine.port}`, accesses: { ops: 0, since: ctx.engine.startedAt }, spec: index.spec }));
        break;
      }
      case '$changeStream':
        throw new CommandError(40573, 'The $changeStream stage is only supported on replica sets');
      case '$out':
      case '$merge':
        writeOut(name, arg, current, ctx);
        current = [];
        break;
      default: {
        if (!cloned) {
          // mingo's operators know plain JS numbers only (bson/numeric.ts).
          current = current.map((doc) => plainValues(deepClone(doc)));
          cloned = true;
        }
        try {
          current = mingoAggregator([plainValues(stage)], {
            collectionResolver: resolver,
            ...(options.variables ? { variables: options.variables } : {}),
          }).run(current) as Doc[];
          if (name === '$project' && isPlainObject(arg)) current = current.map((doc) => orderLikeSpec(doc, arg));
        } catch (error) {
          if (error instanceof CommandError) throw error;
          throw new CommandError(40324, error instanceof Error ? error.message : String(error));
        }
      }
    }
  }
  return current;
}

/** mongod emits _id first, then the projected fields in the order the spec lists them. */
function orderLikeSpec(doc: Doc, spec: Record<string, unknown>): Doc {
  const out: Doc = {};
  if ('_id' in doc) out._id = doc._id;
  for (const key of Object.keys(spec)) {
    const top = key.split('.')[0] as string;
    if (top in doc && !(top in out)) out[top] = doc[top];
  }
  for (const key of Object.keys(doc)) if (!(key in out)) out[key] = doc[key];
  return out;
}

function writeOut(name: string, arg: unknown, docs: Doc[], ctx: CommandContext): void {
  let target: string;
  let dbName = ctx.dbName;
  if (typeof arg === 'string') target = arg;
  else if (isPlainObject(arg)) {
    const into = name === '$out' ? arg : arg.into;
    if (typeof into === 'string') target = into;
    else if (isPlainObject(into)) {
      target = String(into.coll);
      if (typeof into.db === 'string') dbName = into.db;
    } else {
      target = String((arg as Document).coll);
      if (typeof (arg as Document).db === 'string') dbName = String((arg as Document).db);
    }
  } else throw new CommandError(16990, `${name} needs a target collection`);
  const db = ctx.engine.catalog.db(dbName);
  if (name === '$out') {
    const existing = db.get(target);
    const specs = existing ? existing.indexes.slice(1).map((i) => i.spec) : [];
    db.collections.delete(target);
    const coll: Collection = db.getOrCreate(target);
    for (const spec of specs) coll.createIndex(spec);
    for (const doc of docs) coll.insert(prepareInsert(deepClone(doc)));
    return;
  }
  const coll = db.getOrCreate(target);
  const spec = isPlainObject(arg) ? arg : {};
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  for (const doc of docs) {
    const rid = doc._id === undefined ? undefined : coll.findById(doc._id);
    if (rid === undefined) {
      if (whenNotMatched === 'discard') continue;
      if (whenNotMatched === 'fail') throw new CommandError(13113, '$merge could not find a matching document in the target collection for at least one document in the source collection');
      coll.insert(prepareInsert(deepClone(doc)));
    } else if (whenMatched === 'fail') {
      throw coll.duplicateKeyError(coll.idIndex, [doc._id]);
    } else if (whenMatched === 'keepExisting') {
      continue;
    } else if (whenMatched === 'replace') {
      coll.replace(rid, deepClone(doc));
    } else {
      coll.replace(rid, { ...(coll.records.get(rid) as Doc), ...deepClone(doc) });
    }
  }
}

export interface AggregateRun {
  plan: Plan | undefined;
  split: SplitPipeline;
  docs: Doc[];
}

export function runAggregate(cmd: Document, ctx: CommandContext): AggregateRun {
  if (!Array.isArray(cmd.pipeline)) throw new CommandError(14, "'pipeline' option must be specified as an array");
  const pipeline = cmd.pipeline as Document[];
  const options: StageOptions = {
    variables: evaluateLet(cmd.let),
    collation: isPlainObject(cmd.collation) ? cmd.collation : undefined,
  };
  if (cmd.aggregate === 1 || typeof cmd.aggregate !== 'string') {
    const first = pipeline[0];
    if (first && Array.isArray(first.$documents)) {
      return { plan: undefined, split: { request: {}, rest: pipeline.slice(1) }, docs: runStages(first.$documents as Doc[], pipeline.slice(1), ctx, options) };
    }
    if (first && isPlainObject(first.$listLocalSessions)) {
      const sessions = [...ctx.engine.sessions.values()].map((id) => ({ _id: { id, uid: new Binary(Buffer.alloc(32)) }, lastUse: new Date() }));
      return { plan: undefined, split: { request: {}, rest: pipeline.slice(1) }, docs: runStages(sessions, pipeline.slice(1), ctx, options) };
    }
    return { plan: undefined, split: { request: {}, rest: pipeline }, docs: runStages([], pipeline, ctx, options) };
  }
  const view = resolveView(ctx, cmd.aggregate);
  if (view) return runAggregate({ ...cmd, aggregate: view.source, pipeline: [...view.pipeline, ...pipeline] }, ctx);
  // Stages after the planner's compare strings under the collection's default collation too.
  options.collation ??= ctx.engine.catalog.collection(ctx.dbName, cmd.aggregate)?.options.collation as Record<string, unknown> | undefined;
  const coll = ctx.engine.catalog.collection(ctx.dbName, cmd.aggregate);
  const split = splitPipeline(pipeline);
  const plan = planQuery(coll, { ...split.request, hint: cmd.hint, ...options });
  const base = drain(plan.root).map((row) => row.doc);
  return { plan, split, docs: runStages(base, split.rest, ctx, options, cmd.aggregate) };
}

export const aggregateCommands: Record<string, CommandHandler> = {
  aggregate: (cmd, ctx) => {
    if (cmd.explain === true) {
      throw new CommandError(9, 'explain inside aggregate is handled by the explain command');
    }
    const { docs } = runAggregate(cmd, ctx);
    const ns = `${ctx.dbName}.${typeof cmd.aggregate === 'string' ? cmd.aggregate : '$cmd.aggregate'}`;
    const { batch, id } = ctx.engine.cursors.open(ns, docs, batchSizeOf(cmd.cursor));
    return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
  },
};
