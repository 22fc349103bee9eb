// The demo runtime on the embedded engine, driven by small fake scenarios: what a demo can rely on
// (servers on loopback, concurrent requests, a fresh database, narration recorded in the report)
// and what the runtime guarantees when things go wrong (teardown in reverse order, time bound,
// Ctrl-C, thrown errors, failed checks).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { defineScenario } from '../../src/scenario/contract.js';
import type { DemoContext } from '../../src/runtime/context.js';
import { runScenario, liveTempDirCount, removeTempDirsSync } from '../../src/runtime/run-scenario.js';
import type { DemoReporter } from '../../src/runtime/run-scenario.js';
import { sharedEngine } from '../support/scenario-harness.js';

function fakeScenario(run: (ctx: DemoContext) => Promise<void>, timeoutMs?: number) {
  return defineScenario({
    id: 900,
    slug: 'fake',
    title: 'Fake scenario for runtime tests',
    tags: ['test'],
    summary: 'exercises the runtime',
    question: 'Does the runtime hold?',
    answer: { reasoning: ['r'], keyPoints: [{ text: 'k', terms: [['k']] }], code: [{ title: 'c', language: 'ts', code: 'c' }], seniorNotes: ['s'] },
    quiz: { choices: [] },
    demo: timeoutMs === undefined ? { run } : { run, timeoutMs },
  });
}

