// Declares `quiz` and `stats` (names, options, help) without loading what they run: the
// implementations, ts-fsrs and the prompt library are imported only when the command is used, so
// `list` and `--help` stay fast. Bad input is thrown as UserError and printed by main.ts.
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { InterviewCommandOptions } from './interview.js';

export interface QuizCommandOptions {
  count: number;
  /** Absent when no --tag was given (no default, so help does not print "(default: [])"). */
  tag?: string[];
  id?: string;
  mode: 'recall' | 'choice';
  answers?: string;
  /** Typed on the command line rather than defaults: with --answers only typed ones filter the file. */
  typed?: { count: boolean; mode: boolean };
}

export interface StatsCommandOptions {
  json?: boolean;
  reset?: boolean;
  yes?: boolean;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count) || count < 1) {
    throw new InvalidArgumentError('expected a whole number of questions, 1 or more.');
  }
  return count;
}

function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(minutes) || minutes < 1 || minutes > 240) {
    throw new InvalidArgumentError('expected whole minutes, 1 to 240.');
  }
  return minutes;
}

function collectTag(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerQuizCommands(program: Command): void {
  program
    .command('quiz')
    .description('practise answering from memory; reviews are scheduled with spaced repetition (FSRS)')
    .option('-n, --count <n>', 'questions in this session', parseCount, 5)
    .option('-t, --tag <tag>', 'only scenarios with this tag (repeatable)', collectTag)
    .option('--id <ids>', 'only these scenario ids, e.g. 24,28')
    .addOption(
      new Option('-m, --mode <mode>', 'recall: type an answer and grade yourself; choice: multiple choice, auto-graded')
        .choices(['recall', 'choice'])
        .default('recall'),
    )
    .option('--answers <file>', 'non-interactive: read answers and grades from a JSON file (format below)')
    .addHelpText('after', `
Scripted answers (--answers FILE), a JSON array:
  recall: [{ "id": 24, "answer": "free text",
             "grade": "again" | "hard" | "good" | "easy" }]
  choice: [{ "id": 24, "question": 1, "choice": 2 }]
          (question and choice count from 1; choice in the
          order the scenario lists the options, which is the
          order --answers prints them in; interactive
          sessions shuffle the options)
With --answers, --id, --tag, --mode and --count pick which
entries of the file are graded (in file order); without
them every entry is.
Progress lives in your data directory; set
BACKEND_SCENARIOS_HOME to keep it elsewhere.`)
    .action(async (options: QuizCommandOptions, command: Command) => {
      const { runQuizCommand } = await import('./quiz.js');
      const typed = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
      await runQuizCommand({ ...options, typed: { count: typed('count'), mode: typed('mode') } });
    });

  program
    .command('interview')
    .description('a timed mock interview: opening questions, then follow-ups aimed at what your answer missed')
    .option('-q, --questions <n>', 'scenarios in this interview', parseCount, 3)
    .option('--minutes <n>', 'time for the whole interview, shared among the scenarios', parseMinutes, 15)
    .option('-t, --tag <tag>', 'only scenarios with this tag (repeatable)', collectTag)
    .option('--id <ids>', 'only these scenario ids, in this order, e.g. 24,28')
    .option('--answers <file>', 'non-interactive: read answers and grades from a JSON file (format below)')
    .option('--json', 'print the report as JSON (the interview itself goes to stderr)')
    .addHelpText('after', `
Each scenario: the question with a countdown, your answer
(an empty line finishes it), then 2-3 follow-ups chosen
for what the answer left out, then the rubric (key points
covered and missed, model answers, time) and your grade,
which schedules the scenario like \`quiz\` does.
A Markdown transcript is written to your data folder
(interviews/); its path is printed at the end.

Scripted answers (--answers FILE), a JSON array, one
entry per scenario in the order asked:
  [{ "id": 24, "answer": "…", "followUps": ["…", "…"],
     "grade": "again" | "hard" | "good" | "easy" }]
Follow-up answers are used in the order the follow-ups
are asked; missing ones count as unanswered.`)
    .action(async (options: InterviewCommandOptions) => {
      const { runInterviewCommand } = await import('./interview.js');
      await runInterviewCommand(options);
    });

  program
    .command('stats')
    .description('your quiz progress: state, next review and last grade per scenario, totals and streak')
    .option('--json', 'print machine-readable JSON')
    .option('--reset', 'forget all quiz progress (asks for confirmation)')
    .option('-y, --yes', 'with --reset: do not ask')
    .addHelpText('after', `
--reset keeps the old file beside the new one
(progress.reset-<time>.json), even one written by a newer
version of backend-scenarios.`)
    .action(async (options: StatsCommandOptions) => {
      const { runStatsCommand } = await import('./stats.js');
      await runStatsCommand(options);
    });
}
