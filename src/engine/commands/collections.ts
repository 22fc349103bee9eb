// Collection and index management: create, drop, listCollections, createIndexes, listIndexes,
// dropIndexes. Mongoose's Model.init() relies on two mongod behaviours kept here: `create` on an
// existing collection fails with NamespaceExists (48), which it ignores, and listIndexes on a
// missing collection fails with NamespaceNotFound (26).
import { Binary, calculateObjectSize, Long, type Document } from 'bson';
import { isNumeric, keyString, toNumber } from '../bson/order.js';
import { isPlainObject, setOwnField } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import { Index, type IndexSpec } from '../indexes/index.js';
import { parseCollation } from '../query/collation.js';
import { validateCollectionName } from '../storage/catalog.js';
import { validateCollection } from './validate.js';
import type { Collection } from '../storage/collection.js';
import { compileFilter } from '../query/matcher.js';
import type { CommandContext, CommandHandler } from './context.js';
import { validationOptions } from './validation.js';

function uuidBinary(uuid: string): Binary {
  return new Binary(Buffer.from(uuid.replace(/-/g, ''), 'hex'), 4);
}

function collectionInfo(coll: Collection): Document {
  if (coll.options.viewOn !== undefined) return { name: coll.name, type: 'view', options: coll.options, info: { readOnly: true } };
  return {
    name: coll.name,
    type: 'collection',
    options: coll.options,
    info: { readOnly: false, uuid: uuidBinary(coll.uuid) },
    idIndex: indexSpecOut(coll.idIndex.spec),
  };
}

function indexSpecOut(spec: IndexSpec): Document {
  const { v, key, name, ...rest } = spec;
  return { v: v ?? 2, key, name, ...rest };
}

function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

const IGNORED_INDEX_OPTIONS = new Set(['background', 'ns', 'v', 'key', 'name']);

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  const strip = (spec: IndexSpec): string => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec)) if (!IGNORED_INDEX_OPTIONS.has(k) && v !== false) setOwnField(out, k, v);
    return keyString(Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : 1))));
  };
  return strip(a) === strip(b);
}

function validateIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError(9, 'The index spec must have a non-empty key object');
  }
  for (const [field, dir] of Object.entries(raw.key)) {
    // A direction sent as a double (1.0) or an int64 counts as the number it holds.
    if (isNumeric(dir) && typeof dir !== 'number') setOwnField(raw.key, field, toNumber(dir));
  }
  for (const [field, dir] of Object.entries(raw.key)) {
    const ok = (typeof dir === 'number' && dir !== 0) || ['text', 'hashed', '2d', '2dsphere'].includes(String(dir));
    if (!ok) throw new CommandError(67, `Values in the index key pattern can only be numbers or strings, found ${field}: ${String(dir)}`);
    refuseGeoIndex(field, dir);
  }
  const spec: IndexSpec = { v: 2, ...(raw as object), key: raw.key, name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key) } as IndexSpec;
  delete spec.background;
  if (spec.partialFilterExpression !== undefined) {
    if (!isPlainObject(spec.partialFilterExpression)) throw new CommandError(67, 'partialFilterExpression must be an object');
    compileFilter(spec.partialFilterExpression);
    if (spec.sparse) throw new CommandError(67, 'cannot mix "partialFilterExpression" and "sparse" options');
  }
  if (spec.expireAfterSeconds !== undefined) spec.expireAfterSeconds = Number(spec.expireAfterSeconds);
  return spec;
}

/** An index without its own collation takes the collection's default, stored in mongod's full form. */
function withCollation(spec: IndexSpec, coll: Collection): IndexSpec {
  const collation = parseCollation(spec.collation ?? coll.options.collation);
  if (collation) spec.collation = collation.spec;
  else delete spec.collation;
  return spec;
}

export function createIndexesOn(coll: Collection, rawSpecs: unknown[]): { before: number; after: number; note?: string } {
  const before = coll.indexes.length;
  const specs = rawSpecs.map((raw) => withCollation(validateIndexSpec(raw), coll));
  let created = 0;
  for (const spec of specs) {
    const byName = coll.getIndex(spec.name);
    const byKey = coll.indexes.find((i) => keyString(i.spec.key) === keyString(spec.key));
    if (byName) {
      if (keyString(byName.spec.key) !== keyString(spec.key)) {
        throw new CommandError(
          86,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`,
        );
      }
      if (!sameOptions(byName.spec, spec) && spec.name !== '_id_') {
        throw new CommandError(
          85,
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`,
        );
      }
      continue;
    }
    if (byKey && sameOptions(byKey.spec, spec)) {
      throw new CommandError(85, `Index already exists with a different name: ${byKey.name}`);
    }
    coll.createIndex(spec);
    created += 1;
  }
  return { before, after: coll.indexes.length, ...(created === 0 ? { note: 'all indexes already exist' } : {}) };
}

