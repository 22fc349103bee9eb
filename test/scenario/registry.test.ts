// Discovery by file name and validation at load: what an author sees when a scenario file is
// wrong, and what every shipped scenario must pass.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findScenario, selectScenarios, listScenarioFiles, loadScenarioById, loadScenarios, ScenarioLoadError } from '../../src/scenario/registry.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { catalogFileName, loadCatalog } from '../../src/scenario/catalog.js';
import { readFile } from 'node:fs/promises';
import { UserError } from '../../src/cli/errors.js';

/** A valid scenario module's source (plain JS, so the test needs no TypeScript loader for it). */
function scenarioSource(id: number, slug: string, overrides = ''): string {
  return `export const scenario = {
    id: ${id}, slug: '${slug}', title: 'T', tags: ['t'], summary: 'S', question: 'Q?',
    answer: { reasoning: ['r'], keyPoints: [{ text: 'k', terms: [['k']] }], code: [{ title: 'c', language: 'ts', code: 'x' }], seniorNotes: ['s'] },
    quiz: { choices: [1, 2, 3].map(() => ({ prompt: 'p', options: [{ text: 'a', correct: true, explanation: 'e' }, { text: 'b', correct: false, explanation: 'e' }] })) },
    followUps: [1, 2, 3, 4].map((n) => ({ question: 'f' + n + '?', answer: 'a', keyPoints: [{ text: 'k', terms: [['k']] }], kind: 'scale' })),
    demo: { async run() {} },
    ${overrides}
  };\n`;
}

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'registry-test-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function freshDir(files: Record<string, string>): Promise<string> {
  const sub = await mkdtemp(join(dir, 'case-'));
  for (const [name, source] of Object.entries(files)) await writeFile(join(sub, name), source);
  return sub;
}

describe('discovery', () => {
  test('finds NN-slug files sorted by id and ignores everything else', async () => {
    const sub = await freshDir({
      '31-b.js': scenarioSource(31, 'b'),
      '07-a-b.js': scenarioSource(7, 'a-b'),
      'README.md': '# not a scenario',
      'helper.js': 'export {}',
      '12-x.js.map': '{}',
      '5-too-short.js': 'export {}',
      '40-Upper.js': 'export {}',
    });
    const files = await listScenarioFiles(sub);
    assert.deepEqual(files.map((file) => [file.id, file.slug]), [[7, 'a-b'], [31, 'b']]);
    const loaded = await loadScenarios(sub);
    assert.deepEqual(loaded.map((scenario) => scenario.id), [7, 31]);
  });

  test('a duplicate id is an error naming both files', async () => {
    const sub = await freshDir({ '24-one.js': scenarioSource(24, 'one'), '24-two.js': scenarioSource(24, 'two') });
    await assert.rejects(loadScenarios(sub), (error: unknown) => {
      assert.ok(error instanceof ScenarioLoadError);
      assert.match(error.message, /duplicate id 24/);
      assert.match(error.message, /24-one\.js/);
      assert.match(error.message, /24-two\.js/);
      return true;
    });
  });

  test('a file without the scenario export, or with bad fields, is named with every problem', async () => {
    const noExport = await freshDir({ '01-empty.js': 'export const other = 1;\n' });
    await assert.rejects(loadScenarios(noExport), /01-empty\.js: does not export `scenario`/);

    const broken = await freshDir({ '02-broken.js': scenarioSource(3, 'broken', "title: '', tags: [],") });
    await assert.rejects(loadScenarios(broken), (error: unknown) => {
      assert.ok(error instanceof ScenarioLoadError);
      assert.match(error.message, /02-broken\.js/);
      assert.match(error.message, /id is 3 but the file name says 2/);
      assert.match(error.message, /title is missing or empty/);
      assert.match(error.message, /tags must be an array/);
      return true;
    });
  });

  test('a file that does not parse, or throws as it loads, is named in one line without its stack', async () => {
    const sub = await freshDir({ '41-syntax.js': 'syntax error here(\n', '42-throws.js': 'export const x = 1;\nthrow new Error("boom");\n' });
    const [syntax, throws] = await listScenarioFiles(sub);
    await assert.rejects(loadScenarioById(syntax!.id, sub), (error: unknown) => {
      assert.ok(error instanceof ScenarioLoadError);
      assert.match(error.message, /41-syntax\.js: does not load: SyntaxError: Unexpected identifier 'error'/);
      assert.equal(error.message.split('\n').length, 1);
      return true;
    });
    await assert.rejects(loadScenarioById(throws!.id, sub), (error: unknown) => {
      assert.ok(error instanceof ScenarioLoadError);
      assert.match(error.message, /42-throws\.js: does not load: Error: boom \(line 2\)$/);
      return true;
    });
  });

  test('loadScenarioById loads one file and leaves a broken neighbour alone', async () => {
    const sub = await freshDir({ '10-good.js': scenarioSource(10, 'good'), '11-bad.js': 'export const scenario = 42;\n' });
    assert.equal((await loadScenarioById(10, sub))?.slug, 'good');
    assert.equal(await loadScenarioById(12, sub), undefined);
    await assert.rejects(loadScenarioById(11, sub), /not an object/);
  });
});

