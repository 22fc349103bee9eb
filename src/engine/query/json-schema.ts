// MongoDB's $jsonSchema: JSON Schema draft 4 as mongod implements it (its own dialect).
// Differences from draft 4 that decide results: `bsonType` beside `type` (never both), no
// implicit array traversal, restriction keywords (minimum, minLength, ...) only constrain values
// of their own type, `type: 'integer'`, `format`, `$ref`, `default`, `definitions`, `id` and
// `$schema` are refused ("not currently supported"), and any other unknown keyword is refused.
// https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/
// Each compiled node returns the rules a value breaks, shaped like mongod's errInfo details
// (schemaRulesNotSatisfied, propertiesNotSatisfied, ...), so validation errors explain themselves.
import { bsonTypeOf, compareValues, isNumeric, keyString, toNumber } from '../bson/order.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';

type Detail = Record<string, unknown>;
/** Rules `value` (a present value) breaks; empty when it satisfies the schema. */
type SchemaCheck = (value: unknown) => Detail[];

const SUPPORTED = new Set([
  'additionalItems', 'additionalProperties', 'allOf', 'anyOf', 'bsonType', 'dependencies', 'description',
  'encrypt', 'encryptMetadata', 'enum', 'exclusiveMaximum', 'exclusiveMinimum', 'items', 'maxItems', 'maxLength',
  'maxProperties', 'maximum', 'minItems', 'minLength', 'minProperties', 'minimum', 'multipleOf', 'not', 'oneOf',
  'pattern', 'patternProperties', 'properties', 'required', 'title', 'type', 'uniqueItems',
]);
const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);

const BSON_TYPE_ALIASES = new Set([
  'double', 'string', 'object', 'array', 'binData', 'undefined', 'objectId', 'bool', 'date', 'null', 'regex',
  'dbPointer', 'javascript', 'symbol', 'javascriptWithScope', 'int', 'timestamp', 'long', 'decimal', 'minKey',
  'maxKey', 'number',
]);
const JSON_TYPE_ALIASES = new Set(['object', 'array', 'number', 'boolean', 'string', 'null']);

function fail(code: number, message: string): never {
  throw new CommandError(code, message);
}

function typeSetOf(keyword: string, spec: unknown, aliases: Set<string>): string[] {
  if (typeof spec !== 'string' && !Array.isArray(spec)) {
    fail(14, `$jsonSchema keyword '${keyword}' must be either a string or an array of strings`);
  }
  const names = Array.isArray(spec) ? spec : [spec];
  if (names.length === 0) fail(9, `$jsonSchema keyword '${keyword}' must name at least one type`);
  for (const name of names) {
    if (typeof name !== 'string') fail(14, `$jsonSchema keyword '${keyword}' array elements must be strings`);
    if (name === 'integer' && keyword === 'type') fail(9, "$jsonSchema type 'integer' is not currently supported.");
    if (!aliases.has(name)) fail(2, `Unknown type name alias: ${name}`);
  }
  return names as string[];
}

function hasType(value: unknown, names: string[], jsonTypes: boolean): boolean {
  const actual = bsonTypeOf(value);
  for (const name of names) {
    if (name === 'number' && isNumeric(value)) return true;
    if (jsonTypes && name === 'boolean' && actual === 'bool') return true;
    if (name === actual) return true;
  }
  return false;
}

function nonNegativeInteger(keyword: string, spec: unknown): number {
  if (!isNumeric(spec)) fail(14, `$jsonSchema keyword '${keyword}' must be a number`);
  const n = toNumber(spec);
  if (!Number.isInteger(n)) fail(2, `$jsonSchema keyword '${keyword}' must be representable as a long`);
  if (n < 0) fail(2, `$jsonSchema keyword '${keyword}' must be a nonnegative integer`);
  return n;
}

function schemaArray(keyword: string, spec: unknown): Record<string, unknown>[] {
  if (!Array.isArray(spec)) fail(14, `$jsonSchema keyword '${keyword}' must be an array`);
  if (spec.length === 0) fail(2, `$jsonSchema keyword '${keyword}' must be a non-empty array`);
  for (const s of spec) {
    if (!isPlainObject(s)) fail(14, `$jsonSchema keyword '${keyword}' must be an array of objects, but found an element of type ${bsonTypeOf(s)}`);
  }
  return spec as Record<string, unknown>[];
}

