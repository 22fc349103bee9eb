// Scenario 40 · Graceful shutdown: the reference fix. On SIGTERM: readiness down, keep serving until
// the load balancer has drained, stop accepting, let in-flight requests finish (closing each
// keep-alive connection as it goes idle), close the database last, exit(0); a backstop exits(1)
// before the grace period runs out whatever hangs.

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
export async function createApp({ express, mongoose, db, payments, signals, exit, graceMs, loadBalancer }) {
  const Order = db.model('Order', new mongoose.Schema({ item: String, amountCents: Number, chargeId: String }));
  let ready = true;
  /** The server once close() has been called: from then on, a connection that goes idle is closed. */
  let closingServer = null;

  const app = express();
  app.use(express.json());
  // FIX: a keep-alive connection whose response ends after close() goes idle and would hold close()
  // open until the client or keepAliveTimeout ends it: close it the moment it is idle.
  app.use((req, res, next) => {
    res.on('close', () => closingServer?.closeIdleConnections());
    next();
  });

  // Liveness: "the process works". It stays 200 during shutdown, or the orchestrator restarts us.
  app.get('/health', (req, res) => res.json({ status: 'ok' }));
  // FIX: readiness: "send me traffic". It goes 503 the moment shutdown begins.
  app.get('/ready', (req, res) => res.status(ready ? 200 : 503).json({ ready }));

  app.post('/orders', async (req, res) => {
    const { item, amountCents } = req.body ?? {};
    if (typeof item !== 'string' || !Number.isInteger(amountCents)) return res.status(400).json({ error: 'invalid order' });
    const charge = await payments.charge(amountCents);
    const order = await Order.create({ item, amountCents, chargeId: charge.id });
    res.status(201).json({ id: order.id });
  });

  signals.once('SIGTERM', async ({ server }) => {
    // FIX: readiness down first, and keep serving: the load balancer still routes here for a while.
    ready = false;
    // SENIOR: the backstop: whatever hangs, exit on our own terms before the SIGKILL.
    const backstop = setTimeout(() => exit(1), graceMs);
    backstop.unref();
    await loadBalancer.drained();
    // FIX: stop accepting; Node 20's close() also closes the connections idle right now. Its
    // callback runs once every connection has closed, so in-flight requests finish first.
    server.close(async () => {
      // FIX: the database last: the requests in flight needed it until their response.
      await db.close();
      clearTimeout(backstop);
      exit(0);
    });
    closingServer = server;
  });

  return app;
}
