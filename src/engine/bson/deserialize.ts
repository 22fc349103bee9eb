// Reading a BSON document from the wire so that every value keeps its BSON type (bson/numeric.ts).
// The bson library's promoting reader is the fast one, and with promoteLongs: false it already
// keeps Long, Decimal128 and the rest; what it loses is an integer-valued double (1.0 comes back
// as the number 1 and would be written back as int32) and a symbol (read as a string). A byte
// scan, much cheaper than building Int32/Double wrappers for every number, finds the messages
// holding such a value; only those take the exact, slower path.
import { deserialize, type Document } from 'bson';
import { isInt32Number, reviveNumbers } from './numeric.js';

// bsonRegExp: a JS RegExp cannot hold mongod's x and l flags, and bson maps s to JS's stateful g.
const FAST = { promoteValues: true, promoteLongs: false, bsonRegExp: true, validation: { utf8: false } } as const;
const EXACT = { promoteValues: false, bsonRegExp: true, validation: { utf8: false } } as const;

/** Deserializes one complete BSON document; throws what bson throws on malformed input. */
export function deserializeExact(buf: Uint8Array): Document {
  if (needsExactPath(buf)) return reviveNumbers(deserialize(buf, EXACT)) as Document;
  return deserialize(buf, FAST);
}

const FIXED_SIZES: Record<number, number> = {
  0x06: 0, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0xff: 0, 0x7f: 0,
};

/**
 * True when the document holds a double whose value is an int32-range integer, or a symbol.
 * Walks elements flat (an embedded document's elements follow its length; a 0 byte ends it).
 * Anything it does not understand also answers true: the exact reader then decides.
 */
function needsExactPath(buf: Uint8Array): boolean {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = buf.length;
  // A length field; undefined when it is cut off or below `min` (a hostile length must never make the scan step backwards).
  const lengthAt = (at: number, min: number): number | undefined => {
    if (at + 4 > end) return undefined;
    const length = view.getInt32(at, true);
    return length < min ? undefined : length;
  };
  let p = 4;
  while (p < end) {
    const type = buf[p] as number;
    p += 1;
    if (type === 0) continue; // end of a (sub)document
    while (p < end && buf[p] !== 0) p += 1; // field name
    p += 1;
    if (p > end) return true;
    switch (type) {
      case 0x01: {
        if (p + 8 > end) return true;
        if (isInt32Number(view.getFloat64(p, true))) return true;
        p += 8;
        break;
      }
      case 0x02:
      case 0x0d: {
        const length = lengthAt(p, 1);
        if (length === undefined) return true;
        p += 4 + length;
        break;
      }
      case 0x03:
      case 0x04:
        p += 4;
        break;
      case 0x05: {
        const length = lengthAt(p, 0);
        if (length === undefined) return true;
        p += 5 + length;
        break;
      }
      case 0x0b: {
        for (let k = 0; k < 2; k += 1) {
          while (p < end && buf[p] !== 0) p += 1;
          p += 1;
        }
        break;
      }
      case 0x0f: {
        const length = lengthAt(p, 4);
        if (length === undefined) return true;
        p += length;
        break;
      }
      default: {
        const size = FIXED_SIZES[type];
        if (size === undefined) return true; // symbol (0x0e), DBPointer (0x0c), or malformed
        p += size;
      }
    }
  }
  return false;
}
