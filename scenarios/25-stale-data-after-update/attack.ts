// Scenario 25's attack, run against starter.js, each trap, solution.js (`run 25`) and the learner's
// own file (`verify 25`). The interleavings production hits by chance are made certain at the
// connection the app is given: a read barrier holds two sales after their read until both have
// read, and a write hold keeps a PATCH's write open while a reader slips in. The scenario runs on
// a replica set, so replica lag is shown live too: the secondaries' replication is paused (not
// waited for), which makes the stale read certain and the causally consistent read wait.
import { defineAttack } from '../../src/practice/attack-contract.js';
import { learnerModel } from '../../src/practice/attack-helpers.js';
import type { HttpResponse } from '../../src/runtime/context.js';
import type { Model } from 'mongoose';

/** A barrier or hold that cannot complete must not hang the run; no verdict depends on it. */
const BOUND_MS = 2_000;

export const checks = {
  patchReturnsUpdate: { claim: 'the PATCH response carries the new price (25), as the database does', level: 'core', broken: 'the PATCH response carries the old price while the database holds the new one' },
  cacheFreshAfterWrite: { claim: 'a GET after the PATCH serves the new price, not a cached old one', level: 'core', broken: 'a GET after the PATCH is served the old price from the cache' },
  noRefillDuringWrite: { claim: 'a GET that arrives while the PATCH is writing cannot leave the old price in the cache', level: 'senior', broken: 'a GET inside the write\'s window puts the old price back into the cache' },
  noLostSale: { claim: 'two simultaneous sales of 2 (stock 5) both count: the stock matches every sale answered 200', level: 'core', broken: 'two simultaneous sales both answer 200 but only one comes off the stock' },
  noOversell: { claim: 'two simultaneous sales of 2 with stock 3: one is sold, the other gets 409, stock 1', level: 'core', broken: 'two simultaneous sales both succeed on stock for one: the shop oversells' },
  noRetryNeeded: { claim: 'both simultaneous sales of 2 (stock 5) succeed at once, with no 409 to retry', level: 'core', broken: 'one of two sales that could both be served is answered 409 and must retry' },
  newOptionDeprecated: { claim: 'Mongoose 9 still honours new: true but warns that it is deprecated for returnDocument', level: 'core', fact: true },
  secondaryReadIsStale: { claim: 'while the secondaries have not applied it, a w: 1 update is invisible to a read with readPreference secondary', level: 'senior', fact: true },
  causalReadSeesOwnWrite: { claim: 'in a causally consistent session the same secondary read waits until that secondary has applied the write, then returns it', level: 'senior', fact: true },
} as const;

export type CheckId = keyof typeof checks;

interface ProductFields { name: string; price: number; stock: number }

function field(response: HttpResponse, name: 'price' | 'stock'): number | null {
  const body = response.body as Record<string, unknown> | null;
  return typeof body?.[name] === 'number' ? body[name] : null;
}

/** "hit 20", "miss 30": what a GET was served from, and the price it carried. */
function served(response: HttpResponse): string {
  return `${response.headers['x-cache'] ?? response.status} ${field(response, 'price')}`;
}

function sorted(responses: HttpResponse[]): number[] {
  return responses.map((response) => response.status).sort((a, b) => a - b);
}

/** Runs `body` with process.emitWarning captured: Mongoose reports deprecations through it. */
async function withWarningsCaptured<T>(body: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(typeof warning === 'string' ? warning : warning.message);
  }) as typeof process.emitWarning;
  try {
    return { result: await body(), warnings };
  } finally {
    process.emitWarning = original;
  }
}

