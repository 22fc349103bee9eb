// A scenario with a follow-up ladder, for interview tests that must not depend on which real
// scenarios are installed: three opening key points, two probes (of points 1 and 2) and three
// deeper rungs, so the order the ladder picks is visible in every assertion.
import type { FollowUp, ScenarioDefinition } from '../../src/scenario/contract.js';
import { fixtureScenario } from '../quiz/support/fixtures.js';

export const ladder: FollowUp[] = [
  { question: 'What if duplicates already exist when you build the index?', answer: 'The build fails with 11000; clean up first.', kind: 'failure',
    keyPoints: [{ text: 'The build fails on existing duplicates', terms: [['fails', 'error'], ['duplicate', '11000']] }] },
  { question: 'Why exactly does findOne-then-create fail under load?', answer: 'Both requests read before either writes.', kind: 'probe', probes: 1,
    keyPoints: [{ text: 'Both read before either writes', terms: [['before', 'interleave']] }] },
  { question: 'How do you know which field collided?', answer: 'err.keyPattern and err.keyValue.', kind: 'probe', probes: 2,
    keyPoints: [{ text: 'keyPattern / keyValue name the index', terms: [['keypattern', 'keyvalue']] }] },
  { question: 'And on a sharded collection?', answer: 'A unique index must be prefixed by the shard key.', kind: 'scale',
    keyPoints: [{ text: 'Unique indexes must include the shard key', terms: [['shard key']] }] },
  { question: 'Why not a transaction?', answer: 'Two inserts of different documents do not conflict.', kind: 'trade-off',
    keyPoints: [{ text: 'Inserts of different documents never conflict', terms: [['conflict']] }] },
];

export function interviewScenario(id: number): ScenarioDefinition {
  const base = fixtureScenario(id);
  return {
    ...base,
    answer: {
      ...base.answer,
      short: `Short answer for ${id}: a unique index, 11000 mapped to 409.`,
      keyPoints: [
        { text: 'A unique index makes the database the arbiter', terms: [['unique index']] },
        { text: 'Check-then-insert is a race', terms: [['race']] },
        { text: 'Map 11000 to 409', terms: [['409']] },
      ],
    },
    followUps: ladder,
  };
}
