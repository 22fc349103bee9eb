// aggregate: the leading $match/$sort/$skip/$limit run through the planner (so they use indexes
// and show up in explain as a $cursor stage); later stages run one at a time, $match/$sort/
// $skip/$limit/$count with the engine's own BSON semantics and the rest through mingo.
import { Binary, calculateObjectSize, type Document } from 'bson';
import { deepClone } from '../bson/clone.js';
import { plainValues } from '../bson/numeric.js';
import { hasOwnField, isPlainObject } from '../bson/paths.js';
import { CommandError, executorError } from '../errors.js';
import { compileFilter, evaluateLet, normaliserFor } from '../query/matcher.js';
import * as pipelineOperators from 'mingo/operators/pipeline';
import { mingoAggregator, refuseServerJavaScript, toMingo } from '../query/mingo-context.js';
import { escapeSpec, restoreDocument } from '../query/mingo-fields.js';
import { planQuery, type Plan, type QueryRequest } from '../query/planner.js';
import { parseSort, sortDocuments } from '../query/sort.js';
import { checkDeadline, sortMemoryExceeded } from '../query/stages.js';
import { currentReadOperation, drainDocs, withOperation, type ReadOperation } from '../query/yielding.js';
import type { Collection, Doc } from '../storage/collection.js';
import { batchSizeOf, collectionStats } from './collections.js';
import { sortMemoryLimit, type CommandContext, type CommandHandler } from './context.js';
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
  /** Only an explicit false limits $sort and $group memory: mongod 7.0 spills to disk by default. */
  allowDiskUse?: boolean;
}

/**
 * mongod parses at most internalPipelineLengthLimit stages per pipeline (7749501), sub-pipelines
 * of $facet, $lookup and $unionWith each counted on their own, before running anything.
 */
export function checkPipelineLength(pipeline: unknown, limit: number): void {
  if (!Array.isArray(pipeline)) return;
  if (pipeline.length > limit) throw new CommandError(7749501, `Pipeline length must be no longer than ${limit} stages.`);
  for (const stage of pipeline) {
    if (!isPlainObject(stage)) continue;
    const facet = stage.$facet;
    if (isPlainObject(facet)) for (const sub of Object.values(facet)) checkPipelineLength(sub, limit);
    for (const name of ['$lookup', '$unionWith']) {
      const spec = stage[name];
      if (isPlainObject(spec)) checkPipelineLength(spec.pipeline, limit);
    }
  }
}

/** Approximate bytes a blocking stage holds: the BSON size of its documents, as mongod counts them. */
function documentsSize(docs: Doc[]): number {
  let bytes = 0;
  for (const doc of docs) bytes += calculateObjectSize(doc);
  return bytes;
}

/** Stages mongod 7.0 knows that neither the engine nor mingo runs: a clear refusal, not "unrecognized". */
const UNSUPPORTED_STAGES = new Set(['$geoNear', '$search', '$searchMeta', '$vectorSearch', '$listSessions', '$planCacheStats', '$shardedDataDistribution', '$listSearchIndexes', '$changeStreamSplitLargeEvent']);
const NATIVE_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$currentOp', '$collStats', '$indexStats', '$changeStream', '$out', '$merge']);
const MINGO_STAGES = new Set(Object.keys(pipelineOperators).filter((name) => name.startsWith('$')));