describe('validation', () => {
  const valid = async () => ((await import(`data:text/javascript,${encodeURIComponent(scenarioSource(5, 'v'))}`)) as { scenario: Record<string, unknown> }).scenario;

  test('a complete scenario has no problems', async () => {
    assert.deepEqual(validateScenario(await valid(), { id: 5, slug: 'v' }), []);
  });

  const broken: Array<[string, (s: Record<string, unknown>) => void, RegExp]> = [
    ['slug mismatch', (s) => { s['slug'] = 'other'; }, /slug is "other" but the file name says "v"/],
    ['fewer than three quiz questions', (s) => { (s['quiz'] as { choices: unknown[] }).choices.pop(); }, /at least three multiple-choice questions/],
    ['two correct options', (s) => {
      const first = (s['quiz'] as { choices: Array<{ options: Array<{ correct: boolean }> }> }).choices[0]!;
      first.options[1]!.correct = true;
    }, /quiz\.choices\[0\] has 2 correct options; exactly one is required/],
    ['no demo', (s) => { delete s['demo']; }, /demo\.run must be a function/],
    ['bad time bound', (s) => { s['demo'] = { run: async () => undefined, timeoutMs: -1 }; }, /demo\.timeoutMs must be a positive whole number/],
    ['empty key point terms', (s) => { (s['answer'] as { keyPoints: unknown[] }).keyPoints = [{ text: 'k', terms: [[]] }]; }, /keyPoints\[0\]\.terms/],
    ['no follow-up ladder', (s) => { delete s['followUps']; }, /followUps must hold four to six follow-up questions/],
    ['a ladder of three', (s) => { (s['followUps'] as unknown[]).pop(); }, /followUps must hold four to six/],
    ['a ladder of seven', (s) => { const rungs = s['followUps'] as unknown[]; rungs.push(rungs[0], rungs[0], rungs[0]); }, /followUps must hold four to six/],
    ['a rung probing a key point that does not exist', (s) => { (s['followUps'] as Array<{ probes?: number }>)[0]!.probes = 3; }, /followUps\[0\]\.probes must be the index of one of answer\.keyPoints \(0 to 0\)/],
    ['a rung of an unknown kind', (s) => { (s['followUps'] as Array<{ kind: string }>)[1]!.kind = 'trivia'; }, /followUps\[1\]\.kind must be one of probe, scale, failure, trade-off, security/],
    ['a rung without a model answer', (s) => { (s['followUps'] as Array<{ answer: string }>)[2]!.answer = ' '; }, /followUps\[2\]\.answer \(the model answer\) is empty/],
  ];
  for (const [name, breakIt, expected] of broken) {
    test(name, async () => {
      const scenario = structuredClone({ ...(await valid()), demo: undefined }) as Record<string, unknown>;
      scenario['demo'] = { run: async () => undefined };
      breakIt(scenario);
      const problems = validateScenario(scenario, { id: 5, slug: 'v' });
      assert.ok(problems.some((problem) => expected.test(problem)), `expected ${expected} in ${JSON.stringify(problems)}`);
    });
  }
});

