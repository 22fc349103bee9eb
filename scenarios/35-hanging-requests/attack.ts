// Scenario 35's attack, run against starter.js, solution.js (`run 35`) and the learner's own file
// (`verify 35`). The client here is patient for one second, far less than a browser or a proxy, so a
// hang costs the run a second, not a minute. The app is built with an express that records, before
// any of the learner's middleware, how each response ended: 'finish' (sent) or 'close' alone.
// The reports database is a port nobody listens on, so every query there waits on Mongoose.
import { defineAttack } from '../../src/practice/attack-contract.js';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExpressModule } from '../../src/runtime/context.js';

/** How long the attack's client waits before giving up on an answer. */
const PATIENCE_MS = 1_000;
/** The reports connection gives up finding a server quickly (the driver's default is 30 s). */
const SERVER_SELECTION_MS = 200;
/** node:http's receive timeouts for the platform fact, scaled down. */
const NODE_RECEIVE_TIMEOUT_MS = 300;

export const checks = {
  everyBranchAnswers: { claim: 'a missing order is answered 404, and the server\'s response finished (not just closed)', level: 'core', broken: 'a missing order never gets an answer: the response closes without finishing' },
  guardAnswers503: { claim: `a route that forgets to answer still gets 503 with Retry-After, within ${PATIENCE_MS} ms`, level: 'core', broken: 'a route that forgets to answer leaves the client waiting' },
  errorsAreJson500: { claim: 'a handler that throws gets the API\'s JSON 500, no stack in the body, and the error is logged with its route', level: 'core', broken: 'a throw is answered with Express\'s HTML page and stack, and nothing is logged' },
  dbDownIs503: { claim: `with the database unreachable, a query is answered 503 "database unavailable" within ${PATIENCE_MS} ms`, level: 'core', broken: 'with the database down, the query waits in Mongoose\'s queue longer than the client' },
  nodeTimeoutsReceiveOnly: { claim: 'Node\'s requestTimeout/headersTimeout cut off a client slow to SEND (408) but leave a silent handler\'s request open; server.timeout is 0', level: 'core', fact: true },
} as const;

export type CheckId = keyof typeof checks;

interface Asked {
  status: number;
  timedOut: boolean;
  contentType: string;
  retryAfter: string | null;
  text: string;
}

interface Ending {
  finished: boolean;
  closed: Promise<void>;
}

