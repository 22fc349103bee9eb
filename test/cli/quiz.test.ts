// `quiz` through the built binary (run `npm run build` first; `npm test` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withCliHome, firstInstalledScenario, flat, linesWiderThan, runCli } from './quiz-cli-support.js';
import { listScenarioFiles } from '../../src/scenario/registry.js';

interface StatsJson {
  scenarios: { id: number; state: string; reviews: number; lastGrade: string | null; due: string | null }[];
}

test('quiz --answers prints the reveal with key-point coverage and records the grades', async () => {
  await withCliHome(async (home) => {
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
  });
});

test('quiz without a terminal explains how to run non-interactively instead of waiting', async () => {
  await withCliHome(async (home) => {
    const run = await runCli(home.dir, ['quiz']);
    assert.equal(run.exitCode, 2);
    assert.match(flat(run.stderr), /needs an interactive terminal/);
    assert.match(flat(run.stderr), /quiz --answers answers\.json/);
    assert.match(flat(run.stderr), /"grade": "good"/);
    assert.deepEqual(await readdir(home.dir), [], 'nothing was written');
  });
});

const badInvocations: { args: (dir: string) => string[]; stderr: RegExp; files?: Record<string, string> }[] = [
  { args: () => ['quiz', '--count', '0'], stderr: /--count <n>' argument '0' is invalid/ },
  { args: () => ['quiz', '--count', 'many'], stderr: /argument 'many' is invalid/ },
  { args: () => ['quiz', '--mode', 'essay'], stderr: /Allowed choices are recall, choice/ },
  { args: () => ['quiz', '--id', '24,abc'], stderr: /--id expects scenario ids.*abc/ },
  { args: () => ['quiz', '--frobnicate'], stderr: /unknown option '--frobnicate'/ },
  { args: (dir) => ['quiz', '--answers', join(dir, 'missing.json')], stderr: /Cannot read the answers file .*missing\.json \(ENOENT\)\. hint: There is no such file: check the path\. `backend-scenarios quiz --help` shows the JSON/ },
  { args: () => ['quiz', '--answers', 'missing.json'], stderr: / hint: There is no such file \(relative to .*bs-quiz-cli-[^)]*\): check the path/ },
  { args: (dir) => ['quiz', '--answers', dir], stderr: /\(EISDIR\)\. hint: That is a directory: pass the JSON file itself/ },
  { args: (dir) => ['quiz', '--id', '9999', '--answers', join(dir, 'ok.json')], stderr: /^error: There is no scenario 9999\. hint: Scenarios available: /,
    files: { 'ok.json': '[{"id":FIRST,"grade":"good"}]' } },
  { args: (dir) => ['quiz', '--tag', 'no-such-tag', '--answers', join(dir, 'ok.json')], stderr: /^error: No scenario has the tag no-such-tag\. hint: Tags in use: /,
    files: { 'ok.json': '[{"id":FIRST,"grade":"good"}]' } },
  { args: (dir) => ['quiz', '--id', 'SECOND', '--answers', join(dir, 'ok.json')], stderr: /^error: The only entry in .*ok\.json does not match --id \d+\. hint: The file has recall entries for scenario \d+;/,
    files: { 'ok.json': '[{"id":FIRST,"grade":"good"}]' } },
  { args: (dir) => ['quiz', '--mode', 'choice', '--answers', join(dir, 'ok.json')], stderr: /does not match --mode choice\./,
    files: { 'ok.json': '[{"id":FIRST,"grade":"good"}]' } },
  { args: () => ['quiz', '--id', '9999'], stderr: /^error: There is no scenario 9999\./ },
  { args: (dir) => ['quiz', '--answers', join(dir, 'bad.json')], stderr: /entry 2: "grade" must be one of again, hard, good, easy/,
    files: { 'bad.json': '[{"id":FIRST,"grade":"good"},{"id":FIRST,"grade":"perfect"}]' } },
  { args: (dir) => ['quiz', '--answers', join(dir, 'unknown.json')], stderr: /entry 1: there is no scenario 9999/,
    files: { 'unknown.json': '[{"id":9999,"grade":"good"}]' } },
];

