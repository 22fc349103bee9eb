// verify survives whatever the learner's code does: each case is a real file run in the real worker
// against scenario 24's attack on the embedded engine. The verdict is a value naming the file (and
// line), the CLI's own process is untouched, and nothing the code opened outlives the run.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listScenarioFiles, loadScenarioFile } from '../../src/scenario/registry.js';
import type { ScenarioFile } from '../../src/scenario/registry.js';
import type { ScenarioDefinition } from '../../src/scenario/contract.js';
import { verifyFile } from '../../src/practice/verify.js';
import { sharedEngine } from '../support/scenario-harness.js';

let dir: string;
let file: ScenarioFile;
let scenario: ScenarioDefinition;
let solution: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bs-safety-'));
  // As in a workspace `practice` writes: the folder says its .js files are ES modules.
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  file = (await listScenarioFiles()).find((candidate) => candidate.id === 24)!;
  scenario = await loadScenarioFile(file);
  solution = readFileSync(join(scenario.exercise!.folder, 'solution.js'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The reference solution with one edit, written as the learner's file. */
function learnerFile(name: string, text: string): string {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, text);
  return path;
}

function lineNumberOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

async function verify(path: string, options: { stallMs?: number } = {}) {
  return verifyFile(file, scenario, { path, kind: 'user' }, await sharedEngine(), options);
}

describe('verify: user code that misbehaves', () => {
  test('a throw at import is reported with the file and line, no stack of ours', async () => {
    const text = `const ready = true;\nthrow new Error('configuration missing');\n${solution}`;
    const path = learnerFile('throws-at-import', text);
    const result = await verify(path);
    assert.equal(result.passed, false);
    assert.equal(result.error?.kind, 'threw');
    assert.match(result.error!.message, /throws-at-import\.js line 2: Error: configuration missing/);
    assert.doesNotMatch(result.error!.message, /\n|at .*node_modules|src\/practice/);
  });

  // A syntax error is tested through the built CLI (test/cli/practice.test.ts): under tsx, as here, a
  // .js file goes through esbuild, whose parse error is not the SyntaxError Node gives a learner.

  test('a handler that never answers: each request is bounded and named, the run ends', async () => {
    const text = solution.replace("app.post('/register', async (req, res) => {", "app.post('/register', async (req, res) => {\n    if (req.body) return;");
    const path = learnerFile('never-answers', text);
    const result = await verify(path);
    assert.equal(result.passed, false);
    assert.deepEqual(result.hanging, ['POST /register']);
    assert.deepEqual(result.checks.find((check) => check.id === 'conflictIs409')?.observed, [0, 0, 0, 0, 0]);
  });

  test('an endless loop is stopped, naming the request it was serving', async () => {
    const text = solution.replace("app.post('/register', async (req, res) => {", "app.post('/register', async (req, res) => {\n    for (;;) { /* spin */ }");
    const path = learnerFile('endless-loop', text);
    const started = performance.now();
    const result = await verify(path, { stallMs: 1_500 });
    assert.equal(result.error?.kind, 'blocked');
    assert.match(result.error!.message, /endless-loop\.js blocked the event loop for over \d+ s during POST \/register/);
    assert.ok(performance.now() - started < 15_000, 'the run was stopped, not waited out');
  });

  test('process.exit in a handler ends only the worker, reported with its line', async () => {
    const text = solution.replace("app.post('/register', async (req, res) => {", "app.post('/register', async (req, res) => {\n    process.exit(3);");
    const path = learnerFile('exits', text);
    const result = await verify(path);
    assert.equal(result.error?.kind, 'exited');
    assert.match(result.error!.message, new RegExp(`exits\\.js line ${lineNumberOf(text, 'process.exit(3)')}: process\\.exit\\(3\\) during POST /register`));
  });

  test('a server on its own port and a leaked interval are gone after the run', async () => {
    const portFile = join(dir, 'port.txt');
    const text = solution
      .replace('export async function createApp', `import { writeFileSync } from 'node:fs';\nexport async function createApp`)
      .replace('  await User.createIndexes();', `  setInterval(() => {}, 1_000);\n  const own = app.listen(0, () => writeFileSync(${JSON.stringify(portFile)}, String(own.address().port)));\n  await User.createIndexes();`);
    const path = learnerFile('own-port', text);
    const result = await verify(path);
    assert.equal(result.passed, true, JSON.stringify(result.error ?? result.checks.filter((check) => !check.passed)));
    const port = Number(readFileSync(portFile, 'utf8'));
    assert.ok(port > 0);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(false); });
      socket.once('error', () => resolve(true));
    });
    assert.equal(refused, true, `port ${port} still accepts connections after the run`);
  });

  test('createApp that never resolves is bounded and explained', async () => {
    const text = solution.replace('  await User.createIndexes();', '  await new Promise(() => {});');
    const path = learnerFile('never-ready', text);
    const result = await verify(path);
    assert.equal(result.error?.kind, 'shape');
    assert.match(result.error!.message, /createApp\(\) in .*never-ready\.js did not resolve within 5 s/);
  });

  test('a throw inside a handler is a 500 the checks see, and its line is in what the code printed', async () => {
    const text = solution.replace('const passwordHash = await bcrypt.hash(password, 12);', 'const passwordHash = await bcrypt.hash(password, 12);\n    if (email) throw new TypeError("hash is not a string");');
    const path = learnerFile('throws-in-handler', text);
    const result = await verify(path);
    assert.equal(result.passed, false);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.checks.find((check) => check.id === 'conflictIs409')?.observed, [500, 500, 500, 500, 500]);
    assert.ok(result.output.some((line) => line.includes('TypeError: hash is not a string')), result.output.join('\n'));
  });
});
