// Where an attack makes a fault certain without touching the learner's code: at the connection it
// hands over. Three seams, all installed on a fresh per-target connection:
// - the read barrier: a query post-hook (connection-level plugin) that holds each request after its
//   first read until every racer has read, so check-then-act loses on every run, not on most;
// - the index gate: Mongoose's automatic (autoIndex) builds wait until the attack releases them,
//   so a build nobody awaited always loses the deploy race;
// - the write hold: a pre-hook on writes that holds one request's next write until the attack
//   releases it, so the attack can send another request into exactly that window (25: a reader
//   arriving while a cache-invalidating PATCH is in flight).
// Requests are told apart with AsyncLocalStorage: the served app tags each request on entry, and
// the tag follows every await of the handler into the query hook.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Connection, Schema } from 'mongoose';
import type { QueryLog, RecordedQuery, ReadBarrier, WriteHold } from './attack-contract.js';

interface RequestTag {
  barrier: ArmedBarrier | undefined;
  read: boolean;
  done: boolean;
}

const requestTags = new AsyncLocalStorage<RequestTag>();

class ArmedBarrier implements ReadBarrier {
  foundNothing = 0;
  read = 0;
  private admitted = 0;
  private arrived = 0;
  private release!: () => void;
  private readonly allArrived = new Promise<void>((resolve) => { this.release = resolve; });
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly racers: number, boundMs: number) {
    // The bound only keeps a barrier that cannot fill (a racer crashed) from hanging the run; the
    // verdict is always taken from what the requests did, never from the clock.
    this.timer = setTimeout(() => this.release(), boundMs);
    this.timer.unref();
  }

  /** Takes the request into this burst if there is room left. */
  admit(): boolean {
    if (this.admitted >= this.racers) return false;
    this.admitted += 1;
    return true;
  }

  async arrive(): Promise<void> {
    this.arrive1();
    await this.allArrived;
  }

  /** A racer that answered without reading must not keep the others waiting. */
  leave(): void {
    this.arrive1();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.release();
  }

  private arrive1(): void {
    this.arrived += 1;
    if (this.arrived >= this.racers) this.dispose();
  }
}

/** One request's next write, held before it reaches the database until the attack releases it. */
class HeldWrite implements WriteHold {
  taken = false;
  private markReached!: () => void;
  private open!: () => void;
  private readonly hit = new Promise<boolean>((resolve) => { this.markReached = () => resolve(true); });
  private readonly opened = new Promise<void>((resolve) => { this.open = resolve; });

  constructor(private readonly boundMs: number) {}

  reached(): Promise<boolean> {
    // false when no write came within the bound (the handler wrote some other way, or not at all).
    let timer: NodeJS.Timeout | undefined;
    const missed = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), this.boundMs); });
    return Promise.race([this.hit, missed]).finally(() => clearTimeout(timer));
  }

  release(): void {
    this.open();
  }

  async hold(): Promise<void> {
    this.taken = true;
    this.markReached();
    // Like the read barrier's, the bound only keeps a hold nobody releases from hanging the run.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.boundMs); });
    await Promise.race([this.opened, bound]).finally(() => clearTimeout(timer));
  }
}

/** Query writes a handler may use; `save` (document middleware) is hooked separately. */
const queryWrites = ['findOneAndUpdate', 'updateOne', 'updateMany', 'replaceOne', 'findOneAndReplace'] as const;

function foundNothing(result: unknown): boolean {
  return result === null || result === undefined || result === 0 || (Array.isArray(result) && result.length === 0);
}

interface HeldBuild {
  model: string;
  release(): void;
  outcome: Promise<{ model: string; error: { code?: number; message: string } | null }>;
}

type EnsureIndexes = (options?: { _automatic?: boolean }) => Promise<unknown>;
/** The two statics the gate replaces, typed as Mongoose calls them internally (`_automatic` is not public). */
interface PatchableModel {
  modelName: string;
  ensureIndexes: EnsureIndexes;
  init: () => Promise<unknown>;
  __seamsPatched?: boolean;
}

/** The seams of one target's connection. */
export class ConnectionSeams {
  private barrier: ArmedBarrier | undefined;
  private writeHold: HeldWrite | undefined;
  private queryLog: QueryLog | undefined;
  private readonly held: HeldBuild[] = [];
  private gateOpen: boolean;

