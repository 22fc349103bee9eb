// The four self-grades a learner gives, named as the user types them ("good"), mapped onto the
// ratings ts-fsrs schedules with. Kept apart so the store and the CLI need no scheduler import.
export const gradeNames = ['again', 'hard', 'good', 'easy'] as const;
export type GradeName = (typeof gradeNames)[number];

export function isGradeName(value: unknown): value is GradeName {
  return typeof value === 'string' && (gradeNames as readonly string[]).includes(value);
}

export const gradeLabels: Record<GradeName, string> = {
  again: 'Again — I could not answer it',
  hard: 'Hard — I got there, with gaps',
  good: 'Good — I answered it',
  easy: 'Easy — effortless',
};

/**
 * How a review was answered: typed recall graded by the user, multiple choice graded by us, or a
 * mock interview (opening answer plus follow-ups) graded by the user. All feed one FSRS schedule.
 */
export const quizModes = ['recall', 'choice', 'interview'] as const;
export type QuizMode = (typeof quizModes)[number];
