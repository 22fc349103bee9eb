// `quiz` through the built binary (run `npm run build` first; `npm test` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cliHome, firstInstalledScenario, runCli } from './quiz-cli-support.js';

interface StatsJson {
  scenarios: { id: number; state: string; reviews: number; lastGrade: string | null; due: string | null }[];
}

test('quiz --answers prints the reveal with key-point coverage and records the grades', async () => {
  const home = await cliHome();
  try {
    const scenario = await firstInstalledScenario();
    const [firstPoint] = scenario.answer.keyPoints;
    assert.ok(firstPoint);
    // An answer made of one term from each synonym group of the first key point covers it.
    const answer = firstPoint.terms.map((group) => group[0]).join(' and ');
    const question = scenario.quiz.choices[0]!;
    const wrongChoice = question.options.findIndex((option) => !option.correct) + 1;
    const answersFile = join(home.dir, 'answers.json');
    await writeFile(answersFile, JSON.stringify([
      { id: scenario.id, answer, grade: 'hard' },
      { id: scenario.id, question: 1, choice: wrongChoice },
    ]));

    const before = Date.now();
    const run = await runCli(home.dir, ['quiz', '--answers', answersFile]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`#${scenario.id} `));
    assert.ok(run.stdout.includes(`✓ ${firstPoint.text.slice(0, 30)}`), 'the covered key point is marked ✓');
    assert.ok(run.stdout.includes(scenario.answer.reasoning[0]!.split(' ').slice(0, 6).join(' ')), 'the reasoning is shown');
    assert.match(run.stdout, /Not quite\./);
    for (const option of question.options) {
      assert.ok(run.stdout.includes(option.explanation.split(' ').slice(0, 5).join(' ')), `explanation shown for "${option.text}"`);
    }
    assert.match(run.stdout, /Recorded 2 grades/);

    const stats = await runCli(home.dir, ['stats', '--json']);
    assert.equal(stats.exitCode, 0, stats.stderr);
    const row = (JSON.parse(stats.stdout) as StatsJson).scenarios.find((s) => s.id === scenario.id);
    assert.equal(row?.reviews, 2);
    assert.equal(row?.lastGrade, 'again', 'a wrong multiple-choice answer is graded Again');
    assert.ok(row?.due && Date.parse(row.due) > before, 'the next review is scheduled after the run');
    assert.ok(row && ['learning', 'relearning'].includes(row.state));
  } finally {
    await home.remove();
  }
});

test('quiz without a terminal explains how to run non-interactively instead of waiting', async () => {
  const home = await cliHome();
  try {
    const run = await runCli(home.dir, ['quiz']);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /needs an interactive terminal/);
    assert.match(run.stderr, /quiz --answers answers\.json/);
    assert.match(run.stderr, /"grade": "good"/);
    assert.deepEqual(await readdir(home.dir), [], 'nothing was written');
  } finally {
    await home.remove();
  }
});

const badInvocations: { args: (dir: string) => string[]; stderr: RegExp; files?: Record<string, string> }[] = [
  { args: () => ['quiz', '--count', '0'], stderr: /--count <n>' argument '0' is invalid/ },
  { args: () => ['quiz', '--count', 'many'], stderr: /argument 'many' is invalid/ },
  { args: () => ['quiz', '--mode', 'essay'], stderr: /Allowed choices are recall, choice/ },
  { args: () => ['quiz', '--id', '24,abc'], stderr: /--id expects scenario ids.*abc/ },
  { args: () => ['quiz', '--frobnicate'], stderr: /unknown option '--frobnicate'/ },
  { args: (dir) => ['quiz', '--answers', join(dir, 'missing.json')], stderr: /Cannot read the answers file .*missing\.json \(ENOENT\)/ },
  { args: (dir) => ['quiz', '--answers', join(dir, 'bad.json')], stderr: /entry 2: "grade" must be one of again, hard, good, easy/,
    files: { 'bad.json': '[{"id":FIRST,"grade":"good"},{"id":FIRST,"grade":"perfect"}]' } },
  { args: (dir) => ['quiz', '--answers', join(dir, 'unknown.json')], stderr: /entry 1: there is no scenario 9999/,
    files: { 'unknown.json': '[{"id":9999,"grade":"good"}]' } },
];

for (const { args, stderr, files } of badInvocations) {
  test(`bad input is a usage error without a stack trace: quiz ${args('DIR').slice(1).join(' ')}`, async () => {
    const home = await cliHome();
    try {
      const { id } = await firstInstalledScenario();
      for (const [name, content] of Object.entries(files ?? {})) await writeFile(join(home.dir, name), content.replaceAll('FIRST', String(id)));
      const run = await runCli(home.dir, args(home.dir));
      assert.equal(run.exitCode, 2, run.stderr);
      assert.match(run.stderr, stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
      assert.equal((await readdir(home.dir)).includes('progress.json'), false, 'no grade was recorded');
    } finally {
      await home.remove();
    }
  });
}

test('a corrupt progress file is moved aside and reported; the quiz carries on with a fresh one', async () => {
  const home = await cliHome();
  try {
    const { id } = await firstInstalledScenario();
    await writeFile(home.progressFile, '{"version":1,"scenarios":{');
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([{ id, answer: '', grade: 'good' }]));
    const run = await runCli(home.dir, ['quiz', '--answers', answers]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stderr, /could not be used: it is not valid progress data/);
    const aside = (await readdir(home.dir)).find((name) => name.startsWith('progress.corrupt-'));
    assert.ok(aside, 'the broken file was moved aside');
    assert.equal(await readFile(join(home.dir, aside), 'utf8'), '{"version":1,"scenarios":{');
    const saved = JSON.parse(await readFile(home.progressFile, 'utf8')) as { scenarios: Record<string, { reviews: unknown[] }> };
    assert.equal(saved.scenarios[String(id)]?.reviews.length, 1);
  } finally {
    await home.remove();
  }
});
