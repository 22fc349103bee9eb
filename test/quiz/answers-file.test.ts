import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScriptedAnswers } from '../../src/quiz/answers-file.js';
import { UserError } from '../../src/cli/errors.js';
import { fixtureScenario } from './support/fixtures.js';

const scenarios = [fixtureScenario(24), fixtureScenario(28)];

test('recall and choice entries are parsed; question and choice count from 1', () => {
  const parsed = parseScriptedAnswers(JSON.stringify([
    { id: 24, answer: 'a unique index', grade: 'Good' },
    { id: 28, question: 2, choice: 3 },
    { id: 28, grade: 'again' },
  ]), scenarios);
  assert.deepEqual(parsed.map((entry) => entry.kind === 'recall'
    ? [entry.scenario.id, entry.answer, entry.grade]
    : [entry.scenario.id, entry.question, entry.choice]), [[24, 'a unique index', 'good'], [28, 1, 2], [28, '', 'again']]);
});

const badFiles: { name: string; text: string; message: RegExp }[] = [
  { name: 'not JSON', text: '[{ id: 24 }', message: /not valid JSON/ },
  { name: 'not an array', text: '{"id":24}', message: /JSON array/ },
  { name: 'unknown id', text: '[{"id":99,"grade":"good"}]', message: /no scenario 99/ },
  { name: 'bad grade', text: '[{"id":24,"grade":"great"}]', message: /entry 1: "grade" must be one of again, hard, good, easy/ },
  { name: 'question out of range', text: '[{"id":24,"question":4,"choice":1}]', message: /"question" must be 1 to 3/ },
  { name: 'choice out of range', text: '[{"id":24,"question":1,"choice":0}]', message: /"choice" must be 1 to 2/ },
  { name: 'second entry bad', text: '[{"id":24,"grade":"good"},{"id":"24","grade":"good"}]', message: /entry 2: "id"/ },
];

for (const { name, text, message } of badFiles) {
  test(`rejected before anything is recorded: ${name}`, () => {
    assert.throws(() => parseScriptedAnswers(text, scenarios), (error: unknown) => error instanceof UserError && message.test(error.message));
  });
}
