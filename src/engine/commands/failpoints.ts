// The `failCommand` fail point (mongod with enableTestCommands): lets driver test suites make a
// chosen command fail with an error code, write concern error or a closed connection.
// https://github.com/mongodb/mongo/wiki/The-%22failCommand%22-fail-point
import type { Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { CommandError, codeName } from '../errors.js';

interface FailPoint {
  remaining: number;
  skip: number;
  data: Document;
}

export const CLOSE_CONNECTION = Symbol('close connection');

export interface FailPointEffect {
  reply?: Document;
  close?: boolean;
  extra?: Document;
  blockMs?: number;
}

/** A reply the server must hold back for `delayMs` before producing it (blockConnection). */
export interface DeferredReply {
  delayMs: number;
  produce(): Document | typeof CLOSE_CONNECTION | Promise<Document>;
}

export class FailPoints {
  private failCommand: FailPoint | undefined;
  readonly appNames = new Map<number, string>();

  configure(cmd: Document): Document {
    if (cmd.configureFailPoint !== 'failCommand') {
      throw new CommandError(2, `unknown fail point: ${String(cmd.configureFailPoint)}`);
    }
    const mode = cmd.mode;
    if (mode === 'off') this.failCommand = undefined;
    else {
      const data = isPlainObject(cmd.data) ? cmd.data : {};
      if (mode === 'alwaysOn') this.failCommand = { remaining: Number.POSITIVE_INFINITY, skip: 0, data };
      else if (isPlainObject(mode) && mode.times !== undefined) this.failCommand = { remaining: Number(mode.times), skip: 0, data };
      else if (isPlainObject(mode) && mode.skip !== undefined) this.failCommand = { remaining: Number.POSITIVE_INFINITY, skip: Number(mode.skip), data };
      else throw new CommandError(2, 'unknown fail point mode');
    }
    return { count: 0, ok: 1 };
  }

  /** What the fail point does to this command: nothing, an error reply, a closed socket, or extra fields. */
  intercept(name: string, connectionId: number): FailPointEffect | undefined {
    const fp = this.failCommand;
    if (!fp || name === 'configureFailPoint') return undefined;
    const commands = Array.isArray(fp.data.failCommands) ? fp.data.failCommands : [];
    if (!commands.includes(name)) return undefined;
    if (typeof fp.data.appName === 'string' && this.appNames.get(connectionId) !== fp.data.appName) return undefined;
    if (fp.skip > 0) {
      fp.skip -= 1;
      return undefined;
    }
    fp.remaining -= 1;
    if (fp.remaining <= 0) this.failCommand = undefined;
    // blockConnection holds the reply (the command runs or fails afterwards), without blocking the server.
    const blockMs = fp.data.blockConnection === true ? Number(fp.data.blockTimeMS ?? 0) : 0;
    const effect = this.effectOf(fp.data);
    if (blockMs > 0) return { ...effect, blockMs };
    return effect;
  }

  private effectOf(data: Document): FailPointEffect {
    if (data.closeConnection === true) return { close: true };
    if (data.errorCode !== undefined) {
      const code = Number(data.errorCode);
      return {
        reply: {
          ok: 0,
          errmsg: "Failing command via 'failCommand' failpoint",
          code,
          codeName: codeName(code),
          ...(Array.isArray(data.errorLabels) ? { errorLabels: data.errorLabels } : {}),
        },
      };
    }
    if (isPlainObject(data.writeConcernError)) return { extra: { writeConcernError: data.writeConcernError } };
    return {};
  }
}
