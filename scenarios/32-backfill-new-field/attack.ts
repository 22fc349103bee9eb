// Scenario 32's attack, run against starter.js, solution.js (`run 32`) and the learner's own file
// (`verify 32`). Before the app starts, the users collection receives legacy documents written
// without `plan`, exactly as version 1 stored them. Then new code writes (a sign-up, an upgrade to
// pro, an unrelated save), the API is asked for the free-plan count, two pods run the migration at
// the same moment, and a later deploy runs it again.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { Model, Types } from 'mongoose';

const LEGACY_USERS = 6;
/** Small batches, so the demo's few documents still take several. */
const BATCH_SIZE = 2;

export const checks = {
  defaultNotStored: { claim: 'a schema default shows through a hydrated document but is not stored (lean and the raw collection lack it)', level: 'core', fact: true },
  saveWritesDefault: { claim: 'save() of an unrelated edit stores the default in a legacy document; updateOne does not', level: 'core', fact: true },
  countIncludesLegacy: { claim: 'GET /users?plan=free counts legacy users as free before the backfill', level: 'core', broken: 'the free-plan count misses every legacy user' },
  backfillFillsGap: { claim: 'one run of the migration modifies exactly the documents missing plan, and none lacks it after', level: 'core', broken: 'the migration touches more (or fewer) documents than the ones missing plan' },
  proPreserved: { claim: 'a user who upgraded to pro before the backfill is still pro after it', level: 'core', broken: 'the backfill overwrites a user\'s upgrade to pro with free' },
  rerunChangesNothing: { claim: 'running the migration again (a later deploy) changes no document', level: 'core' },
  onePodRuns: { claim: 'two pods starting the migration at the same moment: exactly one applies it, the other skips', level: 'senior', broken: 'two pods starting together both run the migration' },
  pipelineNeedsOptIn: { claim: 'Mongoose 9 refuses an aggregation-pipeline update unless { updatePipeline: true } is passed', level: 'senior', fact: true },
} as const;

export type CheckId = keyof typeof checks;

interface UserFields {
  email: string;
  name?: string;
  plan?: string;
}

type Migrate = (deps: Record<string, unknown>) => Promise<{ status?: string; batches?: number; modified?: number }>;

