// What an interview leaves behind: the JSON that `interview --json` prints and the Markdown
// transcript written to the data folder (answers, follow-ups, model answers, missed points and
// what to do next). Both are built from the same record, so they never disagree.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FollowUp } from '../scenario/contract.js';
import type { GradeName } from '../quiz/grades.js';
import type { ChosenFollowUp } from './ladder.js';

export interface FollowUpReport {
  question: string;
  answer: string;
  covered: string[];
  missed: string[];
  /** The opening key point this follow-up probes, or null for a deeper question. */
  probes: string | null;
  reason: ChosenFollowUp['reason'];
  kind: FollowUp['kind'];
  modelAnswer: string;
  seconds: number;
  overTime: boolean;
  /** The demo step that shows this answer live. */
  shownBy?: string;
}

export interface ScenarioInterviewReport {
  id: number;
  title: string;
  question: string;
  answer: string;
  covered: string[];
  missed: string[];
  modelAnswer: string;
  followUps: FollowUpReport[];
  /** null when the interview was interrupted before this scenario was graded. */
  grade: GradeName | null;
  /** When the scenario comes back for review (ISO), once graded. */
  due?: string;
  /** Time spent on the opening answer alone. */
  openingSeconds: number;
  /** Time spent answering (opening and follow-ups), and the time the budget allowed. */
  seconds: number;
  budgetSeconds: number;
  overTime: boolean;
}

export interface InterviewReport {
  startedAt: string;
  finishedAt: string;
  minutes: number;
  interrupted: boolean;
  scenarios: ScenarioInterviewReport[];
  /** Where the Markdown transcript was written. */
  reportFile?: string;
}

/** Commands that follow from the report, e.g. `run 24` to watch the point that was missed. */
export interface NextStepCommands {
  run(id: number): string;
  practice?(id: number): string;
  interview(ids: number[]): string;
}

export function pointsLine(report: Pick<ScenarioInterviewReport, 'covered' | 'missed'>): string {
  return `${report.covered.length}/${report.covered.length + report.missed.length}`;
}

export function nextSteps(report: InterviewReport, commands: NextStepCommands): string[] {
  const steps: string[] = [];
  const weak = report.scenarios.filter((s) => s.grade === 'again' || s.grade === 'hard' || s.missed.length > 0
    || s.followUps.some((f) => f.missed.length > 0));
  for (const scenario of weak) {
    steps.push(`\`${commands.run(scenario.id)}\` to watch #${scenario.id} prove what the answer left out`);
    if (commands.practice) steps.push(`\`${commands.practice(scenario.id)}\` to write the fix yourself`);
  }
  if (weak.length > 0) steps.push(`\`${commands.interview(weak.map((s) => s.id))}\` again once it sticks`);
  if (steps.length === 0) steps.push(`\`${commands.interview([])}\` another day: your due scenarios come first`);
  return steps;
}

function quote(text: string): string {
  const body = text.trim() === '' ? '(no answer typed: answered aloud, in my head, or stopped before answering)' : text.trim();
  return body.split('\n').map((line) => `> ${line}`).join('\n');
}

function pointList(title: string, points: string[]): string[] {
  if (points.length === 0) return [];
  return [`${title}:`, '', ...points.map((point) => `- ${point}`), ''];
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function renderMarkdown(report: InterviewReport, commands: NextStepCommands): string {
  const lines: string[] = [`# Mock interview, ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`, ''];
  if (report.interrupted) lines.push('_Interrupted: this transcript holds what was answered before the stop._', '');
  lines.push('| scenario | key points | follow-ups | time | grade |', '| --- | --- | --- | --- | --- |');
  for (const s of report.scenarios) {
    const followUps = s.followUps.map(pointsLine).join(', ') || '–';
    lines.push(`| #${s.id} ${s.title} | ${pointsLine(s)} | ${followUps} | ${clock(s.seconds)} of ${clock(s.budgetSeconds)} | ${s.grade ?? 'not graded'} |`);
  }
  lines.push('');
  for (const s of report.scenarios) {
    lines.push(`## #${s.id} ${s.title}`, '', `**Question.** ${s.question}`, '', '**Your answer**', '', quote(s.answer), '');
    lines.push(...pointList('Covered', s.covered), ...pointList('Missed', s.missed));
    lines.push('**Model answer**', '', s.modelAnswer, '');
    s.followUps.forEach((f, index) => {
      const why = f.probes ? ` (probes: ${f.probes})` : '';
      lines.push(`### Follow-up ${index + 1}${why}`, '', `**${f.question}**`, '', quote(f.answer), '');
      lines.push(...pointList('Covered', f.covered), ...pointList('Missed', f.missed));
      lines.push('**Model answer**', '', f.modelAnswer, '');
      if (f.shownBy) lines.push(`_The demo shows it live in the step "${f.shownBy}"._`, '');
    });
    lines.push(`Time: ${clock(s.seconds)} of a ${clock(s.budgetSeconds)} budget${s.overTime ? ' (over time)' : ''}. Grade: ${s.grade ?? 'not graded'}.`, '');
  }
  lines.push('## Next steps', '', ...nextSteps(report, commands).map((step) => `- ${step}`), '');
  return lines.join('\n');
}

/** Writes the transcript beside the progress file (interviews/<time>.md) and returns its path. */
export async function writeMarkdownReport(directory: string, report: InterviewReport, commands: NextStepCommands): Promise<string> {
  const folder = join(directory, 'interviews');
  await mkdir(folder, { recursive: true });
  const file = join(folder, `interview-${report.startedAt.replace(/[:.]/g, '-')}.md`);
  await writeFile(file, renderMarkdown(report, commands), { encoding: 'utf8', flag: 'wx' });
  return file;
}
