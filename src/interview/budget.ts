// The clock of a mock interview: --minutes shared evenly among the scenarios, and within one
// scenario between the opening answer and its follow-ups. Running over is noted in the report,
// never enforced by cutting the candidate off mid-sentence.

export interface ScenarioBudget {
  /** Seconds for the opening answer. */
  openingSeconds: number;
  /** Seconds for each follow-up. */
  followUpSeconds: number;
  /** How many follow-ups fit: three with five minutes or more per scenario, else two. */
  followUps: number;
}

/** The opening answer gets 40 % of a scenario's time: it is the longest answer of the ladder. */
const openingShare = 0.4;

export function scenarioBudget(minutes: number, scenarios: number): ScenarioBudget {
  const perScenario = (minutes * 60) / Math.max(1, scenarios);
  const followUps = perScenario >= 300 ? 3 : 2;
  const openingSeconds = Math.max(30, Math.round(perScenario * openingShare));
  const followUpSeconds = Math.max(20, Math.round((perScenario - openingSeconds) / followUps));
  return { openingSeconds, followUpSeconds, followUps };
}

/** "4:05" for a countdown; "-0:12" once over. */
export function formatClock(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const whole = Math.abs(Math.trunc(seconds));
  return `${sign}${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