function nsNotFound(ctx: CommandContext, name: unknown): CommandError {
  return new CommandError(26, `ns does not exist: ${ctx.dbName}.${String(name)}`);
}

/** Sizes are the BSON sizes of the documents and an estimate for the index entries. */
export function collectionStats(coll: Collection): Document {
  let size = 0;
  for (const doc of coll.records.values()) size += calculateObjectSize(doc);
  const indexSizes: Record<string, number> = {};
  let totalIndexSize = 0;
  for (const index of coll.indexes) {
    let bytes = 0;
    for (const entry of index.iterateAll()) bytes += 16 + calculateObjectSize({ k: entry.k });
    indexSizes[index.name] = bytes;
    totalIndexSize += bytes;
  }
  const count = coll.size;
  return {
    ns: coll.ns,
    count,
    size,
    avgObjSize: count > 0 ? Math.round(size / count) : 0,
    storageSize: size,
    nindexes: coll.indexes.length,
    totalIndexSize,
    totalSize: size + totalIndexSize,
    indexSizes,
  };
}

/** mongod's create-time rule: a capped collection needs its size, and size/max need capped. */
function checkCappedOptions(cmd: Record<string, unknown>): void {
  const given = (v: unknown): boolean => v !== undefined && v !== null && v !== 0 && v !== false;
  if (given(cmd.capped) && !given(cmd.size)) throw new CommandError(72, "the 'size' field is required when 'capped' is true");
  if (!given(cmd.capped) && (given(cmd.size) || given(cmd.max))) {
    throw new CommandError(72, "the 'capped' field needs to be true when either the 'size' or 'max' fields are present");
  }
}

/**
 * Geo indexes are refused when they are created rather than accepted and then ignored: the
 * engine has no geo index, so $near/$nearSphere/$geoNear (which require one) could never run.
 */
function refuseGeoIndex(field: string, type: unknown): void {
  if (type !== '2dsphere' && type !== '2d') return;
  throw new CommandError(67, `${String(type)} indexes are not supported by the embedded engine (index on '${field}'): geo queries ($near, $nearSphere, $geoNear) need a real mongod`);
}

