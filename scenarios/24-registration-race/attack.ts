// Scenario 24's attack, run against starter.js, each trap, solution.js (`run 24`) and the
// learner's own file (`verify 24`). What it controls, it controls at the seams it hands over, never
// in the learner's text: the read barrier makes every racer read before any inserts, the index gate
// makes a background index build lose the deploy race, and bcrypt's cost is capped.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';
import type { HttpResponse } from '../../src/runtime/context.js';
import type { Model } from 'mongoose';

/** Sign-ups fired at once for one address. */
const BURST = 5;
/** A barrier that cannot fill (a racer crashed before reading) must not hang the run. */
const BARRIER_BOUND_MS = 3_000;
/** The learner writes a production cost; hashing five at once at cost 12 would take seconds. */
const BCRYPT_MAX_COST = 4;
const PASSWORD = 'correct horse battery staple';
const ADDRESS = 'ada@example.com';

export const checks = {
  oneAccount: { claim: `${BURST} simultaneous sign-ups for one email leave exactly one account`, level: 'core', broken: `${BURST} simultaneous sign-ups for one email create several accounts` },
  conflictIs409: { claim: `the other ${BURST - 1} are answered 409 Conflict, not 201 and not 500`, level: 'core', broken: 'the racers that lost are not answered 409' },
  indexBeforeTraffic: { claim: 'a unique index on email exists before the first request is served', level: 'core', broken: 'the first requests are served with no unique index on email' },
  duplicateKeyNamesEmail: { claim: 'a duplicate written past the app is refused by the database: 11000, keyPattern { email: 1 }', level: 'core', broken: 'the database accepts a duplicate email written past the app' },
  validatePassesDuplicate: { claim: 'validate() passes for a duplicate email: unique is an index, not a validator', level: 'core', fact: true },
  operatorRefused: { claim: 'an operator in place of the email ({"$ne": null}) is answered 400', level: 'core' },
  oneSpelling: { claim: '"Grace@Example.com" and "  grace@example.com " become one account, stored lower-case', level: 'senior', broken: 'two spellings of one address become two accounts' },
} as const;

export type CheckId = keyof typeof checks;

function sortedStatuses(responses: HttpResponse[]): number[] {
  return responses.map((response) => response.status).sort((a, b) => a - b);
}

function count(values: number[], wanted: number): number {
  return values.filter((value) => value === wanted).length;
}

/** The learner's user model: whichever model on their connection has an email path. */
function userModel(ctx: AttackContext): Model<{ email: string; passwordHash?: string }> {
  const model = Object.values(ctx.db.models).find((candidate) => candidate.schema.path('email') !== undefined);
  if (!model) throw new Error('no model with an `email` path was defined on deps.db (db.model(\'User\', schema))');
  return model as unknown as Model<{ email: string; passwordHash?: string }>;
}

async function uniqueEmailIndexes(model: Model<{ email: string }>): Promise<string[]> {
  // The collection may not exist yet (no index, no insert): that is "no index", not an error.
  const indexes = await model.collection.indexes().catch(() => []);
  return indexes.filter((index) => index.unique === true && index.key['email'] !== undefined).map((index) => String(index.name));
}