  constructor(private readonly connection: Connection, options: { holdAutomaticIndexBuilds: boolean }) {
    this.gateOpen = !options.holdAutomaticIndexBuilds;
    const afterRead = (result: unknown): Promise<void> => this.afterRead(result);
    const beforeWrite = (): Promise<void> => this.beforeWrite();
    const record = (query: RecordedQuery): void => this.record(query);
    connection.plugin((schema: Schema) => {
      // What a request asked the database, so an attack can explain the very query the app ran.
      schema.pre(['find', 'findOne', 'countDocuments'], function recordQuery(this: {
        op?: string; model?: { modelName?: string }; getFilter(): Record<string, unknown>;
        projection(): unknown; getOptions(): Record<string, unknown>;
      }) {
        const options = this.getOptions();
        record({
          op: this.op ?? 'find',
          model: this.model?.modelName ?? '',
          filter: this.getFilter(),
          projection: (this.projection() ?? null) as Record<string, unknown> | null,
          sort: (options['sort'] ?? null) as Record<string, unknown> | null,
          skip: typeof options['skip'] === 'number' ? options['skip'] : null,
          limit: typeof options['limit'] === 'number' ? options['limit'] : null,
        });
      });
      // After the query ran and before the handler sees its result: the window between check and act.
      schema.post(['find', 'findOne', 'countDocuments'], async function holdAfterFirstRead(result: unknown) {
        await afterRead(result);
      });
      // Before a write is sent: the window in which the database still holds the old value.
      schema.pre([...queryWrites], async function holdBeforeWrite() {
        await beforeWrite();
      });
      schema.pre('save', async function holdBeforeSave() {
        await beforeWrite();
      });
    });
    if (options.holdAutomaticIndexBuilds) this.wrapModelCompilation();
  }

  /** Wraps the learner's app: every request is tagged so the query hook knows whose read it is. */
  tagRequests(app: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      const barrier = this.barrier?.admit() ? this.barrier : undefined;
      const tag: RequestTag = { barrier, read: false, done: false };
      res.once('close', () => {
        tag.done = true;
        if (!tag.read) tag.barrier?.leave();
      });
      requestTags.run(tag, () => app(req, res));
    };
  }

  holdReads(racers: number, boundMs: number): ReadBarrier {
    this.barrier?.dispose();
    this.barrier = new ArmedBarrier(racers, boundMs);
    return this.barrier;
  }

  /** Starts a fresh log of the queries requests make from now on (see QueryLog). */
  recordQueries(): QueryLog {
    this.queryLog = { queries: [] };
    return this.queryLog;
  }

  /** Holds the next write made while serving a request (see WriteHold). */
  holdNextWrite(boundMs: number): WriteHold {
    this.writeHold?.release();
    this.writeHold = new HeldWrite(boundMs);
    return this.writeHold;
  }

  dispose(): void {
    this.barrier?.dispose();
    this.writeHold?.release();
    this.openGate();
  }

  async releaseAutomaticIndexBuilds(): Promise<Array<{ model: string; error: { code?: number; message: string } | null }>> {
    this.openGate();
    return Promise.all(this.held.map((build) => build.outcome));
  }

  private openGate(): void {
    this.gateOpen = true;
    for (const build of this.held) build.release();
  }

  private record(query: RecordedQuery): void {
    // Only queries made while serving a request: the attack's own reads are not the app's.
    if (requestTags.getStore() && this.queryLog) this.queryLog.queries.push(query);
  }

  private async beforeWrite(): Promise<void> {
    // Only writes made while serving a request: the attack's own seeding and checks pass freely.
    if (!requestTags.getStore() || !this.writeHold || this.writeHold.taken) return;
    await this.writeHold.hold();
  }

  private async afterRead(result: unknown): Promise<void> {
    const tag = requestTags.getStore();
    if (!tag?.barrier || tag.read || tag.done) return;
    tag.read = true;
    tag.barrier.read += 1;
    if (foundNothing(result)) tag.barrier.foundNothing += 1;
    await tag.barrier.arrive();
  }

  /**
   * conn.model() compiles the model and starts Model.init() at once; init's index build comes a few
   * awaits later, after this wrapper has replaced the model's ensureIndexes. An explicit init()
   * by the learner (after compilation) releases that model's build: awaiting it is the fix.
   */
  private wrapModelCompilation(): void {
    const connection = this.connection as unknown as { model: (...args: unknown[]) => unknown };
    const compile = connection.model.bind(connection);
    connection.model = (...args: unknown[]) => {
      const model = compile(...args);
      // A Mongoose model is a function (a class); anything else is passed through untouched.
      if (typeof model === 'function' && !(model as unknown as PatchableModel).__seamsPatched) this.patchModel(model as unknown as PatchableModel);
      return model;
    };
  }

  private patchModel(model: PatchableModel): void {
    model.__seamsPatched = true;
    const ensureIndexes = model.ensureIndexes.bind(model);
    const init = model.init.bind(model);
    const mine: HeldBuild[] = [];
    // Set by an explicit init(): the learner awaits the build, so it is not held, whether it had
    // already reached ensureIndexes (released below) or only will a few awaits later (here).
    let awaitedByLearner = false;
    model.ensureIndexes = (options) => {
      if (!options?._automatic || this.gateOpen || awaitedByLearner) return ensureIndexes(options);
      let release!: () => void;
      const opened = new Promise<void>((resolve) => { release = resolve; });
      const build = opened.then(() => ensureIndexes(options));
      const held: HeldBuild = {
        model: model.modelName,
        release,
        outcome: build.then(
          () => ({ model: model.modelName, error: null }),
          (error: unknown) => ({ model: model.modelName, error: { code: (error as { code?: number }).code, message: String((error as Error).message ?? error) } }),
        ),
      };
      this.held.push(held);
      mine.push(held);
      return build;
    };
    model.init = () => {
      awaitedByLearner = true;
      for (const held of mine) held.release();
      return init();
    };
  }
}