for (const { args, stderr, files } of badInvocations) {
  test(`bad input is a usage error without a stack trace: quiz ${args('DIR').slice(1).join(' ')}`, async () => {
    await withCliHome(async (home) => {
      const { id } = await firstInstalledScenario();
      const second = (await listScenarioFiles())[1]?.id ?? id + 1;
      for (const [name, content] of Object.entries(files ?? {})) await writeFile(join(home.dir, name), content.replaceAll('FIRST', String(id)));
      const run = await runCli(home.dir, args(home.dir).map((arg) => arg.replace('SECOND', String(second))));
      assert.equal(run.exitCode, 2, run.stderr);
      assert.match(flat(run.stderr), stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at .*:\d+:\d+\)?\n/, 'no stack trace');
      assert.equal((await readdir(home.dir)).includes('progress.json'), false, 'no grade was recorded');
      assert.match(run.stderr, /\nhint: \S/, 'a hint says what to do next');
    });
  });
}

test('a corrupt progress file is moved aside and reported; the quiz carries on with a fresh one', async () => {
  await withCliHome(async (home) => {
    const { id } = await firstInstalledScenario();
    await writeFile(home.progressFile, '{"version":1,"scenarios":{');
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([{ id, answer: '', grade: 'good' }]));
    const run = await runCli(home.dir, ['quiz', '--answers', answers]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(flat(run.stderr), /could not be used: it is not valid progress data/);
    const aside = (await readdir(home.dir)).find((name) => name.startsWith('progress.corrupt-'));
    assert.ok(aside, 'the broken file was moved aside');
    assert.equal(await readFile(join(home.dir, aside), 'utf8'), '{"version":1,"scenarios":{');
    const saved = JSON.parse(await readFile(home.progressFile, 'utf8')) as { scenarios: Record<string, { reviews: unknown[] }> };
    assert.equal(saved.scenarios[String(id)]?.reviews.length, 1);
  });
});

async function recordedReviews(home: string): Promise<Record<string, number>> {
  const saved = JSON.parse(await readFile(join(home, 'progress.json'), 'utf8')) as { scenarios: Record<string, { reviews: unknown[] }> };
  return Object.fromEntries(Object.entries(saved.scenarios).map(([id, entry]) => [id, entry.reviews.length]));
}

test('quiz --answers with --id, --tag, --mode and --count grades only the entries they select', async () => {
  await withCliHome(async (home) => {
    const files = await listScenarioFiles();
    const [first, second] = [files[0]?.id, files[1]?.id];
    assert.ok(first !== undefined && second !== undefined, 'two scenarios are installed');
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([
      { id: first, answer: 'first', grade: 'good' },
      { id: second, answer: 'second', grade: 'hard' },
      { id: second, question: 1, choice: 1 },
    ]));

    const byId = await runCli(home.dir, ['quiz', '--answers', answers, '--id', String(second)]);
    assert.equal(byId.exitCode, 0, byId.stderr);
    assert.match(byId.stdout, new RegExp(`Grading 2 of the 3 entries in .*answers\\.json \\(--id ${second}\\)\\.`));
    assert.match(byId.stdout, /Recorded 2 grades/);
    assert.deepEqual(await recordedReviews(home.dir), { [String(second)]: 2 });

    const byCount = await runCli(home.dir, ['quiz', '--answers', answers, '--count', '1']);
    assert.equal(byCount.exitCode, 0, byCount.stderr);
    assert.match(byCount.stdout, /Grading 1 of the 3 entries .*\(--count 1\)/);
    assert.deepEqual(await recordedReviews(home.dir), { [String(first)]: 1, [String(second)]: 2 }, 'the first entry, in file order');

    const byMode = await runCli(home.dir, ['quiz', '--answers', answers, '--mode', 'choice']);
    assert.equal(byMode.exitCode, 0, byMode.stderr);
    assert.match(byMode.stdout, /Recorded 1 grade in/);
    assert.deepEqual(await recordedReviews(home.dir), { [String(first)]: 1, [String(second)]: 3 });

    // Without filters the default --count (5) does not cut the file: every entry is graded.
    await writeFile(answers, JSON.stringify(Array.from({ length: 6 }, () => ({ id: first, answer: '', grade: 'good' }))));
    const all = await runCli(home.dir, ['quiz', '--answers', answers]);
    assert.equal(all.exitCode, 0, all.stderr);
    assert.doesNotMatch(all.stdout, /Grading \d+ of/);
    assert.match(all.stdout, /Recorded 6 grades/);
  });
});

