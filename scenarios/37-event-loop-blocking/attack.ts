// Scenario 37's attack, run against starter.js, two traps, solution.js (`run 37`) and the learner's
// own file (`verify 37`). A load balancer's health probe, played by a worker thread (a client outside
// the app's event loop, as a real one is), asks GET /health while a sign-up's hash is running.
// The ordering is made certain at the crypto the attack hands over, never by the clock:
// - pbkdf2Sync waits (Atomics.wait, bounded) until the probe's request is on the wire, then hashes:
//   a loop that is blocked cannot answer it before the hash ends, however fast the machine;
// - pbkdf2's callback is held (bounded) until the probe has its answer: a free loop answers it
//   while the hash is still running, however slow the machine.
// Milliseconds are printed as figures; no verdict reads them.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';
import type { Model } from 'mongoose';

/** Iterations actually run; the learner asks for a production cost, which is recorded as asked. */
const ITERATIONS_RUN = 50_000;
/** OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256 600,000, PBKDF2-HMAC-SHA512 210,000. */
const MIN_ITERATIONS: Record<string, number> = { sha256: 600_000, sha512: 210_000 };
/** Only keeps a probe that never got going (a crashed worker) from hanging the run; no verdict reads it. */
const PROBE_BOUND_MS = 3_000;
/** Sampling interval of the event-loop delay histogram. */
const LOOP_DELAY_RESOLUTION_MS = 2;
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

export const checks = {
  healthDuringHash: { claim: 'GET /health is answered while a sign-up\'s password hash is still running', level: 'core', broken: 'GET /health waits until the password hash has finished' },
  costKept: { claim: 'every hash asks for the OWASP cost (600,000 × SHA-256 or 210,000 × SHA-512)', level: 'core', broken: 'the password hash asks for less than the OWASP cost' },
  loginWorks: { claim: 'sign-up is 201; the right password signs in (200), a wrong one is 401 with WWW-Authenticate', level: 'core', broken: 'sign-up or sign-in no longer answers as it should' },
} as const;

export type CheckId = keyof typeof checks;

