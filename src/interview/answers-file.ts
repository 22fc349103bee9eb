// `interview --answers FILE`: a scripted interview for CI and tests. A JSON array, one entry per
// scenario in the order they are asked: { "id": 24, "answer": "…", "followUps": ["…"], "grade": "good" }.
// Follow-up answers are taken in the order the follow-ups are asked; missing ones count as
// unanswered. Every entry is checked before anything is recorded.
import { readFile } from 'node:fs/promises';
import { UserError } from '../cli/errors.js';
import type { ScenarioDefinition } from '../scenario/contract.js';
import { gradeNames, isGradeName } from '../quiz/grades.js';
import type { GradeName } from '../quiz/grades.js';
import type { AnswerRequest, GivenAnswer, InterviewPrompter } from './session.js';

export interface ScriptedInterviewEntry {
  scenario: ScenarioDefinition;
  answer: string;
  followUps: string[];
  grade: GradeName;
}

export const interviewAnswersFormat = 'Expected a JSON array like [{ "id": 24, "answer": "…", "followUps": ["…", "…"], "grade": "good" }] (grades: again, hard, good, easy).';

export function parseInterviewAnswers(text: string, scenarios: ScenarioDefinition[], source: string): ScriptedInterviewEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON (${(error as Error).message}).`, { hint: interviewAnswersFormat });
  }
  if (!Array.isArray(data) || data.length === 0) throw new UserError(`${source} must hold a non-empty JSON array.`, { hint: interviewAnswersFormat });
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  return data.map((value: unknown, index) => {
    const where = `${source}, entry ${index + 1}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(`${where} is not an object.`, { hint: interviewAnswersFormat });
    const entry = value as Record<string, unknown>;
    const scenario = typeof entry['id'] === 'number' ? byId.get(entry['id']) : undefined;
    if (!scenario) {
      throw new UserError(`${where}: "id" ${JSON.stringify(entry['id'])} is not a scenario id.`, { hint: `Scenarios available: ${[...byId.keys()].join(', ')}.` });
    }
    const answer = entry['answer'] ?? '';
    if (typeof answer !== 'string') throw new UserError(`${where}: "answer" must be text.`, { hint: interviewAnswersFormat });
    const followUps = entry['followUps'] ?? [];
    if (!Array.isArray(followUps) || !followUps.every((item) => typeof item === 'string')) {
      throw new UserError(`${where}: "followUps" must be a list of answers (text), in the order they are asked.`, { hint: interviewAnswersFormat });
    }
    const grade = typeof entry['grade'] === 'string' ? entry['grade'].toLowerCase() : entry['grade'];
    if (!isGradeName(grade)) throw new UserError(`${where}: "grade" must be one of ${gradeNames.join(', ')}.`, { hint: interviewAnswersFormat });
    return { scenario, answer, followUps: followUps as string[], grade };
  });
}

export async function readInterviewAnswers(file: string, scenarios: ScenarioDefinition[]): Promise<ScriptedInterviewEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`Cannot read the answers file ${file} (${code ?? (error as Error).message}).`, {
      hint: code === 'ENOENT' ? `There is no such file (relative to ${process.cwd()}): check the path.` : 'Check the path and that the file is readable.',
    });
  }
  return parseInterviewAnswers(text, scenarios, file);
}

/** Answers from the file, as the session asks for them; time taken is the (near-zero) real time. */
export function scriptedInterviewPrompter(entries: ScriptedInterviewEntry[], onAnswer: (request: AnswerRequest, text: string) => void): InterviewPrompter {
  const byId = new Map(entries.map((entry) => [entry.scenario.id, { entry, followUpsAsked: 0 }]));
  return {
    async answer(request): Promise<GivenAnswer> {
      const started = performance.now();
      const state = byId.get(request.scenario.id)!;
      const text = request.kind === 'opening' ? state.entry.answer : (state.entry.followUps[state.followUpsAsked++] ?? '');
      onAnswer(request, text);
      return { text, seconds: Math.round((performance.now() - started) / 1000) };
    },
    async grade(scenario) {
      return byId.get(scenario.id)!.entry.grade;
    },
  };
}
