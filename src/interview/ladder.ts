// Which follow-ups the mock interviewer asks, and in what order. Deterministic given the opening
// answer, so a scripted session and a test always meet the same questions: first the rungs that
// probe a key point the answer left out (in the order of the scenario's key points), then the
// deeper rungs in the order the author wrote them, and only then probes of points already covered.
import type { FollowUp } from '../scenario/contract.js';
import type { KeyPointCoverage } from '../quiz/coverage.js';

export interface ChosenFollowUp {
  followUp: FollowUp;
  /** Its index in the scenario's ladder. */
  index: number;
  /** Why it was asked: it probes a point the answer missed, or it goes deeper. */
  reason: 'missed-point' | 'deeper' | 'covered-point';
  /** The opening key point it probes, when it probes one. */
  probedPoint?: string;
}

export function chooseFollowUps(ladder: readonly FollowUp[], opening: readonly KeyPointCoverage[], count: number): ChosenFollowUp[] {
  const rungs = ladder.map((followUp, index) => ({ followUp, index }));
  const probing = rungs.filter(({ followUp }) => followUp.probes !== undefined && opening[followUp.probes] !== undefined);
  const missed = probing
    .filter(({ followUp }) => !opening[followUp.probes!]!.covered)
    .sort((a, b) => a.followUp.probes! - b.followUp.probes! || a.index - b.index)
    .map((rung): ChosenFollowUp => ({ ...rung, reason: 'missed-point', probedPoint: opening[rung.followUp.probes!]!.text }));
  const deeper = rungs
    .filter(({ followUp }) => followUp.probes === undefined || opening[followUp.probes] === undefined)
    .map((rung): ChosenFollowUp => ({ ...rung, reason: 'deeper' }));
  const covered = probing
    .filter(({ followUp }) => opening[followUp.probes!]!.covered)
    .map((rung): ChosenFollowUp => ({ ...rung, reason: 'covered-point', probedPoint: opening[rung.followUp.probes!]!.text }));
  return [...missed, ...deeper, ...covered].slice(0, Math.max(0, count));
}
