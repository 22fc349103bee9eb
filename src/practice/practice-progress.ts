// Practice state in the shared progress file (src/quiz/progress-store.ts): attempts, solved,
// hints revealed per check, solution viewed. Every change goes through the store's locked update,
// like a quiz grade, so a `verify --watch` and a `quiz` in another terminal never lose each other's work.
import type { PracticeProgress, Progress } from '../quiz/progress.js';
import type { ProgressStore } from '../quiz/progress-store.js';

export type PracticeState = 'not started' | 'attempted' | 'solved';

export function emptyPracticeProgress(): PracticeProgress {
  return { attempts: 0, solvedAt: null, lastAttemptAt: null, hints: {}, lastFailed: [], solutionViewedAt: null };
}

export function practiceOf(progress: Progress, id: number): PracticeProgress {
  return progress.practice?.[String(id)] ?? emptyPracticeProgress();
}

export function practiceState(entry: PracticeProgress | undefined): PracticeState {
  if (!entry) return 'not started';
  if (entry.solvedAt) return 'solved';
  return entry.attempts > 0 || entry.solutionViewedAt !== null || Object.keys(entry.hints).length > 0 ? 'attempted' : 'not started';
}

export function hintCount(entry: PracticeProgress): number {
  return Object.values(entry.hints).reduce((sum, count) => sum + count, 0);
}

async function change(store: ProgressStore, id: number, edit: (entry: PracticeProgress) => PracticeProgress): Promise<PracticeProgress> {
  const saved = await store.update((progress) => ({
    ...progress,
    practice: { ...progress.practice, [String(id)]: edit(practiceOf(progress, id)) },
  }));
  return practiceOf(saved, id);
}

export function recordAttempt(store: ProgressStore, id: number, passed: boolean, failed: string[], now = new Date()): Promise<PracticeProgress> {
  return change(store, id, (entry) => ({
    ...entry,
    attempts: entry.attempts + 1,
    lastAttemptAt: now.toISOString(),
    solvedAt: entry.solvedAt ?? (passed ? now.toISOString() : null),
    lastFailed: failed,
  }));
}

export function recordHint(store: ProgressStore, id: number, checkId: string): Promise<PracticeProgress> {
  return change(store, id, (entry) => ({ ...entry, hints: { ...entry.hints, [checkId]: (entry.hints[checkId] ?? 0) + 1 } }));
}

export function recordSolutionViewed(store: ProgressStore, id: number, now = new Date()): Promise<PracticeProgress> {
  return change(store, id, (entry) => ({ ...entry, solutionViewedAt: entry.solutionViewedAt ?? now.toISOString() }));
}
