// MongoDB's own CRUD spec tests (expectations recorded from real servers), run by the shared
// runner against a fresh embedded engine. The floor is what the engine reached; a regression
// fails with the failing lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedMongo } from '../../src/engine/index.js';
import { runConformanceList, skipWithoutSuite } from './support/conformance.js';

const CORE_PASS_FLOOR = 123;

test(`CRUD spec core list: at least ${CORE_PASS_FLOOR} tests pass`, { timeout: 60_000, skip: skipWithoutSuite }, async () => {
  const engine = await startEmbeddedMongo({ enableTestCommands: true });
  try {
    const { passed, failing } = await runConformanceList(engine.uri, 'core.txt', 50_000);
    assert.ok(passed >= CORE_PASS_FLOOR, `${passed} passed, floor is ${CORE_PASS_FLOOR}; failing:\n${failing.join('\n')}`);
    assert.deepEqual(failing, []);
  } finally {
    await engine.close();
  }
});
