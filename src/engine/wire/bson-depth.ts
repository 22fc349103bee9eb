// Measures how deeply a raw BSON document nests, without deserializing it: mongod refuses a
// message whose documents nest deeper than 200 levels (BSONDepth::kDefaultMaxAllowableDepth)
// before parsing it, and a recursive parser must never meet a 50,000-level document.
// https://bsonspec.org/spec.html

/** Bytes that follow the field name for fixed-size element types. */
const FIXED_SIZES = new Map<number, number>([
  [0x01, 8], // double
  [0x06, 0], // undefined
  [0x07, 12], // ObjectId
  [0x08, 1], // boolean
  [0x09, 8], // UTC datetime
  [0x0a, 0], // null
  [0x10, 4], // int32
  [0x11, 8], // timestamp
  [0x12, 8], // int64
  [0x13, 16], // decimal128
  [0x7f, 0], // max key
  [0xff, 0], // min key
]);

/**
 * True when the document at buf[start, end) nests objects or arrays more than `maxDepth` levels
 * deep (the document itself is level 1). Bytes too malformed to walk answer false: the parser
 * that runs next reports those.
 */
export function nestsDeeperThan(buf: Buffer, start: number, end: number, maxDepth: number): boolean {
  let depth = 1;
  let pos = start + 4;
  while (depth > 0) {
    if (pos >= end) return false;
    const type = buf[pos] as number;
    pos += 1;
    if (type === 0) {
      depth -= 1;
      continue;
    }
    const nameEnd = buf.indexOf(0, pos);
    if (nameEnd < 0 || nameEnd >= end) return false;
    pos = nameEnd + 1;
    if (type === 0x03 || type === 0x04) {
      depth += 1;
      if (depth > maxDepth) return true;
      pos += 4;
      continue;
    }
    const fixed = FIXED_SIZES.get(type);
    if (fixed !== undefined) {
      pos += fixed;
      continue;
    }
    if (type === 0x0b) {
      // regex: two cstrings, pattern then flags
      const patternEnd = buf.indexOf(0, pos);
      const flagsEnd = patternEnd < 0 ? -1 : buf.indexOf(0, patternEnd + 1);
      if (flagsEnd < 0 || flagsEnd >= end) return false;
      pos = flagsEnd + 1;
      continue;
    }
    if (pos + 4 > end) return false;
    const size = buf.readInt32LE(pos);
    if (size < 0) return false;
    switch (type) {
      case 0x02: // string
      case 0x0d: // JavaScript code
      case 0x0e: // symbol
        pos += 4 + size;
        break;
      case 0x05: // binary: length, subtype, bytes
        pos += 5 + size;
        break;
      case 0x0c: // DBPointer: string, then an ObjectId
        pos += 4 + size + 12;
        break;
      case 0x0f: // code with scope: its length covers itself, the code and the scope
        pos += size;
        break;
      default:
        return false;
    }
  }
  return false;
}
