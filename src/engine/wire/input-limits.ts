// What a client can make the server hold before it is cut off. mongod bounds a message at
// 48,000,000 bytes; the embedded engine also bounds how long a half-sent message may sit and how
// much half-sent input all connections together may pin, so neither a client that announces a
// 48 MB message and trickles bytes nor fifty of them can exhaust the process hosting it.
import type { InputLimits } from '../api.js';

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  // A 48 MB message crosses loopback in well under a second; 30 s leaves room for a slow tunnel.
  incompleteMessageTimeoutMs: 30_000,
  // Five maximum-size messages in flight at once, far beyond what a test suite sends.
  maxBufferedInputBytes: 256 * 1024 * 1024,
};

export function inputLimitsFrom(options: Partial<InputLimits> | undefined): InputLimits {
  const limits = { ...DEFAULT_INPUT_LIMITS };
  for (const key of Object.keys(limits) as Array<keyof InputLimits>) {
    const value = options?.[key];
    if (value !== undefined) {
      if (!Number.isFinite(value) || value <= 0) throw new Error(`inputLimits.${key} must be a positive number, not ${String(value)}`);
      limits[key] = value;
    }
  }
  return limits;
}

/** Bytes buffered by every connection of one server, against the global cap. */
export class InputBudget {
  private usedBytes = 0;

  constructor(readonly capBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Reserves `bytes`; false (and nothing reserved) when that would pass the cap. */
  take(bytes: number): boolean {
    if (this.usedBytes + bytes > this.capBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
  }
}
