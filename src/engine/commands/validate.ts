// The validate command (mongosh db.c.validate()): mongod checks that every index holds exactly
// the keys its documents produce. The engine does the same check over its in-memory indexes and
// answers in mongod's shape (valid, nrecords, nIndexes, keysPerIndex, indexDetails, ...).
import { Binary, type Document } from 'bson';
import { setOwnField } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { CommandContext } from './context.js';

export function validateCollection(cmd: Document, ctx: CommandContext): Document {
  const name = String(cmd.validate);
  const ns = `${ctx.dbName}.${name}`;
  const coll = ctx.engine.catalog.collection(ctx.dbName, name);
  if (!coll) throw new CommandError(26, `Collection '${ns}' does not exist to validate.`);
  if (coll.options.viewOn !== undefined) throw new CommandError(166, 'Cannot validate a view');
  const keysPerIndex: Record<string, number> = {};
  const indexDetails: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const index of coll.indexes) {
    let expected = 0;
    for (const doc of coll.records.values()) expected += index.keysFor(doc).length;
    const actual = index.entries.size;
    setOwnField(keysPerIndex, index.name, actual);
    const valid = expected === actual;
    if (!valid) errors.push(`index '${index.name}' has ${actual} keys, its documents produce ${expected}`);
    setOwnField(indexDetails, index.name, { valid, ...(valid ? {} : { errors: [`expected ${expected} keys, found ${actual}`] }) });
  }
  return {
    ns,
    uuid: new Binary(Buffer.from(coll.uuid.replace(/-/g, ''), 'hex'), 4),
    nInvalidDocuments: 0,
    nNonCompliantDocuments: 0,
    nrecords: coll.size,
    nIndexes: coll.indexes.length,
    keysPerIndex,
    indexDetails,
    valid: errors.length === 0,
    repaired: false,
    warnings: [],
    errors,
    extraIndexEntries: [],
    missingIndexEntries: [],
    corruptRecords: [],
    ok: 1,
  };
}
