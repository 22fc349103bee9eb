// `quiz --answers FILE` with --id, --tag, --mode or --count: those choose which entries of the file
// are graded, as they choose the questions of an interactive session, so one answers file can
// serve several runs. They are validated the same way (an unknown id or an unused tag is a usage
// error), and a filter that leaves nothing to grade is an error too, never a silent no-op.
import { UserError } from '../cli/errors.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { ScriptedAnswer } from './answers-file.js';
import type { QuizMode } from './grades.js';
import { narrowScenarios } from './selection.js';

export interface ScriptedAnswerFilter {
  ids?: number[];
  tags?: string[];
  /** Only entries of this kind (recall entries have "answer"/"grade", choice entries "question"/"choice"). */
  mode?: QuizMode;
  /** At most this many entries, in file order, after the other filters. */
  count?: number;
}

export interface FilteredAnswers {
  answers: ScriptedAnswer[];
  /** The filter in the user's own flags, e.g. "--id 24 --count 1"; empty when there is none. */
  description: string;
}

export function describeAnswerFilter(filter: ScriptedAnswerFilter): string {
  const parts: string[] = [];
  if (filter.ids && filter.ids.length > 0) parts.push(`--id ${filter.ids.join(',')}`);
  for (const tag of filter.tags ?? []) parts.push(`--tag ${tag}`);
  if (filter.mode) parts.push(`--mode ${filter.mode}`);
  if (filter.count !== undefined) parts.push(`--count ${filter.count}`);
  return parts.join(' ');
}

export function filterScriptedAnswers(answers: ScriptedAnswer[], scenarios: ScenarioDefinition[], filter: ScriptedAnswerFilter, source = 'the answers file'): FilteredAnswers {
  const description = describeAnswerFilter(filter);
  if (description === '') return { answers, description };
  const wanted = new Set(narrowScenarios(scenarios, { ids: filter.ids ?? [], tags: filter.tags ?? [] }).map((s) => s.id));
  const matching = answers.filter((entry) => wanted.has(entry.scenario.id) && (filter.mode === undefined || entry.kind === filter.mode));
  if (matching.length === 0 && answers.length > 0) {
    const inFile = [...new Set(answers.map((entry) => entry.scenario.id))].sort((a, b) => a - b);
    const kinds = [...new Set(answers.map((entry) => entry.kind))].join(' and ');
    const none = answers.length === 1 ? `The only entry in ${source} does not match` : `None of the ${answers.length} entries in ${source} matches`;
    throw new UserError(`${none} ${description}.`, {
      hint: `The file has ${kinds} entries for scenario${inFile.length === 1 ? '' : 's'} ${inFile.join(', ')}; change the options or the file.`,
    });
  }
  return { answers: filter.count === undefined ? matching : matching.slice(0, filter.count), description };
}
