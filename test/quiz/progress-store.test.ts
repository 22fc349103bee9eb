import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ProgressStore } from '../../src/quiz/progress-store.js';
import { parseProgress, progressVersion } from '../../src/quiz/progress.js';
import { recordGrade } from '../../src/quiz/session.js';
import { progressDirectory, progressFilePath } from '../../src/quiz/progress-location.js';
import { UserError } from '../../src/cli/errors.js';
import { fixtureScenario, withTemporaryHome } from './support/fixtures.js';

const worker = fileURLToPath(new URL('./support/grade-worker.ts', import.meta.url));
const runWorker = (...args: string[]) => execa(process.execPath, ['--import', 'tsx', worker, ...args], { timeout: 60_000 });

test('BACKEND_SCENARIOS_HOME overrides the data directory', () => {
  assert.equal(progressDirectory({ BACKEND_SCENARIOS_HOME: '/tmp/somewhere' }), '/tmp/somewhere');
  assert.equal(progressFilePath({ BACKEND_SCENARIOS_HOME: '/tmp/somewhere' }), join('/tmp/somewhere', 'progress.json'));
  assert.match(progressDirectory({ XDG_DATA_HOME: '/tmp/xdg', HOME: '/home/x' }), /backend-scenarios/);
});

test('progress written by one process is read by the next, and the other way round', async () => {
  await withTemporaryHome(async (home) => {
    const file = join(home.dir, 'nested', 'progress.json');
    await runWorker(file, 'grade', '24', '3');
    const store = new ProgressStore(file);
    const progress = await store.read();
    assert.equal(progress.version, progressVersion);
    assert.deepEqual(progress.scenarios['24']?.reviews.map((r) => r.grade), ['good', 'hard', 'good']);

    await recordGrade(store, fixtureScenario(25), 'easy', new Date(), 'choice', 1);
    const { stdout } = await runWorker(file, 'read');
    const seen = parseProgress(stdout);
    assert.deepEqual(seen.scenarios['25']?.reviews.map((r) => [r.grade, r.mode, r.question]), [['easy', 'choice', 1]]);
    assert.equal(seen.scenarios['24']?.reviews.length, 3);
  });
});

test('concurrent writers in several processes lose no grade and never corrupt the file', async () => {
  await withTemporaryHome(async (home) => {
    const file = join(home.dir, 'progress.json');
    const writers = [{ id: '24', times: 15 }, { id: '24', times: 15 }, { id: '25', times: 15 }, { id: '26', times: 15 }];
    await Promise.all(writers.map((w) => runWorker(file, 'grade', w.id, String(w.times))));
    const progress = parseProgress(await readFile(file, 'utf8'));
    assert.equal(progress.scenarios['24']?.reviews.length, 30);
    assert.equal(progress.scenarios['25']?.reviews.length, 15);
    assert.equal(progress.scenarios['26']?.reviews.length, 15);
    assert.equal(progress.scenarios['24']?.card.reps, 30, 'each grade was applied to the card as it was on disk');
    const leftovers = (await readdir(home.dir)).filter((name) => name !== 'progress.json');
    assert.deepEqual(leftovers, [], 'no lock or temporary file is left behind');
  });
});

test('many parallel updates in one process are serialised, none lost', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const ids = Array.from({ length: 40 }, (_, i) => 24 + (i % 4));
    await Promise.all(ids.map((id) => recordGrade(store, fixtureScenario(id), 'good', new Date(), 'recall')));
    const progress = await store.read();
    assert.deepEqual(Object.values(progress.scenarios).map((entry) => entry.reviews.length), [10, 10, 10, 10]);
  });
});

const brokenFiles: { name: string; content: string; reason: RegExp }[] = [
  { name: 'truncated JSON', content: '{"version":1,"scenarios":{"24":{"card":', reason: /not valid progress data/ },
  { name: 'wrong shape', content: '{"version":1,"scenarios":{"24":{"card":{"due":"soon"},"reviews":[]}}}', reason: /scenario 24: card.due/ },
  { name: 'no version', content: '{"scenarios":{}}', reason: /unknown format version/ },
];

