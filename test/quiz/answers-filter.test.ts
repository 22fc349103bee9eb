import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScriptedAnswers } from '../../src/quiz/answers-file.js';
import { filterScriptedAnswers } from '../../src/quiz/answers-filter.js';
import { UserError } from '../../src/cli/errors.js';
import { fixtureScenario } from './support/fixtures.js';

const scenarios = [fixtureScenario(24), fixtureScenario(28, { tags: ['security'] }), fixtureScenario(30)];
const answers = parseScriptedAnswers(JSON.stringify([
  { id: 24, answer: 'a', grade: 'good' },
  { id: 28, answer: 'b', grade: 'hard' },
  { id: 28, question: 1, choice: 1 },
  { id: 24, question: 2, choice: 1 },
]), scenarios);

const picked = (result: ReturnType<typeof filterScriptedAnswers>): string[] =>
  result.answers.map((entry) => `${entry.scenario.id}:${entry.kind}`);

test('no filter: every entry, in file order', () => {
  const result = filterScriptedAnswers(answers, scenarios, {});
  assert.deepEqual(picked(result), ['24:recall', '28:recall', '28:choice', '24:choice']);
  assert.equal(result.description, '');
});

test('--id, --tag, --mode and --count narrow the entries and are described in flag form', () => {
  assert.deepEqual(picked(filterScriptedAnswers(answers, scenarios, { ids: [28] })), ['28:recall', '28:choice']);
  assert.deepEqual(picked(filterScriptedAnswers(answers, scenarios, { tags: ['SECURITY'] })), ['28:recall', '28:choice']);
  assert.deepEqual(picked(filterScriptedAnswers(answers, scenarios, { mode: 'choice' })), ['28:choice', '24:choice']);
  assert.deepEqual(picked(filterScriptedAnswers(answers, scenarios, { count: 3 })), ['24:recall', '28:recall', '28:choice']);
  const combined = filterScriptedAnswers(answers, scenarios, { ids: [24, 28], mode: 'recall', count: 1 });
  assert.deepEqual(picked(combined), ['24:recall']);
  assert.equal(combined.description, '--id 24,28 --mode recall --count 1');
});

test('an unknown id or tag is the same usage error as in a quiz session', () => {
  assert.throws(() => filterScriptedAnswers(answers, scenarios, { ids: [99] }),
    (error: unknown) => error instanceof UserError && error.exitCode === 2 && /There is no scenario 99/.test(error.message) && /24, 28, 30/.test(error.hint ?? ''));
  assert.throws(() => filterScriptedAnswers(answers, scenarios, { tags: ['nosuch'] }),
    (error: unknown) => error instanceof UserError && /tag nosuch/.test(error.message) && /mongodb, security/.test(error.hint ?? ''));
});

test('a filter that leaves nothing to grade is an error naming what the file holds', () => {
  assert.throws(() => filterScriptedAnswers(answers, scenarios, { ids: [30] }, 'answers.json'),
    (error: unknown) => error instanceof UserError
      && error.message === 'None of the 4 entries in answers.json matches --id 30.'
      && /recall and choice entries for scenarios 24, 28/.test(error.hint ?? ''));
  assert.deepEqual(filterScriptedAnswers([], scenarios, { ids: [30] }).answers, [], 'an empty file stays a no-op');
});