describe('findScenario', () => {
  const files = [{ id: 24, slug: 'registration-race' }, { id: 25, slug: 'stale' }, { id: 30, slug: 'jwt' }];

  test('by id or by slug', () => {
    assert.equal(findScenario(files, '25').slug, 'stale');
    assert.equal(findScenario(files, ' 024 ').id, 24);
    assert.equal(findScenario(files, 'jwt').id, 30);
  });

  test('an unknown id suggests the nearest ones; a word that is no slug explains what to type', () => {
    assert.throws(() => findScenario(files, '29'), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.message, 'There is no scenario 29.');
      assert.match(error.hint ?? '', /^Nearest: 24, 25, 30\./);
      return true;
    });
    assert.throws(() => findScenario(files, 'abc'), /"abc" is not a scenario id/);
  });
});

describe('findScenario hints', () => {
  const files = [{ id: 24, slug: 'registration-race' }, { id: 25, slug: 'stale' }, { id: 30, slug: 'jwt' }];

  test('a word out of a slug suggests the slugs containing it', () => {
    assert.throws(() => findScenario(files, 'Registration'), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.hint ?? '', /^Did you mean registration-race \(24\)\?/);
      return true;
    });
  });

  test('the hint names the three forms; "or all" only where all works; "all" elsewhere points to list', () => {
    assert.throws(() => findScenario(files, 'zzz', { allowAll: true }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.hint ?? '', /^Use a number such as 24 \(24–30\), a slug such as registration-race, or all;/);
      return true;
    });
    assert.throws(() => findScenario(files, 'zzz'), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.doesNotMatch(error.hint ?? '', /or all/);
      return true;
    });
    assert.throws(() => findScenario(files, 'all'), /"all" works with run, not here/);
  });
});

describe('selectScenarios', () => {
  const files = [{ id: 24, slug: 'registration-race' }, { id: 25, slug: 'stale' }, { id: 30, slug: 'jwt' }];
  const ids = (texts: string[]): number[] | 'all' => {
    const selection = selectScenarios(files, texts);
    return selection.all ? 'all' : selection.scenarios.map((file) => file.id);
  };

  test('ids and slugs, separated by spaces or commas, in the order given, each once', () => {
    assert.deepEqual(ids(['30', '24']), [30, 24]);
    assert.deepEqual(ids(['24,25']), [24, 25]);
    assert.deepEqual(ids(['jwt, 24', '24']), [30, 24]);
    assert.equal(ids(['ALL']), 'all');
  });

  test('every id is checked: one unknown id fails the whole selection', () => {
    assert.throws(() => selectScenarios(files, ['24', '29']), /There is no scenario 29\./);
    assert.throws(() => selectScenarios(files, ['all', '24']), /"all" cannot be combined/);
  });
});

describe('catalog (what list reads)', () => {
  test('is cached beside built files, reused while they are unchanged and rebuilt when one changes', async () => {
    const sub = await freshDir({ '24-race.js': scenarioSource(24, 'race'), '25-stale.js': scenarioSource(25, 'stale') });
    const first = await loadCatalog(sub);
    assert.deepEqual(first.map((entry) => [entry.id, entry.slug, entry.title]), [[24, 'race', 'T'], [25, 'stale', 'T']]);

    // Tamper with the cache: if the next call returns the tampered title, it really read the cache.
    const cachePath = join(sub, catalogFileName);
    const cached = JSON.parse(await readFile(cachePath, 'utf8')) as { entries: Array<{ title: string }> };
    cached.entries[0]!.title = 'from the cache';
    await writeFile(cachePath, JSON.stringify(cached));
    assert.equal((await loadCatalog(sub))[0]?.title, 'from the cache');

    // Any change to the files (here a new one; an edit changes size or time the same way) rebuilds
    // it from the modules. (An edited file cannot be re-imported in this process: ESM caches by URL.)
    await writeFile(join(sub, '26-new.js'), scenarioSource(26, 'new'));
    const rebuilt = await loadCatalog(sub);
    assert.deepEqual(rebuilt.map((entry) => [entry.id, entry.title]), [[24, 'T'], [25, 'T'], [26, 'T']]);
  });

  test('a broken file fails the catalog like it fails loading, and nothing is cached', async () => {
    const sub = await freshDir({ '01-empty.js': 'export const other = 1;\n' });
    await assert.rejects(loadCatalog(sub), /01-empty\.js: does not export `scenario`/);
    await assert.rejects(readFile(join(sub, catalogFileName)), /ENOENT/);
  });
});

test('every shipped scenario loads and validates', async () => {
  const scenarios = await loadScenarios();
  assert.ok(scenarios.length > 0);
  assert.ok(scenarios.some((scenario) => scenario.id === 24));
});
