// Scenario 32 · Backfilling a new field: the reference fix. Readers tolerate both shapes until the
// backfill is done; the backfill touches only documents still missing the field, in _id batches,
// and runs once per environment because the runner claims it first.

const MIGRATION_ID = '2026-11-24-user-plan';

/** The User model on this connection (both exports use the same one). */
function userModel(mongoose, db) {
  return db.models.User ?? db.model('User', new mongoose.Schema({
    email: String,
    name: String,
    plan: { type: String, enum: ['free', 'pro'], default: 'free' },
  }));
}

/**
 * Called once per run; resolve with the Express app once it is ready to serve (no app.listen).
 * The users collection already holds documents written before `plan` existed.
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db the database, with legacy users in it
 */
export async function createApp({ express, mongoose, db }) {
  const User = userModel(mongoose, db);
  const app = express();
  app.use(express.json());

  app.get('/users/:id', async (req, res) => {
    const user = await User.findById(req.params.id);
    if (!user) return res.status(404).json({ error: 'not found' });
    res.json(user);
  });

  app.get('/users', async (req, res) => {
    const plan = req.query.plan === 'pro' ? 'pro' : 'free';
    // FIX: until the backfill is done, a missing plan means the default ({ plan: null } matches missing).
    const filter = plan === 'free' ? { plan: { $in: ['free', null] } } : { plan };
    res.json({ count: await User.countDocuments(filter) });
  });

  return app;
}

/**
 * The backfill, run by the deploy (possibly by two pods at once, and again by later deploys).
 * @param {object} deps
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 * @param {number} deps.batchSize documents per batch (thousands in production; small in the demo)
 * @returns {Promise<{ status: 'applied' | 'skipped', batches: number, modified: number }>}
 */
export async function runMigration({ mongoose, db, batchSize }) {
  const User = userModel(mongoose, db);
  // SENIOR: claim the migration first. The unique _id index lets exactly one runner insert the
  // claim; another pod gets E11000 and stops, and a later deploy finds it claimed too.
  try {
    await db.collection('migrations')
      .insertOne({ _id: MIGRATION_ID, state: 'running', startedAt: new Date() });
  } catch (err) {
    if (err?.code === 11000) return { status: 'skipped', batches: 0, modified: 0 };
    throw err;
  }
  // FIX: only documents still missing the field: safe to re-run, and a plan that new code wrote
  // since the deploy (an upgrade to pro) is never overwritten.
  const missing = { plan: { $exists: false } };
  let last = null;
  let batches = 0;
  let modified = 0;
  for (;;) {
    // SENIOR: walk _id ranges, so every write burst is small and the job can resume from `last`.
    const range = last ? { _id: { $gt: last } } : {};
    const batch = await User.find({ ...missing, ...range })
      .sort({ _id: 1 }).limit(batchSize).select('_id').lean();
    if (batch.length === 0) break;
    const upper = batch.at(-1)._id;
    const result = await User.updateMany(
      { ...missing, _id: { ...range._id, $lte: upper } },
      { $set: { plan: 'free' } },
    );
    batches += 1;
    modified += result.modifiedCount;
    last = upper;
  }
  await db.collection('migrations').updateOne({ _id: MIGRATION_ID }, { $set: { state: 'done', modified } });
  return { status: 'applied', batches, modified };
}
