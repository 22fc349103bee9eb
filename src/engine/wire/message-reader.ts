// Cuts one socket's byte stream into whole wire messages, within bounds a client cannot push
// past: a message length outside [21, 48,000,000] closes the connection (as mongod does); a
// message that has not arrived whole within `incompleteMessageTimeoutMs` of its first byte closes
// it; bytes buffered across all connections stay under the shared budget; and a socket whose
// replies are not being read stops being read in turn (write backpressure), so a client that
// pipelines requests and never reads the answers cannot make the server queue them without end.
import type { Socket } from 'node:net';
import type { InputLimits } from '../api.js';
import type { InputBudget } from './input-limits.js';
import { MAX_MESSAGE_SIZE } from './messages.js';

const HEADER_SIZE = 16;
/** The smallest message anyone sends: a header and an OP_MSG flag word with one empty section. */
const MIN_MESSAGE_SIZE = HEADER_SIZE + 5;

/** Handles one whole message; returns false when the connection must be closed. */
export type MessageHandler = (message: Buffer) => boolean;

export class MessageReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private incompleteTimer: NodeJS.Timeout | undefined;
  /** Set while the socket's replies wait for the client to read them. */
  private congested = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly budget: InputBudget,
    private readonly limits: InputLimits,
    private readonly onMessage: MessageHandler,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.drained());
    socket.on('close', () => this.release());
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    if (!this.budget.take(chunk.length)) {
      // Over the global cap: this connection's half-sent input is what would push past it.
      this.abort();
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.pump();
  }

  /** Hands every whole buffered message to the handler until input runs out or replies back up. */
  private pump(): void {
    while (!this.closed && !this.congested && this.pendingBytes >= 4) {
      if ((this.pending[0] as Buffer).length < 4) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
      const length = (this.pending[0] as Buffer).readInt32LE(0);
      if (length < MIN_MESSAGE_SIZE || length > MAX_MESSAGE_SIZE) {
        this.abort();
        return;
      }
      // Concatenate only once the whole message is here: a 2 MB insert arrives in dozens of chunks.
      if (this.pendingBytes < length) break;
      let buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
      const message = buf.subarray(0, length);
      buf = buf.subarray(length);
      this.pending = buf.length > 0 ? [buf] : [];
      this.pendingBytes = buf.length;
      this.budget.release(length);
      this.stopIncompleteTimer();
      if (!this.onMessage(message)) {
        this.abort();
        return;
      }
      if (this.socket.writableNeedDrain) this.congest();
    }
    if (!this.congested && this.pendingBytes > 0) this.startIncompleteTimer();
  }

  /** Stop reading until the client has taken the replies already written. */
  private congest(): void {
    this.congested = true;
    this.stopIncompleteTimer();
    this.socket.pause();
  }

  private drained(): void {
    if (!this.congested || this.closed) return;
    this.congested = false;
    this.socket.resume();
    this.pump();
  }

  private startIncompleteTimer(): void {
    if (this.incompleteTimer) return;
    const timer = setTimeout(() => {
      // Timers run before pending socket reads in an event-loop turn: after a long synchronous
      // command the rest of the message may already be waiting. Decide after those reads.
      setImmediate(() => {
        if (this.incompleteTimer === timer) this.abort();
      });
    }, this.limits.incompleteMessageTimeoutMs);
    this.incompleteTimer = timer;
    // The timer alone must not keep a process alive that has closed everything else.
    timer.unref();
  }

  private stopIncompleteTimer(): void {
    if (this.incompleteTimer) clearTimeout(this.incompleteTimer);
    this.incompleteTimer = undefined;
  }

  private abort(): void {
    this.release();
    this.socket.destroy();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopIncompleteTimer();
    this.budget.release(this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
