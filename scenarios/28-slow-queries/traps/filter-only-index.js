// Scenario 28 · trap: an index on the filter field
// alone. explain() says IXSCAN, so it looks fixed,
// but the index only narrows to the active users: the
// server fetches every one of them and still
// sorts them in memory to return 20.

const PAGE_SIZE = 20;
const TOTAL_TTL_SECONDS = 60;

/**
 * Called once per run with everything the app stands
 * on; resolve with the Express app once it is
 * ready to serve (the tool serves it: no app.listen).
 * The users collection is already filled.
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 *   a fresh database: define your models on it
 *   (db.model)
 * @param {import('ioredis').Redis} deps.redis
 *   a Redis client (real or in-memory)
 */
export async function createApp(deps) {
  const { express, mongoose, db, redis } = deps;
  const userSchema = new mongoose.Schema({
    name: String,
    email: String,
    isActive: Boolean,
    createdAt: Date,
    bio: String,
    avatarUrl: String,
    loginCount: Number,
  }, { autoIndex: false });
  // TRAP: the filter alone: a low-cardinality field,
  // and nothing for the sort.
  userSchema.index({ isActive: 1 });
  const User = db.model('User', userSchema);
  // FIX: built before the app serves (in production:
  // the deploy's migration).
  await User.createIndexes();

  const app = express();

  // ?after=<the `next` of the previous page>
  app.get('/users', async (req, res) => {
    const { after } = req.query;
    if (after !== undefined
        && typeof after !== 'string') {
      return res.status(400)
        .json({ error: 'bad cursor' });
    }
    const filter = { isActive: true };
    if (after !== undefined) {
      // FIX: keyset: seek past the last (createdAt,
      // _id) the client saw instead of skipping.
      const at = new Date(after.slice(0, 24));
      const id = after.slice(25);
      if (Number.isNaN(at.getTime())
          || !mongoose.isValidObjectId(id)) {
        return res.status(400)
          .json({ error: 'bad cursor' });
      }
      filter.createdAt = { $lte: at };
      const lastId = new mongoose.Types.ObjectId(id);
      filter.$or = [
        { createdAt: { $lt: at } },
        { _id: { $lt: lastId } },
      ];
    }
    const items = await User.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(PAGE_SIZE)
      // FIX: only what the list shows: less to
      // serialise, send and decode.
      .select('name email createdAt')
      .lean();
    const last = items.at(-1);
    const full = items.length === PAGE_SIZE && last;
    const next = full
      ? `${last.createdAt.toISOString()}_${last._id}`
      : null;
    res.json({ items, next });
  });

  app.get('/stats/active-users', async (req, res) => {
    // FIX: read-through: a hit skips the count; the
    // TTL bounds how stale the total can be.
    const hit = await redis.get('stats:active-users');
    if (hit !== null) {
      return res.set('x-cache', 'hit')
        .json(JSON.parse(hit));
    }
    const activeUsers =
      await User.countDocuments({ isActive: true });
    const body = { activeUsers };
    await redis.set('stats:active-users',
      JSON.stringify(body), 'EX', TOTAL_TTL_SECONDS);
    res.set('x-cache', 'miss').json(body);
  });

  return app;
}