/** Resolves true when something accepts a TCP connection on the port, false on ECONNREFUSED. */
function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('runScenario', () => {
  test('serves apps on loopback, fires concurrent requests and records numbered steps', async () => {
    let port = 0;
    const started: string[] = [];
    const reporter: DemoReporter = { stepStarted: (number, title) => started.push(`${number}:${title}`) };
    const report = await runScenario(fakeScenario(async (ctx) => {
      const app = ctx.express();
      app.use(ctx.express.json());
      let hits = 0;
      app.post('/echo', (req, res) => { hits += 1; res.status(201).json({ got: req.body as unknown, hits }); });
      const served = await ctx.serve(app);
      port = served.port;
      await ctx.step('burst', async () => {
        const responses = await ctx.concurrently(5, (i) => served.request({ path: '/echo', json: { i } }));
        ctx.observe('statuses', responses.map((r) => r.status));
        ctx.observe('hits', hits);
        ctx.check('every request was answered 201', responses.every((r) => r.status === 201));
      });
      await ctx.step('second', async () => {
        ctx.check('a claim that does not hold', false, 'shown on purpose');
      });
    }), { engine: await sharedEngine(), reporter });

    assert.equal(report.error, undefined);
    assert.deepEqual(started, ['1:burst', '2:second']);
    assert.deepEqual(report.steps[0]?.observations, { statuses: [201, 201, 201, 201, 201], hits: 5 });
    assert.equal(report.steps[1]?.checks[0]?.passed, false);
    assert.equal(report.passed, false, 'one failed check fails the run');
    assert.ok(port > 0);
    assert.equal(await portAccepts(port), false, 'the server is closed after the run');
  });

  test('gives every run a fresh database of its own', async () => {
    const engine = await sharedEngine();
    const countInRun = () => runScenario(fakeScenario(async (ctx) => {
      const Note = ctx.db.model('Note', new ctx.mongoose.Schema({ text: String }));
      await ctx.step('count then insert', async () => {
        ctx.observe('before', await Note.countDocuments());
        await Note.create({ text: 'hello' });
        ctx.observe('after', await Note.countDocuments());
        ctx.check('inserted', true);
      });
    }), { engine });
    const first = await countInRun();
    const second = await countInRun();
    assert.equal(first.error, undefined);
    assert.deepEqual(first.steps[0]?.observations, { before: 0, after: 1 });
    assert.deepEqual(second.steps[0]?.observations, { before: 0, after: 1 });
    assert.equal(second.passed, true);
  });

  test('stops a demo that exceeds its time bound and still tears everything down', async () => {
    let port = 0;
    let tempDir = '';
    const cleaned: string[] = [];
    const report = await runScenario(fakeScenario(async (ctx) => {
      const app = ctx.express();
      app.get('/hang', () => { /* never answers */ });
      const served = await ctx.serve(app);
      port = served.port;
      tempDir = await ctx.tempDir();
      ctx.defer(() => { cleaned.push('first'); });
      ctx.defer(() => { cleaned.push('second'); });
      await ctx.step('hangs', async () => {
        await served.request({ path: '/hang', timeoutMs: 20_000 });
      });
    }, 400), { engine: await sharedEngine() });

    assert.match(report.error ?? '', /time bound of 0\.4 s/);
    assert.equal(report.passed, false);
    assert.deepEqual(cleaned, ['second', 'first'], 'cleanups run newest first');
    assert.equal(await portAccepts(port), false);
    assert.equal(existsSync(tempDir), false, 'the temp dir is removed');
  });

  test('an aborted signal (Ctrl-C) interrupts the demo', async () => {
    const controller = new AbortController();
    const cleaned: string[] = [];
    const report = await runScenario(fakeScenario(async (ctx) => {
      ctx.defer(() => { cleaned.push('deferred'); });
      await ctx.step('waits', async () => {
        setImmediate(() => controller.abort());
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)));
      });
      await ctx.step('never reached', async () => undefined);
    }), { engine: await sharedEngine(), signal: controller.signal });

    assert.match(report.error ?? '', /^Interrupted/);
    assert.deepEqual(report.steps.map((s) => s.title), ['waits']);
    assert.deepEqual(cleaned, ['deferred']);
  });

  test('a request that outlives its own timeout resolves as timedOut, not as an error', async () => {
    const report = await runScenario(fakeScenario(async (ctx) => {
      const app = ctx.express();
      app.get('/slow', () => { /* never answers */ });
      const served = await ctx.serve(app);
      await ctx.step('slow', async () => {
        const response = await served.request({ path: '/slow', timeoutMs: 150 });
        ctx.observe('status', response.status);
        ctx.check('timed out', ctx.observe('timedOut', response.timedOut));
      });
    }), { engine: await sharedEngine() });
    assert.equal(report.error, undefined);
    assert.deepEqual(report.steps[0]?.observations, { status: 0, timedOut: true });
    assert.equal(report.passed, true);
  });

  test('a thrown error fails the run with its message and keeps what was observed', async () => {
    const report = await runScenario(fakeScenario(async (ctx) => {
      await ctx.step('breaks', async () => {
        ctx.observe('before the throw', 1);
        throw new Error('boom');
      });
    }), { engine: await sharedEngine() });
    assert.equal(report.error, 'boom');
    assert.deepEqual(report.steps[0]?.observations, { 'before the throw': 1 });
    assert.equal(report.passed, false);
  });

  test('redis() gives each run its own in-memory key space', async () => {
    const engine = await sharedEngine();
    const run = () => runScenario(fakeScenario(async (ctx) => {
      const { client, name } = await ctx.redis();
      await ctx.step('incr', async () => {
        ctx.observe('name', name);
        ctx.observe('counter', await client.incr('counter'));
        ctx.check('counted', true);
      });
    }), { engine });
    const first = await run();
    const second = await run();
    assert.equal(first.error, undefined);
    assert.equal(first.steps[0]?.observations['counter'], 1);
    assert.equal(second.steps[0]?.observations['counter'], 1);
  });

  test('time spent in beforeStep (the --step pause) counts neither against the time bound nor in durationMs', async () => {
    const { setTimeout: delay } = await import('node:timers/promises');
    const wallStarted = performance.now();
    const report = await runScenario(fakeScenario(async (ctx) => {
      await ctx.step('one', async () => { ctx.check('first step ran', true); });
      await ctx.step('two', async () => { ctx.check('second step ran', true); });
    }, 600), {
      engine: await sharedEngine(),
      // Deliberately longer than the 600 ms bound: a presenter talking between steps.
      reporter: { beforeStep: () => delay(700) },
    });
    assert.equal(report.error, undefined);
    assert.equal(report.passed, true);
    const wallMs = performance.now() - wallStarted;
    assert.ok(wallMs >= 1400, `the run really lasted longer than its bound (${wallMs} ms)`);
    assert.ok(report.durationMs <= wallMs - 1400 + 1, `durationMs ${report.durationMs} leaves out the two 700 ms pauses (wall ${Math.round(wallMs)} ms)`);
  });

  test('ctx.tempDir() directories are tracked until teardown, so a forced exit can remove them synchronously', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    let dir = '';
    let removedSync = 0;
    const before = liveTempDirCount();
    const report = await runScenario(fakeScenario(async (ctx) => {
      dir = await ctx.tempDir();
      writeFileSync(join(dir, '.env'), 'SECRET=1\n');
      ctx.check('tracked while the demo runs', liveTempDirCount() === before + 1);
      // What the second Ctrl-C does just before process.exit.
      removedSync = removeTempDirsSync();
      ctx.check('gone at once', !existsSync(dir));
    }), { engine: await sharedEngine() });
    assert.equal(report.error, undefined);
    assert.equal(report.passed, true, JSON.stringify(report.steps));
    assert.ok(removedSync >= 1);
    assert.equal(liveTempDirCount(), 0);
  });

  test('teardown removes a ctx.tempDir() and stops tracking it', async () => {
    let dir = '';
    const report = await runScenario(fakeScenario(async (ctx) => {
      dir = await ctx.tempDir();
      ctx.check('exists during the demo', existsSync(dir));
    }), { engine: await sharedEngine() });
    assert.equal(report.passed, true);
    assert.equal(existsSync(dir), false);
    assert.equal(liveTempDirCount(), 0);
  });

  test('figures recorded outside a step land in an unnumbered step where they happened', async () => {
    const report = await runScenario(fakeScenario(async (ctx) => {
      ctx.observe('before', 1);
      await ctx.step('the step', async () => { ctx.check('inside', true); });
      ctx.observe('after', 2);
      ctx.check('outside', true);
    }), { engine: await sharedEngine() });
    assert.deepEqual(report.steps.map((step) => [step.title, step.observations, step.checks.map((c) => c.claim)]), [
      ['Setup', { before: 1 }, []],
      ['the step', {}, ['inside']],
      ['After step 1', { after: 2 }, ['outside']],
    ]);
  });
});
