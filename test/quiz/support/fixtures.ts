// Small scenario definitions for quiz tests: the quiz logic takes a list of ScenarioDefinition, so
// these tests do not depend on which real scenarios are installed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import type { ScenarioDefinition } from '../../../src/scenario/contract.js';

export const plain = new Chalk({ level: 0 });

export function fixtureScenario(id: number, overrides: Partial<ScenarioDefinition> = {}): ScenarioDefinition {
  return {
    id,
    slug: `fixture-${id}`,
    title: `Fixture scenario ${id}`,
    tags: ['mongodb'],
    summary: `Summary ${id}`,
    question: `Why does request ${id} create duplicates?`,
    answer: {
      reasoning: [`Reasoning paragraph for ${id}.`],
      keyPoints: [
        { text: 'A unique index makes the database the arbiter', terms: [['unique index', 'unique: true'], ['11000', 'duplicate key']] },
        { text: 'Check-then-insert is a race', terms: [['race', 'concurrent']] },
      ],
      code: [{ title: 'fix', language: 'ts', code: 'schema.index({ email: 1 }, { unique: true });' }],
      seniorNotes: [`Senior note ${id}.`],
    },
    quiz: {
      choices: [
        { prompt: `Q1 of ${id}: which status?`, options: [
          { text: '409 Conflict', correct: true, explanation: 'The resource already exists.' },
          { text: '500 Internal Server Error', correct: false, explanation: 'The client caused it, not a bug.' },
        ] },
        { prompt: `Q2 of ${id}: which error code?`, options: [
          { text: '11000', correct: true, explanation: 'Duplicate key.' },
          { text: '121', correct: false, explanation: 'Document validation failure.' },
          { text: '50', correct: false, explanation: 'Time limit exceeded.' },
        ] },
        { prompt: `Q3 of ${id}: who decides?`, options: [
          { text: 'The application', correct: false, explanation: 'It cannot see concurrent requests.' },
          { text: 'The database index', correct: true, explanation: 'It serialises the inserts.' },
        ] },
      ],
    },
    demo: { async run() { /* metadata-only fixture */ } },
    ...overrides,
  };
}

/** Runs `body` with a fresh progress home, removed afterwards whether the body passed or threw. */
export async function withTemporaryHome(body: (home: { dir: string }) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-quiz-'));
  try {
    await body({ dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
