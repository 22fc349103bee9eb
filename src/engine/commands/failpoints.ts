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
  intercept(name: string, connectionId: number): { reply?: Document; close?: boolean; extra?: Document } | undefined {
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
    if (fp.data.closeConnection === true) return { close: true };
    if (fp.data.errorCode !== undefined) {
      const code = Number(fp.data.errorCode);
      return {
        reply: {
          ok: 0,
          errmsg: "Failing command via 'failCommand' failpoint",
          code,
          codeName: codeName(code),
          ...(Array.isArray(fp.data.errorLabels) ? { errorLabels: fp.data.errorLabels } : {}),
        },
      };
    }
    if (isPlainObject(fp.data.writeConcernError)) return { extra: { writeConcernError: fp.data.writeConcernError } };
    return undefined;
  }
}
