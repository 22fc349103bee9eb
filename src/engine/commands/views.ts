// Read-only views (create with viewOn + pipeline): reads on a view run its pipeline over the
// source collection, then the query; writes to a view fail with CommandNotSupportedOnView (166).
import type { Document } from 'bson';
import { isPlainObject } from '../bson/paths.js';
import type { CommandContext } from './context.js';

export interface ResolvedView {
  source: string;
  pipeline: Document[];
}

export function resolveView(ctx: CommandContext, name: string): ResolvedView | undefined {
  let current = ctx.engine.catalog.collection(ctx.dbName, name);
  if (!current || current.options.viewOn === undefined) return undefined;
  const stages: Document[][] = [];
  let source = name;
  for (let depth = 0; current && current.options.viewOn !== undefined && depth < 20; depth += 1) {
    stages.unshift(Array.isArray(current.options.pipeline) ? (current.options.pipeline as Document[]) : []);
    source = String(current.options.viewOn);
    current = ctx.engine.catalog.collection(ctx.dbName, source);
  }
  return { source, pipeline: stages.flat() };
}

export function findAsPipeline(request: {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}): Document[] {
  const out: Document[] = [];
  if (request.filter && Object.keys(request.filter).length > 0) out.push({ $match: request.filter });
  if (request.sort && Object.keys(request.sort).length > 0) out.push({ $sort: request.sort });
  if (request.skip) out.push({ $skip: request.skip });
  if (request.limit) out.push({ $limit: request.limit });
  if (isPlainObject(request.projection) && Object.keys(request.projection).length > 0) out.push({ $project: request.projection });
  return out;
}
