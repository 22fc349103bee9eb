// The shape of the progress file and its validation. The file is versioned so a future format can
// be migrated instead of misread; anything that does not match is treated as corrupt (and moved
// aside by the store), never half-trusted.
import { isGradeName } from './grades.js';
import type { GradeName, QuizMode } from './grades.js';

export const progressVersion = 1;

export const cardStateNames = ['New', 'Learning', 'Review', 'Relearning'] as const;
export type CardStateName = (typeof cardStateNames)[number];

/** A ts-fsrs card, with dates as ISO strings and the state by name so the file reads clearly. */
export interface StoredCard {
  due: string;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: CardStateName;
  lastReview: string | null;
}

export interface ReviewEntry {
  at: string;
  grade: GradeName;
  mode: QuizMode;
  /** Choice mode: which question (index into scenario.quiz.choices) was asked. */
  question?: number;
}

export interface ScenarioProgress {
  card: StoredCard;
  reviews: ReviewEntry[];
}

/**
 * Practice mode (`practice`/`verify`/`hint`/`solution`), keyed by scenario id. Optional: files
 * written before practice mode existed have none, and stay valid; older versions of the tool ignore it.
 */
export interface PracticeProgress {
  /** `verify` runs against the learner's own file (not --reference). */
  attempts: number;
  /** First time every core check held; null until then. */
  solvedAt: string | null;
  lastAttemptAt: string | null;
  /** Hints revealed so far, per check id. */
  hints: Record<string, number>;
  /** Check ids that failed on the last attempt, in order: `hint` helps with the first. */
  lastFailed: string[];
  solutionViewedAt: string | null;
}

export interface Progress {
  version: typeof progressVersion;
  /** Keyed by scenario id (as a string, JSON object keys). */
  scenarios: Record<string, ScenarioProgress>;
  practice?: Record<string, PracticeProgress>;
}

export function emptyProgress(): Progress {
  return { version: progressVersion, scenarios: {} };
}

/** The file is valid JSON but not something this version can read: corrupt, or from the future. */
export class ProgressFormatError extends Error {
  constructor(message: string, readonly newerVersion?: number) {
    super(message);
    this.name = 'ProgressFormatError';
  }
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function cardProblem(card: unknown): string | undefined {
  if (typeof card !== 'object' || card === null) return 'card is not an object';
  const c = card as Record<string, unknown>;
  if (!isIsoDate(c['due'])) return 'card.due is not a date';
  for (const field of ['stability', 'difficulty', 'elapsedDays', 'scheduledDays', 'learningSteps', 'reps', 'lapses']) {
    if (!isCount(c[field])) return `card.${field} is not a non-negative number`;
  }
  if (!(cardStateNames as readonly unknown[]).includes(c['state'])) return 'card.state is not a known state';
  if (c['lastReview'] !== null && !isIsoDate(c['lastReview'])) return 'card.lastReview is not a date';
  return undefined;
}

function reviewProblem(review: unknown): string | undefined {
  if (typeof review !== 'object' || review === null) return 'a review is not an object';
  const r = review as Record<string, unknown>;
  if (!isIsoDate(r['at'])) return 'review.at is not a date';
  if (!isGradeName(r['grade'])) return 'review.grade is not again/hard/good/easy';
  if (r['mode'] !== 'recall' && r['mode'] !== 'choice') return 'review.mode is not recall/choice';
  if (r['question'] !== undefined && !Number.isInteger(r['question'])) return 'review.question is not a whole number';
  return undefined;
}

/** Parses the file's text; throws SyntaxError for broken JSON and ProgressFormatError for a wrong shape. */
export function parseProgress(text: string): Progress {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ProgressFormatError('the file does not hold a JSON object');
  }
  const version = (data as Record<string, unknown>)['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > progressVersion) {
    throw new ProgressFormatError(`the file has format version ${version}; this version reads ${progressVersion}`, version);
  }
  if (version !== progressVersion) throw new ProgressFormatError(`unknown format version ${JSON.stringify(version)}`);
  const scenarios = (data as Record<string, unknown>)['scenarios'];
  if (typeof scenarios !== 'object' || scenarios === null || Array.isArray(scenarios)) {
    throw new ProgressFormatError('"scenarios" is not an object');
  }
  for (const [id, entry] of Object.entries(scenarios)) {
    if (!/^\d+$/.test(id)) throw new ProgressFormatError(`scenario key "${id}" is not an id`);
    const e = entry as Partial<ScenarioProgress> | null;
    const problem = cardProblem(e?.card)
      ?? (Array.isArray(e?.reviews) ? e.reviews.map(reviewProblem).find(Boolean) : 'reviews is not a list');
    if (problem) throw new ProgressFormatError(`scenario ${id}: ${problem}`);
  }
  const practice = (data as Record<string, unknown>)['practice'];
  if (practice !== undefined) {
    if (typeof practice !== 'object' || practice === null || Array.isArray(practice)) throw new ProgressFormatError('"practice" is not an object');
    for (const [id, entry] of Object.entries(practice)) {
      const problem = practiceProblem(entry);
      if (!/^\d+$/.test(id)) throw new ProgressFormatError(`practice key "${id}" is not an id`);
      if (problem) throw new ProgressFormatError(`practice ${id}: ${problem}`);
    }
  }
  return data as Progress;
}

function practiceProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  const e = entry as Record<string, unknown>;
  if (!isCount(e['attempts'])) return 'attempts is not a count';
  for (const field of ['solvedAt', 'lastAttemptAt', 'solutionViewedAt']) {
    if (e[field] !== null && !isIsoDate(e[field])) return `${field} is not a date`;
  }
  const hints = e['hints'];
  if (typeof hints !== 'object' || hints === null || Object.values(hints).some((count) => !isCount(count))) return 'hints is not a map of counts';
  if (!Array.isArray(e['lastFailed']) || !e['lastFailed'].every((id) => typeof id === 'string')) return 'lastFailed is not a list of ids';
  return undefined;
}

export function serializeProgress(progress: Progress): string {
  return `${JSON.stringify(progress, null, 2)}\n`;
}
