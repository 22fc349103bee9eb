// The CLI as a user meets it: the BUILT binary (run `npm run build` first; `npm test` does),
// driven through execa. Nothing here imports from dist/ or src/cli.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';

const root = fileURLToPath(new URL('../../', import.meta.url));
const binary = `${root}bin/backend-scenarios.js`;
const fixtureScenarios = fileURLToPath(new URL('./fixtures/scenarios/', import.meta.url));
// Apart from fixtureScenarios, so `run all` over those keeps its count.
const cleanupScenarios = fileURLToPath(new URL('./fixtures/cleanup-scenarios/', import.meta.url));
const forbidHeavyModules = pathToFileURL(fileURLToPath(new URL('./fixtures/forbid-heavy-modules.mjs', import.meta.url))).href;

/** A bound on every child process, so a hung CLI fails the test instead of the whole suite. */
const childTimeoutMs = 60_000;

function cli(args: string[], options: { env?: Record<string, string>; nodeArgs?: string[] } = {}) {
  return execa(process.execPath, [...(options.nodeArgs ?? []), binary, ...args], {
    cwd: root,
    reject: false,
    timeout: childTimeoutMs,
    // A clean environment for colour and engine choice, whatever the developer's shell has set.
    // npm's own variables too: under `npm test` they would make every suggestion read `npx …`.
    env: {
      NO_COLOR: undefined, FORCE_COLOR: undefined, MONGODB_URI: undefined, COLUMNS: undefined, CI: undefined,
      npm_command: undefined, npm_lifecycle_event: undefined, npm_execpath: undefined, ...options.env,
    },
    extendEnv: true,
  });
}

function scenarioIdsOnDisk(): number[] {
  return readdirSync(`${root}scenarios`)
    // A single file (NN-slug.ts) or a folder (NN-slug/) once converted.
    .map((name) => /^(\d+)-[a-z0-9-]+(?:\.ts)?$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+\(.*:\d+:\d+\)$/m, `stack trace in stderr:\n${stderr}`);
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves with the stdout seen so far once it matches `pattern` (bounded by the child's own timeout). */
function waitForOutput(child: ResultPromise, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve(seen);
    });
    child.once('exit', () => reject(new Error(`exited before printing ${pattern}; stdout:\n${seen}`)));
  });
}

before(() => {
  assert.ok(existsSync(`${root}dist/src/cli/main.js`), 'the CLI is not built: run `npm run build` first');
});

