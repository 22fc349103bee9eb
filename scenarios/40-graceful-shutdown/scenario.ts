// Scenario 40's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads starter.js, the traps and solution.js as text, and `run`/`verify`
// run them through attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 40,
  slug: 'graceful-shutdown',
  title: 'Graceful shutdown: SIGTERM with requests in flight',
  tags: ['express', 'node', 'operations', 'kubernetes', 'mongodb'],
  summary: 'exit() on SIGTERM drops in-flight requests; readiness down, drain, close() plus idle keep-alive connections, database last and a backstop let them finish.',
  question:
    'Your Express API runs in Kubernetes. Every deploy, a few clients get connection resets or 502s, and some orders are charged '
    + 'but never saved. The pod receives SIGTERM while requests are still being served. What happens to them, and how do you shut '
    + 'a Node server down so that none is lost?',
  answer: {
    short:
      'Exiting on SIGTERM kills every request still in flight, mid-response. A graceful shutdown turns readiness to 503 and keeps serving '
      + 'until the load balancer has stopped routing to the pod, then calls server.close() so no new connection is accepted, lets the in-flight '
      + 'requests finish (closing keep-alive connections as they go idle, or close() waits for them), closes the database last and exits; '
      + 'a hard-exit timer set below the grace period is the backstop, because SIGKILL follows it.',
    reasoning: [
      'SIGTERM is a request to stop, not the end: the orchestrator gives the process a grace period (terminationGracePeriodSeconds, 30 s by default) '
        + 'and sends SIGKILL only when it runs out. A handler that calls process.exit() at once throws that time away: every socket the process '
        + 'holds closes, so each request in flight ends as a connection reset for its client, and work half done (a card charged, the order not '
        + 'yet written) stays half done.',
      'Stopping has an order. First tell the load balancer: /ready answers 503 while /health, the liveness probe, stays 200, because a failing '
        + 'liveness probe asks for a restart, not a drain. Then keep serving for a while: in Kubernetes, removing a terminating pod from the Service '
        + 'endpoints and SIGTERM happen in parallel, and kube-proxy, ingress controllers and cloud load balancers learn of it seconds later, so '
        + 'requests still arrive after the signal. A preStop sleep, or a wait in the handler, covers that window; refusing them would turn them into 502s.',
      'Then server.close(): the listening socket closes, so new connections are refused, and the callback runs once every open connection has ended. '
        + 'Since Node 19 close() also closes the connections that are idle at that moment. It leaves alone the ones still serving a request, and '
        + 'when such a response ends, Node 20 keeps the connection open for keep-alive (the response still says Connection: keep-alive): the '
        + 'callback then waits until the client hangs up or server.keepAliveTimeout (5 s by default) expires. Calling server.closeIdleConnections() '
        + 'as each in-flight response ends (or answering with Connection: close) lets close() finish as soon as the last request has. '
        + 'server.closeAllConnections() is the opposite tool: it drops the requests in flight too.',
      'The database goes last. The requests in flight still have writes to make; close the Mongoose connection before them and each write fails '
        + '(the driver reports its client closed), so the client gets a 500 for an order whose card was charged. Close it in the callback of '
        + 'server.close(), then exit with code 0.',
      'Something will hang one day: a downstream call without a timeout, a stuck stream. A timer started on SIGTERM that calls process.exit(1) '
        + 'a little before the grace period ends is the backstop; unref() it so it never keeps a clean shutdown alive, and clear it when the clean '
        + 'path finishes. Exiting on your own terms means the exit is logged and counted; SIGKILL leaves nothing behind.',
      'None of this runs if the signal never reaches node. In a container the first process is PID 1, and the kernel does not apply a signal\'s '
        + 'default action to PID 1: node there with no SIGTERM listener keeps running until SIGKILL. Start node directly in the exec form '
        + '(CMD ["node", "server.js"]); a shell-form CMD puts /bin/sh in front, and `npm start` puts npm and a shell in front, and neither can be '
        + 'relied on to forward SIGTERM. An init such as tini (docker run --init) forwards signals and reaps zombies.',
    ],
    keyPoints: [
      { text: 'Exiting at once on SIGTERM (process.exit, or no handler) resets every request still in flight', terms: [['in flight', 'in-flight', 'inflight', 'ongoing', 'active request'], ['drop', 'reset', 'lost', 'kill', 'econnreset', 'fail']], provenBy: 'Naive' },
      { text: 'Readiness goes 503 while liveness stays 200, and the app keeps serving until the load balancer has drained (preStop)', terms: [['readiness', '/ready', 'ready'], ['503', 'not ready', 'unready', 'fail'], ['liveness', '/health', 'prestop', 'drain', 'propagat']], provenBy: 'Fix' },
      { text: 'server.close() stops accepting and waits for open connections; keep-alive connections that go idle after it hold it open: closeIdleConnections()', terms: [['server.close', 'close()'], ['keep-alive', 'keepalive', 'closeidleconnections', 'idle connection', 'connection: close']], provenBy: 'The keep-alive trap' },
      { text: 'Close the database after the server has closed, never before the in-flight requests have written', terms: [['database', 'mongoose', 'mongodb', 'db.close', 'disconnect'], ['last', 'after', 'then close', 'callback']], provenBy: 'The database-first trap' },
      { text: 'A hard-exit timer below terminationGracePeriodSeconds is the backstop; SIGKILL follows the grace period', terms: [['timeout', 'timer', 'backstop', 'hard exit', 'force', 'grace'], ['sigkill', 'exit(1)', 'grace period', 'terminationgraceperiod', 'bound']], provenBy: 'Fix' },
      { text: 'SIGTERM must reach node: exec-form CMD, not npm start or a shell; PID 1 ignores default signal actions (use an init like tini)', terms: [['pid 1', 'npm start', 'exec form', 'tini', 'dumb-init', '--init', 'forward']] },
    ],
    seniorNotes: [
      'Node 20\'s server.close() precisely: it stops listening and calls closeIdleConnections() once, at that moment (a change of Node 19). A connection busy with a request is left open, and after its response it is an ordinary keep-alive connection again: close() waits for the client or keepAliveTimeout. closeIdleConnections() and closeAllConnections() exist since 18.2.',
      'Closing an idle keep-alive connection can race a client that is sending a new request on it at that instant; the client sees a reset. Answering responses with Connection: close once shutdown has begun tells the client first; well-behaved clients retry idempotent requests on a reset, POSTs they must not.',
      'Set server.keepAliveTimeout above the load balancer\'s idle timeout (an AWS ALB keeps idle connections for 60 s; Node\'s default is 5 s), or the balancer reuses a connection Node has just closed and answers 502. headersTimeout should exceed keepAliveTimeout.',
      'Kubernetes: terminationGracePeriodSeconds covers the preStop hook and the shutdown together; size it above preStop sleep + the longest request + database close. A preStop `sleep` needs a sleep binary in the image, or the native sleep action of newer Kubernetes versions.',
      'A terminating pod is marked not ready in the Service\'s endpoints whatever its readiness probe says; /ready 503 still matters for balancers that probe the app themselves and for the window before every proxy has heard. It is the keep-serving wait that closes that window, not the 503.',
      'Register the handler once (process.once) and handle SIGINT the same way for local runs; a second SIGTERM or SIGINT during a shutdown can skip to the hard exit.',
      'Long-lived connections (WebSockets, server-sent events, streaming downloads) never go idle: close() waits for them until the backstop. Track them and end them deliberately (WebSocket close code 1001, "going away"), and let clients reconnect to another instance.',
      'Queue consumers and schedulers stop taking new work first, then finish or hand back (nack) what they hold; work that may be cut off anyway needs to be idempotent so a retry elsewhere is harmless.',
      'Log each phase with timings (signal received, ready down, server closed, database closed, exit code): a shutdown that only ever ends by SIGKILL is invisible otherwise.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'Node 20. You call server.close() while three requests are being served on keep-alive connections, and they finish 200 ms later. When does the close() callback run?',
        options: [
          { text: 'At once: close() ends every open connection, the ones serving requests included, and calls back', correct: false, explanation: 'That is closeAllConnections(), which drops the requests in flight. close() leaves busy connections alone.' },
          { text: 'About 200 ms later, when the last of the three responses has been sent', correct: false, explanation: 'Close, but the connections do not end with their response: they stay open for keep-alive.' },
          { text: 'When those connections close: the client hangs up or keepAliveTimeout ends them', correct: true, explanation: 'close() closed only what was idle when it was called. Call closeIdleConnections() as each response ends, or answer with Connection: close.' },
          { text: 'Never, until closeIdleConnections() is called: idle keep-alive connections are kept open indefinitely', correct: false, explanation: 'server.keepAliveTimeout (5 s by default) closes an idle connection eventually; the shutdown just waits that long.' },
        ],
      },
      {
        prompt: 'On SIGTERM, why should /ready answer 503 while /health keeps answering 200?',
        options: [
          { text: 'A failing liveness probe makes the kubelet drain the pod faster, so /health should fail as well', correct: false, explanation: 'A failing liveness probe makes the kubelet restart the container: the opposite of a drain.' },
          { text: 'Readiness decides whether traffic is routed here; liveness decides whether to restart', correct: true, explanation: 'The pod wants fewer requests, not a restart: only readiness should change.' },
          { text: 'It makes no difference: once SIGTERM is sent, nothing routes traffic to the pod any more', correct: false, explanation: 'Endpoint removal and SIGTERM happen in parallel, and proxies and load balancers learn of it seconds later: requests keep arriving.' },
          { text: 'Both should answer 503, so that every probe agrees the pod is going away', correct: false, explanation: 'Then liveness fails too and the container may be restarted in the middle of its drain.' },
        ],
      },
      {
        prompt: 'The shutdown handler awaits mongoose.disconnect() and then calls server.close(). A request was waiting on the payment API when SIGTERM came; now it calls Order.create(). What happens?',
        options: [
          { text: 'Mongoose waits for the operations of in-flight requests before it disconnects, so the order is saved', correct: false, explanation: 'The write had not been sent when the client closed; Mongoose cannot know a request still means to write.' },
          { text: 'The write fails on the closed client: a 500, after the card was charged', correct: true, explanation: 'Closing the database before the server drains breaks exactly the requests the drain was for: close it in close()\'s callback.' },
          { text: 'The write is buffered and sent after the pod restarts', correct: false, explanation: 'A buffered operation dies with the process; nothing survives a restart except what reached the database.' },
        ],
      },
      {
        prompt: 'The Dockerfile ends with CMD npm start, and the app handles SIGTERM gracefully. Yet every pod takes the full 30 s to stop and drops its requests. What is the likeliest cause?',
        options: [
          { text: 'Node cannot catch SIGTERM; only SIGINT reaches a JavaScript handler', correct: false, explanation: 'process.on(\'SIGTERM\') works; only SIGKILL and SIGSTOP cannot be caught.' },
          { text: 'npm and its shell get SIGTERM and need not pass it on; node only meets SIGKILL', correct: true, explanation: 'Start node directly (exec form CMD ["node", "server.js"]) or behind an init such as tini that forwards signals.' },
          { text: 'terminationGracePeriodSeconds defaults to 0, so Kubernetes sends SIGKILL straight away', correct: false, explanation: 'It defaults to 30 s: the pods took exactly that long because the signal never reached the handler.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Why does /ready go 503 on SIGTERM, while /health stays 200? And why keep serving at all once you know you are going away?',
      answer: 'Readiness tells the load balancer whether to send traffic; liveness tells the kubelet whether to restart the container. A pod that is draining '
        + 'wants no new traffic and no restart, so only readiness changes. It keeps serving because Kubernetes removes the pod from the endpoints and sends '
        + 'SIGTERM at the same time, and proxies hear about it seconds later: requests that still arrive must be answered, not refused. A preStop sleep or a '
        + 'short wait before server.close() covers that window.',
      keyPoints: [
        { text: 'readiness routes traffic, liveness restarts', terms: [['readiness', 'ready'], ['liveness', 'health', 'restart']] },
        { text: 'endpoint removal propagates late: keep serving for a while (preStop)', terms: [['propagat', 'prestop', 'seconds', 'keep serving', 'still arrive', 'in parallel']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'You called server.close(), the in-flight requests finished, yet the close callback ran only seconds later. What held it?',
      answer: 'Keep-alive connections. close() closes the connections idle at the moment it is called (Node 19 and later), but a connection that was serving a request stays '
        + 'open after its response, waiting for the client\'s next request, until the client hangs up or keepAliveTimeout expires. Call closeIdleConnections() as each '
        + 'in-flight response ends, or send Connection: close on responses once shutdown began.',
      keyPoints: [
        { text: 'keep-alive connections stay open after their response', terms: [['keep-alive', 'keepalive', 'persistent', 'idle']] },
        { text: 'closeIdleConnections() or Connection: close', terms: [['closeidleconnections', 'connection: close']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'The keep-alive trap',
    },
    {
      question: 'One request is stuck on a downstream call that never answers. What ends your shutdown, and with which exit code?',
      answer: 'Without a backstop, nothing does until SIGKILL at the end of the grace period: no log, no exit code, the request simply vanishes. Start a timer on SIGTERM that '
        + 'calls process.exit(1) a little before terminationGracePeriodSeconds runs out, unref() it, and clear it on the clean path. Better still, give downstream calls '
        + 'their own timeouts so the backstop is rarely needed.',
      keyPoints: [
        { text: 'a hard-exit timer below the grace period', terms: [['timer', 'timeout', 'backstop', 'settimeout'], ['grace', 'sigkill', 'before']] },
        { text: 'a non-zero exit code says the shutdown was forced', terms: [['exit(1)', 'non-zero', 'exit code', 'code 1']] },
      ],
      probes: 4,
      kind: 'failure',
      shownBy: 'Fix',
    },
    {
      question: 'The handler is right, but the logs never show "SIGTERM received" and every pod takes exactly 30 seconds to stop. Why?',
      answer: 'The signal is not reaching node. With CMD npm start, npm and a shell sit in front of node and cannot be relied on to forward SIGTERM; with a shell-form CMD, '
        + '/bin/sh is PID 1. And node itself as PID 1 with no listener would ignore SIGTERM, because the kernel applies no default signal action to PID 1. Use the exec form '
        + 'CMD ["node", "server.js"], or an init such as tini (docker run --init) that forwards signals.',
      keyPoints: [
        { text: 'npm or a shell in front of node does not reliably forward the signal', terms: [['npm', 'shell', 'sh -c'], ['forward', 'pass on', 'never reaches', 'not reach']] },
        { text: 'exec-form CMD or an init process', terms: [['exec form', 'exec-form', '["node"', 'tini', 'dumb-init', '--init']] },
      ],
      probes: 5,
      kind: 'failure',
    },
    {
      question: 'The service also holds WebSocket connections and streams large exports. How does your shutdown treat those?',
      answer: 'They never go idle, so server.close() would wait for them until the backstop fires. Track them, stop accepting new ones, tell the clients you are going '
        + 'away (WebSocket close code 1001) and end them, so clients reconnect to another instance; for a long download, let it finish within the grace period or make '
        + 'it resumable (range requests) so a cut-off is cheap.',
      keyPoints: [
        { text: 'long-lived connections never go idle: end them deliberately', terms: [['websocket', 'stream', 'sse', 'long-lived'], ['close', 'end', '1001', 'going away']] },
        { text: 'clients reconnect elsewhere or resume', terms: [['reconnect', 'resum', 'range']] },
      ],
      kind: 'scale',
    },
    {
      question: 'A queue consumer runs in the same process. What changes in the shutdown?',
      answer: 'Stop pulling new messages first (the queue\'s equivalent of readiness), then finish or hand back what is in progress before closing the database: '
        + 'acknowledge what completed and nack or let the visibility timeout return the rest. Since a job can still be cut off by SIGKILL, handlers must be idempotent '
        + 'so that another instance can run them again safely.',
      keyPoints: [
        { text: 'stop consuming, then finish or nack in-flight jobs', terms: [['stop consuming', 'stop pulling', 'pause', 'stop taking'], ['ack', 'nack', 'finish', 'visibility']] },
        { text: 'jobs must be idempotent', terms: [['idempoten']] },
      ],
      kind: 'trade-off',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, payments, signals, exit, graceMs, loadBalancer })` and resolves with the Express app '
      + '(the tool serves it: no app.listen). Register your SIGTERM handler on `signals` (it stands in for `process` and passes `{ server }`, the http.Server your app is '
      + 'served on) and call `exit(code)` instead of process.exit; `db` is this app\'s own connection, yours to close.',
    starter: {
      title: 'Naive: exit(0) the moment SIGTERM arrives',
      lesson: 'The orders in flight were cut off mid-request: their clients saw connection resets, and the cards were charged for orders that were never saved. '
        + 'After the signal nothing answered, neither /ready nor the late order the load balancer still sent.',
      fails: ['inFlightCompleted', 'readyGoesDown', 'servesWhileDraining', 'exitsCleanly'],
    },
    traps: [
      {
        file: 'traps/database-closed-first.js',
        title: 'The database-first trap: db.close() before server.close()',
        lesson: 'Readiness, drain and exit were right, but the requests in flight came back from the payment provider to a closed client: every write failed and every '
          + 'order was answered 500 after its charge. The database is the last thing to close, in close()\'s callback.',
        fails: ['inFlightCompleted', 'dbOutlivesRequests'],
      },
      {
        file: 'traps/close-waits-for-keep-alive.js',
        title: 'The keep-alive trap: server.close() without closing idle connections',
        lesson: 'Every order was answered, yet close() did not call back within the demo\'s 1 s grace (in production it waits up to keepAliveTimeout after the last response, or for as long as a pooled client keeps reusing the connection): the connection idle at SIGTERM was closed by close() itself (Node 19 and later), but the ones that '
          + 'were serving orders stayed open for keep-alive after their response. Only the backstop ended the process, with exit(1). closeIdleConnections() as each '
          + 'response ends lets close() finish with the last request.',
        fails: ['exitsCleanly'],
      },
    ],
    solution: {
      title: 'Fix: readiness down, drain, close, database last, backstop',
      lesson: 'Readiness went 503 at once while /health stayed 200 and the late order was still served; after the drain new connections were refused, the orders in flight '
        + 'were answered 201 and their keep-alive connections closed as each went idle, so close() called back, the database closed and exit(0) came well inside the grace period. '
        + 'With an order stuck for good, the backstop exited with code 1 at the grace period instead of waiting for SIGKILL (the demo\'s grace; in production set the timer a few seconds under terminationGracePeriodSeconds minus any preStop sleep).',
    },
    hints: {
      inFlightCompleted: [
        'The orders were waiting on the payment provider when the signal came, and exit() ended the process under them. What has to happen before exit()?',
        'Stop accepting new connections but let the open ones finish: http.Server has a method for exactly that, with a callback for when it is done.',
        'Call exit() from the callback of server.close(), and keep the database open until then: the orders still have a write to make.',
      ],
      readyGoesDown: [
        'After SIGTERM, /ready still answered 200 (or nothing answered at all). How does the load balancer learn to stop sending traffic?',
        'Keep a flag that the SIGTERM handler flips, and let /ready answer 503 from then on; /health, the liveness probe, stays 200.',
      ],
      servesWhileDraining: [
        'An order that came after the signal was refused. Does the load balancer stop sending traffic the moment the pod gets SIGTERM?',
        'Keep serving until `await loadBalancer.drained()` resolves (in production: a preStop sleep or a wait of a few seconds), and only then stop accepting.',
      ],
      stopsAccepting: [
        'After the drain, a new connection was still accepted. What tells the listening socket to stop?',
        'server.close() stops accepting at once; its callback waits for the open connections.',
      ],
      dbOutlivesRequests: [
        'The database connection closed while orders were still in flight. Which of them still needed it?',
        'Close it in the callback of server.close(): by then every request has been answered.',
      ],
      exitsCleanly: [
        'The process exited before the server and the database had closed, or close() never called back. What is still open?',
        'Since Node 19, close() closes the connections idle at that moment. A keep-alive connection that was serving a request stays open after its response.',
        'Once shutdown has begun, call server.closeIdleConnections() whenever a response ends (a middleware with res.on(\'close\')), or set Connection: close on every response written from then on.',
      ],
      backstopExits: [
        'An order stuck at the payment provider kept the process alive past the grace period. What ends a shutdown that cannot finish?',
        'Start a timer on SIGTERM that calls exit(1) within deps.graceMs; unref() it and clear it on the clean path.',
      ],
    },
  },
});
