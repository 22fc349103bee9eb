// Runs an exercise's attack against one code file (the starter, a trap, the reference solution or
// the learner's own) inside a demo context, and records every check with its id, figure and role.
// `run` walks the folder's files through it in-process; `verify` calls it inside a worker with the
// learner's file alone. One path, so the code `run` shows is the code that ran and `verify` judges
// with the very checks `run` proved.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import type { DemoContext, HttpRequest, ServedApp } from '../runtime/context.js';
import type { CheckRole, JsonValue } from '../runtime/report.js';
import type { CheckSpec } from '../scenario/contract.js';
import type { AttackContext, AttackDefinition, AttackTarget } from './attack-contract.js';
import { ConnectionSeams } from './seams.js';

/** createApp() must resolve within this; a start-up that waits on something that never settles is named. */
export const startBoundMs = 5_000;
/** Each request to the learner's app: past this, it is reported as hanging, by method and path. */
export const requestBoundMs = 2_000;

export type TargetKind = AttackTarget['kind'];

/**
 * Told what the learner's code is being asked to do right now ("createApp() in app.js", "POST
 * /register"), so a verify worker that stops answering can be named by what it was doing.
 */
let activityListener: ((activity: string) => void) | undefined;
export function onActivity(listener: ((activity: string) => void) | undefined): void {
  activityListener = listener;
}

export interface TargetPlan {
  /** Absolute path of the code file. */
  path: string;
  /** How the file is named to the reader: "starter.js", "traps/x.js", "app.js". */
  shownAs: string;
  kind: TargetKind;
  title: string;
  lesson?: string;
  /** Check ids this file must fail (starter and traps); every other check must hold. */
  fails?: string[];
  /** Print the file's text before the attack runs (`run`); `verify` does not reprint the learner's file. */
  showCode: boolean;
}

export interface CheckOutcome {
  id: string;
  claim: string;
  level: CheckSpec['level'];
  fact: boolean;
  held: boolean;
  observed: JsonValue;
  detail?: string;
}

export interface TargetOutcome {
  checks: CheckOutcome[];
  /** Requests to the learner's app that never answered, e.g. "POST /register". */
  hanging: string[];
}

/** The learner's module is not the documented shape: a user error in their file, not our bug. */
export class ExerciseShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExerciseShapeError';
  }
}

/** Loads a code file as a module (plain ESM JavaScript; TypeScript through tsx when the file is .ts). */
export async function importCodeFile(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (path.endsWith('.ts')) {
    const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    return tsImport(url, import.meta.url);
  }
  return (await import(url)) as Record<string, unknown>;
}

function roleFor(plan: TargetPlan, spec: CheckSpec, id: string): { claim: string; expectHeld: boolean; role: CheckRole } {
  if (spec.fact) return { claim: spec.claim, expectHeld: true, role: 'context' };
  if (plan.kind === 'solution' || plan.kind === 'user') return { claim: spec.claim, expectHeld: true, role: 'proves-fix' };
  if (plan.fails?.includes(id)) return { claim: spec.broken ?? `not so: ${spec.claim}`, expectHeld: false, role: 'reproduces-failure' };
  return { claim: spec.claim, expectHeld: true, role: 'context' };
}

function withBound<T>(work: Promise<T>, boundMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExerciseShapeError(message)), boundMs);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
  return typeof value;
}

/**
 * Runs `attack` against one code file in the current demo step. Throws what the learner's code
 * threw (the caller names their file); returns every check's outcome otherwise.
 */
