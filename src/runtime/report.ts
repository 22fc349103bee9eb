// The record of one demo run: what `run --json` prints and what tests assert on.
// Every value here was observed during the run; nothing is filled in from expectations.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a check proves: the bug reproduced, the fix holding, or neither (context). */
export type CheckRole = 'reproduces-failure' | 'proves-fix' | 'context';

export interface CheckResult {
  /** The check's id in an exercise's attack.ts (folder scenarios); absent for single-file demos. */
  id?: string;
  claim: string;
  passed: boolean;
  /** From the step's `shows` (see StepOptions); absent only in reports made before roles existed. */
  role?: CheckRole;
  /** 'senior' when the step goes beyond the textbook answer. */
  level?: 'core' | 'senior';
  /** What was actually seen, shown when the check fails (and available in JSON always). */
  detail?: string;
  /** The figure the check compared (folder scenarios), e.g. [201, 409, 409, 409, 409]. */
  observed?: JsonValue;
}

export interface StepReport {
  title: string;
  /** From StepOptions; inferred from the title's first word when a scenario does not say. */
  shows?: 'failure' | 'fix' | 'context';
  senior?: boolean;
  observations: Record<string, JsonValue>;
  checks: CheckResult[];
  durationMs: number;
}

export interface EngineInfo {
  /** 'embedded' | 'memory-server' | 'uri' */
  name: string;
  version: string;
}

export interface ScenarioReport {
  id: number;
  title: string;
  engine: EngineInfo;
  passed: boolean;
  /** The demo's own time: with `run --step`, the waits for the presenter are left out. */
  durationMs: number;
  steps: StepReport[];
  /** Set when the demo itself failed (threw, timed out, was interrupted), not just a check. */
  error?: string;
}