test('at COLUMNS=60 every line of a scripted quiz fits, the Answer: echo included', async () => {
  await withCliHome(async (home) => {
    const scenario = await firstInstalledScenario();
    const answer = 'A long answer that goes on and on about unique indexes, duplicate key errors, 409 Conflict, races between '
      + 'concurrent requests and why the database must be the one to decide, well past sixty columns.';
    const wrongChoice = scenario.quiz.choices[0]!.options.findIndex((option) => !option.correct) + 1;
    const answers = join(home.dir, 'a-file-name-long-enough-to-need-wrapping-at-sixty-columns.json');
    await writeFile(answers, JSON.stringify([{ id: scenario.id, answer, grade: 'good' }, { id: scenario.id, question: 1, choice: wrongChoice }]));
    const run = await runCli(home.dir, ['quiz', '--answers', answers, '--id', String(scenario.id), '--count', '5'], { COLUMNS: '60' });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(linesWiderThan(run.stdout, 60), []);
    const echo = run.stdout.slice(run.stdout.indexOf('Answer: '));
    const echoLines = echo.split('\n').slice(0, Math.floor(answer.length / 60));
    assert.ok(echoLines.slice(1).every((line) => line.startsWith('        ')), 'continuation lines are indented under the answer');
    assert.equal(echo.replace(/\s+/g, ' ').includes(`Answer: ${answer}`), true, 'the whole answer is echoed, word for word');
    assert.ok(run.stdout.replace(/\s+/g, ' ').includes(`Question 1/2 · #${scenario.id} ${scenario.title}`), 'the heading is wrapped, not cut');
    assert.match(run.stdout, /Graded good\. Next review of/);
    assert.match(run.stdout, /Recorded 2 grades in/);
    // The same run at 100 columns keeps its headings on one line: the width really follows COLUMNS.
    const wide = await runCli(home.dir, ['quiz', '--answers', answers], { COLUMNS: '100' });
    assert.ok(wide.stdout.includes(`Answer: ${answer.slice(0, 60)}`));
    assert.ok(linesWiderThan(wide.stdout, 60).length > 0);
  });
});

test('quiz --help shows no "(default: [])", does not point to itself, and documents --answers with filters', async () => {
  await withCliHome(async (home) => {
    const run = await runCli(home.dir, ['quiz', '--help'], { COLUMNS: '60' });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /default: \[\]/);
    assert.doesNotMatch(run.stdout, /quiz --help/);
    assert.match(run.stdout, /--tag <tag>\s+only scenarios with this tag\s+\(repeatable\)\n/);
    assert.match(run.stdout, /With --answers, --id, --tag, --mode and --count pick which\s+entries of the file are graded/);
    assert.deepEqual(linesWiderThan(run.stdout, 60), []);
  });
});

test('quiz --answers into a progress folder blocked by a file: one error line before any reveal, exit 2', async () => {
  await withCliHome(async (home) => {
    const scenario = await firstInstalledScenario();
    const blocker = join(home.dir, 'not-a-folder');
    await writeFile(blocker, 'a regular file');
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([{ id: scenario.id, answer: '', grade: 'good' }]));
    const run = await runCli(home.dir, ['quiz', '--answers', answers], { BACKEND_SCENARIOS_HOME: join(blocker, 'home') });
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(flat(run.stderr), new RegExp(`^error: Cannot write quiz progress in ${join(blocker, 'home')} \\(ENOTDIR: part of the path is a file, not a folder\\)\\.`));
    assert.match(flat(run.stderr), /hint: Set BACKEND_SCENARIOS_HOME to a writable folder/);
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
    assert.doesNotMatch(run.stdout, /Question 1\/1/, 'nothing is revealed that could not be saved');
  });
});

test('quiz --answers counts "choice" in the order the scenario lists the options, and prints them in that order', async () => {
  await withCliHome(async (home) => {
    const scenario = await firstInstalledScenario();
    const question = scenario.quiz.choices[0]!;
    const correctChoice = question.options.findIndex((option) => option.correct) + 1;
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([{ id: scenario.id, question: 1, choice: correctChoice }]));
    const run = await runCli(home.dir, ['quiz', '--answers', answers], { COLUMNS: '300' });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /Correct\./);
    const positions = question.options.map((option, index) => run.stdout.indexOf(`${index + 1}. ${option.text}`));
    assert.ok(positions.every((at) => at >= 0), 'every option is listed with its stored number');
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'in the stored order');
    assert.ok(run.stdout.includes(`${correctChoice}. ${question.options[correctChoice - 1]!.text} (your choice)`));

    const help = await runCli(home.dir, ['quiz', '--help']);
    assert.match(flat(help.stdout), /choice in the order the scenario lists the options, which is the order --answers prints them in; interactive sessions shuffle the options/);
  });
});