/** mongod's checks on a stage's name, before any stage runs. */
export function checkStageNames(stages: Document[]): void {
  for (const stage of stages) {
    if (!isPlainObject(stage)) throw new CommandError(14, 'Each element of the \'pipeline\' array must be an object');
    const keys = Object.keys(stage);
    if (keys.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    const name = keys[0] as string;
    if (UNSUPPORTED_STAGES.has(name)) throw new CommandError(40324, `${name} is not supported by the embedded engine`);
    if (!NATIVE_STAGES.has(name) && !MINGO_STAGES.has(name) && name !== '$documents' && name !== '$listLocalSessions') {
      throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
    }
  }
}

export function runStages(docs: Doc[], stages: Document[], ctx: CommandContext, options: StageOptions = {}, collName?: string): Doc[] {
  checkStageNames(stages);
  const normalise = normaliserFor(options.collation);
  let current = docs;
  // Between consecutive mingo stages the documents stay in mingo's escaped form (mingo-fields.ts).
  let escaped = false;
  const resolver = (name: string): Doc[] => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, name);
    return coll ? [...coll.records.values()].map(toMingo) : [];
  };
  for (const stage of stages) {
    checkDeadline();
    const name = Object.keys(stage)[0] as string;
    const arg = stage[name];
    if (escaped && NATIVE_STAGES.has(name)) {
      current = current.map(restoreDocument);
      escaped = false;
    }
    // countDocuments' shape ({_id: 1, n: {$sum: 1}}), counted here: one synchronous pass of the
    // expression engine over a million documents would hold the event loop for seconds.
    if (name === '$group' && isCountGroup(arg)) {
      const field = Object.keys(arg).find((key) => key !== '_id') as string;
      current = current.length === 0 ? [] : [{ _id: arg._id, [field]: current.length }];
      escaped = false;
      continue;
    }
    switch (name) {
      case '$match': {
        const test = compileFilter(arg, options);
        current = current.filter((d) => test(d));
        break;
      }
      case '$sort': {
        const limit = ctx.engine.limits.internalQueryMaxBlockingSortMemoryUsageBytes;
        if (options.allowDiskUse === false && documentsSize(current) > limit) throw sortMemoryExceeded(limit);
        current = sortDocuments([...current], parseSort(arg), normalise);
        break;
      }
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
        refuseServerJavaScript(stage);
        if (!escaped) {
          // mingo's operators know plain JS numbers only, and no inherited field names (toMingo).
          current = current.map(toMingo);
          escaped = true;
        }
        const spec = escapeSpec(plainValues(stage));
        try {
          current = mingoAggregator([spec], {
            collectionResolver: resolver,
            ...(options.variables ? { variables: toMingo(options.variables) } : {}),
          }).run(current) as Doc[];
          // The groups' output stands in for the accumulator state mongod measures.
          if (name === '$group' && options.allowDiskUse === false && documentsSize(current) > ctx.engine.limits.internalDocumentSourceGroupMaxMemoryBytes) {
            throw new CommandError(292, "Exceeded memory limit for $group, but didn't allow external sort. Pass allowDiskUse:true to opt in.");
          }
        } catch (error) {
          if (error instanceof CommandError) throw error;
          throw new CommandError(2, error instanceof Error ? error.message : String(error));
        }
        if (name === '$project' && isPlainObject(spec.$project)) current = current.map((doc) => orderLikeSpec(doc, spec.$project as Doc));
      }
    }
  }
  return escaped ? current.map(restoreDocument) : current;
}

/** {_id: <constant>, n: {$sum: 1}}: a group of every document that only counts them. */
function isCountGroup(spec: unknown): spec is { _id: unknown } & Record<string, unknown> {
  if (!isPlainObject(spec)) return false;
  const keys = Object.keys(spec);
  if (keys.length !== 2 || keys[0] !== '_id') return false;
  const id = spec._id;
  if (isPlainObject(id) || Array.isArray(id) || (typeof id === 'string' && id.startsWith('$'))) return false;
  const accumulator = spec[keys[1] as string];
  return isPlainObject(accumulator) && Object.keys(accumulator).length === 1 && accumulator.$sum === 1;
}

