// Validation of a scenario module's export, in the spirit of ESLint's rule-meta checks: every
// problem is listed at once, each naming the field, so an author fixes a file in one pass.
import type { ScenarioDefinition } from './contract.js';

type Problems = string[];

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function checkStringArray(value: unknown, field: string, problems: Problems, minimum = 1): void {
  if (!Array.isArray(value) || value.length < minimum || !value.every(isNonEmptyString)) {
    problems.push(`${field} must be an array of at least ${minimum} non-empty string(s)`);
  }
}

const followUpKinds = ['probe', 'scale', 'failure', 'trade-off', 'security'];

function checkKeyPoints(points: unknown, field: string, problems: Problems): void {
  if (!Array.isArray(points) || points.length === 0) {
    problems.push(`${field} must list at least one key point`);
    return;
  }
  points.forEach((point: { text?: unknown; terms?: unknown } | null, index) => {
    if (!isNonEmptyString(point?.text)) problems.push(`${field}[${index}].text is empty`);
    const terms = point?.terms;
    const groupsOk = Array.isArray(terms) && terms.length > 0
      && terms.every((group) => Array.isArray(group) && group.length > 0 && group.every(isNonEmptyString));
    if (!groupsOk) problems.push(`${field}[${index}].terms must be non-empty groups of non-empty strings`);
  });
}

/** The mock interviewer's ladder: four to six rungs, each a question with a model answer and key points. */
function checkFollowUps(value: unknown, keyPointCount: number, problems: Problems): void {
  if (!Array.isArray(value) || value.length < 4 || value.length > 6) {
    problems.push('followUps must hold four to six follow-up questions');
    return;
  }
  value.forEach((rung: Record<string, unknown> | null, index) => {
    const where = `followUps[${index}]`;
    if (!isNonEmptyString(rung?.['question'])) problems.push(`${where}.question is empty`);
    if (!isNonEmptyString(rung?.['answer'])) problems.push(`${where}.answer (the model answer) is empty`);
    checkKeyPoints(rung?.['keyPoints'], `${where}.keyPoints`, problems);
    if (!followUpKinds.includes(String(rung?.['kind']))) problems.push(`${where}.kind must be one of ${followUpKinds.join(', ')}`);
    const probes = rung?.['probes'];
    if (probes !== undefined && !(Number.isInteger(probes) && (probes as number) >= 0 && (probes as number) < keyPointCount)) {
      problems.push(`${where}.probes must be the index of one of answer.keyPoints (0 to ${keyPointCount - 1})`);
    }
    if (rung?.['shownBy'] !== undefined && !isNonEmptyString(rung['shownBy'])) problems.push(`${where}.shownBy must name a demo step`);
  });
}

export function validateScenario(value: unknown, expected: { id: number; slug: string }): Problems {
  const problems: Problems = [];
  if (typeof value !== 'object' || value === null) return ['the `scenario` export is not an object'];
  const s = value as Partial<ScenarioDefinition>;

  if (s.id !== expected.id) problems.push(`id is ${String(s.id)} but the file name says ${expected.id}`);
  if (s.slug !== expected.slug) problems.push(`slug is "${String(s.slug)}" but the file name says "${expected.slug}"`);
  for (const field of ['title', 'summary', 'question'] as const) {
    if (!isNonEmptyString(s[field])) problems.push(`${field} is missing or empty`);
  }
  checkStringArray(s.tags, 'tags', problems);

  const answer = s.answer;
  if (!answer || typeof answer !== 'object') {
    problems.push('answer is missing');
  } else {
    checkStringArray(answer.reasoning, 'answer.reasoning', problems);
    checkStringArray(answer.seniorNotes, 'answer.seniorNotes', problems);
    checkKeyPoints(answer.keyPoints, 'answer.keyPoints', problems);
    if (answer.short !== undefined && !isNonEmptyString(answer.short)) problems.push('answer.short, when given, must be the 30-second answer (non-empty)');
    if (!Array.isArray(answer.code) || answer.code.length === 0) {
      problems.push('answer.code must hold at least the code of the fix');
    } else {
      answer.code.forEach((sample, index) => {
        if (!isNonEmptyString(sample?.title) || !isNonEmptyString(sample?.code)) {
          problems.push(`answer.code[${index}] needs a title and code`);
        }
      });
    }
  }

  const choices = s.quiz?.choices;
  if (!Array.isArray(choices) || choices.length < 3) {
    problems.push('quiz.choices must hold at least three multiple-choice questions');
  } else {
    choices.forEach((question, index) => {
      const where = `quiz.choices[${index}]`;
      if (!isNonEmptyString(question?.prompt)) problems.push(`${where}.prompt is empty`);
      const options = question?.options;
      if (!Array.isArray(options) || options.length < 2 || options.length > 6) {
        problems.push(`${where} needs two to six options`);
        return;
      }
      const correct = options.filter((option) => option?.correct === true).length;
      if (correct !== 1) problems.push(`${where} has ${correct} correct options; exactly one is required`);
      options.forEach((option, optionIndex) => {
        if (!isNonEmptyString(option?.text) || !isNonEmptyString(option?.explanation)) {
          problems.push(`${where}.options[${optionIndex}] needs text and an explanation`);
        }
      });
    });
  }

  // The mock interviewer needs a ladder for every scenario (`interview`).
  checkFollowUps(s.followUps, Array.isArray(answer?.keyPoints) ? answer.keyPoints.length : 0, problems);

  if (!s.demo || typeof s.demo.run !== 'function') problems.push('demo.run must be a function');
  else if (s.demo.timeoutMs !== undefined && !(Number.isInteger(s.demo.timeoutMs) && s.demo.timeoutMs > 0)) {
    problems.push('demo.timeoutMs must be a positive whole number of milliseconds');
  }
  return problems;
}
