// What `stats` reports, computed from the progress file and the installed scenarios: per-scenario
// state and schedule, totals, and a streak of consecutive days with at least one review.
import type { GradeName } from './grades.js';
import type { Progress } from './progress.js';

export type ScenarioStateName = 'new' | 'learning' | 'review' | 'relearning';

export interface ScenarioStats {
  id: number;
  title: string;
  state: ScenarioStateName;
  /** Next review (ISO); null for a scenario never quizzed. */
  due: string | null;
  /** Due now or overdue (a never-quizzed scenario is not "due": it is new). */
  dueNow: boolean;
  lastGrade: GradeName | null;
  lastReview: string | null;
  reviews: number;
  lapses: number;
}

export interface ProgressSummary {
  scenarios: ScenarioStats[];
  totals: { scenarios: number; new: number; learning: number; review: number; relearning: number; dueNow: number; reviews: number };
  streak: { current: number; longest: number; reviewedToday: boolean };
}

/** Calendar day in the user's local time zone: a streak is about the days a person lives. */
export function localDayKey(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

function previousDay(date: Date): Date {
  const copy = new Date(date);
  copy.setDate(copy.getDate() - 1);
  return copy;
}

export function computeStreak(reviewTimes: Date[], now: Date): ProgressSummary['streak'] {
  const days = new Set(reviewTimes.map(localDayKey));
  const reviewedToday = days.has(localDayKey(now));
  // A streak survives until the end of today: yesterday's review still counts if today's is pending.
  let cursor = reviewedToday ? now : previousDay(now);
  let current = 0;
  while (days.has(localDayKey(cursor))) {
    current += 1;
    cursor = previousDay(cursor);
  }
  let longest = 0;
  for (const key of days) {
    const [y, m, d] = key.split('-').map(Number) as [number, number, number];
    if (days.has(localDayKey(previousDay(new Date(y, m - 1, d, 12))))) continue;
    let run = 0;
    const day = new Date(y, m - 1, d, 12);
    while (days.has(localDayKey(day))) {
      run += 1;
      day.setDate(day.getDate() + 1);
    }
    longest = Math.max(longest, run);
  }
  return { current, longest, reviewedToday };
}

export function summarizeProgress(scenarios: { id: number; title: string }[], progress: Progress, now: Date): ProgressSummary {
  const rows = scenarios.map((scenario): ScenarioStats => {
    const entry = progress.scenarios[String(scenario.id)];
    if (!entry) {
      return { id: scenario.id, title: scenario.title, state: 'new', due: null, dueNow: false, lastGrade: null, lastReview: null, reviews: 0, lapses: 0 };
    }
    const last = entry.reviews.at(-1);
    return {
      id: scenario.id,
      title: scenario.title,
      state: entry.card.state.toLowerCase() as ScenarioStateName,
      due: entry.card.due,
      dueNow: Date.parse(entry.card.due) <= now.getTime(),
      lastGrade: last?.grade ?? null,
      lastReview: last?.at ?? null,
      reviews: entry.reviews.length,
      lapses: entry.card.lapses,
    };
  });
  const count = (state: ScenarioStateName): number => rows.filter((row) => row.state === state).length;
  const allReviewTimes = Object.values(progress.scenarios).flatMap((entry) => entry.reviews.map((review) => new Date(review.at)));
  return {
    scenarios: rows,
    totals: {
      scenarios: rows.length,
      new: count('new'),
      learning: count('learning'),
      review: count('review'),
      relearning: count('relearning'),
      dueNow: rows.filter((row) => row.dueNow).length,
      reviews: rows.reduce((sum, row) => sum + row.reviews, 0),
    },
    streak: computeStreak(allReviewTimes, now),
  };
}
