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
  demo: ScenarioDemo;
}

/** Identity function that gives a scenario file its type checking and editor help. */
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return definition;
}
