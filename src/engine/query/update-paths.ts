// The paths of an operator update, as mongod reads them: validated (no empty field names, at
// most one positional `$`, never first), checked for conflicts the way mongod's update tree does
// (two paths conflict when one is a prefix of the other, component by component, so
// `c.$.name` and `c.$.t` share the array and are fine while `c.$` and `c.$.name` are not), and
// then expanded against one document into concrete paths: `$` becomes the index of the element
// the query matched, `$[]` every index, `$[id]` the indexes whose element passes arrayFilters.
import { formatValue } from '../bson/format.js';
import { isPlainObject, ownField } from '../bson/paths.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../storage/collection.js';
import { compileFilter, type Predicate } from './matcher.js';

export interface UpdateStep {
  op: string;
  path: string;
  parts: string[];
  arg: unknown;
  /** $rename: the destination's parts (`parts` is the source). */
  to?: string[];
}

const IDENTIFIER = /^\$\[([^\]]*)\]$/;

function isDynamic(part: string): boolean {
  return part === '$' || IDENTIFIER.test(part);
}

function checkPath(path: string, op: string): string[] {
  if (path === '') throw new CommandError(56, 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.some((p) => p === '')) {
    throw new CommandError(56, `The update path '${path}' contains an empty field name, which is not allowed.`);
  }
  const positional = parts.filter((p) => p === '$').length;
  if (positional > 1) throw new CommandError(2, `Too many positional (i.e. '$') elements found in path '${path}'`);
  if (parts[0] === '$') throw new CommandError(2, `Cannot have positional (i.e. '$') element in the first position in path '${path}'`);
  if (IDENTIFIER.test(parts[0] as string)) {
    throw new CommandError(2, `Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '${path}'`);
  }
  if (op === '$rename' && parts.some(isDynamic)) {
    throw new CommandError(2, `The source field for $rename may not be dynamic: ${path}`);
  }
  return parts;
}

interface TrieNode {
  leaf: boolean;
  children: Map<string, TrieNode>;
}

/** mongod's parse-time conflict rule (update_object_node.cpp): code 40 names the shorter path. */
function addToTrie(root: TrieNode, parts: string[]): void {
  let node = root;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    let child = node.children.get(part);
    if (child && (child.leaf || last)) {
      throw new CommandError(40, `Updating the path '${parts.join('.')}' would create a conflict at '${parts.slice(0, i + 1).join('.')}'`);
    }
    if (!child) {
      child = { leaf: last, children: new Map() };
      node.children.set(part, child);
    }
    node = child;
  }
}

export interface ParsedUpdate {
  steps: UpdateStep[];
  filters: Map<string, Predicate>;
  /** Some path uses `$`, `$[]` or `$[id]` (only then can two writes meet on one element). */
  dynamic: boolean;
  /** Some path starts with a `$`-prefixed field, which mongod refuses to create (code 52). */
  dollarTopLevel: boolean;
}

/** Array filters by identifier; each filter's fields must all start with the same identifier. */
function parseArrayFilters(arrayFilters: Doc[] | undefined): Map<string, Predicate> {
  const filters = new Map<string, Predicate>();
  for (const filter of arrayFilters ?? []) {
    if (!isPlainObject(filter)) throw new CommandError(9, 'Each array filter must be an object');
    const ids = new Set<string>();
    const collect = (f: Doc): void => {
      for (const [key, value] of Object.entries(f)) {
        if (key === '$and' || key === '$or' || key === '$nor') {
          if (Array.isArray(value)) for (const sub of value) if (isPlainObject(sub)) collect(sub);
        } else if (!key.startsWith('$')) ids.add(key.split('.')[0] as string);
      }
    };
    collect(filter);
    if (ids.size === 0) throw new CommandError(2, 'Cannot use an expression without a top-level field name in arrayFilters');
    if (ids.size > 1) {
      const [a, b] = [...ids];
      throw new CommandError(9, `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${a ?? ''}' and '${b ?? ''}'`);
    }
    const id = [...ids][0] as string;
    if (!/^[a-z][a-zA-Z0-9]*$/.test(id)) {
      throw new CommandError(2, `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`);
    }
    if (filters.has(id)) throw new CommandError(9, `Found multiple array filters with the same top-level field name ${id}`);
    filters.set(id, compileFilter(filter));
  }
  return filters;
}

