import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext } from '../src/runtime/context.js';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
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
/** node:http's receive timeouts, scaled down: they cut off a slow sender, never a silent handler. */
const NODE_RECEIVE_TIMEOUT_MS = 300;
const NODE_CHECK_INTERVAL_MS = 50;
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

const nodeTimeoutsCode = `// plain node:http, short RECEIVE timeouts
const server = http.createServer({
  requestTimeout: ${NODE_RECEIVE_TIMEOUT_MS},  // default 300 000
  headersTimeout: ${NODE_RECEIVE_TIMEOUT_MS},  // default 60 000
  connectionsCheckingInterval: ${NODE_CHECK_INTERVAL_MS},
}, (req, res) => {
  // never answers
});
// server.timeout (socket inactivity) is 0:
// disabled since Node 13`;

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
    short:
      'A request hangs when no code path ends the response, and nothing in Node or Express will end it for you: '
      + 'Node\'s requestTimeout only limits receiving the request. So every branch answers, an error middleware '
      + 'registered last turns any error into a logged JSON 500, database waits are bounded (bufferTimeoutMS, '
      + 'serverSelectionTimeoutMS, maxTimeMS) and mapped to 503, and a request-timeout guard answers 503 for anything '
      + 'that still forgets. I find the route by logging each request\'s start and finish with an id.',
    reasoning: [
      'A request "hangs" when no code path ends the response: Express does not answer on its own, so a handler that '
        + 'returns without res.json()/res.send()/res.end() and without calling next() leaves the socket open until the client '
        + 'or a proxy gives up (nginx\'s proxy_read_timeout and an AWS ALB\'s idle timeout are 60 s by default, then a 504). '
        + 'Node will not end it either: server.requestTimeout (300 s) and headersTimeout (60 s) only bound how long the '
        + 'client may take to SEND the request (slowloris protection) and stop counting once it has arrived, and '
        + 'server.timeout, the socket inactivity timeout, has been 0 (off) since Node 13. The classic cases are an early return on an error branch (res.status(404) without a body), '
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
        provenBy: 'Naive: a branch',
      },
      {
        text: 'Node does not end a forgotten response: requestTimeout/headersTimeout only bound receiving the request, and server.timeout is off.',
        terms: [['requesttimeout', 'headerstimeout', 'server.timeout', 'node timeout', "node's timeout", 'node will not', 'node does not'], ['receiv', 'slowloris', 'incoming', 'sending the request', 'disabled', '0']],
        provenBy: 'Node\'s timeouts',
      },
      {
        text: 'Express 5 forwards rejected promises to error middleware (Express 4 did not: the request hung).',
        terms: [['express 5', 'rejected promise', 'async error', 'async handler'], ['express 4', 'next(err)', 'error middleware', 'error handler']],
        provenBy: 'Naive: async',
      },
      {
        text: 'A final error-handling middleware (err, req, res, next) logs and answers a JSON 500 without leaking the stack.',
        terms: [['error middleware', 'error-handling middleware', 'error handler', '(err, req, res, next)'], ['500'], ['logs', 'logged', 'logger', 'log the']],
        provenBy: 'Fix: JSON 500',
      },
      {
        text: 'Mongoose buffers operations while disconnected (bufferTimeoutMS, 10 s default); bound it and serverSelectionTimeoutMS.',
        terms: [['buffer', 'bufferCommands', 'bufferTimeoutMS'], ['serverSelectionTimeoutMS', 'timeout']],
        provenBy: 'Fix: bounded database',
      },
      {
        text: 'A request-timeout guard answers 503 when the budget is exceeded and clears its timer when the response ends.',
        terms: [['timeout'], ['503', 'service unavailable'], ['cleartimeout', 'clear the timer', "'finish'", 'on finish']],
        provenBy: 'Fix: every branch',
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
        + '504 while the app keeps working on a request nobody is waiting for. Node\'s requestTimeout and headersTimeout '
        + 'are not part of that budget: they only limit receiving the request. keepAliveTimeout is, through one classic '
        + 'mismatch: it (5 s by default) must exceed the load balancer\'s idle timeout, or the balancer reuses a socket '
        + 'Node has just closed and the user sees a 502.',
      'Express 5 catches a rejected promise, not an error thrown later from a callback: a throw inside setTimeout, an '
        + 'event-emitter listener or a stream callback escapes the promise chain and becomes an uncaughtException that '
        + 'ends the process. Wrap such APIs in promises (events.once, stream/promises pipeline) or pass errors to next() '
        + 'yourself, and let the process manager restart a process that did crash, because its state is unknown.',
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
          { text: 'A 404 with an empty body, once the handler returns', correct: false, explanation: 'res.status() only sets the status code for a later send; nothing is written to the socket.' },
          { text: 'Nothing, until the client or a proxy gives up', correct: true, explanation: 'The response is never ended and next() is never called, so nothing is sent; the demo sees the server\'s res close without finish.' },
          { text: 'Express notices the unfinished response and sends its default 404 page', correct: false, explanation: 'Express only answers 404 when no route matched and next() reached the end of the stack.' },
          { text: 'A 500, because an async handler resolved without sending anything', correct: false, explanation: 'The value a handler resolves with is ignored; only a rejected promise (Express 5) reaches the error path.' },
        ],
      },
      {
        prompt: 'Node\'s http server has requestTimeout = 300 s by default. What does it do to a request whose handler never answers?',
        options: [
          { text: 'Nothing: it only limits receiving the request', correct: true, explanation: 'requestTimeout and headersTimeout stop counting once the request has arrived (slowloris protection), and server.timeout is 0. The demo shows a half-sent request cut off with 408 while the silent one stays open.' },
          { text: 'After 300 s Node answers 408 Request Timeout and closes the socket', correct: false, explanation: 'That 408 is for a client too slow to send its request; a request that has fully arrived is never timed out by Node.' },
          { text: 'After 300 s Node answers 503 and logs the route that hung', correct: false, explanation: 'Node never answers on the handler\'s behalf; that is what an app-level guard is for.' },
        ],
      },
      {
        prompt: 'In Express 5 an async handler throws and the app has no error middleware. What happens?',
        options: [
          { text: 'The request hangs and Node logs an unhandled rejection', correct: false, explanation: 'That was Express 4, which ignored the returned promise.' },
          { text: 'The process crashes on the unhandled rejection, as Node 15+ does by default', correct: false, explanation: 'Express 5 catches the rejection, so it never becomes an unhandled rejection.' },
          { text: 'A 500 HTML page from the default handler', correct: true, explanation: 'The rejection is passed to next(err); with no error middleware, finalhandler writes a 500 HTML page (with the stack unless env is production).' },
          { text: 'A JSON 500, because express.json() formats errors for the API', correct: false, explanation: 'express.json() parses request bodies; it has no say in how errors are answered.' },
        ],
      },
      {
        prompt: 'The database is unreachable and a route runs `await Order.findById(id)` with default Mongoose settings. What happens?',
        options: [
          { text: 'It throws at once: the driver knows the connection is down', correct: false, explanation: 'Only with bufferCommands: false; by default Mongoose queues the operation.' },
          { text: 'It is queued, then fails after 10 s', correct: true, explanation: 'While not connected, model operations wait in a queue for bufferTimeoutMS (10 s by default); each then fails with "buffering timed out after 10000ms".' },
          { text: 'It resolves with null, as if the order did not exist', correct: false, explanation: 'A missing connection is an error, never an empty result.' },
          { text: 'It waits until the connection comes back, however long that takes', correct: false, explanation: 'Buffering is bounded by bufferTimeoutMS, but the default is longer than most clients wait.' },
        ],
      },
      {
        prompt: 'Which status should a request-timeout guard or a "database unavailable" error return?',
        options: [
          { text: '500 Internal Server Error, since the server failed', correct: false, explanation: '500 says the server is broken for this request; it does not tell clients that retrying later may work.' },
          { text: '503, with Retry-After', correct: true, explanation: 'A temporary inability to serve; load balancers and clients treat it as retryable.' },
          { text: '408 Request Timeout, since the request took too long', correct: false, explanation: '408 means the CLIENT was too slow sending its request, not that the server was too slow answering.' },
          { text: '504 Gateway Timeout, since the database did not answer', correct: false, explanation: '504 is what a proxy returns when the upstream (your app) did not answer in time.' },
        ],
      },
      {
        prompt: 'Why must the timeout guard clear its timer on the response\'s finish and close events?',
        options: [
          { text: 'Otherwise the timer fires after a normal answer and throws ERR_HTTP_HEADERS_SENT', correct: false, explanation: 'The guard checks res.headersSent first; the real cost is elsewhere.' },
          { text: 'Each request would leave a live timer behind', correct: true, explanation: 'A pending timer keeps its closure (req, res) alive and holds the event loop open until it fires: memory and work for nothing. The demo counts the guard\'s pending timers back to 0.' },
          { text: 'Express waits for every pending timer of a request before it sends the response', correct: false, explanation: 'Express knows nothing about the guard\'s timer.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Surely Node times the request out eventually? It has a requestTimeout.',
      answer:
        'Not for this. requestTimeout (300 s) and headersTimeout (60 s) bound how long the client may take to send the '
        + 'request, against slowloris-style attacks; once the request has arrived they stop counting. server.timeout, the '
        + 'socket inactivity timeout, is 0 since Node 13. So a forgotten response stays open until the client or a proxy '
        + 'gives up (nginx and an ALB default to 60 s, then 504), which is why the app needs its own guard.',
      keyPoints: [
        { text: 'requestTimeout/headersTimeout only bound receiving the request.', terms: [['requesttimeout', 'headerstimeout'], ['receiv', 'send the request', 'slowloris', 'incoming']] },
        { text: 'server.timeout is disabled; the client or proxy gives up (504).', terms: [['server.timeout', '0', 'disabled'], ['proxy', '504', 'client', 'load balancer']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Node\'s timeouts',
    },
    {
      question: 'Only some requests hang, and nobody knows which route. How do you find it in production?',
      answer:
        'Log every request twice with the same request id: when it starts and when its response finishes, with status '
        + 'and duration, plus a line for close-without-finish. Requests with a start and no finish, grouped by route, '
        + 'point at the handler; per-route p99 latency shows the slow ones. Then database-side evidence (the profiler, '
        + 'db.currentOp() for long-running operations) and event-loop delay tell a slow query from a blocked process.',
      keyPoints: [
        { text: 'Request id, start and finish logs; close without finish.', terms: [['request id', 'correlation id', 'trace id'], ['finish', 'start', 'close']] },
        { text: 'Per-route latency percentiles; currentOp / profiler; event-loop delay.', terms: [['p99', 'percentile', 'histogram', 'currentop', 'profiler', 'event loop', 'event-loop']] },
      ],
      probes: 6,
      kind: 'probe',
      shownBy: 'Naive: a branch',
    },
    {
      question: 'The guard has answered 503, but the handler is still running its query. What happens to that work?',
      answer:
        'It carries on: answering does not cancel anything, so the query still holds a pooled connection and the handler '
        + 'may try to write later (ERR_HTTP_HEADERS_SENT, which is why it checks res.headersSent). I tie an AbortSignal to '
        + 'the request\'s close or the guard\'s timeout and pass it down, and give queries maxTimeMS below the request '
        + 'budget, so the server stops the operation itself. Otherwise a slow dependency turns into pool exhaustion and '
        + 'every route queues.',
      keyPoints: [
        { text: 'A timeout answer does not stop the work.', terms: [['still running', 'keeps running', 'does not stop', 'does not cancel', 'carries on', 'headerssent', 'headers_sent']] },
        { text: 'Cancel with an AbortSignal and maxTimeMS; protect the pool.', terms: [['abortsignal', 'abortcontroller', 'maxtimems', 'cancel'], ['pool', 'connection', 'server']] },
      ],
      kind: 'failure',
    },
    {
      question: 'Express 5 catches async errors. Is every error now turned into a 500?',
      answer:
        'Only errors that reject the promise the handler returns, or are passed to next(). A throw inside a setTimeout, '
        + 'an event-emitter listener or a stream callback happens outside that chain: it becomes an uncaughtException '
        + 'and, by default, ends the process, taking every in-flight request with it. Promisify those APIs (events.once, '
        + 'stream/promises pipeline) or call next(err) yourself, and let a process manager restart a process that crashed.',
      keyPoints: [
        { text: 'Callback errors escape the promise chain: uncaughtException, process exits.', terms: [['callback', 'settimeout', 'event', 'stream', 'emitter'], ['uncaught', 'crash', 'exit']] },
        { text: 'Promisify or call next(err); let the process manager restart.', terms: [['promis', 'next(err', 'pipeline', 'events.once'], ['restart', 'process manager', 'orchestrator', 'pm2', 'kubernetes', 'crash']] },
      ],
      kind: 'failure',
    },
    {
      question: 'Every route slows down at once, the database looks idle. What is your next suspect?',
      answer:
        'The event loop. A synchronous task (a huge JSON.parse, a regex that backtracks, a CPU-heavy loop, sync crypto '
        + 'or fs calls) blocks every request in the process at the same time. monitorEventLoopDelay from perf_hooks or '
        + 'APM metrics confirm it, and a CPU profile (--cpu-prof or the inspector) names the function. The fix is to move '
        + 'the work off the loop: a worker thread, a queue, chunking, or a streaming parser.',
      keyPoints: [
        { text: 'A blocked event loop slows every route at once.', terms: [['event loop', 'event-loop', 'synchronous', 'blocking', 'cpu']] },
        { text: 'Measure with monitorEventLoopDelay / a CPU profile; move work to workers or queues.', terms: [['monitoreventloopdelay', 'perf_hooks', 'profile', 'cpu-prof', 'inspector', 'apm'], ['worker', 'queue', 'chunk', 'stream']] },
      ],
      kind: 'scale',
    },
    {
      question: 'During a deploy, the platform sends SIGTERM. How do you stop without cutting requests off mid-answer?',
      answer:
        'Fail the readiness probe first so the load balancer stops sending new traffic, then call server.close() to stop '
        + 'accepting connections while in-flight requests finish, and closeIdleConnections() so idle keep-alive sockets '
        + 'do not hold it open. Once the server has closed, disconnect Mongoose and other clients and exit, with a hard '
        + 'deadline shorter than the platform\'s grace period (Kubernetes waits 30 s before SIGKILL) in case a request '
        + 'really hangs.',
      keyPoints: [
        { text: 'Readiness fails first; server.close() lets in-flight requests finish.', terms: [['readiness', 'load balancer', 'stop routing'], ['server.close', 'close()', 'drain', 'in-flight']] },
        { text: 'Close idle keep-alive sockets, then the database; a hard deadline under the grace period.', terms: [['keep-alive', 'keepalive', 'closeidleconnections', 'idle'], ['disconnect', 'mongoose.close', 'connection.close', 'deadline', 'grace', 'sigkill']] },
      ],
      kind: 'trade-off',
    },
  ],
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
      // Server-side evidence, not shown in the route's code: how each response ended. 'finish'
      // means the response was fully handed to the OS; 'close' alone means the connection went first.
      const responseEnds = new Map<string, Promise<{ finished: boolean; writableEnded: boolean }>>();
      naive.use((req, res, next) => {
        let finished = false;
        res.once('finish', () => { finished = true; });
        responseEnds.set(req.originalUrl, once(res, 'close').then(() => ({ finished, writableEnded: res.writableEnded })));
        next();
      });
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
        ctx.say('On the server side, a middleware not shown above records how each response ended: finish (fully sent) or close alone.');
        // The client's abort closes the connection; the server's response then emits 'close', and
        // whether 'finish' came first tells whether the handler ever ended it. Bounded, never hung.
        const ending = await Promise.race([
          responseEnds.get(`/orders/${missingId}`) ?? Promise.resolve(null),
          new Promise<null>((resolve) => { AbortSignal.timeout(ANSWER_BOUND_MS).addEventListener('abort', () => resolve(null)); }),
        ]);
        ctx.observe('server: finish emitted', ending?.finished ?? null);
        ctx.observe('server: res.writableEnded', ending?.writableEnded ?? null);
        ctx.check('on the server, res closed without finish: nothing ever ended it',
          ending !== null && !ending.finished && !ending.writableEnded, JSON.stringify(ending));
      }, { shows: 'failure' });

      await ctx.step('Node\'s timeouts do not end it', async () => {
        ctx.showCode('node:http, short receive timeouts', nodeTimeoutsCode, 'js');
        ctx.say('A plain node:http server, no Express. First a complete request to a handler that never answers; then a '
          + 'client that sends half its headers and stops. The slow client\'s 408 is the event that decides: when Node '
          + 'cuts it off, its timers have had their chance at the silent request too, which started earlier.');
        const http = await import('node:http');
        const { connect } = await import('node:net');
        let silentRes: ServerResponse | undefined;
        let silentFinished = false;
        let markArrived = (): void => undefined;
        const silentArrived = new Promise<void>((resolve) => { markArrived = resolve; });
        const server = http.createServer({
          requestTimeout: NODE_RECEIVE_TIMEOUT_MS,
          headersTimeout: NODE_RECEIVE_TIMEOUT_MS,
          connectionsCheckingInterval: NODE_CHECK_INTERVAL_MS,
        }, (_req, res) => {
          silentRes = res;
          res.once('finish', () => { silentFinished = true; });
          markArrived();
        });
        ctx.defer(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        const port = (server.address() as AddressInfo).port;
        ctx.observe('server.timeout', server.timeout);

        const bound = () => AbortSignal.any([ctx.signal, AbortSignal.timeout(ANSWER_BOUND_MS)]);
        const silentStarted = performance.now();
        let silentAnswered = false;
        const silentClient = http.get({ host: '127.0.0.1', port, path: '/export', agent: false }, () => { silentAnswered = true; });
        silentClient.on('error', () => undefined); // destroyed below on purpose
        await silentArrived;

        const slowStarted = performance.now();
        const slow = connect(port, '127.0.0.1');
        let slowReply = '';
        slow.setEncoding('utf8');
        slow.on('data', (chunk: string) => { slowReply += chunk; });
        slow.on('error', () => undefined);
        slow.write('GET /slow HTTP/1.1\r\nHost: demo\r\n'); // the headers never finish
        const slowClosed = await once(slow, 'close', { signal: bound() }).then(() => true, () => false);
        const slowCutAfterMs = Math.round(performance.now() - slowStarted);
        const silentWaitedMs = Math.round(performance.now() - silentStarted);
        const silentStillOpen = !silentAnswered && silentRes !== undefined && !silentRes.writableEnded
          && silentRes.socket !== null && !silentRes.socket.destroyed;
        ctx.observe('slow sender got', slowReply.split('\r\n')[0] ?? '');
        ctx.observe('slow sender cut off after ms', slowCutAfterMs);
        ctx.observe('silent request still open', silentStillOpen);
        ctx.observe('silent request waited ms', silentWaitedMs);

        // Now the client gives up, as a browser or proxy eventually does.
        const silentClosed = silentRes ? once(silentRes, 'close', { signal: bound() }).then(() => true, () => false) : Promise.resolve(false);
        silentClient.destroy();
        const closed = await silentClosed;
        ctx.observe('silent res: finish / close', `${String(silentFinished)} / ${String(closed)}`);
        ctx.check('a client too slow to SEND its request is cut off with 408',
          slowClosed && slowReply.startsWith('HTTP/1.1 408'), `${slowReply.split('\r\n')[0] ?? '(nothing)'} after ${slowCutAfterMs} ms`);
        ctx.check('a complete request whose handler never answers outlives those timeouts',
          silentStillOpen && silentWaitedMs >= NODE_RECEIVE_TIMEOUT_MS, `open: ${String(silentStillOpen)} after ${silentWaitedMs} ms`);
        ctx.check('server.timeout is 0: no inactivity timeout either', server.timeout === 0, String(server.timeout));
        ctx.check('only the client leaving ended it: close without finish', closed && !silentFinished);
        ctx.say('requestTimeout and headersTimeout guard the way in. The way out is the app\'s job: every branch answers, and a guard answers for the ones that forget.');
      }, { shows: 'failure' });

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
      }, { shows: 'failure' });

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
        ctx.observe('timed out', response.timedOut);
        ctx.observe('buffered ops', bufferedOps);
        ctx.observe('query failed after ms', queryFailedAfterMs);
        ctx.check('the client gets no answer within its wait', response.timedOut && response.status === 0);
        ctx.check('Mongoose queued the query instead of failing it', bufferedOps >= 1);
        ctx.check('the query failed only after the client had left',
          queryFailedAfterMs >= NAIVE_BUFFER_MS && queryFailedAfterMs > response.durationMs, queryError);
        ctx.check('the error is Mongoose\'s buffering timeout', queryError.includes('buffering timed out'), queryError);
      }, { shows: 'failure' });

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
      }, { shows: 'fix' });

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
      }, { shows: 'fix' });

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
      }, { shows: 'fix' });
    },
  },
});
