// Scenario 40's attack, run against starter.js, each trap, solution.js (`run 40`) and the learner's
// own file (`verify 40`). A real SIGTERM would end the process that runs the demo, so the signal
// arrives through a seam: `deps.signals` (an EventEmitter standing in for `process`) gets 'SIGTERM'
// with the http.Server, and `deps.exit(code)` records the exit and then does what the OS does when a
// process ends: every socket it held is gone at once, and nothing it was waiting for ever resumes.
// Timing is held, never slept on: orders wait at the payment provider until the attack releases
// them, and the load balancer "drains" when the attack says so.
import { EventEmitter } from 'node:events';
import type { Agent, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Connection, Model } from 'mongoose';
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';

/** Orders in flight (held at the payment provider) when SIGTERM arrives. */
const IN_FLIGHT = 3;
/** The grace period the learner's code is given (terminationGracePeriodSeconds, scaled down). */
const GRACE_MS = 1_000;
/** The second start, where one order never finishes: a short grace keeps the run fast. */
const STUCK_GRACE_MS = 200;
/**
 * How long past the grace period the attack waits for exit() before it calls it a SIGKILL. Slack
 * for a loaded machine's timer jitter; the fixed code exits within milliseconds, the backstop at
 * the grace period, and keep-alive holds close() open for the server's 5 s keepAliveTimeout.
 */
const KILL_SLACK_MS = 1_500;
/** One request of ours: past this it is "no answer". */
const REQUEST_BOUND_MS = 2_000;
/** How long after the drain the attack waits for server.close() to be called. */
const CLOSE_CALL_BOUND_MS = 1_000;

export const checks = {
  inFlightCompleted: { claim: `the ${IN_FLIGHT} orders in flight at SIGTERM are all answered 201 and stored`, level: 'core', broken: `orders in flight at SIGTERM are dropped` },
  readyGoesDown: { claim: 'after SIGTERM, /ready answers 503 while /health still answers 200', level: 'core', broken: 'after SIGTERM nothing answers /ready with 503 while /health stays 200' },
  servesWhileDraining: { claim: 'an order that arrives after SIGTERM, before the load balancer has drained, is still served 201', level: 'core', broken: 'an order that arrives before the load balancer has drained is refused' },
  stopsAccepting: { claim: 'once the load balancer has drained, new connections are refused (ECONNREFUSED): the server stopped accepting', level: 'core', broken: 'after the drain, new connections are still accepted' },
  dbOutlivesRequests: { claim: 'the database connection stays open until the last in-flight order has been answered', level: 'core', broken: 'the database connection is closed while orders are still in flight' },
  exitsCleanly: { claim: 'exit(0) comes once the server and the database connection have both closed, within the grace period', level: 'core', broken: 'exit comes too early, or only from the backstop: the server and the database had not both closed' },
  backstopExits: { claim: `with an order stuck at the payment provider, exit still comes within the grace period (${STUCK_GRACE_MS} ms)`, level: 'senior', broken: 'with an order stuck in flight, the process never exits on its own' },
} as const;

export type CheckId = keyof typeof checks;

interface Outcome {
  status: number;
  /** The network error when no response arrived: ECONNRESET (dropped), ECONNREFUSED, timeout. */
  error?: string;
}

interface ExitRecord {
  code: number;
  afterMs: number;
  openConnections: number;
}

/** A promise with its resolver outside, for the barriers the attack controls. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function within<T>(work: Promise<T>, boundMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), boundMs);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** The learner's app on its own client: closing it must not close the run's shared one. */
async function ownConnection(ctx: AttackContext): Promise<Connection> {
  // Mongoose reads the same field when handed a client (Connection#setClient).
  const url = (ctx.db.getClient() as unknown as { s: { url: string } }).s.url;
  const conn = ctx.mongoose.createConnection(url, { dbName: ctx.db.name, serverSelectionTimeoutMS: 2_000 });
  await conn.asPromise();
  ctx.defer(async () => {
    await conn.close(true).catch(() => undefined);
  });
  return conn;
}