export const attack = defineAttack({
  checks,
  holdAutomaticIndexBuilds: true,
  preamble: `Each file below gets a fresh database and the same attack: ${BURST} sign-ups for ${ADDRESS} at once. `
    + 'At the connection the app is given, a barrier holds every request just after its first read until all of them have read: '
    + 'the window a bcrypt hash opens in production, made certain on every run. Index builds Mongoose starts on its own (autoIndex) '
    + `are held until the burst is answered, so an index nobody awaited always loses the deploy race. bcrypt is capped at cost ${BCRYPT_MAX_COST} to keep the run fast.`,
  async run(ctx, target) {
    const bcrypt = (await import('bcrypt')).default;
    const cappedBcrypt = {
      hash: (password: string, cost: number) => bcrypt.hash(password, Math.min(Number(cost) || BCRYPT_MAX_COST, BCRYPT_MAX_COST)),
      compare: (password: string, hash: string) => bcrypt.compare(password, hash),
    };
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, bcrypt: cappedBcrypt });
    const User = userModel(ctx);

    // The deploy race: what exists the moment the app says it is ready.
    const atStart = ctx.observe('unique email indexes when createApp resolved', await uniqueEmailIndexes(User));
    ctx.check('indexBeforeTraffic', atStart.length > 0, atStart, atStart.length > 0 ? undefined : 'no unique index on email when the first request arrived');

    const barrier = ctx.holdReads(BURST, BARRIER_BOUND_MS);
    const responses = await ctx.concurrently(BURST, () => app.request({ method: 'POST', path: '/register', json: { email: ADDRESS, password: PASSWORD } }));
    const statuses = ctx.observe('statuses', sortedStatuses(responses));
    ctx.observe('requests that found no account before inserting', barrier.foundNothing);
    const builds = await ctx.releaseAutomaticIndexBuilds();
    const failedBuild = builds.find((build) => build.error !== null);
    if (failedBuild) ctx.observe('background index build, once released', `failed: ${failedBuild.error?.code ?? ''} ${failedBuild.error?.message.split('\n')[0] ?? ''}`.trim());

    const documents = ctx.observe('documents', await User.countDocuments({ email: ADDRESS }));
    ctx.check('oneAccount', documents === 1, documents, `${documents} documents for ${ADDRESS} (statuses ${statuses.join(', ')})`);
    const conflicts = count(statuses, 409);
    ctx.check('conflictIs409', count(statuses, 201) === 1 && conflicts === BURST - 1, statuses, `statuses ${statuses.join(', ')}`);
    const conflictBody = responses.find((response) => response.status === 409)?.body;
    if (conflictBody !== undefined) ctx.observe('a 409 body', JSON.parse(JSON.stringify(conflictBody ?? null)) as string);

    // Past the app, straight to the collection: only an index can refuse this one.
    const direct = await User.collection.insertOne({ email: ADDRESS, passwordHash: 'x' }).then(
      () => null,
      (error: { code?: number; keyPattern?: Record<string, number>; keyValue?: Record<string, unknown> }) => error,
    );
    const refusal = ctx.observe('direct duplicate insert', direct === null ? 'accepted' : { code: direct.code ?? null, keyPattern: direct.keyPattern ?? null, keyValue: (direct.keyValue ?? null) as Record<string, string> | null });
    ctx.check('duplicateKeyNamesEmail', direct !== null && direct.code === 11000 && direct.keyPattern?.['email'] === 1, refusal);

    // Mongoose's `unique` is not a validator: a document that will be refused validates fine.
    const validation = await new User({ email: ADDRESS, passwordHash: 'x' }).validate().then(() => 'resolved', (error: Error) => `rejected: ${error.message}`);
    ctx.check('validatePassesDuplicate', validation === 'resolved', ctx.observe('validate() of a duplicate', validation));

    const probe = await app.request({ method: 'POST', path: '/register', json: { email: { $ne: null }, password: PASSWORD } });
    ctx.check('operatorRefused', probe.status === 400, ctx.observe('email {"$ne": null}', probe.status), `status ${probe.status}`);

    ctx.holdReads(2, BARRIER_BOUND_MS);
    const spellings = ['Grace@Example.com', '  grace@example.com '];
    const spelled = await ctx.concurrently(2, (index) => app.request({ method: 'POST', path: '/register', json: { email: spellings[index], password: PASSWORD } }));
    const spelledStatuses = sortedStatuses(spelled);
    // Read past the model: its setters would rewrite the filter, and the figure is what is stored.
    const stored = (await User.collection.find({ email: /^\s*grace@example\.com\s*$/i }).toArray()).map((user) => String(user['email'])).sort();
    const spelling = ctx.observe('two spellings', { statuses: spelledStatuses, stored });
    ctx.check('oneSpelling', spelledStatuses.join(',') === '201,409' && stored.length === 1 && stored[0] === 'grace@example.com', spelling);
  },
});
