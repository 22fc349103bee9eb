// What `verify` concludes about one code file, as a value: the same whether it came back from the
// worker, from a worker that had to be stopped, or from a file that never loaded. `--json` prints
// it; the human output renders it.
import type { JsonValue } from '../runtime/report.js';

export interface VerifyCheck {
  id: string;
  claim: string;
  level: 'core' | 'senior';
  passed: boolean;
  observed: JsonValue;
  detail?: string;
}

/** Why no verdict could be reached: the learner's code broke (threw, hung, exited), not a check. */
export interface VerifyBreak {
  kind: 'does-not-load' | 'threw' | 'shape' | 'hung' | 'blocked' | 'exited' | 'out-of-memory' | 'demo';
  /** One line, naming the learner's file (and line, when the error carried one). */
  message: string;
}

export interface VerifyResult {
  id: number;
  /** The file that was judged, as given (relative to the current directory when possible). */
  file: string;
  /** Every core check held and nothing broke. */
  passed: boolean;
  checks: VerifyCheck[];
  error?: VerifyBreak;
  /** Requests that got no answer within the bound, e.g. "POST /register". */
  hanging: string[];
  /** What the learner's code printed (trimmed), shown when the verdict is a failure. */
  output: string[];
  durationMs: number;
}

/** The JSON `verify --json` prints: the `run --json` family (id, passed, checks with claim and passed). */
export function verifyJson(result: VerifyResult): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = {
    id: result.id,
    file: result.file,
    passed: result.passed,
    checks: result.checks.map((check) => ({ id: check.id, claim: check.claim, level: check.level, passed: check.passed, observed: check.observed, ...(check.detail ? { detail: check.detail } : {}) })),
    durationMs: result.durationMs,
  };
  if (result.error) json['error'] = { kind: result.error.kind, message: result.error.message };
  if (result.hanging.length > 0) json['hanging'] = result.hanging;
  return json;
}