// Runs in the probe's worker thread: its own event loop, so it can send while the app's is blocked.
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const flags = new Int32Array(workerData.flags);
parentPort.on('message', (url) => {
  const started = performance.now();
  const request = http.get(url, (response) => {
    response.resume();
    response.on('end', () => {
      Atomics.store(flags, 1, 1);
      parentPort.postMessage({ status: response.statusCode, latencyMs: performance.now() - started });
    });
  });
  // 'finish': the request has been handed to the operating system, so the server's kernel holds it.
  request.on('finish', () => { Atomics.store(flags, 0, 1); Atomics.notify(flags, 0); });
  request.on('error', (error) => parentPort.postMessage({ status: 0, error: error.message, latencyMs: performance.now() - started }));
});
`;

interface ProbeAnswer { status: number; latencyMs: number; error?: string }
type Pbkdf2Callback = (error: Error | null, key: Buffer) => void;

function userModel(ctx: AttackContext): Model<{ email: string }> {
  const model = Object.values(ctx.db.models).find((candidate) => candidate.schema.path('email') !== undefined);
  if (!model) throw new Error('no model with an `email` path was defined on deps.db (db.model(\'User\', schema))');
  return model as unknown as Model<{ email: string }>;
}

export const attack = defineAttack({
  checks,
  preamble: 'Each file below gets a fresh database and the same attack: one sign-up, and while its password is being hashed, '
    + 'a health probe from another thread asks GET /health, as a load balancer would. The crypto handed to the app makes the order certain: '
    + 'the synchronous hash starts only once the probe\'s request has been sent, and the asynchronous one finishes only once the probe has its answer '
    + `(or after ${PROBE_BOUND_MS / 1000} s, which only a blocked loop reaches). Hashes run ${ITERATIONS_RUN.toLocaleString('en')} iterations to keep the run fast; `
    + 'the cost the code asks for is recorded as asked. Milliseconds are figures of this machine, never the verdict.',
  async run(ctx, target) {
    const crypto = await import('node:crypto');
    const { Worker } = await import('node:worker_threads');
    const { monitorEventLoopDelay } = await import('node:perf_hooks');

    const flags = new Int32Array(new SharedArrayBuffer(8));
    const probe = new Worker(PROBE_SOURCE, { eval: true, workerData: { flags: flags.buffer } });
    try {
      let armedUrl: string | null = null;
      let probeAnswer: Promise<ProbeAnswer> | null = null;
      let answeredWhileHashing: boolean | null = null;
      const asked: Array<{ iterations: number; digest: string }> = [];

      /** Sends the probe once, for the first hash after arming; later hashes (login) run unprobed. */
      const fireProbe = (): Promise<ProbeAnswer> | null => {
        if (armedUrl === null) return null;
        const url = armedUrl;
        armedUrl = null;
        Atomics.store(flags, 0, 0);
        Atomics.store(flags, 1, 0);
        probeAnswer = new Promise<ProbeAnswer>((resolve) => {
          probe.once('message', (answer: ProbeAnswer) => resolve(answer));
          setTimeout(() => resolve({ status: 0, latencyMs: PROBE_BOUND_MS, error: 'no answer' }), PROBE_BOUND_MS).unref();
        });
        probe.postMessage(url);
        return probeAnswer;
      };
      const record = (iterations: number, digest: string): void => {
        asked.push({ iterations: Number(iterations), digest: String(digest).toLowerCase() });
      };

      const seamedCrypto = {
        randomBytes: crypto.randomBytes,
        timingSafeEqual: crypto.timingSafeEqual,
        pbkdf2Sync(password: string, salt: Buffer, iterations: number, keylen: number, digest: string): Buffer {
          record(iterations, digest);
          if (fireProbe()) {
            // The app's thread stops here until the probe's request is in the kernel's buffer.
            Atomics.wait(flags, 0, 0, PROBE_BOUND_MS);
            const key = crypto.pbkdf2Sync(password, salt, ITERATIONS_RUN, keylen, digest);
            answeredWhileHashing = Atomics.load(flags, 1) === 1;
            return key;
          }
          return crypto.pbkdf2Sync(password, salt, ITERATIONS_RUN, keylen, digest);
        },
        pbkdf2(password: string, salt: Buffer, iterations: number, keylen: number, digest: string, callback: Pbkdf2Callback): void {
          record(iterations, digest);
          const answer = fireProbe();
          crypto.pbkdf2(password, salt, ITERATIONS_RUN, keylen, digest, (error, key) => {
            if (!answer) return callback(error, key);
            // The hash is done on its pool thread; hand it back only once the probe has been answered.
            void answer.then(() => {
              answeredWhileHashing = Atomics.load(flags, 1) === 1;
              callback(error, key);
            });
          });
        },
      };

      const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, crypto: seamedCrypto });
      userModel(ctx);

      const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
      loopDelay.enable();
      // The histogram records from its second tick on (the first only starts the clock), so a stall
      // that began before it would go unrecorded. A figure only: no verdict reads this wait.
      await new Promise((resolve) => setTimeout(resolve, 3 * LOOP_DELAY_RESOLUTION_MS));
      armedUrl = `${app.url}/health`;
      const signup = await app.request({ method: 'POST', path: '/signup', json: { email: EMAIL, password: PASSWORD } });
      const health = await (probeAnswer ?? Promise.resolve<ProbeAnswer>({ status: 0, latencyMs: 0, error: 'the sign-up never hashed' }));
      loopDelay.disable();

      const order = answeredWhileHashing === true ? '/health first, then the hash finished' : 'the hash finished, then /health';
      ctx.observe('order of events', order);
      ctx.observe('GET /health latency during the hash (ms)', Math.round(health.latencyMs));
      ctx.observe('sign-up duration (ms)', Math.round(signup.durationMs));
      ctx.observe('event-loop delay, max during the sign-up (ms)', Math.round(loopDelay.max / 1e6));
      ctx.check('healthDuringHash', answeredWhileHashing === true && health.status === 200, order,
        health.error ? `probe: ${health.error}` : `GET /health answered ${health.status} after ${Math.round(health.latencyMs)} ms`);

      const right = await app.request({ method: 'POST', path: '/login', json: { email: EMAIL, password: PASSWORD } });
      const wrong = await app.request({ method: 'POST', path: '/login', json: { email: EMAIL, password: 'wrong horse' } });
      const challenge = wrong.headers['www-authenticate'] ?? null;
      const statuses = ctx.observe('sign-up / right password / wrong password', [signup.status, right.status, wrong.status]);
      ctx.check('loginWorks', signup.status === 201 && right.status === 200 && wrong.status === 401 && challenge !== null, statuses,
        `statuses ${statuses.join(', ')}, WWW-Authenticate ${challenge ?? 'missing'}`);

      const weakest = asked.find((call) => !(call.iterations >= (MIN_ITERATIONS[call.digest] ?? Infinity)));
      const costs = ctx.observe('cost asked for', [...new Set(asked.map((call) => `${call.iterations} × ${call.digest}`))]);
      ctx.check('costKept', asked.length > 0 && weakest === undefined, costs,
        weakest ? `${weakest.iterations} iterations of ${weakest.digest}` : asked.length === 0 ? 'no hash was asked for' : undefined);
    } finally {
      await probe.terminate();
    }
  },
});
