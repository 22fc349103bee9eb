// Scenario 39's attack, run against starter.js, each trap, solution.js (`run 39`) and the learner's
// own file (`verify 39`). The scenario runs on a replica set (transactions need one). The two
// moments production hits by chance are made certain: the attack owns `faults.afterDebit()`, which
// throws once between the debit and the credit (a crash at the worst moment), and a read barrier
// holds two transfers after their first read until both have read, so both transactions hold a
// snapshot before either writes and the write conflict is certain, not likely.
import { defineAttack } from '../../src/practice/attack-contract.js';
import { learnerModel } from '../../src/practice/attack-helpers.js';
import type { HttpResponse } from '../../src/runtime/context.js';

/** A barrier that cannot fill must not hang the run; no verdict depends on it. */
const BOUND_MS = 2_000;

export const checks = {
  crashLeavesMoneyIntact: { claim: 'a crash between the debit and the credit changes no balance, and the transfer is answered 5xx', level: 'core', broken: 'a crash between the debit and the credit takes the money from one account and gives it to nobody' },
  concurrentBothApplied: { claim: 'two simultaneous transfers of 300 from one account (1000) both answer 201 and both apply: 400 left, 600 arrived', level: 'core', broken: 'two simultaneous transfers from one account do not both apply exactly once' },
  insufficientFundsRefused: { claim: 'a transfer of 300 from an account holding 100 is refused 409 and changes nothing', level: 'core', broken: 'a transfer larger than the balance is not refused cleanly' },
  retryChargesOnce: { claim: 'the same POST sent again with the same Idempotency-Key charges once and answers the same status and body', level: 'core', broken: 'a retried POST with the same Idempotency-Key charges the account again' },
  duplicateInFlightChargesOnce: { claim: 'two identical POSTs with one Idempotency-Key at the same moment charge once; the other gets the same answer or 409, never a 5xx', level: 'core', broken: 'two identical POSTs with one Idempotency-Key in flight at once are not handled as one' },
  keyReuseRefused: { claim: 'the same Idempotency-Key with a different amount is refused 422 and charges nothing', level: 'senior', broken: 'an Idempotency-Key reused for a different request is not refused' },
  keysExpire: { claim: 'idempotency records expire: a TTL index (expireAfterSeconds) bounds how long keys are kept', level: 'senior', broken: 'no TTL index: nothing bounds how long idempotency keys are kept' },
  conflictIsTransient: { claim: 'two transactions writing one document: the second write fails at once with WriteConflict (112) labelled TransientTransactionError', level: 'core', fact: true },
} as const;

export type CheckId = keyof typeof checks;

interface AccountFields { owner: string; balance: number }

function sorted(responses: HttpResponse[]): number[] {
  return responses.map((response) => response.status).sort((a, b) => a - b);
}

