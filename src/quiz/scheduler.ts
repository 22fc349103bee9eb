// Spaced repetition with FSRS through ts-fsrs (the scheduler Anki ships), not a home-made formula.
// Default parameters with fuzz off (ts-fsrs's default): the same grades at the same times always
// give the same due dates, which keeps the schedule explainable and testable with a fixed clock.
import { createEmptyCard, fsrs, Rating, State } from 'ts-fsrs';
import type { Card, Grade } from 'ts-fsrs';
import type { GradeName, QuizMode } from './grades.js';
import { cardStateNames } from './progress.js';
import type { ScenarioProgress, StoredCard } from './progress.js';

const scheduler = fsrs();

export const ratingOfGrade: Record<GradeName, Grade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};

const stateByName: Record<StoredCard['state'], State> = {
  New: State.New,
  Learning: State.Learning,
  Review: State.Review,
  Relearning: State.Relearning,
};

export function storeCard(card: Card): StoredCard {
  return {
    due: card.due.toISOString(),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: cardStateNames[card.state],
    lastReview: card.last_review ? card.last_review.toISOString() : null,
  };
}

export function loadCard(stored: StoredCard): Card {
  const card: Card = {
    due: new Date(stored.due),
    stability: stored.stability,
    difficulty: stored.difficulty,
    elapsed_days: stored.elapsedDays,
    scheduled_days: stored.scheduledDays,
    learning_steps: stored.learningSteps,
    reps: stored.reps,
    lapses: stored.lapses,
    state: stateByName[stored.state],
  };
  if (stored.lastReview) card.last_review = new Date(stored.lastReview);
  return card;
}

function currentCard(entry: ScenarioProgress | undefined, now: Date): Card {
  return entry ? loadCard(entry.card) : createEmptyCard(now);
}

export interface GradeDetails {
  mode: QuizMode;
  /** Choice mode: the index of the question asked. */
  question?: number;
}

/** The scenario's progress after one more review graded `grade` at `now`. */
export function applyGrade(entry: ScenarioProgress | undefined, grade: GradeName, now: Date, details: GradeDetails): ScenarioProgress {
  const { card } = scheduler.next(currentCard(entry, now), now, ratingOfGrade[grade]);
  const review = { at: now.toISOString(), grade, mode: details.mode, ...(details.question !== undefined ? { question: details.question } : {}) };
  return { card: storeCard(card), reviews: [...(entry?.reviews ?? []), review] };
}

/** When the next review would fall for each grade, to show beside the grade prompt. */
export function previewDueDates(entry: ScenarioProgress | undefined, now: Date): Record<GradeName, Date> {
  const preview = scheduler.repeat(currentCard(entry, now), now);
  return {
    again: preview[Rating.Again].card.due,
    hard: preview[Rating.Hard].card.due,
    good: preview[Rating.Good].card.due,
    easy: preview[Rating.Easy].card.due,
  };
}

/** "in 10 min", "in 3 days": how far a due date is from now, for people. */
export function describeInterval(due: Date, now: Date): string {
  const minutes = Math.round((due.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'now';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `in ${hours} h`;
  const days = Math.round(hours / 24);
  if (days < 60) return `in ${days} day${days === 1 ? '' : 's'}`;
  const months = Math.round(days / 30);
  return months < 24 ? `in ${months} months` : `in ${Math.round(days / 365)} years`;
}
