// The folder shape's own rules, on copies of scenario 24 in a temporary scenarios directory:
// a complete folder loads; a stray file, a missing code file or an undeclared trap is a load error
// that names the file (rustlings' check_unexpected_files).
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listScenarioFiles, loadScenarios } from '../../src/scenario/registry.js';

const source = fileURLToPath(new URL('../../scenarios/24-registration-race/', import.meta.url));
const contract = pathToFileURL(fileURLToPath(new URL('../../src/scenario/contract.ts', import.meta.url))).href;
let dir: string;
let folder: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bs-folder-'));
  folder = join(dir, '24-registration-race');
  cpSync(source, folder, { recursive: true });
  // The copy lives outside the repo: point its one import at the real contract.
  const definition = join(folder, 'scenario.ts');
  writeFileSync(definition, readFileSync(definition, 'utf8').replace('../../src/scenario/contract.js', contract));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('scenario folders', () => {
  test('a complete folder is discovered beside single files and loads with its code files as text', async () => {
    const files = await listScenarioFiles(dir);
    assert.deepEqual(files.map((file) => [file.id, file.slug, file.folder]), [[24, 'registration-race', folder]]);
    const [scenario] = await loadScenarios(dir);
    assert.equal(scenario?.exercise?.folder, folder);
    assert.deepEqual(scenario?.answer.code.map((sample) => sample.title.split(' · ')[0]),
      ['starter.js', 'traps/index-built-in-background.js', 'traps/duplicate-answers-500.js', 'solution.js']);
    assert.equal(scenario?.answer.code[0]?.code, readFileSync(join(source, 'starter.js'), 'utf8'));
  });

  const broken: Array<[string, (folder: string) => void, RegExp]> = [
    ['a stray file', (f) => writeFileSync(join(f, 'starter.old.js'), ''), /unexpected file starter\.old\.js/],
    ['a missing solution', (f) => rmSync(join(f, 'solution.js')), /solution\.js is missing/],
    ['an undeclared trap', (f) => writeFileSync(join(f, 'traps', 'extra.js'), ''), /traps\/extra\.js is not declared/],
    ['a declared trap that is gone', (f) => rmSync(join(f, 'traps', 'duplicate-answers-500.js')), /names traps\/duplicate-answers-500\.js, which does not exist/],
  ];
  for (const [what, breakIt, message] of broken) {
    test(`${what} is a load error naming the file`, async () => {
      breakIt(folder);
      await assert.rejects(loadScenarios(dir), (error: Error) => {
        assert.equal(error.name, 'ScenarioLoadError');
        assert.match(error.message, message);
        assert.ok(error.message.startsWith(folder), error.message);
        return true;
      });
    });
  }
});
