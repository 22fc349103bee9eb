// `stats` through the built binary (run `npm run build` first; `npm test` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listScenarioFiles } from '../../src/scenario/registry.js';
import { withCliHome, firstInstalledScenario, flat, linesWiderThan, runCli } from './quiz-cli-support.js';

interface StatsJson {
  file: string;
  scenarios: { id: number; state: string; reviews: number; lastGrade: string | null; due: string | null; dueNow: boolean }[];
  totals: { scenarios: number; new: number; reviews: number };
  streak: { current: number; longest: number; reviewedToday: boolean };
}

async function gradeOnce(home: string, id: number, grade: string): Promise<void> {
  const answers = join(home, `answers-${id}-${grade}.json`);
  await writeFile(answers, JSON.stringify([{ id, answer: '', grade }]));
  const run = await runCli(home, ['quiz', '--answers', answers]);
  assert.equal(run.exitCode, 0, run.stderr);
}

test('stats --json on a fresh home lists every installed scenario as new', async () => {
  await withCliHome(async (home) => {
    const installed = (await listScenarioFiles()).map((file) => file.id);
    const run = await runCli(home.dir, ['stats', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    const stats = JSON.parse(run.stdout) as StatsJson;
    assert.deepEqual(stats.scenarios.map((s) => s.id), installed);
    assert.ok(stats.scenarios.every((s) => s.state === 'new' && s.reviews === 0 && s.due === null && s.lastGrade === null));
    assert.deepEqual([stats.totals.scenarios, stats.totals.new, stats.totals.reviews], [installed.length, installed.length, 0]);
    assert.equal(stats.file, join(home.dir, 'progress.json'));
  });
});

test('stats reports states, last grades, counts, totals and the streak after graded answers', async () => {
  await withCliHome(async (home) => {
    const { id } = await firstInstalledScenario();
    await gradeOnce(home.dir, id, 'good');
    await gradeOnce(home.dir, id, 'easy');
    const run = await runCli(home.dir, ['stats', '--json']);
    const stats = JSON.parse(run.stdout) as StatsJson;
    const row = stats.scenarios.find((s) => s.id === id);
    assert.equal(row?.reviews, 2);
    assert.equal(row?.lastGrade, 'easy');
    assert.notEqual(row?.state, 'new');
    assert.equal(stats.totals.reviews, 2);
    assert.equal(stats.totals.new, stats.scenarios.length - 1);
    assert.deepEqual(stats.streak, { current: 1, longest: 1, reviewedToday: true });

    const human = await runCli(home.dir, ['stats']);
    assert.equal(human.exitCode, 0, human.stderr);
    assert.match(human.stdout, /Id\s+Scenario\s+State\s+Next review\s+Last grade\s+Reviews\s+Lapses/);
    assert.match(human.stdout, new RegExp(`#${id}\\s.*easy\\s+2\\s+0`));
    assert.match(human.stdout, /Streak: 1 day; longest 1 day\./);
  });
});

test('stats --reset without a terminal refuses without --yes and changes nothing', async () => {
  await withCliHome(async (home) => {
    const { id } = await firstInstalledScenario();
    await gradeOnce(home.dir, id, 'good');
    const before = await readFile(home.progressFile, 'utf8');
    const run = await runCli(home.dir, ['stats', '--reset']);
    assert.equal(run.exitCode, 2);
    assert.match(flat(run.stderr), /no terminal to ask in/);
    assert.match(flat(run.stderr), /stats --reset --yes/);
    assert.equal(await readFile(home.progressFile, 'utf8'), before);
  });
});

test('stats --reset --yes starts over and keeps the old file as a backup', async () => {
  await withCliHome(async (home) => {
    const { id } = await firstInstalledScenario();
    await gradeOnce(home.dir, id, 'hard');
    const before = await readFile(home.progressFile, 'utf8');
    const run = await runCli(home.dir, ['stats', '--reset', '--yes']);
    assert.equal(run.exitCode, 0, run.stderr);
    const backup = (await readdir(home.dir)).find((name) => name.startsWith('progress.reset-'));
    assert.ok(backup);
    assert.match(run.stdout, new RegExp(backup.replace(/\./g, '\\.')));
    assert.equal(await readFile(join(home.dir, backup), 'utf8'), before);
    const stats = JSON.parse((await runCli(home.dir, ['stats', '--json'])).stdout) as StatsJson;
    assert.equal(stats.totals.reviews, 0);
  });
});

test('stats --yes without --reset is a usage error and changes nothing', async () => {
  await withCliHome(async (home) => {
    const { id } = await firstInstalledScenario();
    await gradeOnce(home.dir, id, 'good');
    const before = await readFile(home.progressFile, 'utf8');
    const run = await runCli(home.dir, ['stats', '--yes']);
    assert.equal(run.exitCode, 2);
    assert.equal(run.stdout, '');
    assert.match(flat(run.stderr), /^error: --yes only confirms --reset.* hint: .*stats --reset --yes/);
    assert.equal(await readFile(home.progressFile, 'utf8'), before);
    assert.deepEqual((await readdir(home.dir)).filter((name) => name.startsWith('progress.')), ['progress.json']);
  });
});

test('a progress file from a newer version: stats names the way out, and --reset --yes moves it aside', async () => {
  await withCliHome(async (home) => {
    const future = JSON.stringify({ version: 99, scenarios: {}, fromTheFuture: true });
    await writeFile(home.progressFile, future);
    const refused = await runCli(home.dir, ['stats']);
    assert.equal(refused.exitCode, 2);
    assert.match(flat(refused.stderr), /written by a newer backend-scenarios\..* hint: .*stats --reset --yes/);
    assert.equal(await readFile(home.progressFile, 'utf8'), future, 'left untouched');

    const reset = await runCli(home.dir, ['stats', '--reset', '--yes'], { COLUMNS: '60' });
    assert.equal(reset.exitCode, 0, reset.stderr);
    const backup = (await readdir(home.dir)).find((name) => name.startsWith('progress.reset-'));
    assert.ok(backup, 'the newer file was moved aside');
    assert.equal(await readFile(join(home.dir, backup), 'utf8'), future, 'byte for byte');
    assert.ok(reset.stdout.replace(/\s+/g, '').includes(join(home.dir, backup)), 'the message says where the old file went');
    assert.deepEqual(linesWiderThan(reset.stdout, 60), []);

    const stats = await runCli(home.dir, ['stats', '--json']);
    assert.equal(stats.exitCode, 0, stats.stderr);
    assert.equal((JSON.parse(stats.stdout) as StatsJson).totals.reviews, 0);
    assert.equal((JSON.parse(await readFile(home.progressFile, 'utf8')) as { version: number }).version, 1);
  });
});

test('stats at COLUMNS=60 fits the terminal, totals and streak lines included', async () => {
  await withCliHome(async (home) => {
    const { id } = await firstInstalledScenario();
    await gradeOnce(home.dir, id, 'good');
    const run = await runCli(home.dir, ['stats'], { COLUMNS: '60' });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(linesWiderThan(run.stdout, 60), []);
    // A compact table (one line per scenario), not a stacked card of 8 lines per scenario.
    const table = run.stdout.split('\n\n')[0]!.split('\n');
    const installed = (await listScenarioFiles()).length;
    assert.equal(table.length, installed + 1, run.stdout);
    assert.match(table[0]!, /^Id\s+Scenario\s+State\s+Next/);
    assert.match(run.stdout, new RegExp(`#${id}\\s.*\\bgood\\b`), 'the last grade still shows');
    assert.match(run.stdout.replace(/\s+/g, ' '), /scenarios: \d+ new, 1 learning, 0 learned; 0 due now\. 1 review in all\./);
  });
});

test('stats --help shows no repeated defaults and says what --reset keeps', async () => {
  await withCliHome(async (home) => {
    const run = await runCli(home.dir, ['stats', '--help'], { COLUMNS: '60' });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /\(default:/);
    assert.match(run.stdout, /-y, --yes\s+with --reset: do not ask/);
    assert.match(run.stdout, /even one written by a newer/);
    assert.deepEqual(linesWiderThan(run.stdout, 60), []);
  });
});

test('stats --reset --yes into a progress folder blocked by a file: one error line, exit 2, nothing asked', async () => {
  await withCliHome(async (home) => {
    const blocker = join(home.dir, 'not-a-folder');
    await writeFile(blocker, 'a regular file');
    const run = await runCli(home.dir, ['stats', '--reset', '--yes'], { BACKEND_SCENARIOS_HOME: join(blocker, 'home') });
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(flat(run.stderr), /^error: Cannot write quiz progress in .*not-a-folder\/home \(ENOTDIR: .*\)\. hint: Set BACKEND_SCENARIOS_HOME to a writable folder/);
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(run.stdout, '');
  });
});
