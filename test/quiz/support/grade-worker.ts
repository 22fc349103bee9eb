// Child process for persistence and concurrency tests: grades one scenario `times` times through
// its own ProgressStore, or prints what it reads. Usage: grade-worker.ts FILE grade|read ID TIMES
import { ProgressStore } from '../../../src/quiz/progress-store.js';
import { recordGrade } from '../../../src/quiz/session.js';
import { fixtureScenario } from './fixtures.js';

const [file, action, idText, timesText] = process.argv.slice(2);
if (!file || !action) throw new Error('usage: grade-worker.ts FILE grade|read [ID TIMES]');
const store = new ProgressStore(file, { onNotice: (message) => process.stderr.write(`${message}\n`) });
if (action === 'read') {
  process.stdout.write(JSON.stringify(await store.read()));
} else {
  const scenario = fixtureScenario(Number(idText));
  for (let i = 0; i < Number(timesText); i += 1) {
    await recordGrade(store, scenario, i % 2 === 0 ? 'good' : 'hard', new Date(), 'recall');
  }
}