export const attack = defineAttack({
  checks,
  timeoutMs: 20_000,
  preamble: `The attack's client gives up after ${PATIENCE_MS} ms. The reports database is a port nobody listens on (server selection gives up after ${SERVER_SELECTION_MS} ms); `
    + 'the orders database is up. The express the app is built with records how each response ended, before any of the app\'s own middleware.',
  async run(ctx, target) {
    const { createServer: createNetServer, connect } = await import('node:net');
    const http = await import('node:http');

    // A port nobody listens on: bind one, note it, close it.
    const probe = createNetServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const reportsDb = ctx.mongoose.createConnection(`mongodb://127.0.0.1:${deadPort}/reports`, { serverSelectionTimeoutMS: SERVER_SELECTION_MS });
    // Without a listener and a handled asPromise(), the failed connection would kill the process.
    reportsDb.on('error', () => undefined);
    const settled = reportsDb.asPromise().then(() => undefined, () => undefined);
    ctx.defer(async () => {
      await settled;
      await reportsDb.close();
    });

    const endings = new Map<string, Ending>();
    const recordingExpress = Object.assign((() => {
      const app = ctx.express();
      app.use((req, res, next) => {
        const ending: Ending = { finished: false, closed: once(res, 'close').then(() => undefined) };
        res.once('finish', () => { ending.finished = true; });
        endings.set(req.originalUrl, ending);
        next();
      });
      return app;
    }) as unknown as ExpressModule, ctx.express);
    const logged: Array<Record<string, unknown>> = [];
    const app = await target.start({
      express: recordingExpress, mongoose: ctx.mongoose, db: ctx.db, reportsDb, log: (entry: Record<string, unknown>) => { logged.push(entry); },
    });

    // Our own client: a request that hangs is a finding here, not a broken run.
    const ask = async (path: string): Promise<Asked> => {
      try {
        const response = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(PATIENCE_MS) });
        return { status: response.status, timedOut: false, contentType: response.headers.get('content-type') ?? '', retryAfter: response.headers.get('retry-after'), text: await response.text() };
      } catch {
        return { status: 0, timedOut: true, contentType: '', retryAfter: null, text: '' };
      }
    };
    const ended = async (path: string): Promise<boolean | null> => {
      const ending = endings.get(path);
      if (!ending) return null;
      const closed = await Promise.race([ending.closed.then(() => true), new Promise<false>((resolve) => { setTimeout(() => resolve(false), 2_000).unref(); })]);
      return closed ? ending.finished : null;
    };

    const missingPath = `/orders/${new ctx.mongoose.Types.ObjectId().toString()}`;
    const missing = await ask(missingPath);
    const missingFinished = await ended(missingPath);
    const branch = ctx.observe('missing order', { status: missing.status, 'gave up': missing.timedOut, 'server: finished': missingFinished });
    ctx.check('everyBranchAnswers', missing.status === 404 && missingFinished === true, branch);

    const forgotten = await ask('/legacy/export');
    const guard = ctx.observe('a route that forgets to answer', { status: forgotten.status, 'gave up': forgotten.timedOut, 'Retry-After': forgotten.retryAfter });
    ctx.check('guardAnswers503', forgotten.status === 503 && forgotten.retryAfter !== null, guard);

    const logsBefore = logged.length;
    const thrown = await ask('/reports/daily');
    const entry = logged[logsBefore];
    const stackInBody = /\bat .*:\d+:\d+/.test(thrown.text) || thrown.text.includes('SyntaxError');
    const errors = ctx.observe('a handler that throws', {
      status: thrown.status, 'content-type': thrown.contentType.split(';')[0] ?? '', 'stack in body': stackInBody, 'logged route': typeof entry?.['path'] === 'string' ? entry['path'] : null,
    });
    ctx.check('errorsAreJson500', thrown.status === 500 && thrown.contentType.startsWith('application/json') && !stackInBody && errors['logged route'] === '/reports/daily', errors);

    const down = await ask('/reports/latest');
    const downBody = (() => {
      try {
        return (JSON.parse(down.text) as { error?: string }).error ?? null;
      } catch {
        return null;
      }
    })();
    const database = ctx.observe('a query while the database is down', { status: down.status, 'gave up': down.timedOut, error: downBody });
    ctx.check('dbDownIs503', down.status === 503 && downBody === 'database unavailable', database);

    // The platform fact, on a plain node:http server: its receive timeouts do not end a response.
    // The slow client's 408 decides: when Node cuts it off, its timers have had their chance at the
    // silent request too, which started earlier. No sleep decides anything.
    let silentRes: ServerResponse | undefined;
    let markArrived = (): void => undefined;
    const arrived = new Promise<void>((resolve) => { markArrived = resolve; });
    const server = http.createServer({ requestTimeout: NODE_RECEIVE_TIMEOUT_MS, headersTimeout: NODE_RECEIVE_TIMEOUT_MS, connectionsCheckingInterval: 50 }, (_req, res) => {
      silentRes = res;
      markArrived();
    });
    ctx.defer(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const bound = (): AbortSignal => AbortSignal.any([ctx.signal, AbortSignal.timeout(5_000)]);
    let silentAnswered = false;
    const silent = http.get({ host: '127.0.0.1', port, path: '/export', agent: false }, () => { silentAnswered = true; });
    silent.on('error', () => undefined);
    await arrived;
    const slow = connect(port, '127.0.0.1');
    let slowReply = '';
    slow.setEncoding('utf8');
    slow.on('data', (chunk: string) => { slowReply += chunk; });
    slow.on('error', () => undefined);
    slow.write('GET /slow HTTP/1.1\r\nHost: demo\r\n');
    const slowClosed = await once(slow, 'close', { signal: bound() }).then(() => true, () => false);
    const silentOpen = !silentAnswered && silentRes !== undefined && !silentRes.writableEnded && silentRes.socket !== null && !silentRes.socket.destroyed;
    silent.destroy();
    const node = ctx.observe('node:http with 300 ms receive timeouts', {
      'slow sender got': slowReply.split('\r\n')[0] ?? '', 'silent request still open': silentOpen, 'server.timeout': server.timeout,
    });
    ctx.check('nodeTimeoutsReceiveOnly', slowClosed && node['slow sender got'].startsWith('HTTP/1.1 408') && silentOpen && server.timeout === 0, node);
  },
});