export async function attackTarget(ctx: DemoContext, attack: AttackDefinition, plan: TargetPlan, module: Record<string, unknown>): Promise<TargetOutcome> {
  const outcome: TargetOutcome = { checks: [], hanging: [] };
  // A database of this file's own: starter, traps and solution all define a model called User.
  const db = ctx.db.useDb(`${ctx.db.name}_${plan.kind}_${Math.random().toString(36).slice(2, 8)}`, { useCache: false });
  ctx.defer(async () => {
    await db.dropDatabase().catch(() => undefined);
  });
  const seams = new ConnectionSeams(db, { holdAutomaticIndexBuilds: attack.holdAutomaticIndexBuilds === true });
  ctx.defer(() => seams.dispose());

  const target: AttackTarget = {
    file: plan.shownAs,
    kind: plan.kind,
    async start(deps) {
      const createApp = module['createApp'];
      if (typeof createApp !== 'function') {
        throw new ExerciseShapeError(`${plan.shownAs} does not export createApp(deps): export async function createApp({ express, db, ... }) { ...; return app; }`);
      }
      activityListener?.(`createApp() in ${plan.shownAs}`);
      const app: unknown = await withBound(
        Promise.resolve((createApp as (deps: Record<string, unknown>) => unknown)(deps)),
        startBoundMs,
        `createApp() in ${plan.shownAs} did not resolve within ${startBoundMs / 1000} s: does it await something that never settles (app.listen, a model on the default mongoose connection)?`,
      );
      if (typeof app !== 'function') {
        throw new ExerciseShapeError(`createApp() in ${plan.shownAs} resolved to ${describeValue(app)}; it must resolve to the Express app (return app), not a server`);
      }
      // Our own files (a trap that answers 500 on purpose) would print Express's stack trace in the
      // middle of the demo; its 'test' env keeps the 500 and drops the log. The learner's app keeps
      // its own setting: their stack traces are theirs to read.
      if (plan.kind !== 'user') (app as Partial<Express>).set?.('env', 'test');
      const served = await ctx.serve(seams.tagRequests(app as RequestListener) as unknown as Express);
      const request = async (options: HttpRequest) => {
        activityListener?.(`${options.method ?? 'GET'} ${options.path}`);
        const response = await served.request({ timeoutMs: requestBoundMs, ...options });
        if (response.timedOut) outcome.hanging.push(`${options.method ?? 'GET'} ${options.path}`);
        return response;
      };
      return { ...served, request } satisfies ServedApp;
    },
  };

  const attackCtx: AttackContext = {
    mongoose: ctx.mongoose,
    express: ctx.express,
    concurrently: ctx.concurrently,
    say: ctx.say,
    redis: ctx.redis,
    defer: ctx.defer,
    signal: ctx.signal,
    tempDir: ctx.tempDir,
    db,
    observe: (label, value) => ctx.observe(label, value),
    check(id, held, observed, detail) {
      const spec = attack.checks[id];
      if (!spec) throw new Error(`attack.ts checked "${id}", which is not in its checks table (${Object.keys(attack.checks).join(', ')})`);
      const checkOutcome: CheckOutcome = { id, claim: spec.claim, level: spec.level, fact: spec.fact === true, held, observed };
      if (detail !== undefined) checkOutcome.detail = detail;
      outcome.checks.push(checkOutcome);
      const { claim, expectHeld, role } = roleFor(plan, spec, id);
      ctx.check(claim, held === expectHeld, detail ?? `observed ${JSON.stringify(observed)}`, { id, observed, role, level: spec.level });
      return held;
    },
    holdReads: (racers, boundMs) => seams.holdReads(racers, boundMs),
    releaseAutomaticIndexBuilds: () => seams.releaseAutomaticIndexBuilds(),
  };

  await attack.run(attackCtx, target);
  // Reported in the order of the checks table (the author's order of importance), not the order run.
  const order = Object.keys(attack.checks);
  outcome.checks.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));

  // A check the attack never reached is a hole in the proof, named rather than passed over.
  for (const id of Object.keys(attack.checks)) {
    if (!outcome.checks.some((check) => check.id === id)) {
      ctx.check(`attack.ts reported check "${id}"`, false, 'never checked: the attack returned early', { id, role: 'context' });
    }
  }
  if (outcome.hanging.length > 0) {
    ctx.say(`No answer within ${requestBoundMs / 1000} s from: ${[...new Set(outcome.hanging)].join(', ')}. Does every path of the handler send a response?`);
  }
  return outcome;
}

/** The attack module of an exercise folder (attack.ts in the source tree, attack.js once built). */
export async function importAttack(attackPath: string): Promise<AttackDefinition> {
  const module = (await import(pathToFileURL(attackPath).href)) as { attack?: AttackDefinition };
  if (!module.attack || typeof module.attack.run !== 'function') throw new Error(`${attackPath} does not export \`attack\` (export const attack = defineAttack({...}))`);
  return module.attack;
}

/** `run`: every code file of the folder in order, each shown, attacked and explained. */
export async function runExerciseWalk(ctx: DemoContext, attack: AttackDefinition, plans: TargetPlan[]): Promise<void> {
  if (attack.preamble) ctx.say(attack.preamble);
  for (const plan of plans) {
    const shows = plan.kind === 'solution' || plan.kind === 'user' ? 'fix' : 'failure';
    await ctx.step(plan.title, async () => {
      if (plan.showCode) ctx.showCode(plan.shownAs, await readFile(plan.path, 'utf8'), 'js');
      const module = await importCodeFile(plan.path);
      await attackTarget(ctx, attack, plan, module);
      if (plan.lesson) ctx.say(plan.lesson);
    }, { shows });
  }
}
