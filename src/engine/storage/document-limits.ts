// mongod's limits on a document it stores: 16 MiB of BSON (BSONObjMaxUserSize) and 180 levels of
// nesting (BSONDepth::getMaxDepthForUserStorage(): the 200 a message may carry, less 20 kept for
// the nesting the server adds around a document in replies and the oplog). The manual rounds the
// nesting limit down to "100 levels"; what mongod 7.0 enforces is 180. Each write path answers
// with its own code and words, as mongod does:
//   insert  2 BadValue      "object to insert too large. size in bytes: N, max size: 16777216"
//           15 Overflow     "cannot insert document because it exceeds 180 levels of nesting"
//   update  17419           "Resulting document after update is larger than 16777216"
//   upsert  17420           "Document to upsert is larger than 16777216"
//   update/upsert 15 Overflow "Document exceeds maximum nesting depth of 180"
// (mongod: src/mongo/db/ops/insert.cpp, update_stage.cpp, upsert_stage.cpp, storage_validation.cpp)
import { calculateObjectSize } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from './collection.js';

export const MAX_USER_DOCUMENT_SIZE = 16 * 1024 * 1024;
export const MAX_STORAGE_DEPTH = 180;

/** True when some field sits more than `maxDepth` levels down (a top-level field is level 1). */
export function nestedDeeperThan(doc: Doc, maxDepth: number): boolean {
  // Iterative: the document may be far deeper than the JS stack.
  const stack: Array<[unknown, number]> = [[doc, 0]];
  while (stack.length > 0) {
    const [container, level] = stack.pop() as [unknown, number];
    const values = Array.isArray(container) ? container : Object.values(container as Doc);
    if (values.length > 0 && level + 1 > maxDepth) return true;
    for (const value of values) {
      if (Array.isArray(value) || isPlainObject(value)) stack.push([value, level + 1]);
    }
  }
  return false;
}

export function checkInsertedDocument(doc: Doc): void {
  if (nestedDeeperThan(doc, MAX_STORAGE_DEPTH)) {
    throw new CommandError(15, `cannot insert document because it exceeds ${MAX_STORAGE_DEPTH} levels of nesting`);
  }
  const size = calculateObjectSize(doc);
  if (size > MAX_USER_DOCUMENT_SIZE) {
    throw new CommandError(2, `object to insert too large. size in bytes: ${size}, max size: ${MAX_USER_DOCUMENT_SIZE}`);
  }
}

function checkWrittenDocument(doc: Doc, sizeCode: number, sizeMessage: string): void {
  if (nestedDeeperThan(doc, MAX_STORAGE_DEPTH)) {
    throw new CommandError(15, `Document exceeds maximum nesting depth of ${MAX_STORAGE_DEPTH}`);
  }
  if (calculateObjectSize(doc) > MAX_USER_DOCUMENT_SIZE) throw new CommandError(sizeCode, `${sizeMessage} ${MAX_USER_DOCUMENT_SIZE}`);
}

export function checkUpdatedDocument(doc: Doc): void {
  checkWrittenDocument(doc, 17419, 'Resulting document after update is larger than');
}

export function checkUpsertedDocument(doc: Doc): void {
  checkWrittenDocument(doc, 17420, 'Document to upsert is larger than');
}