describe('list and show: progress, content as data, typos', () => {
  test('list shows each scenario\'s quiz state from the progress file, and explains why ids start at 24', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bs-list-home-'));
    try {
      const due = new Date(Date.now() - 60_000).toISOString();
      const card = { due, stability: 1, difficulty: 5, elapsedDays: 0, scheduledDays: 0, learningSteps: 0, reps: 1, lapses: 0, state: 'Review', lastReview: due };
      writeFileSync(join(home, 'progress.json'), JSON.stringify({ version: 1, scenarios: { 24: { card, reviews: [{ at: due, grade: 'good', mode: 'recall' }] } } }));
      const result = await cli(['list'], { env: { BACKEND_SCENARIOS_HOME: home, COLUMNS: '200' } });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^\s*24\s+due\s+not started\s+Registration race/m);
      assert.match(result.stdout, /^\s*25\s+new\s+/m);
      const footer = result.stdout.replace(/\s+/g, ' ');
      assert.match(footer, /1 due for review/);
      assert.match(footer, /Ids start at 24 because they keep the numbers of the source material/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('show --json prints the content as data: answers, key points with provenBy, quiz options', async () => {
    const result = await cli(['show', '24', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const content = JSON.parse(result.stdout) as {
      id: number; question: string;
      answer: { reasoning: string[]; keyPoints: Array<{ text: string; terms: string[][]; provenBy?: string }>; code: unknown[]; seniorNotes: string[] };
      quiz: { choices: Array<{ prompt: string; options: Array<{ text: string; correct: boolean; explanation: string }> }> };
    };
    assert.equal(content.id, 24);
    assert.ok(content.question.length > 0);
    assert.ok(content.answer.reasoning.length > 0 && content.answer.keyPoints.length > 0 && content.answer.seniorNotes.length > 0);
    assert.ok(content.quiz.choices.length >= 3);
    for (const question of content.quiz.choices) assert.equal(question.options.filter((option) => option.correct).length, 1);
    assert.ok(!('demo' in content), 'the demo is behaviour, not content');
  });

  test('typos get suggestions: a tag one letter off, "24." and a near slug', async () => {
    const tag = await cli(['list', '--tag', 'secuirty']);
    assert.equal(tag.exitCode, 2);
    assert.match(tag.stderr, /^hint: Did you mean security\?/m);
    const dotted = await cli(['show', '24.']);
    assert.equal(dotted.exitCode, 0, dotted.stderr);
    const slug = await cli(['run', 'reg-race']);
    assert.equal(slug.exitCode, 2);
    assert.match(slug.stderr, /Did you mean registration-race \(24\)/);
    const command = await cli(['rnu', '24']);
    assert.match(command.stderr, /^hint: Did you mean run\?$/m, 'without commander\'s parentheses');
  });
});

describe('list and show', () => {
  test('list prints every scenario, sorted by id', async () => {
    const result = await cli(['list']);
    assert.equal(result.exitCode, 0, result.stderr);
    const ids = [...result.stdout.matchAll(/^\s*(\d+)\s{2}/gm)].map((match) => Number(match[1]));
    assert.deepEqual(ids, scenarioIdsOnDisk());
    assert.match(result.stdout, /Registration race/);
  });

  test('list --json is machine-readable and complete', async () => {
    const result = await cli(['list', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Array<{ id: number; slug: string; title: string; tags: string[]; summary: string }>;
    assert.deepEqual(rows.map((row) => row.id), scenarioIdsOnDisk());
    const registration = rows.find((row) => row.id === 24);
    assert.equal(registration?.slug, 'registration-race');
    assert.ok(registration.tags.includes('concurrency'));
  });

  test('list --tag filters, and an unknown tag is a usage error', async () => {
    const filtered = JSON.parse((await cli(['list', '--tag', 'concurrency', '--json'])).stdout) as Array<{ tags: string[] }>;
    assert.ok(filtered.length > 0);
    assert.ok(filtered.every((row) => row.tags.includes('concurrency')));
    const unknown = await cli(['list', '--tag', 'no-such-tag']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /No scenario is tagged "no-such-tag"/);
    assert.match(unknown.stderr, /Tags in use: .*concurrency/);
  });

  test('show 24 prints the question, reasoning, key points and code, and runs nothing', async () => {
    const result = await cli(['show', '24']);
    assert.equal(result.exitCode, 0, result.stderr);
    for (const expected of [/The question/, /How a candidate reasons/, /Key points/, /createIndexes\(\)/, /11000/, /What a senior adds/]) {
      assert.match(result.stdout, expected);
    }
    assert.doesNotMatch(result.stdout, /Live demo/);
  });

  test('--help shows examples and --version the package version', async () => {
    const help = await cli(['--help']);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /Examples:\n\s+\$ backend-scenarios list/);
    const version = await cli(['--version']);
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
  });
});

describe('output for pipes, narrow terminals and NO_COLOR', () => {
  const escape = '\u001b[';
  test('colour only when wanted: FORCE_COLOR colours, NO_COLOR and --no-color win over it', async () => {
    const forced = await cli(['show', '24'], { env: { FORCE_COLOR: '1' } });
    assert.ok(forced.stdout.includes(escape), 'FORCE_COLOR gives colour');
    const noColor = await cli(['show', '24'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    assert.ok(!noColor.stdout.includes(escape), 'NO_COLOR wins');
    const flag = await cli(['show', '24', '--no-color'], { env: { FORCE_COLOR: '1' } });
    assert.equal(flag.exitCode, 0, flag.stderr);
    assert.ok(!flag.stdout.includes(escape), '--no-color wins');
    const piped = await cli(['list']);
    assert.ok(!piped.stdout.includes(escape), 'piped output carries no escape codes');
  });

  test('at 60 columns, prose lines fit (code blocks excepted)', async () => {
    for (const args of [['list'], ['show', '24'], ['show', '27'], ['show', '30'], ['--help'], ['run', '--help'], ['engine', '--help'], ['doctor']]) {
      const result = await cli(args, { env: { COLUMNS: '60' } });
      const tooWide = result.stdout.split('\n')
        .filter((line) => !line.startsWith('  │'))
        .filter((line) => [...stripVTControlCharacters(line)].length > 60);
      assert.deepEqual(tooWide, [], `${args.join(' ')}: lines wider than 60 columns`);
    }
  });
});

test('at 60 columns, a run\'s headers and its error and hint lines fit too', async () => {
  const run = await cli(['run', '24', '--no-pause', '--engine', 'embedded'], { env: { COLUMNS: '60' } });
  assert.equal(run.exitCode, 0, run.stderr);
  const tooWide = run.stdout.split('\n').filter((line) => !/^\s+│/.test(line)).filter((line) => [...line].length > 60);
  assert.deepEqual(tooWide, []);
  assert.match(run.stdout, /^━━ Scenario 24 ━+$/m, 'a title too long for the rule goes on its own line');
  const error = await cli(['run', '99'], { env: { COLUMNS: '60' } });
  assert.equal(error.exitCode, 2);
  const lines = error.stderr.trimEnd().split('\n');
  assert.ok(lines.length > 2, 'the long hint is wrapped, not cut');
  assert.ok(lines.every((line) => [...line].length <= 60), error.stderr);
  assert.match(lines[0] ?? '', /^error: /);
});

describe('bad input: one line, a hint, exit 2, no stack trace', () => {
  const cases: Array<{ args: string[]; message: RegExp }> = [
    { args: ['run', '99'], message: /^error: There is no scenario 99\.\nhint: Nearest: [\d, ]+\./ },
    { args: ['run', 'abc'], message: /^error: "abc" is not a scenario id\./ },
    { args: ['run'], message: /^error: run needs a scenario id, or "all"\./ },
    { args: ['show', '99'], message: /^error: There is no scenario 99\./ },
    { args: ['show'], message: /^error: show needs a scenario id\./ },
    { args: ['list', '--bogus'], message: /^error: unknown option '--bogus'/ },
    { args: ['run', '24', '--engine', 'bogus'], message: /^error: option '-e, --engine <name>' argument 'bogus' is invalid\. Allowed choices are auto, embedded, memory-server, uri\./ },
    { args: ['frobnicate'], message: /^error: unknown command 'frobnicate'/ },
  ];
  for (const { args, message } of cases) {
    test(args.join(' ') || '(no args)', async () => {
      const result = await cli(args);
      assert.equal(result.exitCode, 2, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.ok(result.stderr.trim().split('\n').length <= 2, `more than two lines:\n${result.stderr}`);
      assertNoStackTrace(result.stderr);
    });
  }

  test('run 99 suggests the nearest existing ids', async () => {
    const ids = scenarioIdsOnDisk();
    const nearest = [...ids].sort((a, b) => Math.abs(a - 99) - Math.abs(b - 99))[0];
    const result = await cli(['run', '99']);
    assert.match(result.stderr, new RegExp(`Nearest: [\\d, ]*\\b${nearest}\\b`));
  });
});

test('-v prints the version like -V and --version', async () => {
  const short = await cli(['-v']);
  assert.equal(short.exitCode, 0, short.stderr);
  assert.equal(short.stdout.trim(), (await cli(['--version'])).stdout.trim());
});

test('--help shows each default once, and no empty list as a default', async () => {
  const engine = await cli(['engine', '--help']);
  assert.match(engine.stdout, /--port <port>\s+port to listen on \(default: any free port\)\n/);
  assert.match(engine.stdout, /--members <n>\s+replica-set members, with --replset \(default: 3\)\n/);
  // One default per option that has one (--port, --members), never repeated.
  assert.equal(engine.stdout.match(/default:/g)?.length, 2);
  const list = await cli(['list', '--help']);
  assert.doesNotMatch(list.stdout, /default: \[\]/);
});

describe('a MONGODB_URI is never printed with its password, and a malformed one is called so', () => {
  const cases = [
    { uri: 'mongodb://u:sec/ret@127.0.0.1:1/', secrets: ['sec/ret', 'sec', 'ret@'], problem: /unescaped "\/"/ },
    { uri: 'mongodb://u:p@ss@127.0.0.1:1/', secrets: ['p@ss', 'ss@', ':p@'], problem: /unescaped "@"/ },
    { uri: 'notauri', secrets: [], problem: /does not start with mongodb:\/\// },
  ];
  for (const { uri, secrets, problem } of cases) {
    test(uri.replace(/:[^:]+@/, ':…@'), async () => {
      const result = await cli(['run', '24', '--no-pause'], { env: { MONGODB_URI: uri } });
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, /^error: MONGODB_URI is malformed/);
      assert.match(result.stderr, problem);
      assert.match(result.stderr, /hint: /);
      assert.doesNotMatch(result.stderr, /Start that server/);
      for (const secret of secrets) assert.ok(!result.stderr.includes(secret), `"${secret}" leaked:\n${result.stderr}`);
      assertNoStackTrace(result.stderr);
    });
  }
});

describe('a scenario file that does not load', () => {
  let base = '';
  let dir = '';
  before(() => {
    // The same layout as fixtures/: the scenario folder, and the shared fixture helper beside it.
    base = mkdtempSync(join(tmpdir(), 'bs-cli-broken-'));
    dir = join(base, 'scenarios');
    mkdirSync(dir);
    copyFileSync(join(fixtureScenarios, '..', 'fixture-scenario.js'), join(base, 'fixture-scenario.js'));
    copyFileSync(join(fixtureScenarios, '89-passes-quickly.js'), join(dir, '89-passes-quickly.js'));
    writeFileSync(join(dir, '41-syntax.js'), 'export const scenario = {};\nsyntax error here(\n');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('list names the file in one line, without a stack trace', async () => {
    const result = await cli(['list'], { env: { BACKEND_SCENARIOS_DIR: dir } });
    assert.equal(result.exitCode, 1, result.stdout);
    assert.match(result.stderr, /^error: .*41-syntax\.js: does not load: SyntaxError: Unexpected identifier/m);
    assertNoStackTrace(result.stderr);
    assert.doesNotMatch(result.stderr, /wrapSafe|loadScenarioFile/);
  });

  test('doctor names the file and fails', async () => {
    const result = await cli(['doctor'], { env: { BACKEND_SCENARIOS_DIR: dir } });
    assert.equal(result.exitCode, 1, result.stderr);
    // doctor wraps to the terminal width, and a temp path can push the reason onto the next line.
    assert.match(result.stdout.replace(/\s+/g, ' '), /✘ \S*41-syntax\.js: does not load: SyntaxError/);
    assert.match(result.stdout, /1 of 2 scenario files load and validate/);
  });
});

describe('list, show and --help never load the demo stack', () => {
  // The preload throws as soon as mongoose, express, the driver or the engine is resolved.
  for (const args of [['list'], ['list', '--json'], ['list', '--tag', 'security'], ['show', '24'], ['--help'], ['run', '--help'], ['quiz', '--help'], ['interview', '--help'], ['engine', '--help'], ['--version']]) {
    test(args.join(' '), async () => {
      const result = await cli(args, { nodeArgs: ['--import', forbidHeavyModules] });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /heavy module loaded/);
    });
  }

  test('control: the same guard does stop `run`, which needs them', async () => {
    const result = await cli(['run', '24', '--json', '--engine', 'embedded'], { nodeArgs: ['--import', forbidHeavyModules] });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /heavy module loaded: .*(engine|mongoose|express|mongodb)/);
  });
});

describe('run', () => {
  test('run 24 narrates the demo and exits 0 when every check held', async () => {
    const result = await cli(['run', '24', '--no-pause', '--engine', 'embedded']);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /engine: built-in engine \(speaks MongoDB \d+\.\d+ wire protocol\)/);
    assert.match(result.stdout, /The interviewer asks/);
    assert.match(result.stdout, /^\s+1\. Naive/m);
    assert.match(result.stdout, /statuses: \[201, 201, 201, 201, 201\]/);
    assert.match(result.stdout, /statuses: \[201, 409, 409, 409, 409\]/);
    // The naive step's checks read as a bug caught, the fix's as a cure: never the same mark.
    assert.match(result.stdout, /^\s+✘ bug reproduced: 5 simultaneous sign-ups for one email create several/m);
    assert.match(result.stdout, /^\s+✔ fixed: .*exactly one account/m);
    assert.doesNotMatch(result.stdout, /✔ held|checks held|PASSED|What the demo proved/);
    // The summary is a before/after of the figures, derived from the report, then one verdict.
    const summary = result.stdout.slice(result.stdout.indexOf('Before → after'));
    assert.match(summary, /^\s+statuses\s+201×5 → 201 \+ 409×4$/m);
    assert.match(summary, /^\s+documents\s+5 → 1$/m);
    assert.match(summary.replace(/\s+/g, ' '), /✔ The demo behaved as claimed: bug reproduced \(\d+ checks\), fix proven \(\d+ checks\)/);
    assert.match(summary.replace(/\s+/g, ' '), /Next: backend-scenarios quiz --id 24 \(answer it from memory\) · backend-scenarios practice 24 \(fix it yourself\) · backend-scenarios run 25 \(next scenario\)/);
    assert.doesNotMatch(result.stdout, /FAILED|‼/);
  });

  test('started through npx or npm, every suggested command says npx', async () => {
    const result = await cli(['run', '89', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios, npm_command: 'exec' } });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout.replace(/\s+/g, ' '), /Next: npx backend-scenarios quiz --id 89/);
    const missing = await cli(['show', '99'], { env: { npm_lifecycle_event: 'npx' } });
    assert.match(missing.stderr.replace(/\s+/g, ' '), /`npx backend-scenarios list` shows them all/);
    const bare = await cli(['show', '99']);
    assert.match(bare.stderr.replace(/\s+/g, ' '), /(?<!npx )`backend-scenarios list` shows them all/);
  });

  test('--demo-only (the quiz\'s live demo) prints the demo and its summary, not the question or the answer again', async () => {
    const result = await cli(['run', '89', '--demo-only', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /Live demo · scenario 89/);
    assert.match(result.stdout, /The demo behaved as claimed/);
    assert.doesNotMatch(result.stdout, /The interviewer asks|Key points|How a candidate reasons|Next:/);
  });

  test('piped, the run never waits and leaves no note behind (nothing for `| less` to strand on screen)', async () => {
    const result = await cli(['run', '89', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.doesNotMatch(result.stdout, /press Enter|Think about your answer/i);
  });

  test('run 24 --json prints the report and nothing else', async () => {
    const result = await cli(['run', '24', '--json', '--engine', 'embedded']);
    assert.equal(result.exitCode, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      id: number; title: string; engine: { name: string; version: string }; passed: boolean; durationMs: number;
      steps: Array<{ title: string; observations: Record<string, unknown>; checks: Array<{ claim: string; passed: boolean }> }>;
    };
    assert.equal(report.id, 24);
    assert.equal(report.engine.name, 'embedded');
    assert.equal(typeof report.engine.version, 'string');
    assert.equal(report.passed, true);
    assert.ok(report.steps.length >= 4);
    const checks = report.steps.flatMap((step) => step.checks);
    assert.ok(checks.length > 0);
    assert.deepEqual(checks.filter((check) => !check.passed), []);
    assert.deepEqual(report.steps[0]?.observations['statuses'], [201, 201, 201, 201, 201]);
  });

  test('run all --json: every scenario on disk, every check held, the whole report parses', async () => {
    // Over 64 KiB of JSON: more than a pipe holds at once, so this also exercises the CLI's
    // wait for stdout to drain before it exits (without it, a slow reader such as `| node` got
    // the report cut off at 64 KiB; execa reads fast enough that it cannot prove that alone).
    const result = await cli(['run', 'all', '--json', '--engine', 'embedded']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(result.stdout.length > 64 * 1024, `expected a report over 64 KiB, got ${result.stdout.length} bytes`);
    const summary = JSON.parse(result.stdout) as {
      passed: boolean;
      scenarios: Array<{ id: number; passed: boolean; steps: Array<{ checks: Array<{ claim: string; passed: boolean }> }> }>;
    };
    assert.equal(summary.passed, true);
    assert.deepEqual(summary.scenarios.map((scenario) => scenario.id), scenarioIdsOnDisk());
    for (const scenario of summary.scenarios) {
      const checks = scenario.steps.flatMap((step) => step.checks);
      assert.ok(checks.length > 0, `scenario ${scenario.id} checked nothing`);
      assert.deepEqual(checks.filter((check) => !check.passed), [], `scenario ${scenario.id}`);
      assert.equal(scenario.passed, true);
    }
  });

  test('Ctrl-C mid-demo stops it, closes its server and exits 130', async () => {
    const child = cli(['run', '90', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    const seen = await waitForOutput(child, /port: (\d+)[\s\S]*waiting for Ctrl-C/);
    const port = Number(/port: (\d+)/.exec(seen)?.[1]);
    assert.equal(await portAccepts(port), true, 'the demo server is up before Ctrl-C');
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 130, `${result.stdout}\n${result.stderr}`);
    assert.equal(`${result.stdout}\n${result.stderr}`.match(/Stopped \(Ctrl-C\)/g)?.length, 1, `one Stopped message:\n${result.stdout}\n${result.stderr}`);
    assert.doesNotMatch(result.stderr, /^error:/m, 'Ctrl-C is the user\'s choice, not an error');
    assertNoStackTrace(result.stderr);
    assert.equal(await portAccepts(port), false, 'the demo server is closed');
    assert.throws(() => process.kill(child.pid!, 0), /ESRCH/, 'no process left behind');
  });

  test('SIGTERM mid-demo cleans up the same way and exits 143 (128 + 15)', async () => {
    const child = cli(['run', '90', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    const seen = await waitForOutput(child, /port: (\d+)[\s\S]*waiting for Ctrl-C/);
    const port = Number(/port: (\d+)/.exec(seen)?.[1]);
    child.kill('SIGTERM');
    const result = await child;
    assert.equal(result.exitCode, 143, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /^Terminated \(SIGTERM\): the demo was stopped; every server and connection is closed\.$/m);
    assert.doesNotMatch(result.stderr, /Ctrl-C/);
    assertNoStackTrace(result.stderr);
    assert.equal(await portAccepts(port), false, 'the demo server is closed');
  });

  test('a second Ctrl-C exits at once, but still removes the demo\'s temp directory first', async () => {
    const child = cli(['run', '92', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: cleanupScenarios } });
    const seen = await waitForOutput(child, /waiting for Ctrl-C/);
    const dir = /temp dir: "?([^"\s]+)/.exec(seen)?.[1] ?? '';
    assert.ok(existsSync(join(dir, '.env')), `the secret is on disk before Ctrl-C (${dir})`);
    const hanging = waitForOutput(child, /cleanup is hanging/);
    child.kill('SIGINT');
    await hanging;
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 130, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /Stopped at once \(second SIGINT\): temp directories removed, 1 child process killed/);
    assert.equal(existsSync(dir), false, 'the temp directory with the .env file is gone');
    const childPid = Number(/child pid: (\d+)/.exec(seen)?.[1]);
    assert.ok(childPid > 0, `the demo's child process was reported:\n${seen}`);
    // SIGKILLed: gone, or a zombie waiting for whoever inherited it to reap it (not running either way).
    const running = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      return !/^\d+ \(.*\) Z/.test(stat);
    };
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && running(childPid)) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(running(childPid), false, 'the child process the demo started was killed');
    assertNoStackTrace(result.stderr);
  });

  test('Ctrl-C during run all marks that scenario INTERRUPTED, prints the summary so far and exits 130', async () => {
    const child = cli(['run', 'all', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    await waitForOutput(child, /waiting for Ctrl-C/);
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 130, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /INTERRUPTED after 0\/0 checks/);
    assert.doesNotMatch(result.stdout, /FAILED/);
    const summary = result.stdout.slice(result.stdout.indexOf('Summary'));
    assert.match(summary, /^89\s+passed\s+1\/1\b/m);
    assert.match(summary, /^90\s+INTERRUPTED\s+0\/0\b/m);
    assert.doesNotMatch(summary, /^91\s/m, 'the scenario after the interrupt did not run');
    assert.match(result.stderr, /^Stopped \(Ctrl-C\): 1 of 3 scenarios finished \(1 passed\), scenario 90 was stopped, 1 not run; every server and connection is closed\.$/m);
    assert.equal(result.stderr.match(/Stopped \(Ctrl-C\)/g)?.length, 1);
    assertNoStackTrace(result.stderr);
  });

  test('--step, asked for and dropped without a terminal, is noted once on stderr; the default pauses are silently not made', async () => {
    const step = await cli(['run', '89', '--step', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(step.exitCode, 0, step.stderr);
    assert.match(step.stderr, /^note: --step skipped: not an interactive terminal\.$/m);
    const pause = await cli(['run', '89', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(pause.exitCode, 0, pause.stderr);
    assert.equal(pause.stderr, '');
    const quiet = await cli(['run', '89', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(quiet.stderr, '');
  });

  test('a demo past its time bound fails with a clear message', async () => {
    const result = await cli(['run', '91', '--no-pause', '--json', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 1);
    const report = JSON.parse(result.stdout) as { passed: boolean; error?: string };
    assert.equal(report.passed, false);
    assert.match(report.error ?? '', /did not finish within its time bound of 0\.3 s/);
  });

  test('an unreachable MONGODB_URI fails fast, names it with the password masked, and says how to fix it', async () => {
    const result = await cli(['run', '24', '--no-pause'], { env: { MONGODB_URI: 'mongodb://user:secret@127.0.0.1:1/' } });
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, /^error: Cannot reach MongoDB at mongodb:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:1\/ \(MONGODB_URI\)/);
    assert.match(result.stderr, /hint: .*--engine embedded/);
    assert.doesNotMatch(result.stderr, /secret/);
    assertNoStackTrace(result.stderr);
  });
});

describe('run takes several scenarios, by id or slug, validated before any engine starts', () => {
  test('run 91,89 --json runs both in the order given and reports { passed, scenarios }', async () => {
    const result = await cli(['run', '91,89', '--no-pause', '--json', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 1, result.stderr);
    const summary = JSON.parse(result.stdout) as { passed: boolean; scenarios: Array<{ id: number; passed: boolean }> };
    assert.equal(summary.passed, false);
    assert.deepEqual(summary.scenarios.map((scenario) => [scenario.id, scenario.passed]), [[91, false], [89, true]]);
  });

  test('run passes-quickly 91 (space-separated, a slug and an id) runs both', async () => {
    const result = await cli(['run', 'passes-quickly', '91', '--no-pause', '--json', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 1, result.stderr);
    const summary = JSON.parse(result.stdout) as { passed: boolean; scenarios: Array<{ id: number }> };
    assert.deepEqual(summary.scenarios.map((scenario) => scenario.id), [89, 91]);
  });

  test('run 89 91 prints each verdict and the summary table of run all', async () => {
    const result = await cli(['run', '89', '91', '--no-pause', '--engine', 'embedded'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 1, result.stderr);
    const summary = result.stdout.slice(result.stdout.indexOf('Summary'));
    assert.match(summary, /^89\s+passed\s+1\/1\b/m);
    assert.match(summary, /^91\s+FAILED\b/m);
    assert.doesNotMatch(summary, /^90\s/m, 'only the scenarios asked for');
    assert.match(result.stdout, /1 of 2 scenarios failed\./);
  });

  test('an unknown id among several is a usage error before any engine starts', async () => {
    const result = await cli(['run', '89', '99', '--no-pause'], { env: { BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: There is no scenario 99\.\nhint: Nearest: 89, 90, 91\./);
    assert.equal(result.stdout, '', 'nothing ran');
  });

  test('a word that is no slug suggests the slugs containing it, and the hint mentions slugs', async () => {
    const near = await cli(['run', 'registration']);
    assert.equal(near.exitCode, 2);
    assert.match(near.stderr, /^hint: Did you mean registration-race \(24\)\?/m);
    const none = await cli(['run', 'zzz']);
    assert.match(none.stderr, /^hint: Use a number such as 24 \(24–\d+\), a slug such as registration-race, or all;/m);
  });

  test('show all is a usage error pointing to list', async () => {
    const result = await cli(['show', 'all']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: "all" works with run, not here\.\nhint: `backend-scenarios list` shows every scenario/);
  });
});

describe('MONGOMS_SYSTEM_BINARY pointing to a missing file', () => {
  const missing = '/nonexistent-backend-scenarios/mongod';

  test('doctor and run --engine memory-server both name it, and neither blames a download', async () => {
    const doctor = await cli(['doctor'], { env: { MONGOMS_SYSTEM_BINARY: missing } });
    // Wrapped to the terminal's width: compare with the line breaks folded back.
    assert.match(doctor.stdout.replace(/\s+/g, ' '), new RegExp(`✘ memory-server: MONGOMS_SYSTEM_BINARY points to ${missing}, which does not exist`));
    const run = await cli(['run', '89', '--no-pause', '--engine', 'memory-server'], { env: { MONGOMS_SYSTEM_BINARY: missing, BACKEND_SCENARIOS_DIR: fixtureScenarios } });
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, new RegExp(`^error: MONGOMS_SYSTEM_BINARY points to ${missing}, which does not exist\\.`));
    assert.doesNotMatch(run.stderr, /download/i);
  });
});

describe('doctor and run agree on MONGODB_URI', () => {
  test('doctor with an unreachable MONGODB_URI says run will fail, and fails itself', async () => {
    const uri = 'mongodb://user:secret@127.0.0.1:1/';
    const doctor = await cli(['doctor'], { env: { MONGODB_URI: uri } });
    assert.equal(doctor.exitCode, 1, doctor.stdout);
    assert.match(doctor.stdout, /→ `run` will fail: it uses uri \(MONGODB_URI is set\)/);
    assert.doesNotMatch(doctor.stdout, /will use embedded/);
    assert.match(doctor.stdout, /hint: Start that server[\s\S]*--engine\s+embedded/);
    assert.doesNotMatch(doctor.stdout, /secret/);
    const run = await cli(['run', '24', '--no-pause'], { env: { MONGODB_URI: uri } });
    assert.equal(run.exitCode, 2, 'run fails as doctor said');
  });
});

describe('doctor and engine', () => {
  test('doctor explains which engines are available and which one run will use', async () => {
    const result = await cli(['doctor']);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    // Optional and not set up: neutral, never a red ✘ on a healthy machine.
    assert.match(result.stdout, /○ uri: not configured \(optional\): MONGODB_URI is not set/);
    assert.doesNotMatch(result.stdout, /✘/);
    assert.match(result.stdout, /✔ embedded: built in; answers as MongoDB \d+\.\d+/);
    assert.match(result.stdout, /→ `run` will use (embedded|memory-server)/);
    assert.match(result.stdout, /(\d+) of \1 scenario files load and validate/);
  });

  test('engine serves the wire protocol until Ctrl-C, then closes and exits 0', async () => {
    const child = cli(['engine']);
    const seen = await waitForOutput(child, /listening on (mongodb:\/\/127\.0\.0\.1:(\d+)\/)/);
    const [, uri = '', port = ''] = /listening on (mongodb:\/\/127\.0\.0\.1:(\d+)\/)/.exec(seen) ?? [];
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const pong = await client.db('admin').command({ ping: 1 });
      assert.equal(pong['ok'], 1);
    } finally {
      await client.close();
    }
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /stopped \(SIGINT\)/);
    assert.equal(await portAccepts(Number(port)), false);
  });
});

