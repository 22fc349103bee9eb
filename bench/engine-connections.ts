// 1,000 concurrent connections on loopback, each running a bounded loop of indexed lookups
// (OP_MSG find on an indexed integer `k`, written and read on raw sockets so the figure is the engine's, not the
// driver pool's): throughput over all of them and per-request latency percentiles. Every reply is
// checked, so a wrong or failed answer is counted, never hidden in a mean.
import { connect, type Socket } from 'node:net';
import { deserialize } from 'bson';
import { opMsg } from './wire-fuzz.js';

export interface ConnectionsFigures {
  connections: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wrongAnswers: number;
}

/** One connection: sends a message and resolves with the body of its one reply. */
class LoadConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((body: Record<string, unknown>) => void) | undefined;
  private failed: Error | undefined;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.failed = error;
    });
  }

  static open(port: number): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new LoadConnection(socket)));
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length < 4 || this.buffered.length < this.buffered.readInt32LE(0)) return;
    const body = deserialize(this.buffered.subarray(21, this.buffered.readInt32LE(0)));
    this.buffered = Buffer.alloc(0);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(body);
  }

  roundTrip(message: Buffer): Promise<Record<string, unknown>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(message);
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Runs the load against collection `bench.docs`, whose documents carry an indexed integer `k` in 0..docs-1.
 * Connections are opened in groups of 100 (the listen backlog is finite), then all run at once.
 */
export async function measureConcurrentConnections(port: number, docs: number, connections = 1_000, requestsEach = 20): Promise<ConnectionsFigures> {
  const pool: LoadConnection[] = [];
  try {
    for (let i = 0; i < connections; i += 100) {
      pool.push(...(await Promise.all(Array.from({ length: Math.min(100, connections - i) }, () => LoadConnection.open(port)))));
    }
    // One ping each before the clock starts: a client sees its connection open before the server
    // has accepted it, and the first request on a connection still in the accept queue would
    // measure the queue, not the engine.
    await Promise.all(pool.map((connection) => connection.roundTrip(opMsg({ ping: 1, $db: 'admin' }))));
    const latencies: number[] = [];
    let wrongAnswers = 0;
    const started = performance.now();
    await Promise.all(pool.map(async (connection, c) => {
      for (let r = 0; r < requestsEach; r += 1) {
        const id = (c * 7919 + r * 104729) % docs;
        const sent = performance.now();
        const reply = await connection.roundTrip(opMsg({ find: 'docs', filter: { k: id }, limit: 1, singleBatch: true, $db: 'bench' }, c * requestsEach + r + 1));
        latencies.push(performance.now() - sent);
        const batch = (reply.cursor as { firstBatch?: Array<{ k?: unknown }> } | undefined)?.firstBatch;
        if (reply.ok !== 1 || batch?.length !== 1 || batch[0]?.k !== id) wrongAnswers += 1;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      connections,
      requests: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? 0,
      wrongAnswers,
    };
  } finally {
    for (const connection of pool) connection.socket.destroy();
  }
}
