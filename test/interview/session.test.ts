// The interview flow with a scripted prompter and a real progress store: which follow-ups are
// asked for which answer, what the report records, the schedule it updates, the Markdown
// transcript, and what an interruption keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProgressStore } from '../../src/quiz/progress-store.js';
import { runInterview } from '../../src/interview/session.js';
import type { AnswerRequest, InterviewNarrator, InterviewPrompter } from '../../src/interview/session.js';
import { scenarioBudget } from '../../src/interview/budget.js';
import { renderMarkdown, writeMarkdownReport } from '../../src/interview/report.js';
import type { GradeName } from '../../src/quiz/grades.js';
import { withTemporaryHome } from '../quiz/support/fixtures.js';
import { interviewScenario } from './support.js';

const silent: InterviewNarrator = { scenarioStarted() {}, followUpAsked() {}, rubric() {}, scheduled() {} };
const commands = { run: (id: number) => `backend-scenarios run ${id}`, interview: () => 'backend-scenarios interview' };

/** Answers from a table keyed by question text; throws ExitPromptError at `stopAt` (Ctrl-C). */
function tablePrompter(answers: Record<string, string>, grades: GradeName[], stopAt?: string): InterviewPrompter & { asked: AnswerRequest[] } {
  const asked: AnswerRequest[] = [];
  return {
    asked,
    async answer(request) {
      if (request.question === stopAt) throw Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
      asked.push(request);
      return { text: answers[request.question] ?? '', seconds: 30 };
    },
    async grade() {
      return grades.shift() ?? 'good';
    },
  };
}

test('an answer that misses key point 2 meets the follow-up probing it first; the report and schedule record it', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const scenario = interviewScenario(24);
    const prompter = tablePrompter({
      [scenario.question]: 'A unique index: check-then-insert is a race.',
      'How do you know which field collided?': 'err.keyPattern tells you.',
    }, ['hard']);
    const clock = new Date('2026-06-01T08:30:00.000Z');
    const report = await runInterview([scenario], { store, prompter, narrator: silent, budget: scenarioBudget(5, 1), now: () => clock }, 5);

    assert.equal(report.interrupted, false);
    assert.deepEqual(prompter.asked.map((request) => request.kind), ['opening', 'follow-up', 'follow-up', 'follow-up']);
    assert.equal(prompter.asked[1]!.question, 'How do you know which field collided?', 'the probe of the missed point comes first');
    const [row] = report.scenarios;
    assert.ok(row);
    assert.deepEqual(row.missed, ['Map 11000 to 409']);
    assert.equal(row.covered.length, 2);
    assert.equal(row.followUps[0]!.probes, 'Map 11000 to 409');
    assert.deepEqual(row.followUps[0]!.covered, ['keyPattern / keyValue name the index']);
    assert.deepEqual(row.followUps[1]!.missed, ['The build fails on existing duplicates'], 'an unanswered follow-up misses its points');
    assert.equal(row.grade, 'hard');
    assert.equal(row.seconds, 120, 'four answers of 30 s');

    const saved = await store.read();
    const reviews = saved.scenarios['24']!.reviews;
    assert.deepEqual(reviews.map((review) => [review.mode, review.grade]), [['interview', 'hard']]);
    assert.equal(saved.scenarios['24']!.card.due, row.due);

    const file = await writeMarkdownReport(home.dir, report, commands);
    const markdown = await readFile(file, 'utf8');
    assert.equal(markdown, renderMarkdown(report, commands));
    assert.match(markdown, /> A unique index: check-then-insert is a race\./);
    assert.match(markdown, /### Follow-up 1 \(probes: Map 11000 to 409\)/);
    assert.match(markdown, /Missed:\n\n- Map 11000 to 409/);
    assert.match(markdown, /Short answer for 24/);
    assert.match(markdown, /`backend-scenarios run 24`/);
  });
});

test('Ctrl-C during the second scenario keeps the first grade and the answers given so far', async () => {
  await withTemporaryHome(async (home) => {
    const store = new ProgressStore(join(home.dir, 'progress.json'));
    const first = interviewScenario(24);
    const second = interviewScenario(25);
    const prompter = tablePrompter({ [first.question]: 'unique index, race, 409', [second.question]: 'a unique index' }, ['good'], 'Why exactly does findOne-then-create fail under load?');
    const report = await runInterview([first, second], { store, prompter, narrator: silent, budget: scenarioBudget(15, 2) }, 15);

    assert.equal(report.interrupted, true);
    assert.deepEqual(report.scenarios.map((s) => [s.id, s.grade]), [[24, 'good'], [25, null]]);
    assert.equal(report.scenarios[1]!.answer, 'a unique index', 'the opening answer of the interrupted scenario is kept');
    const saved = await store.read();
    assert.deepEqual(Object.keys(saved.scenarios), ['24'], 'only the graded scenario is scheduled');
    assert.match(renderMarkdown(report, commands), /_Interrupted: this transcript holds what was answered before the stop\._/);
  });
});
