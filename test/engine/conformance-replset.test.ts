// MongoDB's spec tests for transactions (and the convenient API), retryable writes, sessions and
// read/write concern, against the embedded engine in replica-set mode with test commands enabled
// (their fail points). Each list runs on a set of its own, all four at once: the runner spends
// most of its time waiting on the driver's reconnects, not on the CPU. The floors are what the
// engine reaches; the failures left are named in src/engine/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedMongo } from '../../src/engine/index.js';
import { runConformanceList, skipWithoutSuite } from './support/conformance.js';

const floors: Record<string, { floor: number; runnable: number }> = {
  'transactions.txt': { floor: 201, runnable: 203 },
  'retryable-writes.txt': { floor: 111, runnable: 112 },
  'sessions.txt': { floor: 45, runnable: 45 },
  'read-write-concern.txt': { floor: 10, runnable: 10 },
};

test('replica-set spec lists: at least 95% of the runnable tests of each pass', { timeout: 300_000, skip: skipWithoutSuite }, async () => {
  const results = await Promise.all(Object.entries(floors).map(async ([list, { floor, runnable }]) => {
    const engine = await startEmbeddedMongo({ replicaSet: { members: 3 }, enableTestCommands: true });
    try {
      const result = await runConformanceList(engine.uri, list, 280_000);
      return { list, floor, runnable, ...result };
    } finally {
      await engine.close();
    }
  }));
  for (const { list, floor, runnable, passed, failing } of results) {
    assert.ok(passed >= floor, `${list}: ${passed} passed, floor is ${floor}; failing:\n${failing.join('\n')}`);
    assert.ok(passed / runnable >= 0.95, `${list}: ${passed}/${runnable} is under 95%`);
  }
});
