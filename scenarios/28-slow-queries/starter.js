// Scenario 28 · Optimising slow MongoDB queries behind
// an API.
// GET /users lists the 20 newest active users, page
// after page; GET /stats/active-users shows the
// total beside the list. Both got slow as the
// collection grew. Keep the answers, lose the cost.
// Check your fix: npx backend-scenarios verify 28   ·
// stuck? npx backend-scenarios hint 28

const PAGE_SIZE = 20;

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
  const { express, mongoose, db } = deps;
  const userSchema = new mongoose.Schema({
    name: String,
    email: String,
    isActive: Boolean,
    createdAt: Date,
    bio: String,
    avatarUrl: String,
    loginCount: Number,
  }, { autoIndex: false });
  // TODO: explain() shows this query reading every
  // user and sorting them in memory to return 20.
  const User = db.model('User', userSchema);

  const app = express();

  // ?after=<the `next` of the previous page>
  app.get('/users', async (req, res) => {
    const { after } = req.query;
    if (after !== undefined
        && typeof after !== 'string') {
      return res.status(400)
        .json({ error: 'bad cursor' });
    }
    // TODO: every page must cost about one page of
    // work, however deep it is, and a user who
    // signs up between two requests must not make the
    // next page repeat someone.
    const page = after === undefined
      ? 1 : Number.parseInt(after, 10);
    if (!(page >= 1)) {
      return res.status(400)
        .json({ error: 'bad cursor' });
    }
    // TODO: the list view shows a name, an email and a
    // join date; nothing else needs to travel.
    const items = await User.find({ isActive: true })
      .sort({ createdAt: -1, _id: -1 })
      .skip((page - 1) * PAGE_SIZE)
      .limit(PAGE_SIZE)
      .lean();
    const full = items.length === PAGE_SIZE;
    const next = full ? String(page + 1) : null;
    res.json({ items, next });
  });

  // TODO: the total may be up to a minute old; it must
  // not cost a count on every request.
  app.get('/stats/active-users', async (req, res) => {
    const activeUsers =
      await User.countDocuments({ isActive: true });
    res.json({ activeUsers });
  });

  return app;
}