export const attack = defineAttack({
  checks,
  preamble: `Each file below gets a database holding ${LEGACY_USERS} users stored before \`plan\` existed. New code then signs one user up, `
    + 'upgrades one legacy user to pro and renames another through save(); two pods run the migration at the same moment, and a later deploy runs it again. '
    + `The migration is given a batch size of ${BATCH_SIZE} so that even this handful of documents takes several batches.`,
  async run(ctx, target) {
    const raw = ctx.db.collection('users');
    const legacyIds = (await raw.insertMany(Array.from({ length: LEGACY_USERS }, (_, i) => ({ email: `legacy${i}@example.com`, name: `Legacy ${i}` })))).insertedIds;
    const [legacy0, legacy1, legacy2, legacy3] = [0, 1, 2, 3].map((i) => legacyIds[i] as Types.ObjectId);
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db });
    const runMigration = target.exports['runMigration'] as Migrate | undefined;
    if (typeof runMigration !== 'function') throw new Error(`${target.file} does not export runMigration(deps)`);
    const User = ctx.db.models['User'] as Model<UserFields> | undefined;
    if (!User) throw new Error('createApp did not define a model named User on deps.db');
    const storedPlan = async (id: Types.ObjectId): Promise<string> => {
      const document = await raw.findOne({ _id: id });
      return document && 'plan' in document ? String(document['plan']) : '(missing)';
    };

    // New code at work since the deploy.
    await User.create({ email: 'new@example.com', name: 'New' });
    await User.updateOne({ _id: legacy3 }, { $set: { plan: 'pro' } });

    const viaApi = await app.request({ path: `/users/${String(legacy0)}` });
    const lean = await User.findById(legacy0).lean();
    const shapes = ctx.observe('legacy user: API / lean / stored', {
      api: (viaApi.body as { plan?: string } | null)?.plan ?? '(missing)', lean: lean?.plan ?? '(missing)', stored: await storedPlan(legacy0!),
    });
    ctx.check('defaultNotStored', shapes.api === 'free' && shapes.lean === '(missing)' && shapes.stored === '(missing)', shapes);

    const renamed = await User.findById(legacy1);
    if (renamed) {
      renamed.name = 'Renamed 1';
      await renamed.save();
    }
    await User.updateOne({ _id: legacy2 }, { $set: { name: 'Renamed 2' } });
    const drift = ctx.observe('stored plan after an unrelated edit', { 'save()': await storedPlan(legacy1!), updateOne: await storedPlan(legacy2!) });
    ctx.check('saveWritesDefault', drift['save()'] === 'free' && drift.updateOne === '(missing)', drift);

    // Free users are everyone but the upgraded one: the legacy ones count, stored plan or not.
    const expectedFree = LEGACY_USERS - 1 + 1;
    const before = await app.request({ path: '/users?plan=free' });
    const freeBefore = (before.body as { count?: number } | null)?.count ?? null;
    ctx.check('countIncludesLegacy', freeBefore === expectedFree, ctx.observe('GET /users?plan=free before the backfill', freeBefore), `expected ${expectedFree}`);

    const missingBefore = ctx.observe('documents missing plan just before', await raw.countDocuments({ plan: { $exists: false } }));
    const deps = { mongoose: ctx.mongoose, db: ctx.db, batchSize: BATCH_SIZE };
    const pods = (await Promise.all([runMigration(deps), runMigration(deps)]))
      .map((result) => ({ status: String(result.status), batches: Number(result.batches ?? 0), modified: Number(result.modified ?? 0) }))
      .sort((a, b) => a.status.localeCompare(b.status));
    ctx.observe('two pods at once', pods);
    const applied = pods.filter((pod) => pod.status === 'applied');
    ctx.check('onePodRuns', applied.length === 1 && pods.filter((pod) => pod.status === 'skipped').length === 1, pods.map((pod) => pod.status));
    const missingAfter = await raw.countDocuments({ plan: { $exists: false } });
    const gap = ctx.observe('modified by the migration, missing after', { modified: applied.map((pod) => pod.modified), 'missing after': missingAfter });
    ctx.check('backfillFillsGap', applied.length === 1 && applied[0]?.modified === missingBefore && missingAfter === 0, gap);

    const upgraded = await storedPlan(legacy3!);
    ctx.check('proPreserved', upgraded === 'pro', ctx.observe('the upgraded user\'s plan', upgraded));

    const snapshot = async (): Promise<string> => JSON.stringify(await raw.find({}, { sort: { _id: 1 } }).toArray());
    const beforeRerun = await snapshot();
    const rerun = await runMigration(deps);
    const unchanged = (await snapshot()) === beforeRerun;
    ctx.check('rerunChangesNothing', unchanged, ctx.observe('a later deploy runs it again', { status: String(rerun.status), 'data unchanged': unchanged }));

    const after = await app.request({ path: '/users?plan=free' });
    ctx.observe('GET /users?plan=free after the backfill', (after.body as { count?: number } | null)?.count ?? null);

    // A value computed from other fields is a pipeline update; Mongoose 9 wants an explicit opt-in.
    const pipeline = [{ $set: { handle: { $toLower: '$name' } } }];
    // Mongoose throws this one synchronously, before any promise exists.
    const refused = await (async () => User.updateMany({}, pipeline as never))().then(() => 'accepted', (error: Error) => error.message);
    const optedIn = await User.updateMany({ handle: { $exists: false } }, pipeline as never, { updatePipeline: true }).then((result) => result.modifiedCount, () => -1);
    const pipelineFigure = ctx.observe('pipeline update: without / with updatePipeline', { without: refused, 'with (modified)': optedIn });
    ctx.check('pipelineNeedsOptIn', refused.includes('updatePipeline') && optedIn === LEGACY_USERS + 1, pipelineFigure);
  },
});