function schemaObject(keyword: string, spec: unknown): Record<string, unknown> {
  if (!isPlainObject(spec)) fail(14, `$jsonSchema keyword '${keyword}' must be an object`);
  return spec;
}

/** Characters, not UTF-16 units: mongod counts code points. */
function stringLength(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** Field order does not matter for enum and uniqueItems (mongod's unordered-fields comparison). */
function unorderedKey(value: unknown): string {
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${unorderedKey(value[k])}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(unorderedKey).join(',')}]`;
  return keyString(value);
}

function compileNode(schema: Record<string, unknown>): SchemaCheck {
  for (const key of Object.keys(schema)) {
    if (UNSUPPORTED.has(key)) fail(9, `$jsonSchema keyword '${key}' is not currently supported`);
    if (!SUPPORTED.has(key)) fail(9, `Unknown $jsonSchema keyword: ${key}`);
  }
  for (const key of ['description', 'title']) {
    if (schema[key] !== undefined && typeof schema[key] !== 'string') fail(14, `$jsonSchema keyword '${key}' must be of type string`);
  }
  if (schema.type !== undefined && schema.bsonType !== undefined) {
    fail(9, "Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");
  }
  if (schema.encrypt !== undefined || schema.encryptMetadata !== undefined) {
    fail(9, '$jsonSchema keywords encrypt and encryptMetadata need client-side field level encryption, which the embedded engine does not support');
  }
  const checks: SchemaCheck[] = [];
  const add = (check: SchemaCheck): void => {
    checks.push(check);
  };

  for (const keyword of ['type', 'bsonType'] as const) {
    if (schema[keyword] === undefined) continue;
    const names = typeSetOf(keyword, schema[keyword], keyword === 'type' ? JSON_TYPE_ALIASES : BSON_TYPE_ALIASES);
    const specifiedAs = { [keyword]: schema[keyword] };
    add((v) => (hasType(v, names, keyword === 'type') ? [] : [{ operatorName: keyword, specifiedAs, reason: 'type did not match', consideredValue: v, consideredType: bsonTypeOf(v) }]));
  }

  for (const [keyword, exclusiveKeyword, sign] of [['minimum', 'exclusiveMinimum', 1], ['maximum', 'exclusiveMaximum', -1]] as const) {
    const bound = schema[keyword];
    const exclusive = schema[exclusiveKeyword];
    if (exclusive !== undefined && typeof exclusive !== 'boolean') fail(14, `$jsonSchema keyword '${exclusiveKeyword}' must be a boolean`);
    if (bound === undefined) {
      if (exclusive !== undefined) fail(9, `$jsonSchema keyword '${keyword}' must be a present if ${exclusiveKeyword} is present`);
      continue;
    }
    if (!isNumeric(bound)) fail(14, `$jsonSchema keyword '${keyword}' must be a number`);
    const specifiedAs = exclusive === undefined ? { [keyword]: bound } : { [keyword]: bound, [exclusiveKeyword]: exclusive };
    add((v) => {
      if (!isNumeric(v)) return [];
      const c = compareValues(v, bound) * sign;
      return c > 0 || (c === 0 && exclusive !== true) ? [] : [{ operatorName: keyword, specifiedAs, reason: 'comparison failed', consideredValue: v }];
    });
  }

  if (schema.multipleOf !== undefined) {
    const spec = schema.multipleOf;
    if (!isNumeric(spec)) fail(14, "$jsonSchema keyword 'multipleOf' must be a number");
    const divisor = toNumber(spec);
    if (!(divisor > 0)) fail(9, "$jsonSchema keyword 'multipleOf' must have a positive value");
    add((v) => {
      if (!isNumeric(v)) return [];
      const n = toNumber(v);
      return Number.isFinite(n) && n % divisor === 0 ? [] : [{ operatorName: 'multipleOf', specifiedAs: { multipleOf: spec }, reason: 'considered value is not a multiple of the specified value', consideredValue: v }];
    });
  }

  for (const [keyword, sign] of [['minLength', 1], ['maxLength', -1]] as const) {
    if (schema[keyword] === undefined) continue;
    const limit = nonNegativeInteger(keyword, schema[keyword]);
    add((v) => {
      if (typeof v !== 'string') return [];
      const length = stringLength(v);
      return (length - limit) * sign >= 0 ? [] : [{ operatorName: keyword, specifiedAs: { [keyword]: schema[keyword] }, reason: 'specified string length was not satisfied', consideredValue: v }];
    });
  }

  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') fail(14, "$jsonSchema keyword 'pattern' must be a string");
    const re = regexOf(schema.pattern);
    add((v) => (typeof v !== 'string' || re.test(v) ? [] : [{ operatorName: 'pattern', specifiedAs: { pattern: schema.pattern }, reason: 'regular expression did not match', consideredValue: v }]));
  }

  if (schema.enum !== undefined) {
    const values = schema.enum;
    if (!Array.isArray(values)) fail(14, `$jsonSchema keyword 'enum' must be an array, but found an element of type ${bsonTypeOf(values)}`);
    if (values.length === 0) fail(9, "$jsonSchema keyword 'enum' cannot be an empty array");
    const allowed = new Set<string>();
    for (const v of values) {
      const key = unorderedKey(v);
      if (allowed.has(key)) fail(9, "$jsonSchema keyword 'enum' array cannot contain duplicate values.");
      allowed.add(key);
    }
    add((v) => (allowed.has(unorderedKey(v)) ? [] : [{ operatorName: 'enum', specifiedAs: { enum: values }, reason: 'value was not found in enum', consideredValue: v }]));
  }

  compileArrayKeywords(schema, add);
  compileObjectKeywords(schema, add);
  compileLogicalKeywords(schema, add);

  if (checks.length === 1) return checks[0] as SchemaCheck;
  return (value) => {
    const out: Detail[] = [];
    for (const check of checks) {
      const failed = check(value);
      if (failed.length > 0) out.push(...failed);
    }
    return out;
  };
}

function regexOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch (error) {
      return fail(51091, `Regular expression is invalid: ${(error as Error).message}`);
    }
  }
}

function compileArrayKeywords(schema: Record<string, unknown>, add: (check: SchemaCheck) => void): void {
  for (const [keyword, sign] of [['minItems', 1], ['maxItems', -1]] as const) {
    if (schema[keyword] === undefined) continue;
    const limit = nonNegativeInteger(keyword, schema[keyword]);
    add((v) => (!Array.isArray(v) || (v.length - limit) * sign >= 0 ? [] : [{ operatorName: keyword, specifiedAs: { [keyword]: schema[keyword] }, reason: 'array did not match specified length', consideredValue: v, numberOfItems: v.length }]));
  }
  if (schema.uniqueItems !== undefined) {
    if (typeof schema.uniqueItems !== 'boolean') fail(14, "$jsonSchema keyword 'uniqueItems' must be a boolean");
    if (schema.uniqueItems) {
      add((v) => {
        if (!Array.isArray(v)) return [];
        const seen = new Set<string>();
        for (const element of v) {
          const key = unorderedKey(element);
          if (seen.has(key)) return [{ operatorName: 'uniqueItems', specifiedAs: { uniqueItems: true }, reason: 'found a duplicate item', consideredValue: v, duplicatedValue: element }];
          seen.add(key);
        }
        return [];
      });
    }
  }
  const items = schema.items;
  if (items === undefined) return;
  if (isPlainObject(items)) {
    const each = compileNode(items);
    add((v) => {
      if (!Array.isArray(v)) return [];
      for (let i = 0; i < v.length; i += 1) {
        const details = each(v[i]);
        if (details.length > 0) return [{ operatorName: 'items', reason: 'At least one item did not match the sub-schema', itemIndex: i, details }];
      }
      return [];
    });
    return;
  }
  const tuple = schemaArray('items', items).map(compileNode);
  add((v) => {
    if (!Array.isArray(v)) return [];
    const failing: Detail[] = [];
    tuple.forEach((check, i) => {
      if (i >= v.length) return;
      const details = check(v[i]);
      if (details.length > 0) failing.push({ itemIndex: i, details });
    });
    return failing.length > 0 ? [{ operatorName: 'items', details: failing }] : [];
  });
  // additionalItems only means something beside a tuple-form `items`.
  const extra = schema.additionalItems;
  if (extra === undefined) return;
  if (extra === false) {
    add((v) => (Array.isArray(v) && v.length > tuple.length ? [{ operatorName: 'additionalItems', specifiedAs: { additionalItems: false }, reason: 'found additional items', additionalItems: v.slice(tuple.length) }] : []));
  } else if (isPlainObject(extra)) {
    const each = compileNode(extra);
    add((v) => {
      if (!Array.isArray(v)) return [];
      for (let i = tuple.length; i < v.length; i += 1) {
        const details = each(v[i]);
        if (details.length > 0) return [{ operatorName: 'additionalItems', reason: 'At least one additional item did not match the sub-schema', itemIndex: i, details }];
      }
      return [];
    });
  } else if (extra !== true) {
    fail(14, "$jsonSchema keyword 'additionalItems' must be either an object or a boolean");
  }
}

function compileObjectKeywords(schema: Record<string, unknown>, add: (check: SchemaCheck) => void): void {
  for (const [keyword, sign] of [['minProperties', 1], ['maxProperties', -1]] as const) {
    if (schema[keyword] === undefined) continue;
    const limit = nonNegativeInteger(keyword, schema[keyword]);
    add((v) => {
      if (!isPlainObject(v)) return [];
      const count = Object.keys(v).filter((k) => v[k] !== undefined).length;
      return (count - limit) * sign >= 0 ? [] : [{ operatorName: keyword, specifiedAs: { [keyword]: schema[keyword] }, reason: 'specified number of properties was not satisfied', numberOfProperties: count }];
    });
  }

  if (schema.required !== undefined) {
    const names = schema.required;
    if (!Array.isArray(names)) fail(14, "$jsonSchema keyword 'required' must be an array");
    if (names.length === 0) fail(2, "$jsonSchema keyword 'required' cannot be an empty array");
    const seen = new Set<string>();
    for (const name of names) {
      if (typeof name !== 'string') fail(14, "$jsonSchema keyword 'required' must contain only strings");
      if (seen.has(name)) fail(9, "$jsonSchema keyword 'required' array cannot contain duplicate values");
      seen.add(name);
    }
    add((v) => {
      if (!isPlainObject(v)) return [];
      const missingProperties = (names as string[]).filter((n) => v[n] === undefined);
      return missingProperties.length > 0 ? [{ operatorName: 'required', specifiedAs: { required: names }, missingProperties }] : [];
    });
  }

  const properties = new Map<string, { check: SchemaCheck; description?: unknown }>();
  if (schema.properties !== undefined) {
    for (const [name, sub] of Object.entries(schemaObject('properties', schema.properties))) {
      if (!isPlainObject(sub)) fail(14, `Nested schema for $jsonSchema property '${name}' must be an object`);
      properties.set(name, { check: compileNode(sub), ...(sub.description !== undefined ? { description: sub.description } : {}) });
    }
    add((v) => {
      if (!isPlainObject(v)) return [];
      const failing: Detail[] = [];
      for (const [name, { check, description }] of properties) {
        if (v[name] === undefined) continue;
        const details = check(v[name]);
        if (details.length > 0) failing.push({ propertyName: name, ...(description !== undefined ? { description } : {}), details });
      }
      return failing.length > 0 ? [{ operatorName: 'properties', propertiesNotSatisfied: failing }] : [];
    });
  }

  const patterns: Array<{ source: string; re: RegExp; check: SchemaCheck }> = [];
  if (schema.patternProperties !== undefined) {
    for (const [source, sub] of Object.entries(schemaObject('patternProperties', schema.patternProperties))) {
      if (!isPlainObject(sub)) fail(14, `Nested schema for $jsonSchema patternProperties '${source}' must be an object`);
      patterns.push({ source, re: regexOf(source), check: compileNode(sub) });
    }
    add((v) => {
      if (!isPlainObject(v)) return [];
      const failing: Detail[] = [];
      for (const name of Object.keys(v)) {
        if (v[name] === undefined) continue;
        for (const { source, re, check } of patterns) {
          if (!re.test(name)) continue;
          const details = check(v[name]);
          if (details.length > 0) failing.push({ propertyName: name, regexMatched: source, details });
        }
      }
      return failing.length > 0 ? [{ operatorName: 'patternProperties', details: failing }] : [];
    });
  }

  const extra = schema.additionalProperties;
  if (extra !== undefined) {
    const isAdditional = (name: string): boolean => !properties.has(name) && !patterns.some((p) => p.re.test(name));
    if (extra === false) {
      add((v) => {
        if (!isPlainObject(v)) return [];
        const additionalProperties = Object.keys(v).filter((k) => v[k] !== undefined && isAdditional(k));
        return additionalProperties.length > 0 ? [{ operatorName: 'additionalProperties', specifiedAs: { additionalProperties: false }, additionalProperties }] : [];
      });
    } else if (isPlainObject(extra)) {
      const check = compileNode(extra);
      add((v) => {
        if (!isPlainObject(v)) return [];
        for (const name of Object.keys(v)) {
          if (v[name] === undefined || !isAdditional(name)) continue;
          const details = check(v[name]);
          if (details.length > 0) return [{ operatorName: 'additionalProperties', reason: 'at least one additional property did not match the subschema', failingProperty: name, details }];
        }
        return [];
      });
    } else if (extra !== true) {
      fail(14, "$jsonSchema keyword 'additionalProperties' must be either an object or a boolean");
    }
  }

  if (schema.dependencies !== undefined) {
    const deps: Array<{ name: string; required?: string[]; check?: SchemaCheck }> = [];
    for (const [name, dep] of Object.entries(schemaObject('dependencies', schema.dependencies))) {
      if (Array.isArray(dep)) {
        if (dep.length === 0) fail(9, `property '${name}' in $jsonSchema keyword 'dependencies' cannot be an empty array`);
        if (dep.some((d) => typeof d !== 'string')) fail(14, `array '${name}' in $jsonSchema keyword 'dependencies' must contain only strings`);
        deps.push({ name, required: dep as string[] });
      } else if (isPlainObject(dep)) {
        deps.push({ name, check: compileNode(dep) });
      } else {
        fail(14, `property '${name}' in $jsonSchema keyword 'dependencies' must be either an object or an array`);
      }
    }
    add((v) => {
      if (!isPlainObject(v)) return [];
      const failingDependencies: Detail[] = [];
      for (const dep of deps) {
        if (v[dep.name] === undefined) continue;
        if (dep.required) {
          const missingProperties = dep.required.filter((n) => v[n] === undefined);
          if (missingProperties.length > 0) failingDependencies.push({ conditionalProperty: dep.name, missingProperties });
        } else if (dep.check) {
          const details = dep.check(v);
          if (details.length > 0) failingDependencies.push({ conditionalProperty: dep.name, details });
        }
      }
      return failingDependencies.length > 0 ? [{ operatorName: 'dependencies', failingDependencies }] : [];
    });
  }
}

function compileLogicalKeywords(schema: Record<string, unknown>, add: (check: SchemaCheck) => void): void {
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (schema[keyword] === undefined) continue;
    const subs = schemaArray(keyword, schema[keyword]).map(compileNode);
    add((v) => {
      const schemasNotSatisfied: Detail[] = [];
      const matching: number[] = [];
      subs.forEach((check, index) => {
        const details = check(v);
        if (details.length > 0) schemasNotSatisfied.push({ index, details });
        else matching.push(index);
      });
      if (keyword === 'allOf') return schemasNotSatisfied.length > 0 ? [{ operatorName: 'allOf', schemasNotSatisfied }] : [];
      if (keyword === 'anyOf') return matching.length > 0 ? [] : [{ operatorName: 'anyOf', schemasNotSatisfied }];
      if (matching.length === 1) return [];
      if (matching.length === 0) return [{ operatorName: 'oneOf', schemasNotSatisfied }];
      return [{ operatorName: 'oneOf', reason: 'more than one subschema matched', matchingSchemaIndexes: matching }];
    });
  }
  if (schema.not !== undefined) {
    const inner = compileNode(schemaObject('not', schema.not));
    add((v) => (inner(v).length > 0 ? [] : [{ operatorName: 'not', reason: 'child expression matched', details: { operatorName: '$jsonSchema', specifiedAs: schema.not } }]));
  }
}

export interface CompiledJsonSchema {
  test(doc: Record<string, unknown>): boolean;
  /** mongod's errInfo `details` for a document that fails, or undefined when it passes. */
  explain(doc: Record<string, unknown>): Detail | undefined;
}

/** Compiles a $jsonSchema document; throws CommandError (FailedToParse, TypeMismatch) as mongod does. */
export function compileJsonSchema(schema: unknown): CompiledJsonSchema {
  if (!isPlainObject(schema)) fail(14, '$jsonSchema must be an object');
  const check = compileNode(schema);
  return {
    test: (doc) => check(doc).length === 0,
    explain: (doc) => {
      const schemaRulesNotSatisfied = check(doc);
      if (schemaRulesNotSatisfied.length === 0) return undefined;
      return { operatorName: '$jsonSchema', ...(typeof schema.title === 'string' ? { title: schema.title } : {}), schemaRulesNotSatisfied };
    },
  };
}
