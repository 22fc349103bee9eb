// A seeded wire-protocol fuzzer for the embedded engine, shared by the bounded test in the suite
// (test/engine/fuzz.test.ts) and the long run (`npm run fuzz`, bench/fuzz.ts). Every case is a
// byte string a hostile or broken client could send: random bytes behind a plausible header,
// valid messages with bytes flipped, cut short, stretched or relabelled, length prefixes up to
// and past 48 MB, invalid BSON, nesting far past 200 levels, legacy opcodes. Each case is followed
// on the same socket by a ping; the case passes when the server either answers that ping or
// closes the connection within the bound. Anything else is a hang.
import { connect, type Socket } from 'node:net';
import { serialize, type Document } from 'bson';
import { seededRandom } from '../test/support/seeded-random.js';

const OP_QUERY = 2004;
const OP_MSG = 2013;
const PING_REQUEST_ID = 0x7ffffff0;

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function opMsg(body: Document, requestId = 1, flags = 0): Buffer {
  const bytes = serialize(body);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32LE(flags, 0);
  return Buffer.concat([header(16 + 5 + bytes.length, requestId, OP_MSG), prefix, bytes]);
}

export function opQuery(collection: string, query: Document, requestId = 1): Buffer {
  const name = Buffer.from(`${collection}\0`);
  const skipAndLimit = Buffer.alloc(8);
  skipAndLimit.writeInt32LE(-1, 4);
  const bytes = serialize(query);
  return Buffer.concat([header(16 + 4 + name.length + 8 + bytes.length, requestId, OP_QUERY), Buffer.alloc(4), name, skipAndLimit, bytes]);
}

export const PING = opMsg({ ping: 1, $db: 'admin' }, PING_REQUEST_ID);

/** A raw BSON document nested `depth` levels ({a: {a: ...}}), written in one pass without recursion. */
export function deeplyNested(depth: number): Buffer {
  // Each level but the innermost adds a size (4), a type (1), the name "a\0" (2) and a terminator (1).
  const total = 5 + 8 * (depth - 1);
  const out = Buffer.alloc(total);
  for (let level = 0; level < depth - 1; level += 1) {
    const at = level * 7;
    out.writeInt32LE(total - 8 * level, at);
    out.writeUInt8(3, at + 4);
    out.write('a\0', at + 5, 'latin1');
  }
  out.writeInt32LE(5, (depth - 1) * 7);
  // Terminators: the innermost document's, then one per enclosing level, all zero already.
  return out;
}

function validMessages(random: () => number): Buffer[] {
  const n = Math.floor(random() * 1000);
  return [
    opMsg({ ping: 1, $db: 'admin' }),
    opMsg({ hello: 1, $db: 'admin' }),
    opMsg({ insert: 'c', documents: [{ n, s: 'x'.repeat(n % 50) }], $db: 'fuzz' }),
    opMsg({ find: 'c', filter: { n: { $gte: n } }, limit: 3, $db: 'fuzz' }),
    opMsg({ update: 'c', updates: [{ q: { n }, u: { $inc: { k: 1 } }, upsert: true }], $db: 'fuzz' }),
    opMsg({ aggregate: 'c', pipeline: [{ $match: { n: { $lt: n } } }, { $group: { _id: null, c: { $sum: 1 } } }], cursor: {}, $db: 'fuzz' }),
    opMsg({ delete: 'c', deletes: [{ q: { n }, limit: 1 }], $db: 'fuzz' }),
    opMsg({ getMore: 12345, collection: 'c', $db: 'fuzz' }),
    opQuery('admin.$cmd', { isMaster: 1 }),
    opQuery('fuzz.$cmd', { find: 'c' }),
    opQuery('fuzz.c', { n: 1 }),
  ];
}

export type FuzzKind =
  | 'valid'
  | 'flipped bytes'
  | 'truncated then hang-up'
  | 'stretched length'
  | 'shrunk length'
  | 'huge length'
  | 'random body'
  | 'bad BSON type'
  | 'deep nesting'
  | 'legacy opcode'
  | 'unknown opcode';

