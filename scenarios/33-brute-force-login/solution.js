// Scenario 33 · Brute-force login: the reference fix. A rate limit per client IP (with trust proxy
// set to the one load balancer in front), a failure counter per account in Redis that holds across
// any number of IPs, shared counters for every instance, and the same work for unknown e-mails.

const WINDOW_MS = 10 * 60 * 1000;
const ACCOUNT_MAX_FAILS = 5;
const ACCOUNT_LOCK_S = 10 * 60;

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
export async function createApp({ express, mongoose, db, bcrypt, rateLimit, RedisStore, redis }) {
  const User = userModel(mongoose, db);
  // SENIOR: every login costs one bcrypt compare, account or not, so latency reveals nothing.
  const dummyHash = await bcrypt.hash('not-a-real-password', 10);

  // Every 401 names the scheme to retry with (RFC 9110).
  function invalidCredentials(res) {
    res.set('WWW-Authenticate', 'Bearer realm="api"');
    return res.status(401).json({ error: 'invalid credentials' });
  }

  // FIX: limit guesses per client IP; 429 with the IETF RateLimit headers and Retry-After.
  const loginLimiter = rateLimit({
    windowMs: WINDOW_MS,
    limit: 5,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'login',
    skipSuccessfulRequests: true,
    // SENIOR: counters in Redis, so N instances share one budget instead of N.
    store: new RedisStore(redis, 'rl-login:'),
  });

  const app = express();
  // FIX: trust exactly the one load balancer in front: req.ip is the address it saw, not a value
  // the client wrote into X-Forwarded-For.
  app.set('trust proxy', 1);
  app.use(express.json());

  app.post('/login', loginLimiter, async (req, res) => {
    const { email, password } = req.body ?? {};
    // {"$ne": null} is a query operator, not an address: only strings reach the filter.
    if (typeof email !== 'string' || typeof password !== 'string') {
      return res.status(400).json({ error: 'invalid body' });
    }
    // FIX: failures per account, whatever the IP (a botnet has thousands); counted for unknown
    // e-mails too, so the lock does not reveal which accounts exist.
    const key = `login-fail:${email.toLowerCase()}`;
    if (Number(await redis.get(key)) >= ACCOUNT_MAX_FAILS) {
      res.set('Retry-After', String(await redis.ttl(key)));
      return res.status(423).json({ error: 'account temporarily locked' });
    }
    const user = await User.findOne({ email }).lean();
    const ok = await bcrypt.compare(password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) {
      // The lock window runs from the first failure.
      await redis.multi().set(key, '0', 'EX', ACCOUNT_LOCK_S, 'NX').incr(key).exec();
      return invalidCredentials(res);
    }
    await redis.del(key);
    res.json({ ok: true });
  });

  return app;
}
