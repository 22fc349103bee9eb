// Scenario 24 · a tempting half-fix: the unique index is built and awaited before serving, so the
// database now keeps one account. But the losers' duplicate-key error is left to Express.

/**
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 * @param {{ hash(password: string, cost: number): Promise<string> }} deps.bcrypt
 */
export async function createApp({ express, mongoose, db, bcrypt }) {
  const userSchema = new mongoose.Schema(
    {
      email: { type: String, required: true, unique: true },
      passwordHash: String,
    },
    { autoIndex: false },
  );
  const User = db.model('User', userSchema);

  const app = express();
  app.use(express.json());

  app.post('/register', async (req, res) => {
    const { email, password } = req.body ?? {};
    if (typeof email !== 'string' || typeof password !== 'string') {
      return res.status(400).json({ error: 'invalid body' });
    }
    if (await User.exists({ email })) {
      return res.status(409).json({ error: 'an account uses this email' });
    }
    const passwordHash = await bcrypt.hash(password, 12);
    // TRAP: E11000 rejects this await; Express 5 turns the rejection into a 500.
    const user = await User.create({ email, passwordHash });
    res.status(201).json({ id: user.id });
  });

  await User.createIndexes();
  return app;
}