/** How many orders were written: whichever model the learner defined, counted on the run's client. */
async function storedOrders(ctx: AttackContext, conn: Connection): Promise<number> {
  const model = Object.values(conn.models)[0] as Model<unknown> | undefined;
  if (!model) return 0;
  return ctx.db.collection(model.collection.collectionName).countDocuments({});
}

export const attack = defineAttack({
  checks,
  timeoutMs: 15_000,
  preamble: `Each file below gets the same shutdown. A real SIGTERM would end this process, so it arrives through deps.signals with the http.Server, and deps.exit(code) `
    + 'records the exit and then closes every socket the app held, as the OS does when a process dies. '
    + `${IN_FLIGHT} orders are held at the payment provider when SIGTERM arrives and released only after the drain, so they are in flight on every run; `
    + `the load balancer "drains" when the attack says so, and the grace period is ${GRACE_MS / 1000} s (a real one is 30 s). `
    + 'The clients keep their connections alive, as browsers, proxies and fetch do.',
  async run(ctx, target) {
    const http = await import('node:http');
    const events: string[] = [];

    /** One request on its own, a fresh connection unless an agent is given. */
    const send = (port: number, method: string, path: string, options: { agent?: Agent; tag?: string; body?: unknown } = {}): Promise<Outcome> =>
      new Promise((resolve) => {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const headers: Record<string, string> = {};
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (options.tag) headers['x-attack'] = options.tag;
        const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: options.agent ?? false }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
          response.on('error', () => resolve({ status: 0, error: 'ECONNRESET' }));
        });
        request.setTimeout(REQUEST_BOUND_MS, () => {
          request.destroy();
          resolve({ status: 0, error: 'timeout' });
        });
        request.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, error: error.code === 'ECONNRESET' || error.message === 'socket hang up' ? 'ECONNRESET' : error.code ?? error.message }));
        request.end(body);
      });

    /**
     * Starts the learner's app with a fresh signal emitter, a held payment provider and an exit()
     * that ends "the process". Returns what the attack needs to drive and observe it.
     */
    const startApp = async (graceMs: number, record: boolean) => {
      const conn = await ownConnection(ctx);
      const signals = new EventEmitter();
      const drained = deferred();
      const paymentsReleased = deferred();
      let holding = 0;
      const started = { count: 0, all: deferred() };
      const exited = deferred<ExitRecord>();
      let exitRecord: ExitRecord | undefined;
      let signalledAt = 0;
      /** The served http.Server and its own close(), once started (exit() needs them). */
      const served: { server?: Server; close?: Server['close'] } = {};
      const open = new Set<Socket>();
      const taggedSockets = new Map<string, Socket>();
      const note = (event: string) => {
        if (record && exitRecord === undefined) events.push(event);
      };

      const payments = {
        async charge(amountCents: number): Promise<{ id: string; amountCents: number }> {
          if (holding > 0) {
            holding -= 1;
            started.count += 1;
            if (holding === 0) started.all.resolve();
            await paymentsReleased.promise;
          }
          return { id: `ch_${Math.random().toString(36).slice(2, 10)}`, amountCents };
        },
      };
      const exit = (code: number) => {
        if (exitRecord) return;
        note(`exit(${code})`);
        // A socket being destroyed still sits in the set until its 'close' event: count the live ones.
        exitRecord = { code, afterMs: Math.round(performance.now() - signalledAt), openConnections: [...open].filter((socket) => !socket.destroyed).length };
        exited.resolve(exitRecord);
        // What the OS does to a process that ends: its sockets close at once, mid-response or not,
        // and what it was awaiting never resumes (the held payments are never released).
        served.server?.closeAllConnections();
        if (served.server?.listening) served.close?.call(served.server);
        void conn.close(true).catch(() => undefined);
      };

      const app = await target.start({
        express: ctx.express, mongoose: ctx.mongoose, db: conn, payments, signals, exit, graceMs,
        loadBalancer: { drained: () => drained.promise },
      });
      const server = app.server;
      served.server = server;
      served.close = server.close;
      server.on('connection', (socket: Socket) => {
        open.add(socket);
        socket.on('close', () => open.delete(socket));
      });
      server.on('request', (req, res) => {
        const tag = req.headers['x-attack'];
        if (typeof tag === 'string') taggedSockets.set(tag, req.socket);
        if (tag === 'in-flight') res.on('finish', () => note(`in-flight order answered ${res.statusCode}`));
        if (tag === 'draining') res.on('finish', () => note(`order during drain answered ${res.statusCode}`));
      });
      server.on('close', () => note('server closed'));
      conn.on('close', () => note('db closed'));
      // Watch the learner's close() call without changing what it does.
      const closeCalled = deferred();
      const original = server.close;
      server.close = function close(this: Server, ...args: Parameters<Server['close']>) {
        note('server.close()');
        closeCalled.resolve();
        return original.apply(server, args);
      } as Server['close'];

      const sigterm = () => {
        signalledAt = performance.now();
        note('SIGTERM');
        signals.emit('SIGTERM', { signal: 'SIGTERM', server });
      };
      const hold = (requests: number) => {
        holding = requests;
      };
      const waitForExit = (boundMs: number) => within<ExitRecord | undefined>(exited.promise, boundMs, undefined);
      return {
        app, conn, port: app.port, sigterm, hold, started, drained, paymentsReleased, closeCalled, waitForExit,
        exited: () => exitRecord,
        /** The server's side of the connection a tagged request came on. */
        socketOf: (tag: string) => taggedSockets.get(tag),
      };
    };

    // --- The shutdown, with orders in flight. ---
    const life = await startApp(GRACE_MS, true);
    const before = ctx.observe('before SIGTERM: /health, /ready', [(await send(life.port, 'GET', '/health')).status, (await send(life.port, 'GET', '/ready')).status]);
    // A client that visited earlier and keeps its connection alive, idle when SIGTERM arrives.
    const idleClient = new http.Agent({ keepAlive: true });
    await send(life.port, 'GET', '/health', { agent: idleClient, tag: 'idle-client' });
    // The clients whose orders are in flight keep their connections alive too.
    const orderClients = new http.Agent({ keepAlive: true });
    ctx.defer(() => {
      idleClient.destroy();
      orderClients.destroy();
    });

    life.hold(IN_FLIGHT);
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, index) =>
      send(life.port, 'POST', '/orders', { agent: orderClients, tag: 'in-flight', body: { item: `book-${index + 1}`, amountCents: 1_200 } }));
    // Every order is waiting at the payment provider (or, in a broken app, already answered).
    await within(Promise.race([life.started.all.promise, Promise.all(inFlight)]), REQUEST_BOUND_MS, undefined);
    ctx.observe('orders waiting at the payment provider when SIGTERM arrives', life.started.count);

    life.sigterm();
    const ready = await send(life.port, 'GET', '/ready');
    const health = await send(life.port, 'GET', '/health');
    const during = ctx.observe('after SIGTERM: /health, /ready', [health.error ?? health.status, ready.error ?? ready.status]);
    ctx.check('readyGoesDown', ready.status === 503 && health.status === 200, during, `/health ${health.error ?? health.status}, /ready ${ready.error ?? ready.status} (before SIGTERM: ${before.join(', ')})`);
    const drainOrder = await send(life.port, 'POST', '/orders', { tag: 'draining', body: { item: 'late-book', amountCents: 900 } });
    const drainFigure = ctx.observe('an order after SIGTERM, before the drain', drainOrder.error ?? drainOrder.status);
    ctx.check('servesWhileDraining', drainOrder.status === 201, drainFigure);

    // The load balancer has stopped routing here: the learner's code may now stop accepting.
    life.drained.resolve();
    if (!life.exited()) await within(life.closeCalled.promise, CLOSE_CALL_BOUND_MS, undefined);
    const late = await send(life.port, 'GET', '/health');
    const lateFigure = ctx.observe('a new connection after the drain', late.error ?? late.status);
    ctx.check('stopsAccepting', late.error === 'ECONNREFUSED', lateFigure);
    if (!life.exited()) {
      // Node 19+: close() itself closes the connections that are idle at that moment, no others.
      ctx.observe('the keep-alive connection idle at SIGTERM, after close()', life.socketOf('idle-client')?.destroyed === false ? 'still open' : 'closed');
    }

    // Release the orders (a process that has exited never sees this).
    if (!life.exited()) life.paymentsReleased.resolve();
    const outcomes = await Promise.all(inFlight);
    const figures = ctx.observe('in-flight orders', outcomes.map((outcome) => outcome.error ?? outcome.status));
    const stored = ctx.observe('orders stored', await storedOrders(ctx, life.conn));
    const answered = outcomes.filter((outcome) => outcome.status === 201).length;
    ctx.check('inFlightCompleted', answered === IN_FLIGHT && stored >= IN_FLIGHT, figures, `${IN_FLIGHT - answered} of ${IN_FLIGHT} in-flight orders failed (${figures.join(', ')}); ${stored} stored`);

    const exit = await life.waitForExit(GRACE_MS + KILL_SLACK_MS);
    ctx.observe('exit', exit === undefined ? 'none (SIGKILL)' : { code: exit.code, openConnections: exit.openConnections });
    ctx.observe('shutdown order', [...events]);

    const lastAnswer = events.map((event, index) => (event.startsWith('in-flight order answered') ? index : -1)).reduce((a, b) => Math.max(a, b), -1);
    const dbClosedAt = events.indexOf('db closed');
    ctx.check('dbOutlivesRequests', dbClosedAt === -1 || dbClosedAt > lastAnswer, dbClosedAt === -1 ? 'not closed before exit' : events.slice(0, dbClosedAt + 1).join(' → '));
    const serverClosedAt = events.indexOf('server closed');
    const exitAt = events.findIndex((event) => event.startsWith('exit('));
    const clean = exit?.code === 0 && serverClosedAt !== -1 && dbClosedAt !== -1 && exitAt > serverClosedAt && exitAt > dbClosedAt;
    ctx.check('exitsCleanly', clean, exit === undefined ? 'no exit' : `exit(${exit.code})`,
      exit === undefined ? 'no exit before the grace period ran out: SIGKILL'
        : `exit(${exit.code}) with ${exit.openConnections} connection(s) still open; order: ${events.join(' → ')}`);

    // --- The backstop: one order never comes back from the payment provider. ---
    const stuck = await startApp(STUCK_GRACE_MS, false);
    stuck.hold(1);
    const stuckOrder = send(stuck.port, 'POST', '/orders', { body: { item: 'stuck-book', amountCents: 500 } });
    await within(Promise.race([stuck.started.all.promise, stuckOrder]), REQUEST_BOUND_MS, undefined);
    stuck.drained.resolve();
    stuck.sigterm();
    const forced = await stuck.waitForExit(STUCK_GRACE_MS + KILL_SLACK_MS);
    const forcedFigure = ctx.observe('exit with an order stuck in flight', forced === undefined ? 'none (SIGKILL)' : { code: forced.code, atLeastGrace: forced.afterMs >= STUCK_GRACE_MS });
    ctx.check('backstopExits', forced !== undefined, forcedFigure, forced === undefined ? `no exit within ${STUCK_GRACE_MS + KILL_SLACK_MS} ms of SIGTERM` : `exit(${forced.code}) ${forced.afterMs} ms after SIGTERM`);
    if (!stuck.exited()) stuck.paymentsReleased.resolve();
    await stuckOrder;
  },
});
