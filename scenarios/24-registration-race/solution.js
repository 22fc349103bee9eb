// Scenario 24 · Registration race: the reference fix. The database decides: a unique index, built
// and awaited before the app is served, and its duplicate-key error (11000) answered 409.

/**
 * Called once per run with everything the app stands on; resolve with the Express app once it is
 * ready to serve (the tool serves it: no app.listen).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db a fresh database: define your models on it (db.model)
 * @param {{ hash(password: string, cost: number): Promise<string> }} deps.bcrypt
 */
export async function createApp({ express, mongoose, db, bcrypt }) {
  const userSchema = new mongoose.Schema(
    {
      email: {
        type: String,
        required: true,
        // FIX: a unique index: the database refuses a second document with this email (11000).
        unique: true,
        // SENIOR: setters that run on create() and on query filters alike: one spelling per mailbox.
        trim: true,
        lowercase: true,
      },
      passwordHash: String,
    },
    // FIX: no build in the background racing the first requests; it is awaited below.
    { autoIndex: false },
  );
  const User = db.model('User', userSchema);
  const taken = { error: 'an account uses this email' };

  const app = express();
  app.use(express.json());

  app.post('/register', async (req, res) => {
    const { email, password } = req.body ?? {};
    // {"$ne": null} is a query operator, not an address: only strings may reach the filter.
    if (typeof email !== 'string' || typeof password !== 'string') {
      return res.status(400).json({ error: 'invalid body' });
    }
    // FIX: kept as a fast path that saves a hash for a known address; racers still all pass it.
    if (await User.exists({ email })) {
      return res.status(409).json(taken);
    }
    const passwordHash = await bcrypt.hash(password, 12);
    try {
      const user = await User.create({ email, passwordHash });
      res.status(201).json({ id: user.id });
    } catch (err) {
      // FIX: the insert is the real check; a loser's duplicate-key error is a conflict, not a 500.
      if (err?.code === 11000) return res.status(409).json(taken);
      throw err;
    }
  });

  // FIX: build the index before serving; with duplicates already stored this rejects: a failed deploy.
  await User.createIndexes();
  return app;
}
