// Scenario 24 · a tempting half-fix: `unique: true` and redeploy. The 11000 is even answered 409.
// But Mongoose's autoIndex starts the build in the background when the model compiles, and the
// app is served without waiting for it.

/**
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db
 * @param {{ hash(password: string, cost: number): Promise<string> }} deps.bcrypt
 */
export async function createApp({ express, mongoose, db, bcrypt }) {
  const userSchema = new mongoose.Schema({
    // TRAP: the index is declared, and autoIndex builds it... whenever the build gets there.
    email: { type: String, required: true, unique: true },
    passwordHash: String,
  });
  const User = db.model('User', userSchema);
  const taken = { error: 'an account uses this email' };

  const app = express();
  app.use(express.json());

  app.post('/register', async (req, res) => {
    const { email, password } = req.body ?? {};
    if (typeof email !== 'string' || typeof password !== 'string') {
      return res.status(400).json({ error: 'invalid body' });
    }
    if (await User.exists({ email })) {
      return res.status(409).json(taken);
    }
    const passwordHash = await bcrypt.hash(password, 12);
    try {
      const user = await User.create({ email, passwordHash });
      res.status(201).json({ id: user.id });
    } catch (err) {
      if (err?.code === 11000) return res.status(409).json(taken);
      throw err;
    }
  });

  // TRAP: served at once; nothing awaits User.init() or createIndexes().
  return app;
}