export const collectionCommands: Record<string, CommandHandler> = {
  validate: validateCollection,
  collStats: (cmd, ctx) => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.collStats));
    if (!coll) throw nsNotFound(ctx, cmd.collStats);
    return { ...collectionStats(coll), ok: 1 };
  },
  create: (cmd, ctx) => {
    validateCollectionName(cmd.create);
    checkCappedOptions(cmd);
    const db = ctx.engine.catalog.db(ctx.dbName);
    if (db.get(cmd.create)) throw new CommandError(48, `Collection ${ctx.dbName}.${cmd.create} already exists.`);
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cmd)) {
      if (['create', '$db', 'lsid', '$clusterTime', 'writeConcern', 'comment', '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors'].includes(k)) continue;
      setOwnField(options, k, v);
    }
    Object.assign(options, validationOptions(cmd, 'create'));
    const collation = parseCollation(cmd.collation);
    if (collation) options.collation = collation.spec;
    else delete options.collation;
    const coll = db.getOrCreate(cmd.create);
    Object.assign(coll.options, options);
    // The _id index follows the collection's default collation, as in mongod.
    if (collation) coll.indexes[0] = new Index({ v: 2, key: { _id: 1 }, name: '_id_', collation: collation.spec });
    return { ok: 1 };
  },
  drop: (cmd, ctx) => {
    const db = ctx.engine.catalog.existingDb(ctx.dbName);
    const coll = db?.get(String(cmd.drop));
    if (!db || !coll) return { ok: 1 };
    db.collections.delete(coll.name);
    ctx.engine.cursors.killNamespace(coll.ns);
    return { nIndexesWas: coll.indexes.length, ns: coll.ns, ok: 1 };
  },
  dropDatabase: (_cmd, ctx) => {
    ctx.engine.catalog.dropDatabase(ctx.dbName);
    ctx.engine.profiling.delete(ctx.dbName);
    ctx.engine.cursors.killNamespace(ctx.dbName);
    return { dropped: ctx.dbName, ok: 1 };
  },
  listCollections: (cmd, ctx) => {
    const db = ctx.engine.catalog.existingDb(ctx.dbName);
    let infos = [...(db?.collections.values() ?? [])].map(collectionInfo);
    if (isPlainObject(cmd.filter)) {
      const test = compileFilter(cmd.filter);
      infos = infos.filter((info) => test(info));
    }
    if (cmd.nameOnly) infos = infos.map((info) => ({ name: info.name, type: info.type }));
    const { batch, id } = ctx.engine.cursors.open(`${ctx.dbName}.$cmd.listCollections`, infos, batchSizeOf(cmd.cursor));
    return { cursor: { id, ns: `${ctx.dbName}.$cmd.listCollections`, firstBatch: batch }, ok: 1 };
  },
  renameCollection: (cmd, ctx) => {
    const [fromDb, ...fromRest] = String(cmd.renameCollection).split('.');
    const [toDb, ...toRest] = String(cmd.to).split('.');
    const from = fromRest.join('.');
    const to = toRest.join('.');
    const source = ctx.engine.catalog.collection(fromDb ?? '', from);
    if (!source) throw new CommandError(26, 'source namespace does not exist');
    const target = ctx.engine.catalog.db(toDb ?? '');
    if (target.get(to)) {
      if (!cmd.dropTarget) throw new CommandError(48, 'target namespace exists');
      target.collections.delete(to);
    }
    ctx.engine.catalog.db(fromDb ?? '').collections.delete(from);
    source.name = to;
    source.dbName = toDb ?? source.dbName;
    target.collections.set(to, source);
    return { ok: 1 };
  },
  collMod: (cmd, ctx) => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.collMod));
    if (!coll) throw nsNotFound(ctx, cmd.collMod);
    Object.assign(coll.options, validationOptions(cmd, 'collMod', coll.options));
    if (isPlainObject(cmd.index)) {
      const index = typeof cmd.index.name === 'string' ? coll.getIndex(cmd.index.name) : coll.indexes.find((i) => keyString(i.spec.key) === keyString(cmd.index && (cmd.index as Document).keyPattern));
      if (!index) throw new CommandError(27, 'cannot find index');
      const before = { expireAfterSeconds_old: index.spec.expireAfterSeconds, hidden_old: index.spec.hidden === true };
      if (cmd.index.expireAfterSeconds !== undefined) index.spec.expireAfterSeconds = Number(cmd.index.expireAfterSeconds);
      if (cmd.index.hidden !== undefined) {
        if (index.name === '_id_') throw new CommandError(72, 'can\'t hide _id index');
        if (cmd.index.hidden) index.spec.hidden = true;
        else delete index.spec.hidden;
      }
      return { ...before, ...(cmd.index.hidden !== undefined ? { hidden_new: cmd.index.hidden === true } : {}), ok: 1 };
    }
    return { ok: 1 };
  },
  createIndexes: (cmd, ctx) => {
    validateCollectionName(cmd.createIndexes);
    if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw new CommandError(2, 'Must specify at least one index to create');
    const db = ctx.engine.catalog.db(ctx.dbName);
    const existed = db.get(cmd.createIndexes) !== undefined;
    const coll = db.getOrCreate(cmd.createIndexes);
    const result = createIndexesOn(coll, cmd.indexes);
    return {
      numIndexesBefore: result.before,
      numIndexesAfter: result.after,
      ...(existed ? {} : { createdCollectionAutomatically: true }),
      ...(result.note ? { note: result.note } : {}),
      ok: 1,
    };
  },
  listIndexes: (cmd, ctx) => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.listIndexes));
    if (!coll) throw nsNotFound(ctx, cmd.listIndexes);
    const specs = coll.indexes.map((i) => indexSpecOut(i.spec));
    const { batch, id } = ctx.engine.cursors.open(coll.ns, specs, batchSizeOf(cmd.cursor));
    return { cursor: { id, ns: coll.ns, firstBatch: batch }, ok: 1 };
  },
  dropIndexes: (cmd, ctx) => {
    const coll = ctx.engine.catalog.collection(ctx.dbName, String(cmd.dropIndexes));
    if (!coll) throw nsNotFound(ctx, cmd.dropIndexes);
    const was = coll.indexes.length;
    const target = cmd.index;
    const names: string[] = [];
    if (target === '*') names.push(...coll.indexes.slice(1).map((i) => i.name));
    else if (typeof target === 'string') names.push(target);
    else if (Array.isArray(target)) names.push(...target.map(String));
    else if (isPlainObject(target)) {
      const found = coll.indexes.find((i) => keyString(i.spec.key) === keyString(target));
      if (!found) throw new CommandError(27, `can't find index with key: ${JSON.stringify(target)}`);
      names.push(found.name);
    }
    for (const name of names) {
      if (name === '_id_') throw new CommandError(72, 'cannot drop _id index');
      if (!coll.getIndex(name)) throw new CommandError(27, `index not found with name [${name}]`);
    }
    for (const name of names) coll.dropIndex(name);
    return { nIndexesWas: was, ok: 1 };
  },
};

export function batchSizeOf(cursor: unknown): number | undefined {
  if (!isPlainObject(cursor) || cursor.batchSize === undefined) return undefined;
  const n = Number(cursor.batchSize instanceof Long ? cursor.batchSize.toNumber() : cursor.batchSize);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
