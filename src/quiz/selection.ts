// Which scenarios a session asks, in order: reviews that are due (most overdue first, the ones
// FSRS says are closest to being forgotten), then scenarios never seen (by id). Scenarios named
// with --id are asked even when not yet due: the user chose to practise them ahead of schedule.
import type { ScenarioDefinition } from '../scenario/contract.js';
import { UserError } from '../cli/errors.js';
import type { Progress } from './progress.js';

export interface SessionFilter {
  count: number;
  tags?: string[];
  ids?: number[];
}

export interface SessionItem {
  scenario: ScenarioDefinition;
  /** 'again': graded Again earlier in this session and asked once more (a learning step, as in Anki). */
  kind: 'due' | 'new' | 'ahead' | 'again';
}

/** Parses "24,28" (spaces allowed) into ids; throws a UserError naming what is not an id. */
export function parseIdList(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  const bad = parts.filter((part) => !/^\d+$/.test(part));
  if (parts.length === 0 || bad.length > 0) {
    throw new UserError(`--id expects scenario ids separated by commas, e.g. --id 24,28${bad.length > 0 ? ` (not an id: ${bad.join(', ')})` : ''}.`, {
      hint: '`backend-scenarios list` shows every scenario with its id.',
    });
  }
  return [...new Set(parts.map(Number))];
}

/**
 * The scenarios --id and --tag leave, in the order given. An unknown id or a tag no scenario has
 * is a usage error (with the ids or tags that exist), for a quiz session and --answers alike.
 */
export function narrowScenarios(scenarios: ScenarioDefinition[], filter: Pick<SessionFilter, 'ids' | 'tags'>): ScenarioDefinition[] {
  let pool = scenarios;
  if (filter.ids && filter.ids.length > 0) {
    const known = new Set(scenarios.map((s) => s.id));
    const unknown = filter.ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new UserError(`There is no scenario ${unknown.join(', ')}.`, {
        hint: `Scenarios available: ${scenarios.map((s) => s.id).join(', ') || 'none'}; \`backend-scenarios list\` shows them all.`,
      });
    }
    const wanted = new Set(filter.ids);
    pool = pool.filter((s) => wanted.has(s.id));
  }
  if (filter.tags && filter.tags.length > 0) {
    const wanted = filter.tags.map((tag) => tag.toLowerCase());
    pool = pool.filter((s) => s.tags.some((tag) => wanted.includes(tag.toLowerCase())));
    if (pool.length === 0) {
      const allTags = [...new Set(scenarios.flatMap((s) => s.tags))].sort();
      throw new UserError(`No scenario${filter.ids?.length ? ' among those ids' : ''} has the tag ${filter.tags.join(' or ')}.`, {
        hint: `Tags in use: ${allTags.join(', ') || 'none'}.`,
      });
    }
  }
  return pool;
}

export function selectSession(scenarios: ScenarioDefinition[], progress: Progress, filter: SessionFilter, now: Date): SessionItem[] {
  const pool = narrowScenarios(scenarios, filter);
  const dueTime = (s: ScenarioDefinition): number | undefined => {
    const entry = progress.scenarios[String(s.id)];
    return entry ? Date.parse(entry.card.due) : undefined;
  };
  const due = pool
    .filter((s) => { const t = dueTime(s); return t !== undefined && t <= now.getTime(); })
    .sort((a, b) => dueTime(a)! - dueTime(b)! || a.id - b.id)
    .map((scenario): SessionItem => ({ scenario, kind: 'due' }));
  const fresh = pool
    .filter((s) => dueTime(s) === undefined)
    .sort((a, b) => a.id - b.id)
    .map((scenario): SessionItem => ({ scenario, kind: 'new' }));
  const ahead = filter.ids && filter.ids.length > 0
    ? pool
      .filter((s) => { const t = dueTime(s); return t !== undefined && t > now.getTime(); })
      .sort((a, b) => dueTime(a)! - dueTime(b)! || a.id - b.id)
      .map((scenario): SessionItem => ({ scenario, kind: 'ahead' }))
    : [];
  const chosen = [...due, ...fresh, ...ahead].slice(0, filter.count);
  // `--id 35,27` asks 35 first: the order typed is the order wanted.
  if (filter.ids && filter.ids.length > 0) {
    const position = new Map(filter.ids.map((id, index) => [id, index]));
    chosen.sort((a, b) => position.get(a.scenario.id)! - position.get(b.scenario.id)!);
  }
  return chosen;
}

/** What a session is about to ask, as Anki's deck screen counts it: due reviews, cards still learning, new. */
export function sessionCounts(items: SessionItem[], progress: Progress): { due: number; learning: number; new: number } {
  const counts = { due: 0, learning: 0, new: 0 };
  for (const item of items) {
    const state = progress.scenarios[String(item.scenario.id)]?.card.state;
    if (item.kind === 'new') counts.new += 1;
    else if (state === 'Learning' || state === 'Relearning') counts.learning += 1;
    else counts.due += 1;
  }
  return counts;
}

/** The earliest upcoming review among the pool, for "nothing is due until ..." messages. */
export function nextDue(scenarios: ScenarioDefinition[], progress: Progress): { scenario: ScenarioDefinition; due: Date } | undefined {
  let best: { scenario: ScenarioDefinition; due: Date } | undefined;
  for (const scenario of scenarios) {
    const entry = progress.scenarios[String(scenario.id)];
    if (!entry) continue;
    const due = new Date(entry.card.due);
    if (!best || due < best.due) best = { scenario, due };
  }
  return best;
}