/** Parses an operator update once per statement; throws mongod's parse errors. */
export function parseOperatorUpdate(update: Doc, arrayFilters: Doc[] | undefined): ParsedUpdate {
  const filters = parseArrayFilters(arrayFilters);
  const used = new Set<string>();
  const trie: TrieNode = { leaf: false, children: new Map() };
  const steps: UpdateStep[] = [];
  for (const [op, fields] of Object.entries(update)) {
    for (const [path, arg] of Object.entries(fields as Doc)) {
      const parts = checkPath(path, op);
      for (const part of parts) {
        const id = IDENTIFIER.exec(part)?.[1];
        if (id === undefined || id === '') continue;
        if (!filters.has(id)) throw new CommandError(2, `No array filter found for identifier '${id}' in path '${path}'`);
        used.add(id);
      }
      if (op === '$rename') {
        if (typeof arg !== 'string') throw new CommandError(2, `The 'to' field for $rename must be a string: ${path}: ${formatValue(arg)}`);
        const to = checkPath(arg, op);
        if (to.some(isDynamic)) throw new CommandError(2, `The destination field for $rename may not be dynamic: ${arg}`);
        if (arg === path) throw new CommandError(2, `The source and target field for $rename must differ: ${path}: ${formatValue(arg)}`);
        if (arg.startsWith(`${path}.`) || path.startsWith(`${arg}.`)) {
          throw new CommandError(2, `The source and target field for $rename must not be on the same path: ${path}: ${formatValue(arg)}`);
        }
        addToTrie(trie, parts);
        addToTrie(trie, to);
        steps.push({ op, path, parts, arg, to });
        continue;
      }
      addToTrie(trie, parts);
      steps.push({ op, path, parts, arg });
    }
  }
  for (const id of filters.keys()) {
    if (!used.has(id)) throw new CommandError(9, `The array filter for identifier '${id}' was not used in the update ${formatValue(update)}`);
  }
  return {
    steps,
    filters,
    dynamic: steps.some((step) => step.parts.some(isDynamic)),
    dollarTopLevel: steps.some((step) => (step.to ?? step.parts)[0]?.startsWith('$') === true),
  };
}

export interface ExpandContext {
  filters: Map<string, Predicate>;
  /** Index of the array element the query matched, for `$`; undefined when it matched none. */
  positional: (arrayPath: string[]) => number | undefined;
}

function child(container: unknown, part: string): unknown {
  if (Array.isArray(container)) return /^\d+$/.test(part) ? container[Number(part)] : undefined;
  return isPlainObject(container) ? ownField(container, part) : undefined;
}

/** The concrete paths one step writes in `doc` (a single one unless it uses `$[]` or `$[id]`). */
export function expandPath(doc: Doc, step: UpdateStep, ctx: ExpandContext): string[][] {
  if (!step.parts.some(isDynamic)) return [step.parts];
  const out: string[][] = [];
  const walk = (value: unknown, i: number, prefix: string[]): void => {
    if (i === step.parts.length) {
      out.push(prefix);
      return;
    }
    const part = step.parts[i] as string;
    if (part === '$') {
      const index = ctx.positional(prefix);
      if (index === undefined) {
        throw new CommandError(2, "The positional operator did not find the match needed from the query.");
      }
      walk(child(value, String(index)), i + 1, [...prefix, String(index)]);
      return;
    }
    const id = IDENTIFIER.exec(part)?.[1];
    if (id === undefined) {
      walk(child(value, part), i + 1, [...prefix, part]);
      return;
    }
    if (value === undefined) {
      throw new CommandError(2, `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
    }
    if (!Array.isArray(value)) {
      throw new CommandError(2, `Cannot apply array updates to non-array element ${prefix[prefix.length - 1] ?? ''}: ${formatValue(value)}`);
    }
    const test = id === '' ? undefined : ctx.filters.get(id);
    value.forEach((element, index) => {
      if (test && !test({ [id]: element })) return;
      walk(element, i + 1, [...prefix, String(index)]);
    });
  };
  walk(doc, 0, []);
  return out;
}