export interface FuzzCase {
  kind: FuzzKind;
  bytes: Buffer;
  /** The client hangs up after sending: only a close can follow. */
  hangUp: boolean;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** The `index`-th case of a run; the same seed always yields the same cases. */
export function fuzzCase(random: () => number): FuzzCase {
  const base = pick(random, validMessages(random));
  const roll = random();
  if (roll < 0.15) return { kind: 'valid', bytes: base, hangUp: false };
  if (roll < 0.45) {
    const bytes = Buffer.from(base);
    const flips = 1 + Math.floor(random() * 8);
    // Flip bytes past the length prefix mostly: a wrong length is its own case below.
    for (let i = 0; i < flips; i += 1) bytes[4 + Math.floor(random() * (bytes.length - 4))] = Math.floor(random() * 256);
    return { kind: 'flipped bytes', bytes, hangUp: false };
  }
  if (roll < 0.55) return { kind: 'truncated then hang-up', bytes: base.subarray(0, Math.floor(random() * base.length)), hangUp: true };
  if (roll < 0.58) {
    // Announces more than it sends: only the incomplete-message timeout ends it.
    const bytes = Buffer.from(base);
    bytes.writeInt32LE(base.length + 1 + Math.floor(random() * 1000), 0);
    return { kind: 'stretched length', bytes, hangUp: false };
  }
  if (roll < 0.63) {
    const bytes = Buffer.from(base);
    bytes.writeInt32LE(Math.max(0, base.length - 1 - Math.floor(random() * 20)), 0);
    return { kind: 'shrunk length', bytes, hangUp: false };
  }
  if (roll < 0.68) {
    const bytes = Buffer.from(base);
    const lengths = [48_000_001, 0x7fffffff, -1, -0x80000000, 64 * 1024 * 1024];
    bytes.writeInt32LE(pick(random, lengths), 0);
    return { kind: 'huge length', bytes, hangUp: false };
  }
  if (roll < 0.8) {
    const size = 5 + Math.floor(random() * 300);
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i += 1) body[i] = Math.floor(random() * 256);
    if (random() < 0.5) body.writeInt32LE(size, 0);
    const prefix = Buffer.alloc(5);
    return { kind: 'random body', bytes: Buffer.concat([header(16 + 5 + size, 1, pick(random, [OP_MSG, OP_QUERY])), prefix, body]), hangUp: false };
  }
  if (roll < 0.88) {
    const bytes = Buffer.from(base);
    // The first element's type byte of the first document: 21 for OP_MSG (flags, kind).
    const typeOffset = bytes.readInt32LE(12) === OP_MSG ? 25 : -1;
    if (typeOffset > 0 && typeOffset < bytes.length) bytes[typeOffset] = pick(random, [0x00, 0x14, 0x20, 0x7e, 0x80, 0xfe]);
    return { kind: 'bad BSON type', bytes, hangUp: false };
  }
  if (roll < 0.92) {
    const nested = deeplyNested(pick(random, [199, 201, 250, 1_000, 50_000]));
    const prefix = Buffer.alloc(5);
    // A document sequence of one deeply nested document, after a valid insert body.
    const body = serialize({ insert: 'deep', $db: 'fuzz' });
    const seqId = Buffer.from('documents\0');
    const seqHeader = Buffer.alloc(5);
    seqHeader.writeUInt8(1, 0);
    seqHeader.writeInt32LE(4 + seqId.length + nested.length, 1);
    const total = 16 + 5 + body.length + seqHeader.length + seqId.length + nested.length;
    return { kind: 'deep nesting', bytes: Buffer.concat([header(total, 1, OP_MSG), prefix, body, seqHeader, seqId, nested]), hangUp: false };
  }
  if (roll < 0.97) {
    const bytes = Buffer.from(base);
    bytes.writeInt32LE(pick(random, [1, 2001, 2002, 2005, 2006, 2007, 2010, 2011, 2012]), 12);
    return { kind: 'legacy opcode', bytes, hangUp: false };
  }
  const bytes = Buffer.from(base);
  bytes.writeInt32LE(Math.floor(random() * 0x7fffffff), 12);
  return { kind: 'unknown opcode', bytes, hangUp: false };
}

export type CaseOutcome = 'answered' | 'closed' | 'hang';

/** A connection that sends cases and tells, for each, whether the server answered the ping after it. */
class FuzzConnection {
  private socket: Socket | undefined;
  private received = Buffer.alloc(0);
  private waiter: ((outcome: CaseOutcome) => void) | undefined;

