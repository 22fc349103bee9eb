// `stats` through the built binary (run `npm run build` first; `npm test` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listScenarioFiles } from '../../src/scenario/registry.js';
import { cliHome, firstInstalledScenario, runCli } from './quiz-cli-support.js';

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
  const home = await cliHome();
  try {
    const installed = (await listScenarioFiles()).map((file) => file.id);
    const run = await runCli(home.dir, ['stats', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    const stats = JSON.parse(run.stdout) as StatsJson;
    assert.deepEqual(stats.scenarios.map((s) => s.id), installed);
    assert.ok(stats.scenarios.every((s) => s.state === 'new' && s.reviews === 0 && s.due === null && s.lastGrade === null));
    assert.deepEqual([stats.totals.scenarios, stats.totals.new, stats.totals.reviews], [installed.length, installed.length, 0]);
    assert.equal(stats.file, join(home.dir, 'progress.json'));
  } finally {
    await home.remove();
  }
});

test('stats reports states, last grades, counts, totals and the streak after graded answers', async () => {
  const home = await cliHome();
  try {
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
  } finally {
    await home.remove();
  }
});

test('stats --reset without a terminal refuses without --yes and changes nothing', async () => {
  const home = await cliHome();
  try {
    const { id } = await firstInstalledScenario();
    await gradeOnce(home.dir, id, 'good');
    const before = await readFile(home.progressFile, 'utf8');
    const run = await runCli(home.dir, ['stats', '--reset']);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /no terminal to ask in/);
    assert.match(run.stderr, /stats --reset --yes/);
    assert.equal(await readFile(home.progressFile, 'utf8'), before);
  } finally {
    await home.remove();
  }
});

test('stats --reset --yes starts over and keeps the old file as a backup', async () => {
  const home = await cliHome();
  try {
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
  } finally {
    await home.remove();
  }
});
