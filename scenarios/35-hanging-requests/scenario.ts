// Scenario 35's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads the code files as text, and `run`/`verify` run them through
// attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
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
        provenBy: 'Naive',
      },
      {
        text: 'Node does not end a forgotten response: requestTimeout/headersTimeout only bound receiving the request, and server.timeout is off.',
        terms: [['requesttimeout', 'headerstimeout', 'server.timeout', 'node timeout', "node's timeout", 'node will not', 'node does not'], ['receiv', 'slowloris', 'incoming', 'sending the request', 'disabled', '0']],
        provenBy: 'Naive',
      },
      {
        text: 'Express 5 forwards rejected promises to error middleware (Express 4 did not: the request hung).',
        terms: [['express 5', 'rejected promise', 'async error', 'async handler'], ['express 4', 'next(err)', 'error middleware', 'error handler']],
        provenBy: 'Naive',
      },
      {
        text: 'A final error-handling middleware (err, req, res, next) logs and answers a JSON 500 without leaking the stack.',
        terms: [['error middleware', 'error-handling middleware', 'error handler', '(err, req, res, next)'], ['500'], ['logs', 'logged', 'logger', 'log the']],
        provenBy: 'Fix',
      },
      {
        text: 'Mongoose buffers operations while disconnected (bufferTimeoutMS, 10 s default); bound it and serverSelectionTimeoutMS.',
        terms: [['buffer', 'bufferCommands', 'bufferTimeoutMS'], ['serverSelectionTimeoutMS', 'timeout']],
        provenBy: 'Fix',
      },
      {
        text: 'A request-timeout guard answers 503 when the budget is exceeded and clears its timer when the response ends.',
        terms: [['timeout'], ['503', 'service unavailable'], ['cleartimeout', 'clear the timer', "'finish'", 'on finish']],
        provenBy: 'Fix',
      },
      {
        text: 'Diagnose with request logs (id, start, end, duration), DB debug/currentOp and event-loop lag monitoring.',
        terms: [['request id', 'correlation id', 'duration', 'tracing', 'apm', 'logs', 'logged', 'logger', 'log the'], ['event loop', 'currentOp', 'debug', 'profiler']],
      },
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
          { text: 'Each request would leave a live timer behind', correct: true, explanation: 'A pending timer keeps its closure (req, res) alive and holds the event loop open until it fires: memory and work for nothing.' },
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
      shownBy: 'Naive',
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
      shownBy: 'Naive',
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
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, reportsDb, log })` and resolves with the Express app (no app.listen). '
      + '`db` holds orders and is up; `reportsDb` is a connection to a database that is down for the whole run; `log(entry)` is the error log.',
    starter: {
      title: 'Naive: branches that never answer, default error page, buffered queries',
      lesson: 'The missing order and the forgotten route never answered: on the server their responses closed when the client left, without ever finishing. '
        + 'The throw got Express 5\'s default HTML page with the stack, and the query on the down database sat in Mongoose\'s queue (10 s by default) long after the client gave up. '
        + 'And Node itself will not end any of them: its timeouts only bound receiving the request, as the node:http figure shows.',
      fails: ['everyBranchAnswers', 'guardAnswers503', 'errorsAreJson500', 'dbDownIs503'],
    },
    solution: {
      title: 'Fix: every branch answers, a 503 guard, a JSON error handler, bounded waits',
      lesson: 'The missing order got 404; the forgotten route got 503 from the guard within its budget; the throw became a logged JSON 500 without internals; '
        + 'and the query on the down database failed after its 100 ms buffer and was answered 503, so clients and balancers know to retry.',
    },
    hints: {
      everyBranchAnswers: [
        'res.status(404) sets a status for a later send; does anything send?',
        'Every path of a handler ends with res.json/res.send/res.end, or calls next(): return res.status(404).json({ error: ... }).',
      ],
      guardAnswers503: [
        'Some route in the app will always forget. What could answer for it?',
        'A first middleware that starts a timer per request and answers 503 with Retry-After when nothing has answered by then (check res.headersSent).',
        'Clear the timer on the response\'s finish and close events, so fast requests leave nothing behind.',
      ],
      errorsAreJson500: [
        'Express 5 caught the throw, but with no error handler of yours its default answered HTML, with the stack.',
        'Register last an error-handling middleware, (err, req, res, next) with four arguments, that logs (deps.log) with the route and answers JSON without the message or stack.',
      ],
      dbDownIs503: [
        'While the reports database is down, Mongoose queues the query for bufferTimeoutMS (10 s by default) instead of failing.',
        'Bound it on the schema ({ bufferTimeoutMS: 100 }) or turn buffering off (bufferCommands: false).',
        'Then map that error (message "buffering timed out", or a server selection error) to 503 "database unavailable" in your error handler.',
      ],
    },
  },
});
