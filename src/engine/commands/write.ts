// insert, update, delete, findAndModify. Each statement of a batch runs to completion before the
// next (and the whole command before any other connection's), so unique checks cannot race.
// Failures of single statements are reported as writeErrors with the statement's index; an
// ordered batch stops at the first one, an unordered batch carries on.
import { ObjectId, type Document } from 'bson';
import { bsonTypeOf } from '../bson/order.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { compileFilter, evaluateLet } from '../query/matcher.js';
import { planQuery } from '../query/planner.js';
import { compileProjection } from '../query/projection.js';
import { drain } from '../query/stages.js';
import { applyUpdate, buildUpsert, validateUpdate, type UpdateSpec } from '../query/update.js';
import { validateCollectionName } from '../storage/catalog.js';
import type { Collection, Doc } from '../storage/collection.js';
import { checkInsertedDocument, checkUpdatedDocument, checkUpsertedDocument } from '../storage/document-limits.js';
import type { CommandContext, CommandHandler } from './context.js';
import { checkValidator } from './validation.js';

function errorOf(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  return new CommandError(1, error instanceof Error ? error.message : String(error));
}

// js-bson reads a field named _bsontype as a type tag and cannot serialize a document holding
// one, so it could never be read back: such writes are refused (js drivers cannot send one).
function bsonTypeFieldError(detail: string): CommandError {
  return new CommandError(2, `a document with a field named '_bsontype' cannot be stored by the embedded engine: ${detail}`);
}

function hasBsonTypeField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasBsonTypeField);
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (key === '_bsontype' && value[key] != null) return true;
    const child = value[key];
    if (typeof child === 'object' && child !== null && hasBsonTypeField(child)) return true;
  }
  return false;
}

/** What an insert stores: _id first (generated when missing), mongod's _id rules and its limits. */
export function prepareInsert(doc: unknown): Doc {
  return prepareDocument(doc, checkInsertedDocument);
}

/** An upsert's new document: the same rules as an insert, with the upsert's own limit errors. */
function prepareUpsert(doc: unknown): Doc {
  return prepareDocument(doc, checkUpsertedDocument);
}

function prepareDocument(doc: unknown, checkLimits: (doc: Doc) => void): Doc {
  if (!isPlainObject(doc)) throw new CommandError(2, 'document to insert must be an object');
  let out = doc;
  if (out._id === undefined) out = { _id: new ObjectId(), ...out };
  else if (Object.keys(out)[0] !== '_id') {
    const { _id, ...rest } = out;
    out = { _id, ...rest };
  }
  if (Array.isArray(out._id)) throw new CommandError(53, "The '_id' value cannot be of type array");
  if (bsonTypeOf(out._id) === 'regex') throw new CommandError(2, "can't use a regex for _id");
  // Before the limits: measuring such a document is what js-bson cannot do.
  if (hasBsonTypeField(out)) throw bsonTypeFieldError('it could never be sent back');
  checkLimits(out);
  if (isPlainObject(out._id)) {
    const dollar = Object.keys(out._id).find((k) => k.startsWith('$'));
    if (dollar) throw new CommandError(52, `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`);
  }
  return out;
}

function writeCollection(ctx: CommandContext, name: unknown): Collection {
  validateCollectionName(name);
  const coll = ctx.engine.catalog.db(ctx.dbName).getOrCreate(name);
  if (coll.options.viewOn !== undefined) {
    throw new CommandError(166, `Namespace ${coll.ns} is a view, not a collection`);
  }
  return coll;
}

/** Record ids matching a filter, chosen through the planner (so _id and unique lookups stay O(log n)). */
export interface SelectOptions {
  sort?: Doc;
  one: boolean;
  hint?: unknown;
  variables?: Doc;
  collation?: Doc;
}

export function matchingRids(coll: Collection, filter: Doc, options: SelectOptions): number[] {
  const plan = planQuery(coll, {
    filter,
    sort: options.sort,
    limit: options.one ? 1 : 0,
    hint: options.hint,
    variables: options.variables,
    collation: options.collation,
  });
  return drain(plan.root).map((row) => row.rid);
}

export function updateOne(
  coll: Collection,
  rid: number,
  update: UpdateSpec,
  query: Doc,
  arrayFilters: Doc[] | undefined,
  variables?: Doc,
  bypassValidation?: unknown,
): { before: Doc; after: Doc; changed: boolean } {
  const before = coll.records.get(rid) as Doc;
  const { doc: after, changed } = applyUpdate(before, update, { isInsert: false, arrayFilters, query, variables });
  if (changed) {
    if (hasBsonTypeField(after)) throw bsonTypeFieldError('it could never be sent back');
    checkUpdatedDocument(after);
    checkValidator(coll, after, bypassValidation, before);
    coll.replace(rid, after);
  }
  return { before, after, changed };
}

function arrayFiltersOf(value: unknown): Doc[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new CommandError(14, 'arrayFilters must be an array');
  return value as Doc[];
}

