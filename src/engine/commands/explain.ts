// The explain command for find, aggregate, count, distinct, update, delete and findAndModify.
// Write explains never write: they plan and (for executionStats) run the selection only.
import type { Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { describeExecution, describePlan, explainQuery, parseVerbosity, serverInfo, type ExplainContext } from '../query/explain.js';
import { planQuery, type Plan, type QueryRequest } from '../query/planner.js';
import { drain, type PlanStage } from '../query/stages.js';
import type { Collection } from '../storage/collection.js';
import { runStages, splitPipeline } from './aggregate.js';
import type { CommandContext, CommandHandler } from './context.js';
import { findRequest } from './read.js';

function rejectedRoots(coll: Collection | undefined, plan: Plan, request: QueryRequest): PlanStage[] {
  if (!coll) return [];
  return plan.rejected.map((choice) => planQuery(coll, { ...request, hint: choice.index.name }).root);
}

function explainWith(
  coll: Collection | undefined,
  request: QueryRequest,
  base: Omit<ExplainContext, 'rejectedRoots'>,
): Document {
  const plan = planQuery(coll, request);
  return explainQuery(plan, { ...base, rejectedRoots: rejectedRoots(coll, plan, request) });
}

function stripGeneric(cmd: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(cmd)) if (!['lsid', '$clusterTime', '$readPreference', 'apiVersion'].includes(k)) out[k] = v;
  return out;
}

export function explainCommand(cmd: Document, ctx: CommandContext): Document {
  const inner = cmd.explain;
  if (!isPlainObject(inner)) throw new CommandError(14, 'explain command requires a nested object');
  const verbosity = parseVerbosity(cmd.verbosity);
  const name = Object.keys(inner)[0] ?? '';
  const collName = String(inner[name]);
  const coll = ctx.engine.catalog.collection(ctx.dbName, collName);
  const ns = `${ctx.dbName}.${collName}`;
  const command = { ...stripGeneric(inner), $db: ctx.dbName };
  const base = { ns, command, verbosity, port: ctx.engine.port };
  switch (name) {
    case 'find': {
      const request = findRequest(inner);
      return explainWith(coll, request, { ...base, filter: request.filter ?? {} });
    }
    case 'count': {
      const filter = isPlainObject(inner.query) ? inner.query : {};
      const request = { filter, skip: Number(inner.skip ?? 0), limit: Math.abs(Number(inner.limit ?? 0)), hint: inner.hint };
      return explainWith(coll, request, {
        ...base,
        filter,
        wrap: (plan, executed) => ({ stage: 'COUNT', ...(executed ? { nReturned: 0, nCounted: countOf(plan) } : {}), inputStage: plan }),
      });
    }
    case 'distinct': {
      const filter = isPlainObject(inner.query) ? inner.query : {};
      return explainWith(coll, { filter }, {
        ...base,
        filter,
        wrap: (plan) => ({ stage: 'PROJECTION_DEFAULT', transformBy: { [String(inner.key)]: 1 }, inputStage: plan }),
      });
    }
    case 'update': {
      const statement = (Array.isArray(inner.updates) ? inner.updates[0] : undefined) as Document | undefined;
      const filter = isPlainObject(statement?.q) ? statement.q : {};
      const multi = statement?.multi === true;
      return explainWith(coll, { filter, limit: multi ? 0 : 1, hint: statement?.hint }, {
        ...base,
        filter,
        wrap: (plan, executed) => ({
          stage: 'UPDATE',
          ...(executed ? { nMatched: countOf(plan), nWouldModify: countOf(plan), nWouldUpsert: 0 } : {}),
          inputStage: plan,
        }),
      });
    }
    case 'delete': {
      const statement = (Array.isArray(inner.deletes) ? inner.deletes[0] : undefined) as Document | undefined;
      const filter = isPlainObject(statement?.q) ? statement.q : {};
      const one = Number(statement?.limit ?? 0) === 1;
      return explainWith(coll, { filter, limit: one ? 1 : 0, hint: statement?.hint }, {
        ...base,
        filter,
        wrap: (plan, executed) => ({ stage: 'DELETE', ...(executed ? { nWouldDelete: countOf(plan) } : {}), inputStage: plan }),
      });
    }
    case 'findAndModify':
    case 'findandmodify': {
      const filter = isPlainObject(inner.query) ? inner.query : {};
      const stage = inner.remove === true ? 'DELETE' : 'UPDATE';
      return explainWith(coll, { filter, sort: isPlainObject(inner.sort) ? inner.sort : undefined, limit: 1, hint: inner.hint }, {
        ...base,
        filter,
        wrap: (plan) => ({ stage, inputStage: plan }),
      });
    }
    case 'aggregate':
      return explainAggregate(inner, ctx, verbosity, command);
    default:
      throw new CommandError(59, `Explain failed due to unknown command: ${name}`);
  }
}

function countOf(plan: Record<string, unknown>): number {
  return typeof plan.nReturned === 'number' ? plan.nReturned : 0;
}

function explainAggregate(inner: Document, ctx: CommandContext, verbosity: ReturnType<typeof parseVerbosity>, command: Document): Document {
  if (!Array.isArray(inner.pipeline)) throw new CommandError(14, "'pipeline' option must be specified as an array");
  const collName = String(inner.aggregate);
  const coll = ctx.engine.catalog.collection(ctx.dbName, collName);
  const ns = `${ctx.dbName}.${collName}`;
  const split = splitPipeline(inner.pipeline as Document[]);
  const request = { ...split.request, hint: inner.hint };
  const base = { ns, command, verbosity, port: ctx.engine.port, filter: split.request.filter ?? {} };
  if (split.rest.length === 0) return explainWith(coll, request, base);
  const plan = planQuery(coll, request);
  const cursorStage: Document = {
    queryPlanner: {
      namespace: ns,
      indexFilterSet: false,
      parsedQuery: split.request.filter ?? {},
      planChoice: plan.reason,
      winningPlan: describePlan(plan.root),
      rejectedPlans: [],
    },
  };
  const stages: Document[] = [{ $cursor: cursorStage }];
  if (verbosity !== 'queryPlanner') {
    const started = performance.now();
    const rows = drain(plan.root);
    const totals = plan.root.totals();
    cursorStage.executionStats = {
      executionSuccess: true,
      nReturned: rows.length,
      executionTimeMillis: Math.round(performance.now() - started),
      totalKeysExamined: totals.keys,
      totalDocsExamined: totals.docs,
      executionStages: describeExecution(plan.root),
    };
    let docs = rows.map((r) => r.doc);
    for (const stage of split.rest) {
      const t = performance.now();
      docs = runStages(docs, [stage], ctx);
      stages.push({ ...stage, nReturned: docs.length, executionTimeMillisEstimate: Math.round(performance.now() - t) });
    }
  } else {
    for (const stage of split.rest) stages.push({ ...stage });
  }
  return { explainVersion: '1', stages, command, serverInfo: serverInfo(ctx.engine.port), ok: 1 };
}

export const explainCommands: Record<string, CommandHandler> = {
  explain: explainCommand,
};
