// Scenario 32 · Backfilling a new field: `plan` was added to the schema with a default.
// Legacy users have no plan stored. Make the free-plan count right before and after the backfill,
// and make the backfill safe to run from two pods at once, and again later.
// Check your fix: npx backend-scenarios verify 32   ·   stuck? npx backend-scenarios hint 32

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
    // TODO: the API shows legacy users as free; this count must include them too, before the
    // backfill as well as after.
    res.json({ count: await User.countDocuments({ plan }) });
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
export async function runMigration({ mongoose, db }) {
  const User = userModel(mongoose, db);
  // TODO: users who upgraded to pro since the deploy must keep their plan.
  // TODO (senior): two pods of one deploy run this at the same moment; it must run once.
  const result = await User.updateMany({}, { $set: { plan: 'free' } });
  return { status: 'applied', batches: 1, modified: result.modifiedCount };
}
