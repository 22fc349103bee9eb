// A one-line spinner for a running demo step. Only on an interactive terminal; lines printed
// while it spins go through `print`, which clears the spinner line first and redraws it after.

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const frameMs = 80;

export function isDumbTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['TERM'] === 'dumb';
}

export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private text = '';

  private readonly enabled: boolean;

  constructor(private readonly out: NodeJS.WritableStream, enabled: boolean, env: NodeJS.ProcessEnv = process.env) {
    // A dumb terminal (emacs shell, some CI consoles) prints \r and erase-line codes as garbage.
    this.enabled = enabled && !isDumbTerminal(env);
  }

  start(text: string): void {
    this.text = text;
    if (!this.enabled) return;
    this.stopTimer();
    this.draw();
    this.timer = setInterval(() => this.draw(), frameMs);
    // A spinner must never keep the process alive.
    this.timer.unref();
  }

  /** Prints a full line without tearing the spinner. */
  print(line: string): void {
    if (this.timer) this.clear();
    this.out.write(`${line}\n`);
    if (this.timer) this.draw();
  }

  stop(): void {
    if (!this.timer) return;
    this.stopTimer();
    this.clear();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private draw(): void {
    this.frame = (this.frame + 1) % frames.length;
    this.out.write(`\r\x1b[2K${frames[this.frame]} ${this.text}`);
  }

  private clear(): void {
    this.out.write('\r\x1b[2K');
  }
}
