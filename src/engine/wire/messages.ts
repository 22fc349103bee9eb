// MongoDB wire protocol framing. Drivers since 3.6 speak OP_MSG; the very first handshake still
// arrives as a legacy OP_QUERY on admin.$cmd and must be answered with OP_REPLY.
// https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
import { serialize, type Document } from 'bson';
import { deserializeExact } from '../bson/deserialize.js';
import { nestsDeeperThan } from './bson-depth.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
/** Legacy opcodes mongod 6.0+ no longer serves (OP_UPDATE, OP_INSERT, OP_GET_MORE, OP_DELETE, OP_KILL_CURSORS). */
export const OP_UPDATE = 2001;
export const OP_INSERT = 2002;
export const OP_GET_MORE = 2005;
export const OP_DELETE = 2006;
export const OP_KILL_CURSORS = 2007;

/** OP_REPLY responseFlags bit 1 (QueryFailure): the one document is an error ({$err, code}). */
export const REPLY_QUERY_FAILURE = 2;

export const MSG_CHECKSUM_PRESENT = 1;
export const MSG_MORE_TO_COME = 2;
export const MSG_EXHAUST_ALLOWED = 1 << 16;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
/** mongod accepts documents up to 16 MiB + 16 KiB in a message (BSONObjMaxInternalSize): commands wrap user documents. */
export const MAX_BSON_INTERNAL_SIZE = MAX_BSON_OBJECT_SIZE + 16 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
/** BSONDepth::kDefaultMaxAllowableDepth: deeper documents are refused before they are parsed. */
export const MAX_BSON_DEPTH = 200;

/** Input that cannot be framed or parsed: the connection is closed. */
export class ProtocolViolation extends Error {}

/** A well-framed message mongod answers with an error, keeping the connection. */
export class MessageRefusal extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName };
  }
}

export interface ParsedMessage {
  requestId: number;
  opCode: number;
  /** OP_MSG: body with document sequences folded in as arrays; OP_QUERY: the query. */
  command: Document;
  flags: number;
  /** OP_QUERY only: the full collection name, e.g. admin.$cmd */
  fullCollectionName?: string;
}

function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolViolation('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolViolation('invalid BSON document length');
  if (size > MAX_BSON_INTERNAL_SIZE) {
    // mongod's BSONObj size check, answered as an error rather than a dropped connection.
    throw new MessageRefusal(10334, 'BSONObjectTooLarge', `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_BSON_INTERNAL_SIZE}(16MB)`);
  }
  if (nestsDeeperThan(buf, offset, offset + size, MAX_BSON_DEPTH)) {
    throw new MessageRefusal(15, 'Overflow', `BSONObj exceeded maximum nested object depth: ${MAX_BSON_DEPTH}`);
  }
  try {
    // Every value keeps its BSON type (int32/int64/double/decimal, regex flags): bson/deserialize.ts.
    const doc = deserializeExact(buf.subarray(offset, offset + size));
    return { doc, next: offset + size };
  } catch (error) {
    throw new ProtocolViolation(`invalid BSON: ${(error as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolViolation('unterminated cstring');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

/** Parses one complete message (header included). Throws ProtocolViolation on malformed input. */
export function parseMessage(buf: Buffer): ParsedMessage {
  const length = buf.readInt32LE(0);
  const requestId = buf.readInt32LE(4);
  const opCode = buf.readInt32LE(12);
  if (opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    // Bits 0-15 are required: an unknown one must make the server reject the message.
    if ((flags & 0xfffc) !== 0) throw new ProtocolViolation('unknown required OP_MSG flag');
    const end = flags & MSG_CHECKSUM_PRESENT ? length - 4 : length;
    let offset = 20;
    let body: Document | undefined;
    const sequences: Array<[string, Document[]]> = [];
    while (offset < end) {
      const kind = buf.readUInt8(offset);
      offset += 1;
      if (kind === 0) {
        if (body !== undefined) throw new ProtocolViolation('OP_MSG with two body sections');
        const read = readDocument(buf, offset, end);
        body = read.doc;
        offset = read.next;
      } else if (kind === 1) {
        if (offset + 4 > end) throw new ProtocolViolation('truncated document sequence');
        const size = buf.readInt32LE(offset);
        const seqEnd = offset + size;
        if (size < 5 || seqEnd > end) throw new ProtocolViolation('invalid document sequence length');
        const id = readCString(buf, offset + 4, seqEnd);
        let p = id.next;
        const docs: Document[] = [];
        while (p < seqEnd) {
          const read = readDocument(buf, p, seqEnd);
          docs.push(read.doc);
          p = read.next;
        }
        sequences.push([id.value, docs]);
        offset = seqEnd;
      } else {
        throw new ProtocolViolation(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (body === undefined) throw new ProtocolViolation('OP_MSG without a body section');
    for (const [id, docs] of sequences) {
      if (id in body) throw new ProtocolViolation(`duplicate field ${id} in OP_MSG`);
      body[id] = docs;
    }
    return { requestId, opCode, command: body, flags };
  }
  if (opCode === OP_QUERY) {
    const flags = buf.readInt32LE(16);
    const name = readCString(buf, 20, length);
    const offset = name.next + 8;
    const read = readDocument(buf, offset, length);
    return { requestId, opCode, command: read.doc, flags, fullCollectionName: name.value };
  }
  throw new ProtocolViolation(`unsupported opCode ${opCode}`);
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId + 1) | 0;
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

const SERIALIZE_OPTIONS = { ignoreUndefined: false } as const;

export function encodeOpMsg(responseTo: number, reply: Document, flags = 0): Buffer {
  const body = serialize(reply, SERIALIZE_OPTIONS);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32LE(flags, 0);
  prefix.writeUInt8(0, 4);
  return Buffer.concat([header(16 + 5 + body.length, responseTo, OP_MSG), prefix, body]);
}

export function encodeOpReply(responseTo: number, reply: Document, responseFlags = 0): Buffer {
  const body = serialize(reply, SERIALIZE_OPTIONS);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(responseFlags, 0);
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(16 + 20 + body.length, responseTo, OP_REPLY), fields, body]);
}
