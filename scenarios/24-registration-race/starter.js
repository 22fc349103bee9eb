// Scenario 24 · Registration race: one email, many accounts.
// Five sign-ups for the same new address arrive in the same instant. Make sure that afterwards
// exactly one account exists and every other request is told the address is taken.
// Check your fix: npx backend-scenarios verify 24   ·   stuck? npx backend-scenarios hint 24

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
  const userSchema = new mongoose.Schema({
    // TODO: nothing in the database stops a second account for the same address.
    // TODO (senior): "Ada@Example.com" and " ada@example.com" reach one mailbox.
    email: String,
    passwordHash: String,
  });
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
    // TODO: every racer can pass this check before any of them has inserted.
    if (await User.findOne({ email })) {
      return res.status(409).json(taken);
    }
    const passwordHash = await bcrypt.hash(password, 12);
    // TODO: a racer that loses must be answered 409, never 201 and never 500.
    const user = await User.create({ email, passwordHash });
    res.status(201).json({ id: user.id });
  });

  // TODO: whatever guarantees uniqueness must exist before the first request is served.
  return app;
}