export const attack = defineAttack({
  checks,
  preamble: 'Each file below gets a fresh database and the same attack: a price change read back three ways, then two sales at once, twice. '
    + 'Where timing decides, the attack decides it at the connection the app is given, never in your code: the two sales are held after their first read '
    + 'until both have read (the interleaving a busy shop hits by chance), and one PATCH\'s write is held open while a GET arrives.',
  async run(ctx, target) {
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db });
    const Product = learnerModel<ProductFields>(ctx, 'stock', 'db.model(\'Product\', schema)');
    const priceInDb = async (id: unknown): Promise<number | null> => (await Product.findById(id).lean())?.price ?? null;
    const stockInDb = async (id: unknown): Promise<number | null> => (await Product.findById(id).lean())?.stock ?? null;

    // 1. The response to the update.
    const lamp = await Product.create({ name: 'lamp', price: 20, stock: 10 });
    const patched = await app.request({ method: 'PATCH', path: `/products/${lamp.id}`, json: { price: 25 } });
    const returned = ctx.observe('PATCH 20 → 25, price in response', field(patched, 'price'));
    const stored = ctx.observe('price in database', await priceInDb(lamp._id));
    ctx.check('patchReturnsUpdate', patched.status === 200 && returned === 25 && stored === 25, returned,
      `status ${patched.status}, response ${returned}, database ${stored}`);

    // 2. A cached read after the update.
    const chair = await Product.create({ name: 'chair', price: 20, stock: 10 });
    const warm = await app.request({ path: `/products/${chair.id}` });
    await app.request({ method: 'PATCH', path: `/products/${chair.id}`, json: { price: 30 } });
    const after = await app.request({ path: `/products/${chair.id}` });
    ctx.observe('GET, PATCH 20 → 30, GET', `${served(warm)}, then ${served(after)}`);
    ctx.check('cacheFreshAfterWrite', after.status === 200 && field(after, 'price') === 30, served(after));

    // 3. A reader inside the write's window.
    const shelf = await Product.create({ name: 'shelf', price: 20, stock: 10 });
    await app.request({ path: `/products/${shelf.id}` });
    const hold = ctx.holdNextWrite(BOUND_MS);
    const patching = app.request({ method: 'PATCH', path: `/products/${shelf.id}`, json: { price: 30 } });
    const reached = await hold.reached();
    const during = await app.request({ path: `/products/${shelf.id}` });
    hold.release();
    await patching;
    const later = await app.request({ path: `/products/${shelf.id}` });
    const window = ctx.observe('GET while the write is held, GET after', `${served(during)}, then ${served(later)}`);
    ctx.check('noRefillDuringWrite', reached && later.status === 200 && field(later, 'price') === 30, window,
      reached ? window : 'the PATCH made no write the attack could hold');

    // 4. Two sales at once, enough stock for both.
    const jug = await Product.create({ name: 'jug', price: 12, stock: 5 });
    const race = ctx.holdReads(2, BOUND_MS);
    const sales = await ctx.concurrently(2, () => app.request({ method: 'POST', path: `/products/${jug.id}/sell`, json: { qty: 2 } }));
    const statuses = ctx.observe('stock 5, two sales of 2: statuses', sorted(sales));
    ctx.observe('sales that read the stock before either wrote', race.read);
    const left = ctx.observe('stock left', await stockInDb(jug._id));
    const sold = statuses.filter((status) => status === 200).length;
    ctx.check('noLostSale', left === 5 - 2 * sold, left, `${sold} sale(s) answered 200, stock ${left} (expected ${5 - 2 * sold})`);
    ctx.check('noRetryNeeded', sold === 2, statuses, `statuses ${statuses.join(', ')}`);

    // 5. Two sales at once, stock for one.
    const vase = await Product.create({ name: 'vase', price: 40, stock: 3 });
    ctx.holdReads(2, BOUND_MS);
    const contested = await ctx.concurrently(2, () => app.request({ method: 'POST', path: `/products/${vase.id}/sell`, json: { qty: 2 } }));
    const contestedStatuses = ctx.observe('stock 3, two sales of 2: statuses', sorted(contested));
    const remaining = ctx.observe('stock after', await stockInDb(vase._id));
    ctx.check('noOversell', contestedStatuses.join(',') === '200,409' && remaining === 1, { statuses: contestedStatuses, stock: remaining },
      `statuses ${contestedStatuses.join(', ')}, stock ${remaining}`);

    // 6. A fact about Mongoose, shown live: the old spelling of returnDocument.
    const Probe: Model<{ price: number }> = ctx.db.model('DeprecationProbe', new ctx.mongoose.Schema<{ price: number }>({ price: Number }));
    const probe = await Probe.create({ price: 1 });
    const legacy = await withWarningsCaptured(() => Probe.findByIdAndUpdate(probe._id, { price: 2 }, { new: true }).lean());
    const warning = legacy.warnings.find((text) => text.includes('`new` option')) ?? null;
    ctx.check('newOptionDeprecated', legacy.result?.price === 2 && warning !== null && warning.includes('deprecated'),
      ctx.observe('new: true warns', warning !== null), warning ?? 'no warning');

    // 7. A fact about replica sets, shown live: a secondary that has not applied a write yet.
    const replication = ctx.replication;
    if (!replication) throw new Error('scenario 25 needs a replica set (requires.replicaSet), and the engine is a standalone server');
    const Listing: Model<{ price: number }> = ctx.db.model('ReplicaProbe', new ctx.mongoose.Schema<{ price: number }>({ price: Number }));
    const listing = await Listing.create({ price: 20 });
    await replication.pause();
    try {
      await Listing.updateOne({ _id: listing._id }, { price: 25 }, { writeConcern: { w: 1 } });
      const fromSecondary = ctx.observe('price 20 → 25 (w: 1), read from a secondary', (await Listing.findById(listing._id).read('secondary').lean())?.price ?? null);
      ctx.check('secondaryReadIsStale', fromSecondary === 20, fromSecondary, `the secondary answered ${fromSecondary}`);
      const session = await ctx.db.startSession({ causalConsistency: true });
      try {
        await Listing.updateOne({ _id: listing._id }, { price: 30 }, { session, writeConcern: { w: 1 } });
        // The read carries the session's operationTime as afterClusterTime: the secondary holds it
        // until it has applied the update, which it can do only once replication resumes below.
        const causal = Listing.findById(listing._id).session(session).read('secondary').lean();
        await replication.resume();
        const seen = ctx.observe('price 25 → 30 (w: 1), read from a secondary in the same causally consistent session', (await causal)?.price ?? null);
        ctx.check('causalReadSeesOwnWrite', seen === 30, seen, `the secondary answered ${seen}`);
      } finally {
        await session.endSession();
      }
    } finally {
      await replication.resume();
    }
  },
});
