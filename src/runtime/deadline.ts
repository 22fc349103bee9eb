// A demo's time bound that can be paused: with `run --step` the presenter may talk for minutes
// between steps, and that time must not count against the demo.

export class Deadline {
  private remainingMs: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private expired = false;

  constructor(private readonly limitMs: number, private readonly onExpire: () => void) {
    this.remainingMs = limitMs;
  }

  get limit(): number {
    return this.limitMs;
  }

  start(): void {
    if (this.expired || this.timer) return;
    this.startedAt = performance.now();
    this.timer = setTimeout(() => {
      this.expired = true;
      this.timer = undefined;
      this.onExpire();
    }, this.remainingMs);
  }

  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remainingMs = Math.max(0, this.remainingMs - (performance.now() - this.startedAt));
  }

  stop(): void {
    this.pause();
    this.expired = true;
  }
}
