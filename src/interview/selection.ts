// Which scenarios an interview asks: what is due first (as `quiz` orders it), then scenarios never
// seen, then, when that is not enough, the weakest of the rest (most lapses, least stable memory),
// so a session is always full even when nothing is due.
import type { ScenarioDefinition } from '../scenario/contract.js';
import type { Progress } from '../quiz/progress.js';
import { narrowScenarios, selectSession } from '../quiz/selection.js';

export interface InterviewFilter {
  count: number;
  tags?: string[];
  ids?: number[];
}

export function pickInterviewScenarios(scenarios: ScenarioDefinition[], progress: Progress, filter: InterviewFilter, now: Date): ScenarioDefinition[] {
  // Scenarios named with --id are asked in the order given: the user chose them.
  if (filter.ids && filter.ids.length > 0) {
    const named = narrowScenarios(scenarios, filter);
    return filter.ids.flatMap((id) => named.filter((s) => s.id === id)).slice(0, filter.count);
  }
  const first = selectSession(scenarios, progress, filter, now).map((item) => item.scenario);
  if (first.length >= filter.count) return first;
  const chosen = new Set(first.map((s) => s.id));
  const card = (s: ScenarioDefinition) => progress.scenarios[String(s.id)]?.card;
  const weakest = narrowScenarios(scenarios, filter)
    .filter((s) => !chosen.has(s.id))
    .sort((a, b) => (card(b)?.lapses ?? 0) - (card(a)?.lapses ?? 0)
      || (card(a)?.stability ?? 0) - (card(b)?.stability ?? 0)
      || a.id - b.id);
  return [...first, ...weakest].slice(0, filter.count);
}
