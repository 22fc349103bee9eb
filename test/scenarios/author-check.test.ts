// The author check (rustlings' `dev check`, ESLint's RuleTester with strict counting), generated per
// scenario folder and per code file so a failure names both:
// - starter.js and each trap fail exactly their declared check ids: not by throwing, not by a
//   request hanging, not by some other check;
// - solution.js holds every check, core and senior;
// - static: the starter carries a `// TODO:`, every code file exports what the solution exports,
//   no code file equals another, every declared id and hint key is a check of attack.ts, every
//   id a code file fails has a `broken` phrase.
// Single-file scenarios are listed as not yet converted (visible as todo, never silently skipped).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listScenarioFiles, loadScenarioFile } from '../../src/scenario/registry.js';
import type { ScenarioDefinition } from '../../src/scenario/contract.js';
import { attackPathOf, folderPlan, runExerciseFile } from '../../src/practice/run-file.js';
import { importAttack, importCodeFile } from '../../src/practice/exercise-runtime.js';
import { sharedEngine } from '../support/scenario-harness.js';

const files = await listScenarioFiles();
const folders: ScenarioDefinition[] = [];
for (const file of files) {
  if (file.folder) folders.push(await loadScenarioFile(file));
  else test(`${file.id}-${file.slug}: not converted to a scenario folder yet`, { todo: true }, () => undefined);
}

function codeFilesOf(scenario: ScenarioDefinition): string[] {
  return ['starter.js', ...(scenario.exercise?.traps ?? []).map((trap) => trap.file), 'solution.js'];
}

for (const scenario of folders) {
  const exercise = scenario.exercise!;
  const name = `${scenario.id}-${scenario.slug}`;
  describe(`author check: ${name}`, () => {
    test('static: TODO in the starter, the same exports everywhere, ids and hints name real checks', async () => {
      const attack = await importAttack(attackPathOf(exercise.folder));
      const checkIds = Object.keys(attack.checks);
      const starterText = readFileSync(join(exercise.folder, 'starter.js'), 'utf8');
      assert.match(starterText, /\/\/ TODO:/, `${name}/starter.js: no "// TODO:" marks where the learner acts`);
      const solutionExports = Object.keys(await importCodeFile(join(exercise.folder, 'solution.js'))).sort();
      assert.ok(solutionExports.includes('createApp'), `${name}/solution.js: does not export createApp`);
      const texts = new Map<string, string>();
      for (const file of codeFilesOf(scenario)) {
        const text = readFileSync(join(exercise.folder, file), 'utf8');
        for (const [other, otherText] of texts) assert.notEqual(text, otherText, `${name}/${file} is identical to ${other}`);
        texts.set(file, text);
        assert.deepEqual(Object.keys(await importCodeFile(join(exercise.folder, file))).sort(), solutionExports, `${name}/${file}: exports differ from solution.js`);
      }
      for (const [where, ids] of [['exercise.starter.fails', exercise.starter.fails], ...(exercise.traps ?? []).map((trap) => [`${trap.file} fails`, trap.fails] as const)] as const) {
        for (const id of ids) assert.ok(checkIds.includes(id), `${name}: ${where} names "${id}", not a check of attack.ts (${checkIds.join(', ')})`);
      }
      for (const id of new Set([...exercise.starter.fails, ...(exercise.traps ?? []).flatMap((trap) => trap.fails)])) {
        assert.ok(attack.checks[id]?.broken, `${name}: "${id}" is failed by a code file but has no \`broken\` phrase (how the bug reads in the demo)`);
      }
      for (const id of Object.keys(exercise.hints)) assert.ok(checkIds.includes(id), `${name}: hints.${id} is not a check of attack.ts (${checkIds.join(', ')})`);
      for (const id of exercise.starter.fails) assert.ok(exercise.hints[id], `${name}: the starter fails "${id}" but no hint helps with it`);
    });

    for (const file of codeFilesOf(scenario)) {
      test(`${file} ${file === 'solution.js' ? 'holds every check' : 'fails exactly its declared checks'}`, async () => {
        const plan = folderPlan(scenario, file);
        const run = await runExerciseFile(scenario, plan, { engine: await sharedEngine() });
        assert.equal(run.report.error, undefined, `${name}/${file}: the run broke: ${run.report.error}`);
        assert.ok(run.outcome, `${name}/${file}: the attack never ran`);
        assert.deepEqual(run.outcome.hanging, [], `${name}/${file}: requests hung: ${run.outcome.hanging.join(', ')}`);
        assert.ok(run.outcome.checks.length > 0, `${name}/${file}: no check was made`);
        const failed = run.outcome.checks.filter((check) => !check.held).map((check) => check.id).sort();
        const expected = [...(plan.fails ?? [])].sort();
        const explain = run.outcome.checks.map((check) => `${check.id} ${check.held ? 'held' : 'failed'} (${JSON.stringify(check.observed)})`).join('; ');
        assert.deepEqual(failed, expected, `${name}/${file}: expected to fail [${expected.join(', ')}]; observed: ${explain}`);
      });
    }
  });
}
