import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext } from '../src/runtime/context.js';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { once } from 'node:events';

/** How long the demo's client waits for a hanging route before giving up (a browser or proxy waits much longer). */
const CLIENT_PATIENCE_MS = 1_000;
/** Bound for requests that are expected to answer: generous, so a loaded machine cannot turn them into timeouts. */
const ANSWER_BOUND_MS = 5_000;
/** Stand-in for Mongoose's 10 s default buffer, so the naive database step stays short. */
const NAIVE_BUFFER_MS = 500;
const NAIVE_DB_PATIENCE_MS = 300;
/** The fixed bounds: the request guard, the model's buffer and the driver's server selection. */
const REQUEST_TIMEOUT_MS = 250;
const BOUNDED_BUFFER_MS = 100;
const SERVER_SELECTION_MS = 200;
/** Documented default of bufferTimeoutMS, used only if this Mongoose cannot tell us its own. */
const DOCUMENTED_BUFFER_DEFAULT_MS = 10_000;

const naiveRouteCode = `app.get('/orders/:id', async (req, res) => {
  const order = await Order.findById(req.params.id);
  if (!order) {
    res.status(404);   // sets a status, sends nothing
    return;
  }
  res.json(order);
});`;

const naiveThrowCode = `app.get('/reports/daily', async (req, res) => {
  // throws when ?filter= is absent
  const filter = JSON.parse(req.query.filter);
  res.json(await buildReport(filter));
});
// no error middleware: Express 5 catches the rejected
// promise; its default handler answers 500 text/html
// (stack trace outside production). Express 4 ignored
// the promise: the request hung.`;

const naiveDbCode = `// connection down: Mongoose queues the query
// for bufferTimeoutMS (10 s) instead of failing
const order = await Order.findById(id);`;

const fixedRouteCode = `app.get('/orders/:id', async (req, res) => {
  const order = await Order.findById(req.params.id);
  if (!order) {
    return res.status(404)
      .json({ error: 'order not found' });
  }
  res.json(order);
});`;

/** The guard sample; `use` is the line that installs it (production budget or the demo's value). */
const timeoutGuardCode = (use: string): string => `// safety net: whatever a handler forgets, the
// client gets an answer
function requestTimeout(ms) {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.status(503).set('Retry-After', '1')
        .json({ error: 'request timed out' });
    }, ms);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear); // answered
    res.once('close', clear);  // or client gone
    next();
  };
}
${use}`;

const errorHandlerCode = `// registered LAST; four arguments make it an
// error-handling middleware
app.use((err, req, res, next) => {
  const status = isDbUnavailable(err) ? 503 : 500;
  logger.error({ err, path: req.originalUrl, status });
  if (res.headersSent) return next(err); // drop socket
  const error = status === 503
    ? 'database unavailable' : 'internal server error';
  res.status(status).json({ error });
});`;

const productionGuardCode = timeoutGuardCode(`// budget: proxy 30 s > request guard 10 s
// > database waits 5 s
app.use(requestTimeout(10_000));`);

const demoGuardCode = timeoutGuardCode(`// demo values, scaled down to stay fast
app.use(requestTimeout(${REQUEST_TIMEOUT_MS}));`);

/** The bounded-waits sample with the given header comment and values. */
const boundedDbCode = (header: string, selectionMs: string, bufferMs: string): string => `${header}
const conn = mongoose.createConnection(uri, {
  serverSelectionTimeoutMS: ${selectionMs}, // find a server
});
const orderSchema = new Schema({ item: String }, {
  bufferTimeoutMS: ${bufferMs}, // Mongoose: max time queued
});
// or bufferCommands: false: fail at once while down`;

const productionDbCode = boundedDbCode(`// fail in bounded time instead of queueing for 10 s
// budget: proxy 30 s > request guard 10 s > DB 5 s
// (a replica-set election takes seconds: do not go
// much lower, or every failover becomes errors)`, '5_000', '5_000');

const demoDbCode = boundedDbCode('// demo values, scaled down to stay fast',
  String(SERVER_SELECTION_MS), String(BOUNDED_BUFFER_MS));

function isDbUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Mongoose gives its buffering timeout no code or class of its own; the message is what identifies it.
  return ['MongooseServerSelectionError', 'MongoServerSelectionError', 'MongoNetworkError'].includes(error.name)
    || error.message.includes('buffering timed out');
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

export const scenario = defineScenario({
  id: 35,
  slug: 'hanging-requests',
  title: 'Diagnosing hanging API requests',
  tags: ['express', 'mongodb', 'reliability'],
  summary: 'A branch that never responds, an unhandled async error, a buffered query: bound every wait, answer every path.',
  question:
    'Users report that some API calls never complete: the spinner just keeps going until the browser or the load '
    + 'balancer gives up. The service is Express with MongoDB. How do you find the cause, and what do you change so a '
    + 'request always gets an answer in bounded time?',
  answer: {
    reasoning: [
      'A request "hangs" when no code path ends the response: Express does not answer on its own, so a handler that '
        + 'returns without res.json()/res.send()/res.end() and without calling next() leaves the socket open until some '
        + 'timeout elsewhere fires — the client\'s, a proxy\'s (often 60 s, then a 504), or Node\'s server.requestTimeout '
        + '(300 s by default). The classic cases are an early return on an error branch (res.status(404) without a body), '
        + 'a middleware that forgets next(), and a promise that never settles.',
      'Errors are the second source. Express 5 treats a rejected promise returned by a handler or middleware like '
        + 'next(err): it reaches the error-handling middleware, and without one the built-in final handler answers 500 '
        + 'with an HTML page (including the stack trace unless env is production). Express 4 ignored the promise, so an '
        + 'async throw left the request hanging and produced an unhandled rejection — which on Node 15+ terminates the '
        + 'process unless something swallows it. Either way, the app should end with its own error middleware '
        + '(four arguments, registered last) that logs the error with request context and answers a JSON 500 without '
        + 'internals.',
      'The third source is a dependency that waits too long. When Mongoose is not connected it buffers model operations '
        + 'instead of failing, for bufferTimeoutMS (10 s by default) per operation; the driver itself waits up to '
        + 'serverSelectionTimeoutMS (30 s by default) to find a server. To the user that is a request that does not come '
        + 'back. Set both to something shorter than the request budget (or bufferCommands: false), and map the resulting '
        + 'errors to 503 so clients and load balancers know to retry elsewhere. Slow queries on a healthy server are bounded '
        + 'by maxTimeMS.',
      'As a safety net, a request-timeout middleware answers 503 when nothing has answered within the budget and clears '
        + 'its timer on finish or close, so it costs nothing for fast requests. To diagnose, log every request\'s start and '
        + 'end with a request id and duration: requests with a start and no finish (or a close without finish) point at '
        + 'the route; a database debug log or currentOp shows stuck queries; event-loop delay monitoring catches '
        + 'synchronous CPU work that stalls every request at once.',
    ],
    keyPoints: [
      {
        text: 'Every code path of a handler must end the response or call next(); an early return without a body hangs the request.',
        terms: [['res.json', 'res.send', 'res.end', 'respond', 'next('], ['branch', 'code path', 'every path', 'all paths', 'early return', 'forgot',
          'never respond', 'never sends', 'never calls']],
      },
      {
        text: 'Express 5 forwards rejected promises to error middleware (Express 4 did not: the request hung).',
        terms: [['express 5', 'rejected promise', 'async error', 'async handler'], ['express 4', 'next(err)', 'error middleware', 'error handler']],
      },
      {
        text: 'A final error-handling middleware (err, req, res, next) logs and answers a JSON 500 without leaking the stack.',
        terms: [['error middleware', 'error-handling middleware', 'error handler', '(err, req, res, next)'], ['500'], ['logs', 'logged', 'logger', 'log the']],
      },
      {
        text: 'Mongoose buffers operations while disconnected (bufferTimeoutMS, 10 s default); bound it and serverSelectionTimeoutMS.',
        terms: [['buffer', 'bufferCommands', 'bufferTimeoutMS'], ['serverSelectionTimeoutMS', 'timeout']],
      },
      {
        text: 'A request-timeout guard answers 503 when the budget is exceeded and clears its timer when the response ends.',
        terms: [['timeout'], ['503', 'service unavailable'], ['cleartimeout', 'clear the timer', "'finish'", 'on finish']],
      },
      {
        text: 'Diagnose with request logs (id, start, end, duration), DB debug/currentOp and event-loop lag monitoring.',
        terms: [['request id', 'correlation id', 'duration', 'tracing', 'apm', 'logs', 'logged', 'logger', 'log the'], ['event loop', 'currentOp', 'debug', 'profiler']],
      },
    ],
    code: [
      { title: 'Naive: a branch that never answers', language: 'js', code: naiveRouteCode },
      { title: 'Fix: every branch answers', language: 'js', code: fixedRouteCode },
      { title: 'Fix: request-timeout guard (503)', language: 'js', code: productionGuardCode },
      { title: 'Fix: final error middleware (JSON 500, logged)', language: 'js', code: errorHandlerCode },
      { title: 'Fix: bounded database waits', language: 'js', code: productionDbCode },
    ],
    seniorNotes: [
      'Align the timeouts as a budget from the outside in: client > load balancer > the app\'s request guard > database '
        + 'waits (serverSelectionTimeoutMS, bufferTimeoutMS, maxTimeMS). If the proxy gives up first, the user sees a '
        + '504 while the app keeps working on a request nobody is waiting for. Node\'s server.requestTimeout, '
        + 'headersTimeout and keepAliveTimeout belong to the same budget. The classic mismatch: Node\'s keepAliveTimeout '
        + '(5 s by default) must exceed the load balancer\'s idle timeout, or the balancer reuses a socket Node has just '
        + 'closed and the user sees a 502.',
      'A timeout answer does not stop the work: the handler still runs and may try to respond late (ERR_HTTP_HEADERS_SENT). '
        + 'Check res.headersSent before writing, and propagate cancellation (an AbortSignal tied to the request\'s close '
        + 'event, maxTimeMS on queries) so abandoned requests stop consuming the pool.',
      'Hangs that hit every route at once are usually the event loop: a synchronous JSON.parse of a huge body, a '
        + 'CPU-heavy loop, a sync crypto call. perf_hooks.monitorEventLoopDelay or APM event-loop metrics show it; a '
        + 'connection pool exhausted by slow queries (maxPoolSize) looks similar from the outside; the driver\'s '
        + 'waitQueueTimeoutMS bounds how long a query waits for a pooled connection.',
      'Observability makes hangs findable: a request id in every log line, a log on finish and on close-without-finish, '
        + 'duration histograms per route (p99, not averages), and traces spanning HTTP and database calls. '
        + 'mongoose.set(\'debug\', true) locally and db.currentOp() / the profiler in production show what the database is '
        + 'doing.',
      'Mongoose\'s own events help: the connection emits disconnected/reconnected, and a readiness probe that reports '
        + 'not-ready while the database is down lets the orchestrator stop routing traffic instead of letting requests queue.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A handler runs `if (!order) { res.status(404); return; }`. What does the client get when the order is missing?',
        options: [
          { text: 'A 404 with an empty body', correct: false, explanation: 'res.status() only sets the status code for a later send; nothing is written to the socket.' },
          { text: 'Nothing: the request hangs until a client, proxy or server timeout', correct: true, explanation: 'The response is never ended and next() is never called, so Express has nothing to send.' },
          { text: 'Express sends a 404 automatically when the handler returns', correct: false, explanation: 'Express only answers 404 when no route matched and next() reached the end of the stack.' },
          { text: 'A 500, because the handler returned undefined', correct: false, explanation: 'The return value of a handler is ignored unless it is a rejected promise (Express 5).' },
        ],
      },
      {
        prompt: 'In Express 5 an async handler throws and the app has no error middleware. What happens?',
        options: [
          { text: 'The request hangs and Node logs an unhandled rejection', correct: false, explanation: 'That was Express 4, which ignored the returned promise.' },
          { text: 'The process crashes', correct: false, explanation: 'Express 5 catches the rejection, so it never becomes an unhandled rejection.' },
          { text: 'The default final handler answers 500 with an HTML error page', correct: true, explanation: 'The rejection is passed to next(err); with no error middleware, finalhandler writes a 500 HTML page (with the stack unless env is production).' },
          { text: 'Express retries the handler once', correct: false, explanation: 'Express never retries handlers.' },
        ],
      },
      {
        prompt: 'The database is unreachable and a route runs `await Order.findById(id)` with default Mongoose settings. What happens?',
        options: [
          { text: 'It throws immediately with a connection error', correct: false, explanation: 'Only with bufferCommands: false; by default Mongoose queues the operation.' },
          { text: 'Mongoose buffers the operation and rejects it after bufferTimeoutMS (10 s by default)', correct: true, explanation: 'While not connected, model operations wait in a queue; each fails with "buffering timed out after 10000ms".' },
          { text: 'It resolves with null', correct: false, explanation: 'A missing connection is an error, never an empty result.' },
          { text: 'It waits forever', correct: false, explanation: 'Buffering is bounded by bufferTimeoutMS, but the default is longer than most clients wait.' },
        ],
      },
      {
        prompt: 'Which status should a request-timeout guard or a "database unavailable" error return?',
        options: [
          { text: '500 Internal Server Error', correct: false, explanation: '500 says the server is broken for this request; it does not tell clients that retrying later may work.' },
          { text: '503 Service Unavailable (optionally with Retry-After)', correct: true, explanation: 'A temporary inability to serve; load balancers and clients treat it as retryable.' },
          { text: '408 Request Timeout', correct: false, explanation: '408 means the CLIENT was too slow sending its request, not that the server was too slow answering.' },
          { text: '504 Gateway Timeout', correct: false, explanation: '504 is what a proxy returns when the upstream (your app) did not answer in time.' },
        ],
      },
      {
        prompt: 'Why must the timeout guard clear its timer on the response\'s finish and close events?',
        options: [
          { text: 'Otherwise the timer fires after a normal answer and crashes with headers already sent', correct: false, explanation: 'The guard checks res.headersSent; the real cost is elsewhere.' },
          { text: 'Every request would leave a live timer behind: memory and work for nothing, and a process that cannot exit promptly', correct: true, explanation: 'A pending timer keeps its closure (req, res) alive and holds the event loop open until it fires.' },
          { text: 'Express requires it', correct: false, explanation: 'Express knows nothing about the guard\'s timer.' },
          { text: 'It makes the 503 arrive faster', correct: false, explanation: 'Clearing only matters for requests that were already answered.' },
        ],
      },
    ],
  },
  demo: {
    async run(ctx: DemoContext) {
      const { express, mongoose } = ctx;

      const orderSchema = new mongoose.Schema({ item: String, quantity: Number });
      const Order = ctx.db.model('Order', orderSchema);
      await Order.init();
      const existing = await Order.create({ item: 'keyboard', quantity: 1 });
      const missingId = new mongoose.Types.ObjectId().toString();

      // A port nobody listens on: bind one, note it, close it. The connection to it is refused.
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', () => resolve());
      });
      const deadPort = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));

      // Two connections to that port. Both give up server selection quickly (the driver's default
      // is 30 s, and closing a connection that is still selecting a server waits for it). The naive
      // one keeps Mongoose's buffering default; the bounded one is the fix.
      const uri = `mongodb://127.0.0.1:${deadPort}/shop`;
      const naiveDown = mongoose.createConnection(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_MS });
      const connectStarted = performance.now();
      const boundedDown = mongoose.createConnection(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_MS });
      ctx.defer(() => naiveDown.close());
      ctx.defer(() => boundedDown.close());
      // Without an error listener and a handled asPromise(), the failed initial connection would be
      // an 'error' event nobody listens to and an unhandled rejection: either one kills the process.
      const connectErrors: string[] = [];
      for (const conn of [naiveDown, boundedDown]) conn.on('error', (error: unknown) => connectErrors.push(errorName(error)));
      const naiveConnectSettled = naiveDown.asPromise().then(() => undefined, () => undefined);
      ctx.defer(() => naiveConnectSettled);
      let connectFailedAfterMs: number | null = null;
      let connectError = '';
      const connectSettled = boundedDown.asPromise().then(
        () => undefined,
        (error: unknown) => {
          connectFailedAfterMs = Math.round(performance.now() - connectStarted);
          connectError = errorName(error);
        },
      );
      let bufferedOps = 0;
      naiveDown.on('buffer', () => { bufferedOps += 1; });

      // env 'test' is development behaviour (stack in the error page) minus Express's own
      // console.error of the stack, which would scribble over the demo output.
      const naive = express();
      naive.set('env', 'test');
      naive.get('/orders/:id', async (req, res) => {
        const order = await Order.findById(req.params.id);
        if (!order) {
          res.status(404);
          return;
        }
        res.json(order);
      });
      naive.get('/reports/daily', async (req, res) => {
        const filter = JSON.parse(req.query['filter'] as string) as unknown;
        res.json({ filter });
      });
      const NaiveDownOrder = naiveDown.model('Order', new mongoose.Schema({ item: String }, { bufferTimeoutMS: NAIVE_BUFFER_MS }));
      naive.get('/db/orders/:id', async (req, res) => {
        res.json(await NaiveDownOrder.findById(req.params.id));
      });
      const naiveServer = await ctx.serve(naive);

      await ctx.step('Naive: a branch never answers', async () => {
        ctx.showCode('the not-found branch', naiveRouteCode, 'js');
        const found = await naiveServer.request({ path: `/orders/${existing._id.toString()}`, timeoutMs: ANSWER_BOUND_MS });
        ctx.say(`Asking for an order that does not exist; the client gives up after ${CLIENT_PATIENCE_MS} ms.`);
        const missing = await naiveServer.request({ path: `/orders/${missingId}`, timeoutMs: CLIENT_PATIENCE_MS });
        ctx.observe('existing, status', found.status);
        ctx.observe('missing, responded', missing.status !== 0);
        ctx.observe('missing, status (0 = no response)', missing.status);
        ctx.observe('missing, timed out', missing.timedOut);
        ctx.observe('missing, waited ms', missing.durationMs);
        ctx.check('the happy path answers 200', found.status === 200);
        ctx.check('the not-found branch never answers: the client gives up', missing.timedOut && missing.status === 0,
          `status ${missing.status}`);
      });

      await ctx.step('Naive: async handler throws', async () => {
        ctx.showCode('an async throw, no error middleware', naiveThrowCode, 'js');
        const response = await naiveServer.request({ path: '/reports/daily', timeoutMs: ANSWER_BOUND_MS });
        const contentType = response.headers['content-type'] ?? '';
        const stackInBody = /at .*\(.*:\d+:\d+\)/.test(response.text) || response.text.includes('SyntaxError');
        ctx.observe('status', response.status);
        ctx.observe('timed out', response.timedOut);
        ctx.observe('content-type', contentType);
        ctx.observe('stack in body', stackInBody);
        ctx.check('Express 5 forwards the rejected promise: the request is answered', !response.timedOut && response.status === 500);
        ctx.check('its default handler answers HTML, not the API\'s JSON', contentType.startsWith('text/html'));
        ctx.check('outside production the page exposes the error and stack', stackInBody);
        ctx.say('Express 4 ignored the returned promise: this same request hung, with an unhandled rejection.');
      });

      await ctx.step('Naive: database unreachable', async () => {
        ctx.showCode('a query while disconnected', naiveDbCode, 'js');
        const getDefault = (naiveDown as unknown as { _getBufferTimeoutMS?: () => unknown })._getBufferTimeoutMS;
        const fromMongoose = typeof getDefault === 'function' ? getDefault.call(naiveDown) : undefined;
        const defaultBufferMs = typeof fromMongoose === 'number' ? fromMongoose : DOCUMENTED_BUFFER_DEFAULT_MS;
        ctx.observe('default buffer ms', defaultBufferMs);
        ctx.observe('default from', typeof fromMongoose === 'number' ? 'mongoose' : 'docs');
        ctx.say(`Waiting ${defaultBufferMs} ms is too long for a demo: this model buffers ${NAIVE_BUFFER_MS} ms, still longer than the client waits (${NAIVE_DB_PATIENCE_MS} ms).`);

        // Mongoose reports the end of a buffered operation itself; listen before sending. A missing
        // event (bounded wait) becomes a failed check below, never an unhandled rejection.
        const bufferEnd = (once(naiveDown, 'buffer-end', {
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(NAIVE_BUFFER_MS + 5_000)]),
        }) as Promise<[{ error?: unknown }]>).then(([event]) => event, () => null);
        const sent = performance.now();
        const response = await naiveServer.request({ path: `/db/orders/${missingId}`, timeoutMs: NAIVE_DB_PATIENCE_MS });
        const ended = await bufferEnd;
        const queryFailedAfterMs = Math.round(performance.now() - sent);
        const queryError = ended === null ? 'no buffer-end event'
          : ended.error instanceof Error ? ended.error.message : String(ended.error);
        ctx.observe('demo buffer ms', NAIVE_BUFFER_MS);
        ctx.observe('timed out', response.timedOut);
        ctx.observe('buffered ops', bufferedOps);
        ctx.observe('query failed after ms', queryFailedAfterMs);
        ctx.check('the client gets no answer within its wait', response.timedOut && response.status === 0);
        ctx.check('Mongoose queued the query instead of failing it', bufferedOps >= 1);
        ctx.check('the query failed only after the client had left',
          queryFailedAfterMs >= NAIVE_BUFFER_MS && queryFailedAfterMs > response.durationMs, queryError);
        ctx.check('the error is Mongoose\'s buffering timeout', queryError.includes('buffering timed out'), queryError);
      });

      // The fixed app: the guard first, every branch answering, bounded database waits, and the
      // error middleware last.
      const errorLog: Array<{ status: number; path: string; message: string }> = [];
      let pendingGuardTimers = 0;
      const requestTimeout = (ms: number): RequestHandler => (_req, res, next) => {
        pendingGuardTimers += 1;
        const timer = setTimeout(() => {
          if (!res.headersSent) res.status(503).set('Retry-After', '1').json({ error: 'request timed out' });
        }, ms);
        let cleared = false;
        const clear = () => {
          if (cleared) return;
          cleared = true;
          clearTimeout(timer);
          pendingGuardTimers -= 1;
        };
        res.once('finish', clear);
        res.once('close', clear);
        next();
      };
      const BoundedOrder = boundedDown.model('Order', new mongoose.Schema({ item: String }, { bufferTimeoutMS: BOUNDED_BUFFER_MS }));

      const fixed = express();
      fixed.set('env', 'test');
      fixed.use(requestTimeout(REQUEST_TIMEOUT_MS));
      fixed.get('/orders/:id', async (req, res) => {
        const order = await Order.findById(req.params.id);
        if (!order) return void res.status(404).json({ error: 'order not found' });
        res.json(order);
      });
      // A route that still forgets to answer: the guard is what rescues it.
      fixed.get('/legacy/export', () => undefined);
      fixed.get('/reports/daily', async (req, res) => {
        const filter = JSON.parse(req.query['filter'] as string) as unknown;
        res.json({ filter });
      });
      fixed.get('/db/orders/:id', async (req, res) => {
        res.json(await BoundedOrder.findById(req.params.id));
      });
      const finalErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
        const status = isDbUnavailable(error) ? 503 : 500;
        errorLog.push({ status, path: req.originalUrl, message: error instanceof Error ? error.message : String(error) });
        if (res.headersSent) return next(error);
        res.status(status).json({ error: status === 503 ? 'database unavailable' : 'internal server error' });
      };
      fixed.use(finalErrorHandler);
      const fixedServer = await ctx.serve(fixed);

      await ctx.step('Fix: every branch answers', async () => {
        ctx.showCode('the branch answers', fixedRouteCode, 'js');
        ctx.showCode('the safety net', demoGuardCode, 'js');
        const found = await fixedServer.request({ path: `/orders/${existing._id.toString()}`, timeoutMs: ANSWER_BOUND_MS });
        const missing = await fixedServer.request({ path: `/orders/${missingId}`, timeoutMs: ANSWER_BOUND_MS });
        const forgotten = await fixedServer.request({ path: '/legacy/export', timeoutMs: ANSWER_BOUND_MS });
        ctx.observe('existing, status', found.status);
        ctx.observe('missing, status', missing.status);
        ctx.observe('missing, ms', missing.durationMs);
        ctx.observe('forgotten, status', forgotten.status);
        ctx.observe('forgotten, ms', forgotten.durationMs);
        ctx.observe('forgotten, retry-after', forgotten.headers['retry-after'] ?? null);
        ctx.observe('pending guard timers', pendingGuardTimers);
        ctx.check('the happy path still answers 200', found.status === 200);
        ctx.check('the not-found branch answers 404', missing.status === 404, `${missing.status} in ${missing.durationMs} ms`);
        ctx.check(`a route that still forgets gets 503 from the guard after ~${REQUEST_TIMEOUT_MS} ms`,
          forgotten.status === 503 && !forgotten.timedOut && forgotten.durationMs >= REQUEST_TIMEOUT_MS - 5,
          `${forgotten.status} in ${forgotten.durationMs} ms`);
        ctx.check('every guard timer was cleared when its response ended', pendingGuardTimers === 0);
      });

      await ctx.step('Fix: JSON 500 and a log', async () => {
        ctx.showCode('final error middleware', errorHandlerCode, 'js');
        const logged = errorLog.length;
        const response = await fixedServer.request({ path: '/reports/daily', timeoutMs: ANSWER_BOUND_MS });
        const contentType = response.headers['content-type'] ?? '';
        const entry = errorLog[logged];
        ctx.observe('status', response.status);
        ctx.observe('content-type', contentType);
        ctx.observe('body', response.body as string | { [key: string]: string });
        ctx.observe('log entries', errorLog.length - logged);
        ctx.check('the thrown error becomes a JSON 500', response.status === 500 && contentType.startsWith('application/json'));
        ctx.check('the body leaks no stack or message', !response.text.includes('SyntaxError') && !/\bat .*:\d+:\d+/.test(response.text));
        ctx.check('the error is logged with its route', entry?.path === '/reports/daily' && entry.status === 500 && entry.message.length > 0,
          JSON.stringify(entry ?? null));
      });

      await ctx.step('Fix: bounded database wait', async () => {
        ctx.showCode('bounded waits', demoDbCode, 'js');
        await connectSettled;
        const logged = errorLog.length;
        const response = await fixedServer.request({ path: `/db/orders/${missingId}`, timeoutMs: ANSWER_BOUND_MS });
        const entry = errorLog[logged];
        ctx.observe('connect failed after ms', connectFailedAfterMs);
        ctx.observe('connect error', connectError);
        ctx.observe('status', response.status);
        ctx.observe('answered in ms', response.durationMs);
        ctx.observe('body', response.body as string | { [key: string]: string });
        ctx.check('the connection gives up after serverSelectionTimeoutMS', connectError === 'MongooseServerSelectionError'
          && connectFailedAfterMs !== null && connectFailedAfterMs >= SERVER_SELECTION_MS && connectErrors.length > 0,
          `${connectError} after ${String(connectFailedAfterMs)} ms`);
        ctx.check('the query fails after its short buffer and the client gets 503',
          response.status === 503 && entry?.message.includes(`buffering timed out after ${BOUNDED_BUFFER_MS}ms`) === true,
          JSON.stringify(entry ?? null));
        ctx.check('the database bound answered, not the request guard',
          (response.body as { error?: string } | null)?.error === 'database unavailable', `${response.durationMs} ms: ${response.text}`);
        ctx.observe('pending guard timers', pendingGuardTimers);
        ctx.check('no guard timer is left running', pendingGuardTimers === 0);
      });
    },
  },
});