/** mongod emits _id first, then the projected fields in the order the spec lists them. */
function orderLikeSpec(doc: Doc, spec: Record<string, unknown>): Doc {
  const out: Doc = {};
  if ('_id' in doc) out._id = doc._id;
  for (const key of Object.keys(spec)) {
    const top = key.split('.')[0] as string;
    if (hasOwnField(doc, top) && !hasOwnField(out, top)) out[top] = doc[top];
  }
  for (const key of Object.keys(doc)) if (!hasOwnField(out, key)) out[key] = doc[key];
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

type PreparedAggregate =
  | { kind: 'computed'; run: AggregateRun }
  | { kind: 'plan'; plan: Plan; split: SplitPipeline; options: StageOptions; collName: string };

/** Checks and plans a pipeline (views resolved); a pipeline reading no collection runs at once. */
function prepareAggregate(cmd: Document, ctx: CommandContext): PreparedAggregate {
  if (!Array.isArray(cmd.pipeline)) throw new CommandError(14, "'pipeline' option must be specified as an array");
  const pipeline = cmd.pipeline as Document[];
  checkPipelineLength(pipeline, ctx.engine.limits.internalPipelineLengthLimit);
  const options: StageOptions = {
    variables: evaluateLet(cmd.let),
    collation: isPlainObject(cmd.collation) ? cmd.collation : undefined,
    ...(typeof cmd.allowDiskUse === 'boolean' ? { allowDiskUse: cmd.allowDiskUse } : {}),
  };
  if (cmd.aggregate === 1 || typeof cmd.aggregate !== 'string') {
    const first = pipeline[0];
    let source: Doc[] = [];
    let rest = pipeline;
    if (first && Array.isArray(first.$documents)) {
      source = first.$documents as Doc[];
      rest = pipeline.slice(1);
    } else if (first && isPlainObject(first.$listLocalSessions)) {
      source = [...ctx.engine.sessions.values()].map((id) => ({ _id: { id, uid: new Binary(Buffer.alloc(32)) }, lastUse: new Date() }));
      rest = pipeline.slice(1);
    }
    return { kind: 'computed', run: { plan: undefined, split: { request: {}, rest }, docs: runStages(source, rest, ctx, options) } };
  }
  const view = resolveView(ctx, cmd.aggregate);
  if (view) return prepareAggregate({ ...cmd, aggregate: view.source, pipeline: [...view.pipeline, ...pipeline] }, ctx);
  // Stages after the planner's compare strings under the collection's default collation too.
  options.collation ??= ctx.engine.catalog.collection(ctx.dbName, cmd.aggregate)?.options.collation as Record<string, unknown> | undefined;
  const coll = ctx.engine.catalog.collection(ctx.dbName, cmd.aggregate);
  const split = splitPipeline(pipeline);
  const plan = planQuery(coll, { ...split.request, hint: cmd.hint, ...options, ...sortMemoryLimit(ctx, options.allowDiskUse) });
  return { kind: 'plan', plan, split, options, collName: cmd.aggregate };
}

/** Runs the stages after the planner's on what it produced (yielding while the plan runs). */
async function finishAggregate(prepared: Extract<PreparedAggregate, { kind: 'plan' }>, op: ReadOperation, ctx: CommandContext): Promise<AggregateRun> {
  const { plan, split, options, collName } = prepared;
  const base = await drainDocs(plan.root, op);
  // From here on the pipeline runs synchronously, so $out/$merge write as one unit.
  return { plan, split, docs: withOperation(op, () => runStages(base, split.rest, ctx, options, collName)) };
}

/** Runs a pipeline; the part the planner runs yields like any read, the stages after it do not. */
export async function runAggregate(cmd: Document, ctx: CommandContext): Promise<AggregateRun> {
  const op = currentReadOperation();
  const prepared = prepareAggregate(cmd, ctx);
  return prepared.kind === 'computed' ? prepared.run : finishAggregate(prepared, op, ctx);
}

export const aggregateCommands: Record<string, CommandHandler> = {
  aggregate: async (cmd, ctx) => {
    if (cmd.explain === true) {
      throw new CommandError(9, 'explain inside aggregate is handled by the explain command');
    }
    const op = currentReadOperation();
    const ns = `${ctx.dbName}.${typeof cmd.aggregate === 'string' ? cmd.aggregate : '$cmd.aggregate'}`;
    try {
      const prepared = prepareAggregate(cmd, ctx);
      // A pipeline the planner runs whole ($match, $sort, $skip, $limit) gets a lazy cursor like find's.
      if (prepared.kind === 'plan' && prepared.split.rest.length === 0) {
        const options = { batchSize: batchSizeOf(cmd.cursor), maxTimeMS: Number(cmd.maxTimeMS ?? 0) };
        const { batch, id } = await ctx.engine.cursors.openPlan(ns, prepared.plan.root, op, options);
        return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
      }
      const { docs } = prepared.kind === 'computed' ? prepared.run : await finishAggregate(prepared, op, ctx);
      const { batch, id } = ctx.engine.cursors.open(ns, docs, batchSizeOf(cmd.cursor));
      return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
    } catch (error) {
      throw executorError(error, 'PlanExecutor error during aggregation');
    }
  },
};
