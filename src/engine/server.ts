// The TCP side: frames messages off each socket, runs them and writes the replies. A malformed
// message (bad length, truncated or invalid BSON, unknown opcode, oversize) closes that one
// connection, as mongod does, and never disturbs the others.
import { createServer, type Server, type Socket } from 'node:net';
import type { Document } from 'bson';
import { CLOSE_CONNECTION, runCommand, type CommandReply, type DeferredReply } from './commands/dispatch.js';
import type { EngineState } from './commands/context.js';
import {
  encodeOpMsg,
  encodeOpReply,
  MAX_MESSAGE_SIZE,
  MSG_MORE_TO_COME,
  OP_MSG,
  OP_QUERY,
  parseMessage,
  ProtocolViolation,
} from './wire/messages.js';

const HEADER_SIZE = 16;

function isDeferred(value: unknown): value is DeferredReply {
  return typeof value === 'object' && value !== null && 'delayMs' in value && 'produce' in value;
}

/**
 * Runs one command. A plain reply is written at once; a promise (a read that yields, a replica-set
 * member waiting for replication, a change stream waiting for events) is written when it settles,
 * and meanwhile the server goes on serving every other connection.
 */
export type CommandRunner = (cmd: Document, dbName: string, engine: EngineState, connectionId: number) => CommandReply | Promise<CommandReply>;

export class WireServer {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private nextConnectionId = 1;

  constructor(private readonly engine: EngineState, private readonly run: CommandRunner = runCommand) {
    this.server = createServer((socket) => this.accept(socket));
  }

  private accept(socket: Socket): void {
    const connectionId = this.nextConnectionId;
    this.nextConnectionId += 1;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    socket.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= 4) {
        if ((pending[0] as Buffer).length < 4) pending = [Buffer.concat(pending, pendingBytes)];
        const length = (pending[0] as Buffer).readInt32LE(0);
        if (length < HEADER_SIZE + 5 || length > MAX_MESSAGE_SIZE) {
          socket.destroy();
          return;
        }
        // Concatenate only once the whole message is here: a 2 MB insert arrives in dozens of chunks.
        if (pendingBytes < length) return;
        let buf = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
        const message = buf.subarray(0, length);
        buf = buf.subarray(length);
        pending = buf.length > 0 ? [buf] : [];
        pendingBytes = buf.length;
        if (!this.safeHandle(socket, message, connectionId)) {
          socket.destroy();
          return;
        }
      }
    });
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
  private respond(socket: Socket, reply: CommandReply | Promise<CommandReply>, encode: (doc: Document) => Buffer): boolean {
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
    socket.write(encode(reply));
    return true;
  }

  /** Returns false when the connection must be closed. */
  private handle(socket: Socket, message: Buffer, connectionId: number): boolean {
    let parsed;
    try {
      parsed = parseMessage(message);
    } catch (error) {
      if (error instanceof ProtocolViolation || error instanceof RangeError) return false;
      throw error;
    }
    if (parsed.opCode === OP_QUERY) {
      const name = parsed.fullCollectionName ?? '';
      const dbName = name.endsWith('.$cmd') ? name.slice(0, -5) : name.split('.')[0] ?? 'admin';
      // Legacy OP_QUERY only carries the handshake since MongoDB 5.1; it is answered with OP_REPLY.
      const reply = this.run(parsed.command, dbName, this.engine, connectionId);
      const requestId = parsed.requestId;
      return this.respond(socket, reply, (doc) => encodeOpReply(requestId, doc));
    }
    if (parsed.opCode === OP_MSG) {
      const dbName = typeof parsed.command.$db === 'string' ? parsed.command.$db : 'admin';
      const reply = this.run(parsed.command, dbName, this.engine, connectionId);
      if ((parsed.flags & MSG_MORE_TO_COME) !== 0) {
        if (reply instanceof Promise) {
          reply.then((done) => done === CLOSE_CONNECTION && socket.destroy(), () => socket.destroy());
          return true;
        }
        return reply !== CLOSE_CONNECTION;
      }
      const requestId = parsed.requestId;
      return this.respond(socket, reply, (doc) => encodeOpMsg(requestId, doc));
    }
    return false;
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