for (const { name, content, reason } of brokenFiles) {
  test(`a corrupt file (${name}) is moved aside, reported, and a fresh one started`, async () => {
    await withTemporaryHome(async (home) => {
      const file = join(home.dir, 'progress.json');
      await writeFile(file, content);
      const notices: string[] = [];
      const store = new ProgressStore(file, { onNotice: (message) => notices.push(message) });
      const progress = await store.read();
      assert.deepEqual(progress.scenarios, {});
      assert.equal(notices.length, 1);
      assert.match(notices[0]!, reason);
      const aside = (await readdir(home.dir)).filter((n) => n.startsWith('progress.corrupt-'));
      assert.equal(aside.length, 1);
      assert.match(notices[0]!, new RegExp(aside[0]!.replace(/\./g, '\\.')));
      assert.equal(await readFile(join(home.dir, aside[0]!), 'utf8'), content, 'the broken file is kept byte for byte');
      await recordGrade(store, fixtureScenario(24), 'good', new Date(), 'recall');
      assert.equal(parseProgress(await readFile(file, 'utf8')).scenarios['24']?.reviews.length, 1);
      assert.equal(notices.length, 1, 'the fresh file is not reported again');
    });
  });
}

test('a corrupt file is reported by a separate process on stderr', async () => {
  await withTemporaryHome(async (home) => {
    const file = join(home.dir, 'progress.json');
    await writeFile(file, 'not json at all');
    const { stdout, stderr } = await runWorker(file, 'read');
    assert.deepEqual(parseProgress(stdout).scenarios, {});
    assert.match(stderr, /could not be used: it is not valid progress data/);
    assert.match(stderr, /moved to .*progress\.corrupt-.*\.json/);
  });
});

test('a file from a newer version is refused and left untouched', async () => {
  await withTemporaryHome(async (home) => {
    const file = join(home.dir, 'progress.json');
    const future = JSON.stringify({ version: progressVersion + 1, scenarios: {}, somethingNew: true });
    await writeFile(file, future);
    const store = new ProgressStore(file);
    await assert.rejects(store.read(), (error: unknown) => error instanceof UserError && /newer backend-scenarios/.test(error.message));
    await assert.rejects(recordGrade(store, fixtureScenario(24), 'good', new Date(), 'recall'), UserError);
    assert.equal(await readFile(file, 'utf8'), future);
  });
});

test('a lock left by a process that died is broken; a live one is waited for within a bound', async () => {
  await withTemporaryHome(async (home) => {
    const file = join(home.dir, 'progress.json');
    await mkdir(home.dir, { recursive: true });
    const finished = execa(process.execPath, ['-e', '0']);
    const deadPid = finished.pid;
    await finished;
    assert.equal(typeof deadPid, 'number');
    await writeFile(`${file}.lock`, JSON.stringify({ pid: deadPid, token: 'dead' }));
    const store = new ProgressStore(file, { lock: { timeoutMs: 2_000 } });
    await recordGrade(store, fixtureScenario(24), 'good', new Date(), 'recall');
    assert.equal((await store.read()).scenarios['24']?.reviews.length, 1);

    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, token: 'someone-else-in-this-process' }));
    const impatient = new ProgressStore(file, { lock: { timeoutMs: 150 } });
    await assert.rejects(recordGrade(impatient, fixtureScenario(24), 'good', new Date(), 'recall'),
      (error: unknown) => error instanceof UserError && /progress\.json\.lock/.test(error.hint ?? ''));
    assert.equal((await store.read()).scenarios['24']?.reviews.length, 1);
  });
});

test('reset keeps the old file beside a fresh one', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    assert.equal(await store.reset(), undefined);
    await recordGrade(store, fixtureScenario(24), 'good', new Date(), 'recall');
    const backup = await store.reset();
    assert.ok(backup);
    assert.equal(parseProgress(await readFile(backup, 'utf8')).scenarios['24']?.reviews.length, 1);
    assert.deepEqual((await store.read()).scenarios, {});
  });
});

test('reset moves a file from a newer version aside untouched and starts fresh', async () => {
  await withTemporaryHome(async (home) => {
    const file = join(home.dir, 'progress.json');
    const future = JSON.stringify({ version: progressVersion + 1, scenarios: {}, somethingNew: true });
    await writeFile(file, future);
    const store = new ProgressStore(file);
    await assert.rejects(store.read(), (error: unknown) => error instanceof UserError && /stats --reset --yes/.test(error.hint ?? ''));
    const backup = await store.reset();
    assert.ok(backup);
    assert.match(backup, /progress\.reset-.*\.json$/);
    assert.equal(await readFile(backup, 'utf8'), future);
    assert.deepEqual(await store.read(), { version: progressVersion, scenarios: {} });
    assert.deepEqual((await readdir(home.dir)).sort(), ['progress.json', backup.slice(home.dir.length + 1)].sort());
  });
});
