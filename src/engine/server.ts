// The TCP side: frames messages off each socket (wire/message-reader.ts bounds what a client can
// make it hold), runs them and writes the replies. A malformed message (bad length, truncated or
// invalid BSON, unknown opcode) closes that one connection, as mongod does, and never disturbs
// the others; a well-framed message mongod refuses (a document over 16 MiB + 16 KiB, nesting past
// 200 levels, a legacy opcode) gets mongod's error reply and the connection stays open.
import { createServer, type Server, type Socket } from 'node:net';
import { calculateObjectSize, type Document } from 'bson';
import type { InputLimits } from './api.js';
import { CLOSE_CONNECTION, runCommand, type CommandReply, type DeferredReply } from './commands/dispatch.js';
import type { EngineState } from './commands/context.js';
import { InputBudget } from './wire/input-limits.js';
import { legacyOpcodeReply, opQueryRefusal, unwrapOpQueryCommand } from './wire/legacy-opcodes.js';
import { MessageReader } from './wire/message-reader.js';
import {
  encodeOpMsg,
  encodeOpReply,
  MAX_BSON_INTERNAL_SIZE,
  MessageRefusal,
  MSG_MORE_TO_COME,
  OP_MSG,
  OP_QUERY,
  parseMessage,
  ProtocolViolation,
} from './wire/messages.js';

function isDeferred(value: unknown): value is DeferredReply {
  return typeof value === 'object' && value !== null && 'delayMs' in value && 'produce' in value;
}

/**
 * Runs one command. A plain reply is written at once; a promise (a read that yields, a replica-set
 * member waiting for replication, a change stream waiting for events) is written when it settles,
 * and meanwhile the server goes on serving every other connection.
 */
export type CommandRunner = (cmd: Document, dbName: string, engine: EngineState, connectionId: number) => CommandReply | Promise<CommandReply>;

type Encoder = (doc: Document) => Buffer;

/**
 * Encodes a reply; one that would pass mongod's 16 MiB + 16 KiB limit (a huge `$group` result, a
 * 20 MiB document built by a pipeline) becomes mongod's BSONObjectTooLarge error instead, so the
 * client gets an answer rather than a dropped connection.
 */
function encodeWithinLimit(reply: Document, encode: Encoder): Buffer {
  let encoded: Buffer | undefined;
  try {
    encoded = encode(reply);
  } catch (error) {
    if (!(error instanceof Error) || !/size|range|bounds/i.test(error.message)) throw error;
  }
  if (encoded && encoded.length <= MAX_BSON_INTERNAL_SIZE + 64) return encoded;
  const size = calculateObjectSize(reply);
  return encode(new MessageRefusal(
    10334,
    'BSONObjectTooLarge',
    `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_BSON_INTERNAL_SIZE}(16MB)`,
  ).toReply());
}

export class WireServer {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly budget: InputBudget;
  private nextConnectionId = 1;

  constructor(
    private readonly engine: EngineState,
    private readonly limits: InputLimits,
    private readonly run: CommandRunner = runCommand,
  ) {
    this.budget = new InputBudget(limits.maxBufferedInputBytes);
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Bytes of incomplete input held across all connections (for tests and the fuzz report). */
  get bufferedInputBytes(): number {
    return this.budget.used;
  }

  private accept(socket: Socket): void {
    const connectionId = this.nextConnectionId;
    this.nextConnectionId += 1;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    new MessageReader(socket, this.budget, this.limits, (message) => this.safeHandle(socket, message, connectionId));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.engine.failPoints.appNames.delete(connectionId);
    });
  }

  /** A failure while answering one message must never take down the process hosting the engine. */
  private safeHandle(socket: Socket, message: Buffer, connectionId: number): boolean {
    try {
      return this.handle(socket, message, connectionId);
    } catch {
      return false;
    }
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * Writes a reply, holding it back first when a blockConnection fail point asks for it, or until
   * a read that yields has finished (other connections are served meanwhile).
   */
  private respond(socket: Socket, reply: CommandReply | Promise<CommandReply>, encode: Encoder): boolean {
    if (reply instanceof Promise) {
      reply.then(
        (done) => {
          if (socket.destroyed) return;
          // Outside safeHandle now: a reply that cannot be encoded must close this connection, not
          // surface as an unhandled rejection that ends the process.
          try {
            if (!this.respond(socket, done, encode)) socket.destroy();
          } catch {
            socket.destroy();
          }
        },
        () => socket.destroy(),
      );
      return true;
    }
    if (reply === CLOSE_CONNECTION) return false;
    if (isDeferred(reply)) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (socket.destroyed) return;
        try {
          if (!this.respond(socket, reply.produce(), encode)) socket.destroy();
        } catch {
          socket.destroy();
        }
      }, reply.delayMs);
      this.timers.add(timer);
      return true;
    }
    socket.write(encodeWithinLimit(reply, encode));
    return true;
  }

  /** Returns false when the connection must be closed. */
  private handle(socket: Socket, message: Buffer, connectionId: number): boolean {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode !== OP_MSG && opCode !== OP_QUERY) {
      const legacy = legacyOpcodeReply(opCode);
      if (legacy === 'close') return false;
      if (legacy !== 'ignore') socket.write(encodeOpReply(requestId, legacy.reply, legacy.responseFlags));
      return true;
    }
    const encode: Encoder = opCode === OP_MSG ? (doc) => encodeOpMsg(requestId, doc) : (doc) => encodeOpReply(requestId, doc);
    let parsed;
    try {
      parsed = parseMessage(message);
    } catch (error) {
      if (error instanceof MessageRefusal) {
        // A fire-and-forget OP_MSG (moreToCome) gets no answer, even an error one.
        const moreToCome = opCode === OP_MSG && (message.readUInt32LE(16) & MSG_MORE_TO_COME) !== 0;
        if (!moreToCome) socket.write(encode(error.toReply()));
        return true;
      }
      if (error instanceof ProtocolViolation || error instanceof RangeError) return false;
      throw error;
    }
    if (parsed.opCode === OP_QUERY) {
      const name = parsed.fullCollectionName ?? '';
      const command = unwrapOpQueryCommand(parsed.command);
      const refusal = opQueryRefusal(name, command);
      if (refusal) {
        socket.write(encodeOpReply(requestId, refusal.reply, refusal.responseFlags));
        return true;
      }
      const reply = this.run(command, name.slice(0, -'.$cmd'.length), this.engine, connectionId);
      return this.respond(socket, reply, encode);
    }
    const dbName = typeof parsed.command.$db === 'string' ? parsed.command.$db : 'admin';
    const reply = this.run(parsed.command, dbName, this.engine, connectionId);
    if ((parsed.flags & MSG_MORE_TO_COME) !== 0) {
      // Fire-and-forget: no reply is written, but a fail point may still close the connection.
      if (reply instanceof Promise) {
        reply.then((done) => done === CLOSE_CONNECTION && socket.destroy(), () => socket.destroy());
        return true;
      }
      return reply !== CLOSE_CONNECTION;
    }
    return this.respond(socket, reply, encode);
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting and destroys every open socket, or clients would wait forever. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      this.server.close(() => resolve());
    });
  }
}
