// What mongod 5.1+ answers to the legacy opcodes it removed. OP_QUERY survives only to carry the
// connection handshake (hello/isMaster) that drivers send before they know the server speaks
// OP_MSG; any other OP_QUERY command is refused with 352, a query on a collection namespace and
// OP_GET_MORE with 5739101; OP_INSERT, OP_UPDATE, OP_DELETE and OP_KILL_CURSORS never had a
// reply and are dropped. https://dochub.mongodb.org/core/legacy-opcode-removal
// (mongod: src/mongo/rpc/check_allowed_op_query_cmd.cpp, makeErrorResponseToUnsupportedOpQuery)
import type { Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { OP_DELETE, OP_GET_MORE, OP_INSERT, OP_KILL_CURSORS, OP_UPDATE, REPLY_QUERY_FAILURE } from './messages.js';

const UPGRADE_ADVICE = 'The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal';

/** Commands mongod still runs over OP_QUERY: the handshake, plus those it keeps "temporarily" for old drivers. */
const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster', '_isSelf', 'authenticate', 'buildinfo', 'buildInfo', 'saslContinue', 'saslStart']);

export interface LegacyReply {
  reply: Document;
  responseFlags: number;
}

function unsupportedOpcode(what: string): LegacyReply {
  return {
    reply: { $err: `${what} is no longer supported. ${UPGRADE_ADVICE}`, code: 5739101, ok: 0 },
    responseFlags: REPLY_QUERY_FAILURE,
  };
}

/** For an opcode other than OP_MSG and OP_QUERY: an OP_REPLY to send, nothing ('ignore'), or 'close'. */
export function legacyOpcodeReply(opCode: number): LegacyReply | 'ignore' | 'close' {
  if (opCode === OP_GET_MORE) return unsupportedOpcode('OP_GET_MORE');
  if (opCode === OP_INSERT || opCode === OP_UPDATE || opCode === OP_DELETE || opCode === OP_KILL_CURSORS) return 'ignore';
  return 'close';
}

/**
 * Old drivers wrap the command as {$query: {...}, $readPreference: ...}; mongod unwraps it.
 * Mutates nothing; returns the command to run.
 */
export function unwrapOpQueryCommand(command: Document): Document {
  const first = Object.keys(command)[0];
  if ((first === '$query' || first === 'query') && isPlainObject(command[first])) return command[first] as Document;
  return command;
}

/** mongod's error for an OP_QUERY it will not run, or undefined for the handshake it still answers. */
export function opQueryRefusal(fullCollectionName: string, command: Document): LegacyReply | undefined {
  if (!fullCollectionName.endsWith('.$cmd')) return unsupportedOpcode('OP_QUERY');
  const name = Object.keys(command)[0] ?? '';
  if (OP_QUERY_COMMANDS.has(name)) return undefined;
  return {
    reply: {
      ok: 0,
      errmsg: `Unsupported OP_QUERY command: ${name}. ${UPGRADE_ADVICE}`,
      code: 352,
      codeName: 'UnsupportedOpQueryCommand',
    },
    responseFlags: 0,
  };
}
