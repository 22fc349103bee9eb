// Scenario 39 · A money transfer between two
// accounts. Money must never vanish or appear: a
// crash half-way, two transfers at once and a client
// that retries must all leave the books right.
// Check your fix: npx backend-scenarios verify 39   ·
// stuck? npx backend-scenarios hint 39

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
  await Account.init();

  const app = express();
  app.use(express.json());

  // TODO: clients retry when an answer is lost; the
  // same Idempotency-Key header must never charge
  // twice, even when both copies arrive at once.
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
    // TODO: two transfers from one account at the
    // same moment must both count.
    const source = await Account.findById(from);
    const target = await Account.findById(to);
    if (!source || !target) {
      return res.status(404)
        .json({ error: 'account not found' });
    }
    if (source.balance < amount) {
      return res.status(409)
        .json({ error: 'insufficient funds' });
    }
    // TODO: a crash anywhere below must leave both
    // balances as they were.
    source.balance -= amount;
    await source.save();
    await faults.afterDebit();
    target.balance += amount;
    await target.save();
    res.status(201).json({ transferId:
      String(new mongoose.Types.ObjectId()),
      from: String(from), to: String(to), amount });
  });
  return app;
}
