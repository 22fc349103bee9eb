// Scenario 39 · A money transfer: the reference fix.
// Debit, credit and the idempotency record are one
// transaction: a crash between them rolls the debit
// back, a write conflict is retried by the driver,
// and a retried POST with the same Idempotency-Key
// is answered from the stored response, never
// charged twice.

/**
 * Called once per run with everything the app stands
 * on; resolve with the Express app once it is
 * ready to serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database on a replica set: define your
 *   models on it (db.model)
 * @param {{ afterDebit(): Promise<void> }} deps.faults
 *   the attack's seam: await faults.afterDebit()
 *   between the debit and the credit. The attack uses
 *   it to crash the transfer at the worst moment: it
 *   throws once, as if the process died there.
 */
export async function createApp(deps) {
  const { express, mongoose, db, faults } = deps;
  const Account = db.model('Account',
    new mongoose.Schema({
    owner: String,
    // whole cents: floats cannot hold money exactly
    balance: { type: Number, min: 0 },
  }));
  // FIX: one record per Idempotency-Key: what the
  // request was and what it was answered.
  const IdempotencyKey = db.model('IdempotencyKey',
    new mongoose.Schema({
    // FIX: unique, so two requests can never both
    // own the same key.
    key: { type: String, required: true, unique: true },
    fingerprint: String,
    status: Number,
    body: mongoose.Schema.Types.Mixed,
    // SENIOR: keys are kept for a day, then the TTL
    // monitor removes them.
    createdAt: { type: Date, default: Date.now,
      expires: '24h' },
  }));
  // FIX: collections and indexes exist before the
  // first transaction writes to them.
  await Promise.all([Account.init(), IdempotencyKey.init()]);

  const app = express();
  app.use(express.json());

  app.post('/transfers', async (req, res) => {
    const { from, to } = req.body ?? {};
    const amount = req.body?.amount;
    if (!Number.isInteger(amount) || amount < 1
      || !mongoose.isValidObjectId(from)
      || !mongoose.isValidObjectId(to)
      || String(from) === String(to)) {
      return res.status(400).json({
        error: 'from, to and a whole amount of cents' });
    }
    const key = req.get('idempotency-key');
    const fingerprint = JSON.stringify(
      [String(from), String(to), amount]);

    let answer;
    // FIX: all or nothing. db.transaction runs the
    // callback in session.withTransaction, which
    // retries it on TransientTransactionError (a
    // WriteConflict) and retries the commit on
    // UnknownTransactionCommitResult.
    await db.transaction(async (session) => {
      if (key) {
        // FIX: inside the transaction, so a duplicate
        // in flight conflicts instead of passing.
        const prior = await IdempotencyKey
          .findOne({ key }).session(session).lean();
        if (prior && prior.fingerprint !== fingerprint) {
          answer = { status: 422, body: {
            error: 'Idempotency-Key reused with a '
              + 'different request' } };
          return;
        }
        if (prior) {
          answer = { status: prior.status,
            body: prior.body, replayed: true };
          return;
        }
      }
      // FIX: { session } on every operation: without
      // it the write runs outside the transaction.
      const source = await Account.findById(from)
        .session(session);
      const target = await Account.findById(to)
        .session(session);
      if (!source || !target) {
        answer = { status: 404,
          body: { error: 'account not found' } };
        return;
      }
      if (source.balance < amount) {
        answer = { status: 409,
          body: { error: 'insufficient funds' } };
        return;
      }
      // Read-modify-write is safe here: if another
      // transaction writes this account first, this
      // write fails with WriteConflict and the whole
      // callback runs again on fresh data.
      await Account.updateOne({ _id: from },
        { $inc: { balance: -amount } }, { session });
      await faults.afterDebit();
      await Account.updateOne({ _id: to },
        { $inc: { balance: amount } }, { session });
      const body = { transferId:
        String(new mongoose.Types.ObjectId()),
        from: String(from), to: String(to), amount };
      answer = { status: 201, body };
      if (key) {
        // FIX: the key commits with the money or not
        // at all.
        await IdempotencyKey.create([{ key,
          fingerprint, status: 201, body }],
          { session });
      }
    // SENIOR: majority, said out loud (the default
    // since MongoDB 5): a committed transfer survives
    // a failover.
    }, { writeConcern: { w: 'majority' } });
    if (answer.replayed) {
      res.set('idempotent-replayed', 'true');
    }
    res.status(answer.status).json(answer.body);
  });

  // FIX: a transfer that failed half-way was rolled
  // back: say so, and let the client retry with the
  // same key.
  app.use((err, req, res, next) => {
    if (res.headersSent) return next(err);
    res.status(503).set('retry-after', '1').json({
      error: 'transfer not made; nothing was charged' });
  });
  return app;
}