export const attack = defineAttack({
  checks,
  timeoutMs: 15_000,
  preamble: 'Each file below gets a fresh database on a three-member replica set, two fresh accounts per test, and the same attack. '
    + 'The app receives `faults`, whose afterDebit() it awaits between the debit and the credit: the attack makes it throw once, a crash at the worst moment. '
    + 'For the simultaneous transfers, both requests are held after their first read until both have read, so both work from the same balance before either writes: '
    + 'the interleaving a busy account hits by chance, made certain.',
  async run(ctx, target) {
    let armed = false;
    let crashes = 0;
    const faults = {
      async afterDebit(): Promise<void> {
        if (!armed) return;
        armed = false;
        crashes += 1;
        throw new Error('the process died between the debit and the credit (simulated by the attack)');
      },
    };
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, faults });
    const Account = learnerModel<AccountFields>(ctx, 'balance', 'db.model(\'Account\', new Schema({ owner: String, balance: Number }))');
    const pair = async (balance: number): Promise<{ from: string; to: string }> => {
      const [source, sink] = await Account.create([{ owner: 'ana', balance }, { owner: 'ben', balance: 0 }]);
      return { from: String(source!._id), to: String(sink!._id) };
    };
    const balances = async (accounts: { from: string; to: string }): Promise<[number | null, number | null]> => [
      (await Account.findById(accounts.from).lean())?.balance ?? null,
      (await Account.findById(accounts.to).lean())?.balance ?? null,
    ];
    const transfer = (accounts: { from: string; to: string }, amount: number, key?: string): Promise<HttpResponse> =>
      app.request({ method: 'POST', path: '/transfers', json: { ...accounts, amount }, headers: key ? { 'Idempotency-Key': key } : {} });

    // 1. A crash between the debit and the credit.
    const crashed = await pair(1000);
    armed = true;
    const crash = await transfer(crashed, 300);
    armed = false;
    const afterCrash = ctx.observe('1000 → 0, transfer 300, crash after the debit: balances', await balances(crashed));
    ctx.observe('crash after the debit: status', crash.status);
    ctx.check('crashLeavesMoneyIntact', crashes === 1 && crash.status >= 500 && afterCrash[0] === 1000 && afterCrash[1] === 0, afterCrash,
      crashes === 1 ? `status ${crash.status}, balances ${afterCrash.join(' / ')}, ${(afterCrash[0] ?? 0) + (afterCrash[1] ?? 0)} in total (was 1000)`
        : 'the app never awaited faults.afterDebit() between the debit and the credit');

    // 2. Two transfers from one account at once.
    const busy = await pair(1000);
    const race = ctx.holdReads(2, BOUND_MS);
    const log = ctx.recordQueries();
    const both = await ctx.concurrently(2, () => transfer(busy, 300));
    const statuses = ctx.observe('1000, two transfers of 300 at once: statuses', sorted(both));
    ctx.observe('transfers that read before either wrote', race.read);
    ctx.observe('reads of the accounts during the two transfers', log.queries.filter((query) => query.model === Account.modelName).length);
    const afterRace = ctx.observe('balances after both', await balances(busy));
    ctx.check('concurrentBothApplied', statuses.join(',') === '201,201' && afterRace[0] === 400 && afterRace[1] === 600, { statuses, balances: afterRace },
      `statuses ${statuses.join(', ')}, balances ${afterRace.join(' / ')} (expected 400 / 600)`);

    // 3. Not enough money.
    const poor = await pair(100);
    const refused = await transfer(poor, 300);
    const afterRefusal = ctx.observe('100, transfer 300: balances', await balances(poor));
    ctx.check('insufficientFundsRefused', refused.status === 409 && afterRefusal[0] === 100 && afterRefusal[1] === 0, refused.status,
      `status ${refused.status}, balances ${afterRefusal.join(' / ')}`);

    // 4. The client retries (its first answer was lost on the way back).
    const retried = await pair(1000);
    const first = await transfer(retried, 300, 'key-retry-1');
    const again = await transfer(retried, 300, 'key-retry-1');
    const afterRetry = ctx.observe('same key sent twice: balances', await balances(retried));
    const sameAnswer = first.status === again.status && JSON.stringify(first.body) === JSON.stringify(again.body);
    ctx.observe('same key sent twice: statuses', [first.status, again.status]);
    ctx.observe('second answer is the first one', sameAnswer);
    ctx.check('retryChargesOnce', first.status === 201 && sameAnswer && afterRetry[0] === 700 && afterRetry[1] === 300, afterRetry,
      `statuses ${first.status}, ${again.status}; ${sameAnswer ? 'same' : 'different'} body; balances ${afterRetry.join(' / ')} (expected 700 / 300)`);

    // 5. The retry arrives while the first attempt is still in flight.
    const twin = await pair(1000);
    ctx.holdReads(2, BOUND_MS);
    const twins = await ctx.concurrently(2, () => transfer(twin, 300, 'key-twin-1'));
    const twinStatuses = ctx.observe('same key twice at once: statuses', sorted(twins));
    const afterTwins = ctx.observe('same key twice at once: balances', await balances(twin));
    const created = twins.filter((response) => response.status === 201);
    const allowed = created.length >= 1 && twins.every((response) => response.status === 201 || response.status === 409);
    // Two 201s are fine only as one transfer answered twice: a replay carries the first one's body.
    const oneTransfer = created.every((response) => JSON.stringify(response.body) === JSON.stringify(created[0]!.body));
    ctx.check('duplicateInFlightChargesOnce', allowed && oneTransfer && afterTwins[0] === 700 && afterTwins[1] === 300, { statuses: twinStatuses, balances: afterTwins },
      `statuses ${twinStatuses.join(', ')}${oneTransfer ? '' : ' carrying different transfers'}, balances ${afterTwins.join(' / ')} (expected 700 / 300)`);

    // 6. The same key for a different request.
    const reused = await pair(1000);
    await transfer(reused, 300, 'key-reuse-1');
    const different = await transfer(reused, 500, 'key-reuse-1');
    const afterReuse = ctx.observe('key reused for 500 instead of 300: balances', await balances(reused));
    ctx.observe('key reused for a different amount: status', different.status);
    ctx.check('keyReuseRefused', different.status === 422 && afterReuse[0] === 700 && afterReuse[1] === 300, different.status,
      `status ${different.status}, balances ${afterReuse.join(' / ')} (expected 700 / 300)`);

    // 7. How long keys are kept: any TTL index the app declared, once its builds have finished.
    await Promise.all(Object.values(ctx.db.models).map((model) => model.init().catch(() => undefined)));
    const ttl: string[] = [];
    for (const info of await ctx.db.db!.listCollections({}, { nameOnly: true }).toArray()) {
      for (const index of await ctx.db.db!.collection(info.name).indexes()) {
        if (typeof index.expireAfterSeconds === 'number') ttl.push(`${info.name}.${index.name ?? '?'}: ${index.expireAfterSeconds} s`);
      }
    }
    ctx.check('keysExpire', ttl.length > 0, ctx.observe('TTL indexes', ttl), ttl.length > 0 ? ttl.join(', ') : 'no index with expireAfterSeconds');

    // 8. A fact about MongoDB, shown with the driver alone: what the retry in withTransaction answers.
    const probe = ctx.db.db!.collection<{ _id: string; n: number }>('conflict_probe');
    await probe.insertOne({ _id: 'doc', n: 0 });
    const client = ctx.db.getClient();
    const [a, b] = [client.startSession(), client.startSession()];
    try {
      a.startTransaction();
      b.startTransaction();
      await probe.findOne({ _id: 'doc' }, { session: a });
      await probe.findOne({ _id: 'doc' }, { session: b });
      await probe.updateOne({ _id: 'doc' }, { $inc: { n: 1 } }, { session: a });
      const failure = await probe.updateOne({ _id: 'doc' }, { $inc: { n: 1 } }, { session: b }).then(() => null, (error: unknown) => error as { code?: number; hasErrorLabel?: (label: string) => boolean });
      await a.commitTransaction();
      const code = ctx.observe('second writer: error code', failure?.code ?? null);
      const transient = failure?.hasErrorLabel?.('TransientTransactionError') === true;
      ctx.check('conflictIsTransient', code === 112 && transient, { code, transient }, failure ? `code ${code}${transient ? ', TransientTransactionError' : ', no TransientTransactionError label'}` : 'the second write succeeded');
    } finally {
      if (b.inTransaction()) await b.abortTransaction().catch(() => undefined);
      await a.endSession();
      await b.endSession();
    }
  },
});