  constructor(private readonly port: number) {}

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
        this.settle('closed');
      });
      socket.on('error', () => undefined);
    });
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= 16) {
      const length = this.received.readInt32LE(0);
      if (length < 16 || this.received.length < length) return;
      const responseTo = this.received.readInt32LE(8);
      this.received = this.received.subarray(length);
      if (responseTo === PING_REQUEST_ID) this.settle('answered');
    }
  }

  private settle(outcome: CaseOutcome): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(outcome);
  }

  async send(fuzz: FuzzCase, boundMs: number): Promise<CaseOutcome> {
    try {
      this.socket ??= await this.open();
    } catch {
      // Refused: the server is gone (the long run counts that as a death) or out of sockets.
      return 'closed';
    }
    const socket = this.socket;
    this.received = Buffer.alloc(0);
    const outcome = new Promise<CaseOutcome>((resolve) => {
      this.waiter = resolve;
    });
    const timer = setTimeout(() => this.settle('hang'), boundMs);
    // A case whose length field was stretched by exactly a ping's length swallows the ping whole;
    // the server may answer that message and then rightly wait. Ask again halfway through.
    const probeAgain = setTimeout(() => {
      if (!socket.destroyed && !fuzz.hangUp) socket.write(PING);
    }, boundMs / 2);
    if (fuzz.hangUp) socket.end(fuzz.bytes);
    else socket.write(Buffer.concat([fuzz.bytes, PING]));
    const result = await outcome;
    clearTimeout(timer);
    clearTimeout(probeAgain);
    // After a hang or an unanswered hang-up the connection's state is unknown: start afresh.
    if (result !== 'answered' || fuzz.hangUp) {
      socket.destroy();
      if (this.socket === socket) this.socket = undefined;
    }
    return result;
  }

  close(): void {
    this.socket?.destroy();
  }
}

export interface FuzzTotals {
  messages: number;
  answered: number;
  closed: number;
  hangs: number;
  byKind: Partial<Record<FuzzKind, number>>;
  hangKinds: Partial<Record<FuzzKind, number>>;
}

export interface FuzzRun {
  port: number;
  seed: number;
  messages: number;
  /** Sockets sending cases at once. */
  concurrency: number;
  /** How long a case may go without an answer or a close before it counts as a hang. */
  boundMs: number;
  /** Called every `canaryEvery` cases; resolves false when the canary client got a wrong answer. */
  canary?: () => Promise<boolean>;
  canaryEvery?: number;
  onCanaryFailure?: () => void;
}

export async function runFuzz(run: FuzzRun): Promise<FuzzTotals> {
  const random = seededRandom(run.seed);
  const totals: FuzzTotals = { messages: 0, answered: 0, closed: 0, hangs: 0, byKind: {}, hangKinds: {} };
  let next = 0;
  const cases = (): FuzzCase | undefined => (next < run.messages ? (next += 1, fuzzCase(random)) : undefined);
  // Canary checks run one at a time: each one's expected figures assume no other check between
  // its insert and its reads.
  let canaryQueue: Promise<void> = Promise.resolve();
  const checkCanary = (canary: () => Promise<boolean>): Promise<void> => {
    canaryQueue = canaryQueue.then(async () => {
      if (!(await canary())) run.onCanaryFailure?.();
    });
    return canaryQueue;
  };
  const worker = async (): Promise<void> => {
    const connection = new FuzzConnection(run.port);
    try {
      for (let fuzz = cases(); fuzz; fuzz = cases()) {
        const index = next;
        const outcome = await connection.send(fuzz, run.boundMs);
        totals.messages += 1;
        totals.byKind[fuzz.kind] = (totals.byKind[fuzz.kind] ?? 0) + 1;
        if (outcome === 'answered') totals.answered += 1;
        else if (outcome === 'closed') totals.closed += 1;
        else {
          totals.hangs += 1;
          totals.hangKinds[fuzz.kind] = (totals.hangKinds[fuzz.kind] ?? 0) + 1;
        }
        if (run.canary && run.canaryEvery && index % run.canaryEvery === 0) await checkCanary(run.canary);
      }
    } finally {
      connection.close();
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, () => worker()));
  return totals;
}
