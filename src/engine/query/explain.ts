// explain output in the shape of mongod's classic engine (explainVersion "1"): queryPlanner
// with winningPlan/rejectedPlans, executionStats with executionStages carrying per-stage
// counters. The counters are those the stages accumulated while actually running.
import type { Plan } from './planner.js';
import { drain, type PlanStage } from './stages.js';
import { ENGINE_VERSION } from '../version.js';

export type Verbosity = 'queryPlanner' | 'executionStats' | 'allPlansExecution';

export function parseVerbosity(value: unknown): Verbosity {
  if (value === 'executionStats' || value === 'allPlansExecution') return value;
  return 'queryPlanner';
}

export function describePlan(stage: PlanStage): Record<string, unknown> {
  const out: Record<string, unknown> = { stage: stage.stage, ...stage.describe() };
  if (stage.children.length === 1) out.inputStage = describePlan(stage.children[0] as PlanStage);
  else if (stage.children.length > 1) out.inputStages = stage.children.map(describePlan);
  return out;
}

export function describeExecution(stage: PlanStage): Record<string, unknown> {
  const s = stage.stats;
  const out: Record<string, unknown> = {
    stage: stage.stage,
    nReturned: s.nReturned,
    executionTimeMillisEstimate: Math.round(s.timeMs),
    works: s.works,
    advanced: s.advanced,
    needTime: Math.max(0, s.works - s.advanced - (stage.eof ? 1 : 0)),
    needYield: 0,
    saveState: 0,
    restoreState: 0,
    isEOF: stage.eof ? 1 : 0,
    ...stage.describe(),
    ...stage.counters(),
  };
  if (stage.children.length === 1) out.inputStage = describeExecution(stage.children[0] as PlanStage);
  else if (stage.children.length > 1) out.inputStages = stage.children.map(describeExecution);
  return out;
}

export function serverInfo(port: number): Record<string, unknown> {
  return { host: '127.0.0.1', port, version: ENGINE_VERSION, gitVersion: 'backend-scenarios-embedded' };
}

export interface ExplainContext {
  ns: string;
  filter: Record<string, unknown>;
  command: Record<string, unknown>;
  verbosity: Verbosity;
  port: number;
  /** Wraps the plan root (e.g. COUNT, UPDATE, DELETE) for display. */
  wrap?: (inner: Record<string, unknown>, executed: boolean) => Record<string, unknown>;
  /** Plans for rejected candidates, rebuilt so they can be run for allPlansExecution. */
  rejectedRoots?: PlanStage[];
  /** Runs the plan instead of draining it (count/update/delete count their own results). */
  run?: (root: PlanStage) => number;
}

export function queryPlannerSection(plan: Plan, ctx: ExplainContext, rejectedPlans: Record<string, unknown>[]): Record<string, unknown> {
  const winning = describePlan(plan.root);
  return {
    namespace: ctx.ns,
    indexFilterSet: false,
    parsedQuery: ctx.filter,
    planCacheShapeHash: '00000000',
    maxIndexedOrSolutionsReached: false,
    maxIndexedAndSolutionsReached: false,
    maxScansToExplodeReached: false,
    // Not a mongod field: the rule the embedded engine applied, so demos can print why.
    planChoice: plan.reason,
    winningPlan: ctx.wrap ? ctx.wrap(winning, false) : winning,
    rejectedPlans,
  };
}

export function explainQuery(plan: Plan, ctx: ExplainContext): Record<string, unknown> {
  const rejectedRoots = ctx.rejectedRoots ?? [];
  const rejectedPlans = rejectedRoots.map((root) => describePlan(root));
  const out: Record<string, unknown> = {
    explainVersion: '1',
    queryPlanner: queryPlannerSection(plan, ctx, rejectedPlans),
  };
  if (ctx.verbosity !== 'queryPlanner') {
    plan.root.enableTiming();
    for (const root of rejectedRoots) root.enableTiming();
    const started = performance.now();
    const nReturned = ctx.run ? ctx.run(plan.root) : drain(plan.root).length;
    const elapsed = performance.now() - started;
    const totals = plan.root.totals();
    const stages = describeExecution(plan.root);
    const executionStats: Record<string, unknown> = {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: Math.round(elapsed),
      totalKeysExamined: totals.keys,
      totalDocsExamined: totals.docs,
      executionStages: ctx.wrap ? ctx.wrap(stages, true) : stages,
    };
    if (ctx.verbosity === 'allPlansExecution') {
      // mongod reports each candidate's trial run; run the rejected ones for up to 101 results.
      executionStats.allPlansExecution = rejectedRoots.map((root) => {
        let n = 0;
        while (n < 101 && root.next() !== undefined) n += 1;
        const t = root.totals();
        return {
          nReturned: n,
          executionTimeMillisEstimate: Math.round(root.stats.timeMs),
          totalKeysExamined: t.keys,
          totalDocsExamined: t.docs,
          executionStages: describeExecution(root),
        };
      });
    }
    out.executionStats = executionStats;
  }
  out.command = ctx.command;
  out.serverInfo = serverInfo(ctx.port);
  out.serverParameters = {
    internalQueryFacetBufferSizeBytes: 104857600,
    internalQueryFacetMaxOutputDocSizeBytes: 104857600,
    internalLookupStageIntermediateDocumentMaxSizeBytes: 104857600,
    internalDocumentSourceGroupMaxMemoryBytes: 104857600,
    internalQueryMaxBlockingSortMemoryUsageBytes: 104857600,
    internalQueryProhibitBlockingMergeOnMongoS: 0,
    internalQueryMaxAddToSetBytes: 104857600,
    internalDocumentSourceSetWindowFieldsMaxMemoryBytes: 104857600,
    internalQueryFrameworkControl: 'forceClassicEngine',
  };
  out.ok = 1;
  return out;
}
