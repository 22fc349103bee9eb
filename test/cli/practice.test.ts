// Practice mode as a new user meets it, through the BUILT binary (npm run build first): practice
// writes the exercise, verify fails the untouched starter, an editor-like save of the fix passes,
// --watch re-runs on a real file write, and hint/solution/--reset behave and are recorded.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runCli } from './quiz-cli-support.js';

const exerciseFolder = fileURLToPath(new URL('../../scenarios/24-registration-race/', import.meta.url));
const starter = readFileSync(join(exerciseFolder, 'starter.js'), 'utf8');
const solution = readFileSync(join(exerciseFolder, 'solution.js'), 'utf8');
const binary = fileURLToPath(new URL('../../bin/backend-scenarios.js', import.meta.url));

let home: string;
const workspace = (): string => join(home, 'backend-scenarios-practice', '24-registration-race');

/** What an editor does on save: write a temporary file beside the target, then rename it over. */
function saveAsEditor(path: string, text: string): void {
  const temp = `${path}.tmp-save`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

function progress(): { practice?: Record<string, { attempts: number; solvedAt: string | null; hints: Record<string, number>; solutionViewedAt: string | null }> } {
  return JSON.parse(readFileSync(join(home, 'progress.json'), 'utf8')) as ReturnType<typeof progress>;
}

before(() => {
  home = mkdtempSync(join(tmpdir(), 'bs-practice-cli-'));
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('practice 24 → verify → fix → verify', () => {
  test('practice writes the starter, a README and an ESM package.json', async () => {
    const result = await runCli(home, ['practice', '24']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(readFileSync(join(workspace(), 'app.js'), 'utf8'), starter);
    assert.match(readFileSync(join(workspace(), 'README.md'), 'utf8'), /## What verify checks[\s\S]*`oneAccount`/);
    assert.equal(JSON.parse(readFileSync(join(workspace(), 'package.json'), 'utf8')).type, 'module');
    assert.match(result.stdout, /verify 24 --watch/);
  });

  test('the untouched starter fails: exit 1, the figures in --json', async () => {
    const result = await runCli(home, ['verify', '24', '--json', '--engine', 'embedded']);
    assert.equal(result.exitCode, 1, result.stderr);
    const verdict = JSON.parse(result.stdout) as { id: number; passed: boolean; checks: Array<{ id: string; claim: string; passed: boolean; observed: unknown }> };
    assert.equal(verdict.id, 24);
    assert.equal(verdict.passed, false);
    const byId = Object.fromEntries(verdict.checks.map((check) => [check.id, check]));
    assert.equal(byId['oneAccount']?.passed, false);
    assert.equal(byId['oneAccount']?.observed, 5);
    assert.deepEqual(byId['conflictIs409']?.observed, [201, 201, 201, 201, 201]);
    assert.equal(byId['operatorRefused']?.passed, true);
    assert.deepEqual(verdict.checks.filter((check) => !check.passed).map((check) => check.id).sort(),
      ['conflictIs409', 'duplicateKeyNamesEmail', 'indexBeforeTraffic', 'oneAccount', 'oneSpelling']);
  });

  test('practice again keeps the learner\'s edits', async () => {
    const edited = `${starter}\n// my notes\n`;
    saveAsEditor(join(workspace(), 'app.js'), edited);
    const result = await runCli(home, ['practice', '24']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /already exists: your work is kept/);
    assert.equal(readFileSync(join(workspace(), 'app.js'), 'utf8'), edited);
  });

  test('hint reveals one more each time, for the first failing check', async () => {
    const first = await runCli(home, ['hint', '24']);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, /Hint 1 of 3 for oneAccount/);
    const second = await runCli(home, ['hint', '24']);
    assert.match(second.stdout, /Hint 2 of 3 for oneAccount/);
    assert.equal(progress().practice?.['24']?.hints['oneAccount'], 2);
  });

  test('a syntax error is named with file and line, exit 1, no stack trace', async () => {
    saveAsEditor(join(workspace(), 'app.js'), starter.replace('const taken = {', 'const taken = {{'));
    const line = starter.split('\n').findIndex((text) => text.includes('const taken = {')) + 1;
    const result = await runCli(home, ['verify', '24', '--engine', 'embedded']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout, new RegExp(`app\\.js line ${line}: SyntaxError`));
    assert.doesNotMatch(`${result.stdout}${result.stderr}`, /at .*(node:internal|dist\/src)/);
  });

  test('the fix, saved as an editor saves, passes: exit 0, recorded as solved', async () => {
    saveAsEditor(join(workspace(), 'app.js'), solution);
    const result = await runCli(home, ['verify', '24', '--engine', 'embedded']);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /✔ PASSED: every core check held \(6\/6\)/);
    const entry = progress().practice?.['24'];
    assert.ok(entry?.solvedAt);
    assert.equal(entry?.attempts, 3);
  });

  test('list and stats show the practice state', async () => {
    const list = await runCli(home, ['list', '--json']);
    assert.equal(list.exitCode, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as Array<{ id: number; practice: string | null }>;
    assert.equal(rows.find((row) => row.id === 24)?.practice, 'solved');
    assert.equal(rows.find((row) => row.id === 25)?.practice, 'not started');
    const stats = await runCli(home, ['stats', '--json']);
    assert.equal(stats.exitCode, 0, stats.stderr);
    const practice = (JSON.parse(stats.stdout) as { practice: Array<{ id: number; state: string }> }).practice;
    assert.deepEqual(practice.find((row) => row.id === 24), { id: 24, state: 'solved', attempts: 3, hints: 2, solutionViewed: false });
    // Every other exercise is listed too, untouched.
    assert.ok(practice.filter((row) => row.id !== 24).every((row) => row.state === 'not started'), JSON.stringify(practice));
  });

  test('solution asks first (no terminal: refuses), --yes shows it and records the view', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'bs-practice-solution-'));
    try {
      const refused = await runCli(fresh, ['solution', '24']);
      assert.equal(refused.exitCode, 2);
      assert.match(refused.stderr, /--yes/);
      const shown = await runCli(fresh, ['solution', '24', '--yes']);
      assert.equal(shown.exitCode, 0, shown.stderr);
      assert.match(shown.stdout, /await User\.createIndexes\(\);/);
      const saved = JSON.parse(readFileSync(join(fresh, 'progress.json'), 'utf8')) as ReturnType<typeof progress>;
      assert.ok(saved.practice?.['24']?.solutionViewedAt);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('--reset asks (no terminal: refuses), --reset --yes restores the starter and keeps a backup', async () => {
    const refused = await runCli(home, ['practice', '24', '--reset']);
    assert.equal(refused.exitCode, 2);
    const reset = await runCli(home, ['practice', '24', '--reset', '--yes']);
    assert.equal(reset.exitCode, 0, reset.stderr);
    assert.equal(readFileSync(join(workspace(), 'app.js'), 'utf8'), starter);
    const backups = readdirSync(workspace()).filter((name) => name.startsWith('app.backup-'));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(join(workspace(), backups[0]!), 'utf8'), solution);
  });
});

describe('verify: references, bad input, TypeScript', () => {
  test('--reference judges solution.js: exit 0', async () => {
    const result = await runCli(home, ['verify', '24', '--reference', '--engine', 'embedded']);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /verify 24 · solution\.js/);
  });

  test('a bad id exits 2 with a hint; a scenario without an exercise says so', async () => {
    const bad = await runCli(home, ['verify', '99']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /There is no scenario 99/);
    const missingDir = await runCli(home, ['verify', '24', '--dir', 'nowhere']);
    assert.equal(missingDir.exitCode, 1);
    assert.match(missingDir.stderr, /backend-scenarios practice 24 --dir nowhere/);
  });

  test('--lang ts: the TypeScript starter fails, the typed fix passes, no compile step', async () => {
    const written = await runCli(home, ['practice', '24', '--lang', 'ts', '--dir', 'ts-exercise']);
    assert.equal(written.exitCode, 0, written.stderr);
    const appTs = join(home, 'ts-exercise', 'app.ts');
    assert.match(readFileSync(appTs, 'utf8'), /createApp\(\{ express, mongoose, db, bcrypt \}: Deps\)/);
    const failing = await runCli(home, ['verify', '24', '--dir', 'ts-exercise', '--engine', 'embedded']);
    assert.equal(failing.exitCode, 1, failing.stderr);
    // A type annotation (and a type error: `number` for a string) is stripped, never judged.
    const typed = solution
      .replace(/export async function createApp\((\{[^)]*\})\)/, 'export async function createApp($1: Record<string, any>)')
      .replace("const taken = {", "const wrongType: number = 'not a number' as unknown as number;\n  void wrongType;\n  const taken = {");
    saveAsEditor(appTs, typed);
    const passing = await runCli(home, ['verify', '24', '--dir', 'ts-exercise', '--engine', 'embedded']);
    assert.equal(passing.exitCode, 0, `${passing.stdout}\n${passing.stderr}`);
  });
});

describe('practice, hint and list stay light', () => {
  // The same guard as `list` and `show` (test/cli/cli.test.ts): it throws as soon as mongoose,
  // express, the driver or the engine is resolved.
  const forbidHeavyModules = fileURLToPath(new URL('./fixtures/forbid-heavy-modules.mjs', import.meta.url));
  for (const args of [['practice', '24', '--dir', 'light'], ['hint', '24'], ['list'], ['stats']]) {
    test(args.join(' '), async () => {
      const result = await execa(process.execPath, ['--import', forbidHeavyModules, binary, ...args], {
        cwd: home, env: { BACKEND_SCENARIOS_HOME: home, NO_COLOR: '1' }, reject: false, timeout: 60_000,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /heavy module loaded/);
    });
  }
});

describe('verify --watch', () => {
  test('re-runs on a real file write: the starter fails, the saved fix passes', async () => {
    const dir = join(home, 'watched');
    assert.equal((await runCli(home, ['practice', '24', '--dir', 'watched'])).exitCode, 0);
    const child = execa(process.execPath, [binary, 'verify', '24', '--dir', 'watched', '--watch', '--json', '--engine', 'embedded'], {
      cwd: home, env: { BACKEND_SCENARIOS_HOME: home, NO_COLOR: '1' }, reject: false, timeout: 90_000,
    });
    const verdicts: Array<{ passed: boolean }> = [];
    let saved = false;
    const done = new Promise<void>((resolve) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (!line.startsWith('{')) continue;
          verdicts.push(JSON.parse(line) as { passed: boolean });
          if (!saved) {
            saved = true;
            saveAsEditor(join(dir, 'app.js'), solution);
          } else if (verdicts.at(-1)?.passed) resolve();
        }
      });
    });
    await done;
    child.kill('SIGINT');
    const result = await child;
    assert.deepEqual(verdicts.map((verdict) => verdict.passed), [false, true]);
    assert.equal(result.exitCode, 130, result.stderr);
    assert.ok(existsSync(join(dir, 'app.js')));
  });
});
