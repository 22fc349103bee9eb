// Scenario 40 · Graceful shutdown: SIGTERM with requests in flight.
// A deploy (or a scale-down) sends SIGTERM while orders are waiting on the payment provider. Make
// sure every order in flight gets its answer, the load balancer is told to stop sending traffic,
// and the process exits on its own, cleanly and in time.
// Check your fix: npx backend-scenarios verify 40   ·   stuck? npx backend-scenarios hint 40

/**
 * Called once per start with everything the app stands on; resolve with the Express app (the tool
 * serves it: no app.listen) and register your SIGTERM handler on `signals`.
 *
 * The seam: a real SIGTERM would end the process that runs the checks, so the signal arrives on
 * `signals` instead of `process`, with the http.Server the tool serves your app on (in production
 * it is what `app.listen()` returned), and `exit(code)` stands in for `process.exit(code)`: it
 * records the exit and then does what the OS does to a process that ends (every socket closes).
 * With no handler nothing happens here; in production SIGTERM's default action would end the process
 * at once (and node as PID 1 in a container would ignore it until SIGKILL).
 *
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {typeof import('mongoose')} deps.mongoose
 * @param {import('mongoose').Connection} deps.db this app's own connection to a fresh database: define models on it, close it on shutdown
 * @param {{ charge(amountCents: number): Promise<{ id: string }> }} deps.payments the payment provider (slow: orders wait on it)
 * @param {import('node:events').EventEmitter} deps.signals stands in for `process`: emits 'SIGTERM' with `{ signal, server }`
 * @param {(code: number) => void} deps.exit stands in for `process.exit`
 * @param {number} deps.graceMs the grace period: after it the orchestrator sends SIGKILL (terminationGracePeriodSeconds)
 * @param {{ drained(): Promise<void> }} deps.loadBalancer `drained()` resolves once no new requests are routed here
 *   (in production: a preStop sleep, or a wait longer than endpoint propagation and the readiness probe's period)
 */
export async function createApp({ express, mongoose, db, payments, signals, exit }) {
  const Order = db.model('Order', new mongoose.Schema({ item: String, amountCents: Number, chargeId: String }));

  const app = express();
  app.use(express.json());

  // Liveness: "the process works".
  app.get('/health', (req, res) => res.json({ status: 'ok' }));
  // TODO: once shutdown begins, the load balancer must hear "stop sending me traffic" (while /health stays 200).
  app.get('/ready', (req, res) => res.json({ ready: true }));

  app.post('/orders', async (req, res) => {
    const { item, amountCents } = req.body ?? {};
    if (typeof item !== 'string' || !Number.isInteger(amountCents)) return res.status(400).json({ error: 'invalid order' });
    const charge = await payments.charge(amountCents);
    const order = await Order.create({ item, amountCents, chargeId: charge.id });
    res.status(201).json({ id: order.id });
  });

  signals.once('SIGTERM', () => {
    // TODO: requests that arrive before deps.loadBalancer.drained() resolves must still be served.
    // TODO: requests already in flight must get their answer, and they need the database until then.
    // TODO: exit only once the server and the database have closed, and before deps.graceMs runs out even if a request hangs.
    exit(0);
  });

  return app;
}