export const writeCommands: Record<string, CommandHandler> = {
  insert: (cmd, ctx) => {
    const coll = writeCollection(ctx, cmd.insert);
    const docs = Array.isArray(cmd.documents) ? cmd.documents : [];
    const ordered = cmd.ordered !== false;
    const writeErrors: Document[] = [];
    let n = 0;
    for (let i = 0; i < docs.length; i += 1) {
      try {
        const doc = prepareInsert(docs[i]);
        checkValidator(coll, doc, cmd.bypassDocumentValidation);
        coll.insert(doc);
        n += 1;
      } catch (error) {
        writeErrors.push(errorOf(error).toWriteError(i));
        if (ordered) break;
      }
    }
    return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },
  update: (cmd, ctx) => {
    const coll = writeCollection(ctx, cmd.update);
    const statements = Array.isArray(cmd.updates) ? cmd.updates : [];
    const ordered = cmd.ordered !== false;
    const writeErrors: Document[] = [];
    const upserted: Document[] = [];
    let n = 0;
    let nModified = 0;
    // Sort on update statements arrived in MongoDB 8.0; 7.0 rejects the whole command.
    if (statements.some((s) => isPlainObject(s) && s.sort !== undefined)) {
      throw new CommandError(40415, "BSON field 'update.updates.sort' is an unknown field.");
    }
    const variables = evaluateLet(cmd.let);
    for (let i = 0; i < statements.length; i += 1) {
      const statement = statements[i] as Document;
      try {
        const query = isPlainObject(statement.q) ? statement.q : {};
        const update = statement.u as unknown;
        validateUpdate(update);
        const arrayFilters = arrayFiltersOf(statement.arrayFilters);
        const multi = statement.multi === true;
        if (multi && !Array.isArray(update) && !Object.keys(update).some((k) => k.startsWith('$')) && Object.keys(update).length > 0) {
          throw new CommandError(9, 'multi update is not supported for replacement-style update');
        }
        const collation = isPlainObject(statement.collation) ? statement.collation : undefined;
        const rids = matchingRids(coll, query, { one: !multi, hint: statement.hint, variables, collation });
        if (rids.length === 0) {
          if (statement.upsert === true) {
            const doc = prepareUpsert(buildUpsert(query, update, arrayFilters, variables));
            checkValidator(coll, doc, cmd.bypassDocumentValidation);
            coll.insert(doc);
            n += 1;
            upserted.push({ index: i, _id: doc._id });
          }
          continue;
        }
        for (const rid of rids) {
          const { changed } = updateOne(coll, rid, update, query, arrayFilters, variables, cmd.bypassDocumentValidation);
          n += 1;
          if (changed) nModified += 1;
        }
      } catch (error) {
        writeErrors.push(errorOf(error).toWriteError(i));
        if (ordered) break;
      }
    }
    return {
      n,
      nModified,
      ...(upserted.length > 0 ? { upserted } : {}),
      ...(writeErrors.length > 0 ? { writeErrors } : {}),
      ok: 1,
    };
  },
  delete: (cmd, ctx) => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.delete));
    const statements = Array.isArray(cmd.deletes) ? cmd.deletes : [];
    const ordered = cmd.ordered !== false;
    const writeErrors: Document[] = [];
    let n = 0;
    for (let i = 0; i < statements.length; i += 1) {
      const statement = statements[i] as Document;
      try {
        const query = isPlainObject(statement.q) ? statement.q : {};
        const limit = Number(statement.limit ?? 0);
        if (limit !== 0 && limit !== 1) throw new CommandError(9, 'The limit field in delete objects must be 0 or 1');
        if (!coll) {
          compileFilter(query); // a bad filter is an error even on a missing collection
          continue;
        }
        const selection = {
          one: limit === 1,
          hint: statement.hint,
          variables: evaluateLet(cmd.let),
          collation: isPlainObject(statement.collation) ? statement.collation : undefined,
        };
        for (const rid of matchingRids(coll, query, selection)) {
          if (coll.remove(rid)) n += 1;
        }
      } catch (error) {
        writeErrors.push(errorOf(error).toWriteError(i));
        if (ordered) break;
      }
    }
    return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },
  findAndModify: (cmd, ctx) => findAndModify(cmd, ctx),
  findandmodify: (cmd, ctx) => findAndModify(cmd, ctx),
};

function findAndModify(cmd: Document, ctx: CommandContext): Document {
  const name = cmd.findAndModify ?? cmd.findandmodify;
  const query = isPlainObject(cmd.query) ? cmd.query : {};
  const sort = isPlainObject(cmd.sort) ? cmd.sort : undefined;
  const remove = cmd.remove === true;
  const returnNew = cmd.new === true;
  const upsert = cmd.upsert === true;
  const update = cmd.update as unknown;
  if (remove && update !== undefined) throw new CommandError(9, 'Cannot specify both an update and remove=true');
  if (!remove && update === undefined) throw new CommandError(9, 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new CommandError(9, 'Cannot specify both upsert=true and remove=true');
  if (remove && returnNew) throw new CommandError(9, 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');
  const projection = compileProjection(cmd.fields, query);
  const project = (doc: Doc | null): Doc | null => (doc && projection ? projection.project(doc) : doc);
  const arrayFilters = arrayFiltersOf(cmd.arrayFilters);
  const variables = evaluateLet(cmd.let);
  const selection = { sort, one: true, hint: cmd.hint, variables, collation: isPlainObject(cmd.collation) ? cmd.collation : undefined };
  if (remove) {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(name));
    const rid = coll ? matchingRids(coll, query, selection)[0] : undefined;
    if (!coll || rid === undefined) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    const removed = coll.remove(rid) as Doc;
    return { lastErrorObject: { n: 1 }, value: project(removed), ok: 1 };
  }
  validateUpdate(update);
  const coll = writeCollection(ctx, name);
  const rid = matchingRids(coll, query, selection)[0];
  if (rid === undefined) {
    if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = prepareUpsert(buildUpsert(query, update, arrayFilters, variables));
    checkValidator(coll, doc, cmd.bypassDocumentValidation);
    coll.insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? project(doc) : null,
      ok: 1,
    };
  }
  const { before, after } = updateOne(coll, rid, update, query, arrayFilters, variables, cmd.bypassDocumentValidation);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(returnNew ? after : before), ok: 1 };
}
