// The contract every file under scenarios/ fulfils. Like an ESLint rule module: metadata the CLI
// can read without running anything, plus a demo the runtime calls with everything it needs.
// This file must stay free of heavy imports: `list` and `show` load it.
import type { DemoContext } from '../runtime/context.js';

/** A block of code shown to the user (the fix, the naive version, a snippet a senior adds). */
export interface CodeSample {
  title: string;
  language: 'ts' | 'js' | 'json' | 'bash' | 'text';
  code: string;
}

/**
 * One point a strong answer makes. `terms` drives the quiz's coverage aid: the point counts as
 * covered when the user's answer mentions at least one term of every group (case-insensitive
 * substring match), e.g. [["unique index", "unique: true"], ["11000", "duplicate key"]].
 */
export interface KeyPoint {
  text: string;
  terms: string[][];
  /**
   * The title (or a unique prefix of it) of the demo step whose checks prove this point, when one does.
   * `show` marks such points as proven by the run; points without it are the candidate's reasoning.
   */
  provenBy?: string;
}

/**
 * One rung of the mock interviewer's ladder: what a senior interviewer asks after the opening answer.
 * Written like an opening answer (our own words, accurate for MongoDB 7–8, Mongoose 9, Express 5).
 */
export interface FollowUp {
  /** The follow-up as the interviewer says it. */
  question: string;
  /** The model answer, two to five sentences. */
  answer: string;
  /** What a good answer to this follow-up covers; drives the same coverage aid as the opening answer. */
  keyPoints: KeyPoint[];
  /**
   * The index into `answer.keyPoints` this follow-up probes: asked first when the opening answer missed
   * that point. Absent for a deeper question (scale, failure, trade-off) asked once the basics are covered.
   */
  probes?: number;
  /** What kind of pressure it applies; deeper questions are ordered by it. */
  kind: 'probe' | 'scale' | 'failure' | 'trade-off' | 'security';
  /** The title (or unique prefix) of the demo step that shows this answer live, if one does. */
  shownBy?: string;
}

export interface ChoiceOption {
  text: string;
  correct: boolean;
  /** Why this option is right or wrong; shown after the user answers. */
  explanation: string;
}

/** A multiple-choice question testing understanding (why, which status, what explain shows). */
export interface ChoiceQuestion {
  prompt: string;
  /** Two to six options, exactly one of them correct. */
  options: ChoiceOption[];
}

export interface ScenarioAnswer {
  /** What to say first in the room: two or three sentences, the whole answer in 30 seconds. */
  short?: string;
  /** The candidate's reasoning, one paragraph per entry. */
  reasoning: string[];
  keyPoints: KeyPoint[];
  /** The code of the fix (and, where it teaches something, the naive version beside it). */
  code: CodeSample[];
  /** What a senior engineer adds beyond the textbook answer. */
  seniorNotes: string[];
}

export interface ScenarioDemo {
  /** Upper bound for the whole demo; the runtime aborts it past this. Default 30 000 ms. */
  timeoutMs?: number;
  run(ctx: DemoContext): Promise<void>;
}

/** How much a check weighs: `verify` passes when every core check holds; senior checks are extras. */
export type CheckLevel = 'core' | 'senior';

/**
 * One claim an exercise's attack makes about the code it runs against, by id (ESLint's
 * `meta.messages`): tests, hints and `fails` lists name the id, so the wording can change freely.
 * `fact: true` marks a claim about the platform (MongoDB, Mongoose), not about the learner's code:
 * it holds against every code file, and its failure means the demo itself broke.
 */
export interface CheckSpec {
  /** What the fixed code must do, e.g. "5 simultaneous sign-ups for one email leave exactly one account". */
  claim: string;
  level: CheckLevel;
  fact?: boolean;
  /**
   * The bug as seen when this check fails against the starter or a trap, e.g. "simultaneous sign-ups
   * for one email create several accounts": the claim of the 'reproduces-failure' result. Default:
   * "not so: <claim>".
   */
  broken?: string;
}

/** One code file of an exercise folder: what it is called in the demo and what it teaches. */
export interface ExerciseFile {
  /** The demo step's title for this file, e.g. "Naive: findOne, hash, create". */
  title: string;
  /** Said after the attack ran against it: what the figures mean. */
  lesson: string;
}

/** The naive code the learner starts from, and the check ids it must fail (no more, no fewer). */
export interface ExerciseStarter extends ExerciseFile {
  fails: string[];
}

/** A tempting half-fix (traps/NAME.js), run between starter and solution; it fails exactly `fails`. */
export interface ExerciseTrap extends ExerciseStarter {
  /** Path inside the folder, e.g. "traps/index-not-awaited.js". */
  file: string;
}

/**
 * The practice side of a folder scenario (scenarios/NN-slug/): starter.js, solution.js and traps
 * are real files beside scenario.ts; attack.ts owns the checks (their ids must match `hints`).
 */
export interface ExerciseSpec {
  starter: ExerciseStarter;
  traps?: ExerciseTrap[];
  solution: ExerciseFile;
  /**
   * Progressive hints keyed by check id: `hint` and `verify` show the first for the first failing
   * check, each later call reveals one more; none of them is the whole fix.
   */
  hints: Record<string, string[]>;
  /** What the learner's module exports and receives, for the workspace README (one or two sentences). */
  shape: string;
}

/**
 * What scenarios/NN-slug/scenario.ts exports: the metadata of a ScenarioDefinition without the demo
 * (the runtime builds it from attack.ts and the code files) and without the code strings (`show`
 * reads the files). `answer.code` may still hold extra snippets that are not exercise files.
 */
export interface ExerciseScenarioDefinition extends Omit<ScenarioDefinition, 'demo' | 'answer' | 'exercise'> {
  answer: Omit<ScenarioAnswer, 'code'> & { code?: CodeSample[] };
  exercise: ExerciseSpec;
  /** Upper bound for one `run` of the demo (every code file); default 30 000 ms. */
  timeoutMs?: number;
}

/** Identity function that types a folder scenario's scenario.ts. */
export function defineExercise(definition: ExerciseScenarioDefinition): ExerciseScenarioDefinition {
  return definition;
}

export interface ScenarioDefinition {
  /** Matches the NN of the file name NN-slug.ts. */
  id: number;
  /** Matches the slug of the file name NN-slug.ts. */
  slug: string;
  title: string;
  tags: string[];
  /** One line for `list`. */
  summary: string;
  /** The interviewer's question, in our own words. */
  question: string;
  answer: ScenarioAnswer;
  quiz: { choices: ChoiceQuestion[] };
  /** The mock interviewer's follow-up ladder: four to six rungs (`interview`). */
  followUps?: FollowUp[];
  demo: ScenarioDemo;
  /** Set by the registry for folder scenarios: the exercise and where its files are. */
  exercise?: ExerciseSpec & { folder: string };
}

/** Identity function that gives a scenario file its type checking and editor help. */
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return definition;
}
