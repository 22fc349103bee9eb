// The scripted answers of `quiz --answers FILE`: for automation, CI and tests. Every entry is
// checked before anything is recorded, so a typo in entry 7 does not leave entries 1-6 half-applied.
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { UserError } from '../cli/errors.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { isGradeName, gradeNames } from './grades.js';
import type { GradeName } from './grades.js';

export type ScriptedAnswer =
  | { kind: 'recall'; scenario: ScenarioDefinition; answer: string; grade: GradeName }
  /** question and choice are 0-based here; the file counts from 1 as the screen does. */
  | { kind: 'choice'; scenario: ScenarioDefinition; question: number; choice: number };

const formatHint = 'Expected a JSON array like [{ "id": 24, "answer": "…", "grade": "good" }] or, for multiple choice, [{ "id": 24, "question": 1, "choice": 2 }] (counting from 1).';

function describeEntry(index: number): string {
  return `entry ${index + 1}`;
}

function parseEntry(value: unknown, index: number, byId: Map<number, ScenarioDefinition>): ScriptedAnswer {
  const where = describeEntry(index);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(`${where} is not an object.`, { hint: formatHint });
  const entry = value as Record<string, unknown>;
  const id = entry['id'];
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new UserError(`${where}: "id" must be a scenario id (a number).`, { hint: formatHint });
  const scenario = byId.get(id);
  if (!scenario) {
    throw new UserError(`${where}: there is no scenario ${id}.`, { hint: `Scenarios available: ${[...byId.keys()].join(', ') || 'none'}.` });
  }
  if ('choice' in entry || 'question' in entry) {
    const question = entry['question'];
    const choice = entry['choice'];
    const questions = scenario.quiz.choices;
    if (typeof question !== 'number' || !Number.isInteger(question) || question < 1 || question > questions.length) {
      throw new UserError(`${where}: "question" must be 1 to ${questions.length} for scenario ${id}.`, { hint: formatHint });
    }
    const options = questions[question - 1]!.options;
    if (typeof choice !== 'number' || !Number.isInteger(choice) || choice < 1 || choice > options.length) {
      throw new UserError(`${where}: "choice" must be 1 to ${options.length} for question ${question} of scenario ${id}.`, { hint: formatHint });
    }
    return { kind: 'choice', scenario, question: question - 1, choice: choice - 1 };
  }
  const answer = entry['answer'] ?? '';
  if (typeof answer !== 'string') throw new UserError(`${where}: "answer" must be text.`, { hint: formatHint });
  const grade = typeof entry['grade'] === 'string' ? entry['grade'].toLowerCase() : entry['grade'];
  if (!isGradeName(grade)) throw new UserError(`${where}: "grade" must be one of ${gradeNames.join(', ')}.`, { hint: formatHint });
  return { kind: 'recall', scenario, answer, grade };
}

export function parseScriptedAnswers(text: string, scenarios: ScenarioDefinition[], source = 'the answers file'): ScriptedAnswer[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON (${(error as Error).message}).`, { hint: formatHint });
  }
  if (!Array.isArray(data)) throw new UserError(`${source} must hold a JSON array.`, { hint: formatHint });
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  return data.map((value, index) => parseEntry(value, index, byId));
}

function readProblemHint(file: string, code: string | undefined): string {
  if (code === 'ENOENT') {
    const where = isAbsolute(file) ? '' : ` (relative to ${process.cwd()})`;
    return `There is no such file${where}: check the path. \`backend-scenarios quiz --help\` shows the JSON it holds.`;
  }
  if (code === 'EISDIR') return 'That is a directory: pass the JSON file itself, e.g. --answers answers.json.';
  if (code === 'EACCES' || code === 'EPERM') return 'The file is not readable by you: check its permissions.';
  return 'Check the path and that the file is readable; `backend-scenarios quiz --help` shows the format.';
}

export async function readScriptedAnswers(file: string, scenarios: ScenarioDefinition[]): Promise<ScriptedAnswer[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`Cannot read the answers file ${file} (${code ?? (error as Error).message}).`, { hint: readProblemHint(file, code) });
  }
  return parseScriptedAnswers(text, scenarios, file);
}
