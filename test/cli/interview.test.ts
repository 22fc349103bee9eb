// `interview` through the built binary (run `npm run build` first; `npm test` does), against two
// fixture scenarios with follow-up ladders: the scripted path end to end (follow-ups chosen for
// what the answer missed, the transcript file, the JSON report, the schedule) and its refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { binary, flat, runCli, withCliHome } from './quiz-cli-support.js';

const fixtures = fileURLToPath(new URL('./fixtures/interview-scenarios', import.meta.url));
const env = { BACKEND_SCENARIOS_DIR: fixtures };

interface JsonReport {
  interrupted: boolean;
  reportFile: string;
  scenarios: { id: number; answer: string; covered: string[]; missed: string[]; grade: string; seconds: number;
    followUps: { question: string; answer: string; covered: string[]; missed: string[]; probes: string | null }[] }[];
}

test('interview --answers --json: follow-ups aimed at the missed points, a transcript, a JSON report and the schedule', async () => {
  await withCliHome(async (home) => {
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([
      // Misses point 2 (409): follow-up 77.B (which probes it) comes first.
      { id: 77, answer: 'A unique index: findOne then create is a race.', followUps: ['409 Conflict', 'the index build fails'], grade: 'hard' },
      // Misses points 1 and 2: 78.A then 78.B; the third answer is missing and counts as unanswered.
      { id: 78, answer: 'a unique index', followUps: ['one reads before the other writes', 'no idea'], grade: 'again' },
    ]));
    const run = await runCli(home.dir, ['interview', '--answers', answers, '--json', '--minutes', '20'], env);
    assert.equal(run.exitCode, 0, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.interrupted, false);
    assert.deepEqual(report.scenarios.map((s) => [s.id, s.grade]), [[77, 'hard'], [78, 'again']]);
    const [first, second] = report.scenarios;
    assert.deepEqual(first!.missed, ['Duplicate key becomes 409']);
    assert.deepEqual(first!.followUps.map((f) => f.question.slice(0, 14)), ['Follow-up 77.B', 'Follow-up 77.C', 'Follow-up 77.D']);
    assert.equal(first!.followUps[0]!.probes, 'Duplicate key becomes 409');
    assert.deepEqual(first!.followUps[0]!.covered, ['Answer 409']);
    assert.deepEqual(second!.followUps.map((f) => f.question.slice(0, 14)), ['Follow-up 78.A', 'Follow-up 78.B', 'Follow-up 78.C']);
    assert.deepEqual(second!.followUps[0]!.covered, ['Both read before either writes']);
    assert.deepEqual(second!.followUps[1]!.missed, ['Answer 409']);
    assert.equal(second!.followUps[2]!.answer, '', 'a missing follow-up answer is unanswered');
    assert.match(run.stderr, /Scenario 1\/2 · #77/, 'the interview itself goes to stderr with --json');

    const markdown = await readFile(report.reportFile, 'utf8');
    assert.ok(report.reportFile.startsWith(join(home.dir, 'interviews')), report.reportFile);
    assert.match(markdown, /\| #77 Fixture 77: one email, many accounts \| 2\/3 \| 1\/1, 1\/1, 0\/1 \|/);
    assert.match(markdown, /> A unique index: findOne then create is a race\./);
    assert.match(markdown, /Model answer 77: a unique index, and 11000 answered 409\./);
    assert.match(markdown, /Model 78\.B: 409 Conflict\./);
    assert.match(markdown, /`backend-scenarios run 78`/);

    const stats = JSON.parse((await runCli(home.dir, ['stats', '--json'], env)).stdout) as { scenarios: { id: number; reviews: number; lastGrade: string | null }[] };
    assert.deepEqual(stats.scenarios.filter((s) => s.reviews > 0).map((s) => [s.id, s.lastGrade]), [[77, 'hard'], [78, 'again']]);
  });
});

test('interview --answers in prose: the rubric, the summary table and where the transcript is', async () => {
  await withCliHome(async (home) => {
    const answers = join(home.dir, 'answers.json');
    await writeFile(answers, JSON.stringify([{ id: 78, answer: 'unique index, a race, 409', followUps: [], grade: 'good' }]));
    const run = await runCli(home.dir, ['interview', '--answers', answers], env);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /Rubric for #78: opening answer 3\/3 key points/);
    assert.match(run.stdout, /Follow-up 1\/3 \(goes deeper\)/);
    assert.match(run.stdout, /#78 {3}3\/3 {5}0\/1 0\/1 0\/1 +0:00 +good/);
    assert.match(flat(run.stdout), /Transcript and model answers: .*interviews.*\.md/);
  });
});

const refusals: { args: string[]; stderr: RegExp; file?: string }[] = [
  { args: ['interview'], stderr: /needs an interactive terminal.*interview --answers answers\.json/ },
  { args: ['interview', '--minutes', '0'], stderr: /expected whole minutes, 1 to 240/ },
  { args: ['interview', '--questions', 'lots'], stderr: /argument 'lots' is invalid/ },
  { args: ['interview', '--answers', 'ANSWERS'], stderr: /entry 1: "grade" must be one of again, hard, good, easy/, file: '[{"id":77,"answer":"x","grade":"great"}]' },
  { args: ['interview', '--answers', 'ANSWERS'], stderr: /entry 1: "followUps" must be a list of answers/, file: '[{"id":77,"answer":"x","followUps":"x","grade":"good"}]' },
  { args: ['interview', '--answers', 'ANSWERS'], stderr: /"id" 99 is not a scenario id\. hint: Scenarios available: 77, 78/, file: '[{"id":99,"grade":"good"}]' },
  { args: ['interview', '--id', '99', '--answers', 'ANSWERS'], stderr: /There is no scenario 99/, file: '[{"id":77,"grade":"good"}]' },
];

for (const { args, stderr, file } of refusals) {
  test(`interview refuses: ${args.join(' ')}${file ? ` with ${file}` : ''}`, async () => {
    await withCliHome(async (home) => {
      const answers = join(home.dir, 'answers.json');
      if (file) await writeFile(answers, file);
      const run = await runCli(home.dir, args.map((arg) => (arg === 'ANSWERS' ? answers : arg)), env);
      assert.equal(run.exitCode, 2, run.stderr);
      assert.match(flat(run.stderr), stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual((await readdir(home.dir)).filter((name) => name !== 'answers.json'), [], 'nothing was written');
    });
  });
}

// The interactive path through a real pseudo-terminal (util-linux `script`): an answer typed, then
// Ctrl-C at the first follow-up. Keys are sent when the screen asks for them, never after a delay.
const scriptCommand = await execa('sh', ['-c', 'command -v script'], { reject: false });

test('Ctrl-C in the middle of an interview keeps the answers given and writes the partial transcript (exit 130)', {
  skip: scriptCommand.exitCode === 0 ? false : 'util-linux `script` is not installed: no pseudo-terminal to drive the interactive prompt',
}, async () => {
  await withCliHome(async (home) => {
    const child = execa('script', ['-qfec', `${process.execPath} ${binary} interview --id 77 --minutes 5`, '/dev/null'], {
      env: { ...env, BACKEND_SCENARIOS_HOME: home.dir, NO_COLOR: '1', COLUMNS: '100' },
      cwd: home.dir,
      reject: false,
      timeout: 30_000,
    });
    let screen = '';
    let answered = false;
    let interrupted = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (!answered && screen.includes('Scenario 1 of 1')) {
        answered = true;
        child.stdin?.write('a unique index\r\r');
      }
      // The follow-up's prompt, not its narration: that is where a person presses Ctrl-C.
      if (answered && !interrupted && screen.includes('Follow-up 1 of')) {
        interrupted = true;
        child.stdin?.write('\x03');
      }
    });
    const result = await child;
    assert.equal(result.exitCode, 130, screen);
    const [transcript] = await readdir(join(home.dir, 'interviews'));
    assert.ok(transcript, 'a transcript was written');
    const markdown = await readFile(join(home.dir, 'interviews', transcript), 'utf8');
    assert.match(markdown, /_Interrupted: this transcript holds what was answered before the stop\._/);
    assert.match(markdown, /> a unique index/);
    assert.match(markdown, /\| #77 .* \| not graded \|/);
    assert.match(flat(screen), /Stopped\. 0 scenarios graded and saved; the partial transcript is in:/);
  });
});
