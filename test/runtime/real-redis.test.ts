// The REDIS_URL path against a real Redis server, not only ioredis-mock: every scenario that calls
// ctx.redis() runs against it and must behave as claimed. The server is REDIS_URL when set (.ci/run
// starts one), else a redis-server this test starts on a free loopback port when the command
// exists; with neither, the test says so and skips (it is never silently green).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { runScenarioById, failedChecks, observation } from '../support/scenario-harness.js';

const scenariosDir = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * The scenarios whose demo asks for Redis, found by reading their source (no list to keep in sync):
 * a single-file scenario's file, or a scenario folder's attack.ts.
 */
function redisScenarioIds(): number[] {
  return readdirSync(scenariosDir, { withFileTypes: true })
    .filter((entry) => /^\d+-/.test(entry.name) && (entry.isDirectory() || entry.name.endsWith('.ts')))
    .filter((entry) => {
      const source = entry.isDirectory() ? `${scenariosDir}${entry.name}/attack.ts` : `${scenariosDir}${entry.name}`;
      try {
        return readFileSync(source, 'utf8').includes('ctx.redis()');
      } catch {
        return false;
      }
    })
    .map((entry) => Number(entry.name.split('-')[0]))
    .sort((a, b) => a - b);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let started: ResultPromise | undefined;
let url = process.env['REDIS_URL'];
let unavailable: string | undefined;

before(async () => {
  if (url) return;
  const which = await execa('sh', ['-c', 'command -v redis-server'], { reject: false });
  if (which.exitCode !== 0) {
    unavailable = 'no REDIS_URL and no redis-server on PATH (.ci/run installs and starts one)';
    return;
  }
  const port = await freePort();
  started = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { reject: false });
  // Ready when it answers PING: waited for on its own output, bounded, no fixed sleep.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not become ready within 10 s')), 10_000);
    started!.stdout?.on('data', (chunk: Buffer) => {
      if (/Ready to accept connections/i.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    void started!.then((result) => { clearTimeout(timer); reject(new Error(`redis-server exited: ${result.stderr || result.stdout}`)); });
  });
  url = `redis://127.0.0.1:${port}`;
});

after(async () => {
  if (started) {
    started.kill('SIGTERM');
    await started;
  }
});

test('the scenarios that use Redis behave as claimed against a real Redis server', async (t) => {
  if (unavailable) {
    t.skip(unavailable);
    return;
  }
  const ids = redisScenarioIds();
  assert.ok(ids.length > 0, 'some scenario uses ctx.redis()');
  const previous = process.env['REDIS_URL'];
  process.env['REDIS_URL'] = url;
  try {
    for (const id of ids) {
      const report = await runScenarioById(id);
      assert.deepEqual(failedChecks(report), [], `scenario ${id} against ${url}`);
      assert.equal(report.error, undefined, `scenario ${id}: ${report.error}`);
      assert.equal(report.passed, true);
      if (id === 28) {
        const name = String(observation(report, 'Fix', 'redis'));
        assert.match(name, /^Redis \d+\.\d+ at 127\.0\.0\.1:\d+$/, 'the output names the real server, not the mock');
        t.diagnostic(`used ${name}`);
      }
    }
  } finally {
    if (previous === undefined) delete process.env['REDIS_URL'];
    else process.env['REDIS_URL'] = previous;
  }
});
