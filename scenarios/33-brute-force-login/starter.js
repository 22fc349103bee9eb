// Scenario 33 · Brute-force login: the login answers every guess as fast as it can.
// Stop password guessing, including an attacker who forges X-Forwarded-For, one with a botnet of
// real addresses, and one who alternates between your instances.
// Check your fix: npx backend-scenarios verify 33   ·   stuck? npx backend-scenarios hint 33

/** The User model on this connection (createApp runs once per instance, on one database). */
function userModel(mongoose, db) {
  return db.models.User ?? db.model('User', new mongoose.Schema({
    email: { type: String, required: true },
    passwordHash: { type: String, required: true },
  }));
}

/**
 * Called once per app instance (twice when two instances share the database and Redis); resolve
 * with the Express app once it is ready to serve (no app.listen). The app runs behind exactly one
 * load balancer, which appends the client's address to X-Forwarded-For.
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db users live here ({ email, passwordHash })
 * @param {{ compare(password: string, hash: string): Promise<boolean>,
 *   hash(password: string, cost: number): Promise<string> }} deps.bcrypt
 * @param {typeof import('express-rate-limit').rateLimit} deps.rateLimit express-rate-limit 8
 * @param {new (redis: import('ioredis').Redis, prefix: string)
 *   => import('express-rate-limit').Store} deps.RedisStore
 *   a Redis store for express-rate-limit (what the rate-limit-redis package provides)
 * @param {import('ioredis').Redis} deps.redis
 */
export async function createApp({ express, mongoose, db, bcrypt }) {
  const User = userModel(mongoose, db);

  // Every 401 names the scheme to retry with (RFC 9110).
  function invalidCredentials(res) {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    return res.status(401).json({ error: 'invalid credentials' });
  }

  const app = express();
  app.use(express.json());

  // TODO: one client may guess only a few times per window, whatever it writes in its headers,
  // and whichever instance answers.
  app.post('/login', async (req, res) => {
    const { email, password } = req.body ?? {};
    // {"$ne": null} is a query operator, not an address: only strings reach the filter.
    if (typeof email !== 'string' || typeof password !== 'string') {
      return res.status(400).json({ error: 'invalid body' });
    }
    // TODO: thousands of addresses guessing one account must still be stopped.
    const user = await User.findOne({ email }).lean();
    // TODO (senior): an unknown e-mail must cost the same work as a known one.
    const ok = user !== null && await bcrypt.compare(password, user.passwordHash);
    if (!ok) return invalidCredentials(res);
    res.json({ ok: true });
  });

  return app;
}
