// mongod's onPrimaryTransactionalWrite fail point (enableTestCommands), which retryable-write
// tests use: by default the write is applied and then the connection is closed before the reply
// (so the driver retries and the server must answer from its record instead of writing twice);
// with failBeforeCommitExceptionCode the write fails with that code without being applied.
import type { Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';

export class TransactionalWriteFailPoint {
  private remaining = 0;
  private skip = 0;
  private data: Document = {};

  configure(cmd: Document): Document {
    const mode = cmd['mode'];
    this.data = isPlainObject(cmd['data']) ? cmd['data'] : {};
    this.skip = 0;
    if (mode === 'off') this.remaining = 0;
    else if (mode === 'alwaysOn') this.remaining = Number.POSITIVE_INFINITY;
    else if (isPlainObject(mode) && mode['times'] !== undefined) this.remaining = Number(mode['times']);
    else if (isPlainObject(mode) && mode['skip'] !== undefined) {
      this.remaining = Number.POSITIVE_INFINITY;
      this.skip = Number(mode['skip']);
    } else throw new CommandError(2, 'unknown fail point mode');
    return { count: 0, ok: 1 };
  }

  /** What to do to this retryable write: nothing, or close the connection and/or fail before applying it. */
  take(): { failCode?: number; closeAfter: boolean } | undefined {
    if (this.remaining <= 0) return undefined;
    if (this.skip > 0) {
      this.skip -= 1;
      return undefined;
    }
    this.remaining -= 1;
    // As in mongod: the connection is closed (by default) and then, if asked, the write fails
    // before it is applied; a client that lost the connection retries either way.
    const closeAfter = this.data['closeConnection'] !== false;
    const code = this.data['failBeforeCommitExceptionCode'];
    return code !== undefined ? { failCode: Number(code), closeAfter } : { closeAfter };
  }
}
