// Determinism is the bar: runs a scenario folder's starter (and traps) and solution N times each
// through the same path as the author check, and counts the runs whose failed check ids differ from
// the declared ones. Usage: node --import tsx scripts/practice-determinism.ts 24 20
import { listScenarioFiles, loadScenarioFile } from '../src/scenario/registry.js';
import { folderPlan, runExerciseFile } from '../src/practice/run-file.js';
import { selectEngine } from '../src/runtime/engines.js';

const id = Number(process.argv[2] ?? 24);
const times = Number(process.argv[3] ?? 20);
const file = (await listScenarioFiles()).find((candidate) => candidate.id === id);
if (!file?.folder) throw new Error(`scenario ${id} is not a folder scenario`);
const scenario = await loadScenarioFile(file);
const engine = await selectEngine('embedded');
try {
  const files = ['starter.js', ...(scenario.exercise!.traps ?? []).map((trap) => trap.file), 'solution.js'];
  for (const name of files) {
    const plan = folderPlan(scenario, name);
    const expected = [...(plan.fails ?? [])].sort().join(',');
    const outcomes = new Map<string, number>();
    let asExpected = 0;
    const started = performance.now();
    for (let run = 0; run < times; run += 1) {
      const result = await runExerciseFile(scenario, plan, { engine });
      const failed = result.report.error ? `error: ${result.report.error}` : (result.outcome?.checks ?? []).filter((check) => !check.held).map((check) => check.id).sort().join(',');
      outcomes.set(failed, (outcomes.get(failed) ?? 0) + 1);
      if (failed === expected) asExpected += 1;
    }
    const perRun = Math.round((performance.now() - started) / times);
    console.log(`${id}/${name}: ${asExpected}/${times} as declared (fails [${expected}]) · ${perRun} ms per run`);
    for (const [failed, count] of outcomes) if (failed !== expected) console.log(`  ${count}× failed [${failed}]`);
  }
} finally {
  await engine.stop();
}
