// Scenario 37's metadata: question, answer, quiz, follow-up ladder and exercise. No code here:
// `show` reads starter.js, the traps and solution.js as text; attack.ts runs them.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 37,
  slug: 'event-loop-blocking',
  title: 'Event-loop blocking: one heavy request stalls every other',
  tags: ['node', 'performance', 'express', 'crypto', 'event-loop'],
  summary: 'A synchronous password hash holds the only JavaScript thread, so an unrelated GET /health waits for it; '
    + 'the async pbkdf2 runs on the thread pool and /health answers while the hash is still running.',
  question:
    'Under load, your Express API\'s health check starts timing out and the load balancer pulls instances out of rotation, '
    + 'although CPU is not at 100% on every core and the database is idle. The sign-up route hashes passwords with crypto.pbkdf2Sync. '
    + 'What is going on, how do you show it, and how do you fix it?',
  answer: {
    short:
      'Node runs your JavaScript on one thread: while pbkdf2Sync computes, the event loop cannot accept, parse or answer anything else, so /health waits behind every hash. '
      + 'Move the CPU work off the loop (the async crypto.pbkdf2 or bcrypt.hash run on libuv\'s thread pool; other work goes to worker_threads or a pool like piscina), '
      + 'and watch event-loop delay with perf_hooks.monitorEventLoopDelay.',
    reasoning: [
      'One process has one event loop, and every request\'s JavaScript runs on it in turn. A synchronous call that takes 100 ms stops the loop for 100 ms: '
        + 'no socket is read, no timer fires, no other response is written. A health probe that arrives in that window is answered only after the hash ends, '
        + 'and under a burst of sign-ups the waits add up until the probe times out and the instance is marked down, which moves its load onto the others.',
      'Marking the function async or wrapping the call in a Promise or setImmediate changes when it starts, not where it runs: once it starts, it holds the same thread. '
        + 'What helps is running the work elsewhere. Node\'s async crypto (pbkdf2, scrypt), the native bcrypt and argon2 packages and zlib run on libuv\'s thread pool (4 threads by default, '
        + 'UV_THREADPOOL_SIZE), so the loop only sees the callback; the pure-JavaScript bcryptjs still hashes on the event loop, in chunks. OWASP ranks Argon2id first, then scrypt, bcrypt, and PBKDF2 where FIPS-140 is required. For your own CPU-heavy JavaScript (a big JSON transform, image work), use worker_threads, '
        + 'ideally through a pool such as piscina, or split it into chunks that yield with setImmediate.',
      'Making the hash cheaper is the tempting wrong fix: it shortens each stall without removing it, and a password hash is slow on purpose. '
        + 'OWASP\'s current guidance for PBKDF2 is 600,000 iterations of HMAC-SHA-256 (210,000 of SHA-512), or Argon2id/scrypt/bcrypt with their recommended costs.',
      'To prove it, measure what the client feels: the latency of an unrelated request during the heavy one, and event-loop delay from '
        + 'perf_hooks.monitorEventLoopDelay (a histogram of how late a timer fires; its max and p99 are the stalls). '
        + 'In production, export that histogram as a metric and alert on p99, and use --cpu-prof or clinic to find the synchronous call.',
    ],
    keyPoints: [
      { text: 'JavaScript runs on one thread: a synchronous CPU-heavy call blocks every other request, including /health', terms: [['event loop', 'single thread', 'one thread', 'single-threaded'], ['block', 'stall', 'wait', 'synchronous', 'sync']], provenBy: 'Naive' },
      { text: 'Move the work off the loop: async crypto / bcrypt on the libuv thread pool, worker_threads or piscina for your own code', terms: [['thread pool', 'threadpool', 'libuv', 'worker', 'piscina', 'pbkdf2(', 'async crypto']], provenBy: 'Fix' },
      { text: 'async/Promise/setImmediate around synchronous work does not move it off the thread', terms: [['promise', 'async', 'setimmediate'], ['same thread', 'still blocks', 'not a thread', 'still runs']], provenBy: 'The Promise trap' },
      { text: 'Do not make the hash cheaper to hide the stall: keep the OWASP cost', terms: [['iteration', 'cost', 'work factor'], ['owasp', '600', 'weaker', 'cheaper', 'guessable']], provenBy: 'The cheaper-hash trap' },
      { text: 'Measure event-loop delay (monitorEventLoopDelay) and the latency of an unrelated request', terms: [['monitoreventloopdelay', 'event-loop delay', 'event loop delay', 'event loop lag', 'loop lag', 'eventloopdelay']], provenBy: 'Fix' },
    ],
    seniorNotes: [
      'The thread pool is small (4 by default) and shared with fs, dns.lookup and zlib: a burst of hashes queues there, and a slow file read waits behind them. Size it with UV_THREADPOOL_SIZE (set before the pool starts) to the cores you have.',
      'Horizontal scaling (cluster, more pods) multiplies loops but does not stop one request from stalling its own; it also hides the problem until the burst is bigger.',
      'Load shedding: when event-loop delay passes a bound, answer 503 quickly (Fastify\'s under-pressure does this) rather than queueing work the client will have abandoned.',
      'Keep liveness and readiness apart: a liveness probe that fails on a busy loop gets the pod restarted in the middle of its work; readiness should take it out of rotation instead.',
      'JSON.parse and JSON.stringify of a multi-megabyte body are synchronous too: cap body size (express.json({ limit })) and stream or paginate large responses.',
      'A regular expression with catastrophic backtracking is the same stall triggered by input (ReDoS): bound input length and prefer linear-time patterns.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A route computes crypto.pbkdf2Sync for 200 ms. During that time a GET /health arrives on another connection. What happens to it?',
        options: [
          { text: 'Express hands it to another worker thread, since each connection has its own', correct: false, explanation: 'Express runs every handler on the one event loop; there is no thread per connection.' },
          { text: 'It waits until the hash returns, then it is read and answered', correct: true, explanation: 'The loop cannot read the socket or run the handler while synchronous code runs; the kernel only queues the bytes.' },
          { text: 'It is refused with ECONNREFUSED until the hash ends', correct: false, explanation: 'The kernel accepts the connection into the listen backlog; the request waits, it is not refused.' },
        ],
      },
      {
        prompt: 'A colleague changes `const key = crypto.pbkdf2Sync(...)` into `const key = await new Promise((r) => setImmediate(() => r(crypto.pbkdf2Sync(...))))`. Does /health still wait?',
        options: [
          { text: 'No: awaiting a Promise lets the event loop serve other requests while the hash runs', correct: false, explanation: 'The loop is free only until the setImmediate callback runs; then pbkdf2Sync holds the thread as before.' },
          { text: 'Only when more than four sign-ups run at once and the thread pool is full', correct: false, explanation: 'pbkdf2Sync never uses the thread pool; the pool matters for the async crypto.pbkdf2.' },
          { text: 'Yes: the hash starts a little later, but it still runs on the event-loop thread', correct: true, explanation: 'Promises and setImmediate schedule work on the same thread; the async pbkdf2 or a worker moves it.' },
        ],
      },
      {
        prompt: 'Which change removes the stall from the event loop without weakening the password hash?',
        options: [
          { text: 'Lower the iterations from 600,000 to 10,000 so each hash takes a few milliseconds', correct: false, explanation: 'Still synchronous, only shorter, and now 60 times cheaper to guess offline.' },
          { text: 'Call crypto.pbkdf2 with a callback (or promisified)', correct: true, explanation: 'The async form runs on a libuv thread-pool thread; the loop only runs the callback.' },
          { text: 'Run the app under the cluster module with one worker per core', correct: false, explanation: 'More loops, each still blocked by its own hashes; a burst stalls them all.' },
          { text: 'Raise UV_THREADPOOL_SIZE to 64', correct: false, explanation: 'pbkdf2Sync does not use the pool at all; the size matters only once the work is async.' },
        ],
      },
      {
        prompt: 'What does perf_hooks.monitorEventLoopDelay() measure?',
        options: [
          { text: 'How late its timer fires: the loop\'s stalls', correct: true, explanation: 'Its max and percentiles (in nanoseconds) show how long the loop was unable to run callbacks.' },
          { text: 'How long each HTTP request spends in its handler', correct: false, explanation: 'That is request latency, which includes waiting on the database; loop delay is what blocks everyone.' },
          { text: 'The CPU time used by the libuv thread pool', correct: false, explanation: 'Pool threads run outside the loop; a busy pool with a free loop shows little delay.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'You wrapped the hash in an async function. Why does /health still wait?',
      answer: 'async only means the function returns a Promise; its body runs synchronously until the first await, and pbkdf2Sync has no await inside. '
        + 'The work runs on the event-loop thread whatever wraps it. Only an API that does the work elsewhere (the thread pool, a worker thread) frees the loop.',
      keyPoints: [
        { text: 'async does not create a thread', terms: [['async', 'promise'], ['same thread', 'not a thread', 'synchronous', 'still runs']] },
        { text: 'the work must run elsewhere', terms: [['thread pool', 'worker', 'libuv']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'The Promise trap',
    },
    {
      question: 'The heavy part is not crypto but a 30 MB JSON report you build and transform in JavaScript. What now?',
      answer: 'There is no built-in async version, so move it to a worker thread, preferably through a pool (piscina) so a burst queues instead of spawning a thread per request. '
        + 'Or reshape the work: stream and paginate instead of building one huge object, or split it into chunks that yield with setImmediate. '
        + 'Transferring large objects to a worker costs a structured clone; pass ArrayBuffers or let the worker read the data itself.',
      keyPoints: [
        { text: 'worker_threads, through a pool', terms: [['worker', 'piscina', 'pool']] },
        { text: 'or stream/chunk the work', terms: [['stream', 'chunk', 'paginate', 'setimmediate']] },
      ],
      probes: 1,
      kind: 'trade-off',
    },
    {
      question: 'How would you notice this in production before users do?',
      answer: 'Export event-loop delay (monitorEventLoopDelay p99 and max) and event-loop utilisation (performance.eventLoopUtilization) as metrics, '
        + 'alert on them, and compare with request latency: a high p99 on every route at once points at the loop, not at one slow query. '
        + 'Then profile with --cpu-prof or clinic flame to find the synchronous frame.',
      keyPoints: [
        { text: 'event-loop delay and utilisation as metrics', terms: [['monitoreventloopdelay', 'event-loop delay', 'event loop delay', 'eventloopdelay', 'eventlooputilization', 'utilisation', 'utilization']] },
        { text: 'profile to find the frame', terms: [['cpu-prof', 'profile', 'clinic', 'flame']] },
      ],
      probes: 4,
      kind: 'failure',
      shownBy: 'Fix',
    },
    {
      question: 'With the async hash, a burst of 50 sign-ups arrives at once. What is the next bottleneck?',
      answer: 'The libuv pool runs 4 hashes at a time by default, so the others queue and sign-up latency grows linearly, while fs and dns.lookup calls wait in the same queue. '
        + 'Size the pool to the cores (UV_THREADPOOL_SIZE), rate-limit sign-ups and logins per client, and shed load when queues grow rather than letting every request time out.',
      keyPoints: [
        { text: 'the thread pool is 4 by default and shared', terms: [['thread pool', 'threadpool', 'uv_threadpool_size'], ['4', 'four', 'shared', 'queue']] },
        { text: 'rate-limit and shed load', terms: [['rate limit', 'rate-limit', 'shed', '503', 'backpressure']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Could an attacker use this stall on purpose?',
      answer: 'Yes: any input-driven synchronous cost is a denial-of-service lever. A login endpoint that hashes without a rate limit lets a few clients keep every pool thread busy; '
        + 'a huge JSON body or a regex with catastrophic backtracking (ReDoS) blocks the loop outright. Cap body sizes, bound input lengths, rate-limit the expensive routes.',
      keyPoints: [
        { text: 'input-driven CPU work is a DoS vector', terms: [['denial of service', 'dos', 'redos', 'attacker']] },
        { text: 'limit bodies, inputs and rate', terms: [['limit', 'cap', 'bound']] },
      ],
      kind: 'security',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, crypto })` and resolves with the Express app once it is ready. '
      + '`crypto` offers pbkdf2, pbkdf2Sync, randomBytes and timingSafeEqual from node:crypto. Define models on `db`; no app.listen.',
    starter: {
      title: 'Naive: pbkdf2Sync in the sign-up handler',
      lesson: 'The probe\'s request was already in the kernel\'s buffer when the hash began, yet it was answered only after the hash finished: '
        + 'a synchronous call holds the one thread that reads sockets and runs handlers. Its latency is the rest of the hash; the event-loop delay histogram shows the same stall.',
      fails: ['healthDuringHash'],
    },
    traps: [
      {
        file: 'traps/promise-around-sync.js',
        title: 'The Promise trap: pbkdf2Sync inside setImmediate and a Promise',
        lesson: 'The handler awaited a Promise, and the loop was free for one turn; then setImmediate ran pbkdf2Sync on the same thread, and /health waited exactly as before. '
          + 'Scheduling code later is not running it elsewhere.',
        fails: ['healthDuringHash'],
      },
      {
        file: 'traps/fewer-iterations.js',
        title: 'The cheaper-hash trap: 1,000 iterations instead of 600,000',
        lesson: 'Each stall is shorter, but /health still waited for the hash, and the password store is now 600 times cheaper to attack offline. '
          + 'A password hash is slow on purpose; move it, do not shrink it.',
        fails: ['healthDuringHash', 'costKept'],
      },
    ],
    solution: {
      title: 'Fix: the async pbkdf2 on libuv\'s thread pool',
      lesson: '/health was answered while the hash was still running on a pool thread: the loop only ran the callback when the key was ready. '
        + 'Same cost, same hash, and the probe\'s latency and the event-loop delay dropped to what an idle loop shows.',
    },
    hints: {
      healthDuringHash: [
        'GET /health was answered only after the hash finished. Which thread runs pbkdf2Sync, and which thread answers /health?',
        'A Promise or async keyword does not change the thread. node:crypto has a form of pbkdf2 that does its work on libuv\'s thread pool.',
        'crypto.pbkdf2 takes the same arguments plus a callback (err, key); wrap it in a Promise and await it.',
      ],
      costKept: [
        'Fewer iterations make each stall shorter but do not remove it, and they weaken the stored hashes.',
        'OWASP\'s current figure for PBKDF2-HMAC-SHA256 is 600,000 iterations (210,000 for SHA-512).',
      ],
      loginWorks: [
        'Sign-up, then login with the same password, must still work: check that both hash the same way (salt, iterations, key length, digest).',
      ],
    },
  },
});
