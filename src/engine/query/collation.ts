// Collation: locale-aware string comparison for queries, sorts and index keys, built on
// Intl.Collator (ICU, the library mongod uses too). A collation reaches a string comparison from
// the operation (`collation` option), else from the collection's default (`create` option);
// `{locale: 'simple'}` means binary comparison. Indexes carry their own collation and serve a
// query only when it is the query's collation.
// https://www.mongodb.com/docs/manual/reference/collation/
import { isNumeric } from '../bson/order.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';

export interface Collation {
  /** The collation in mongod's full form, as listIndexes and listCollections show it. */
  spec: Record<string, unknown>;
  /** A stable identity: two collations with the same id compare every string alike. */
  id: string;
  compare(a: string, b: string): number;
  /** Equal for two strings exactly when `compare` says they are equal (hash keys for uniqueness and grouping). */
  key(s: string): string;
}

const FIELDS: Record<string, 'string' | 'boolean' | 'number'> = {
  locale: 'string',
  caseLevel: 'boolean',
  caseFirst: 'string',
  strength: 'number',
  numericOrdering: 'boolean',
  alternate: 'string',
  maxVariable: 'string',
  normalization: 'boolean',
  backwards: 'boolean',
  version: 'string',
};

const ENUMS: Record<string, string[]> = {
  caseFirst: ['upper', 'lower', 'off'],
  alternate: ['non-ignorable', 'shifted'],
  maxVariable: ['punct', 'space'],
};

// The ICU version mongod 7.0 reports in a collation's `version`.
const ICU_VERSION = '57.1';

const cache = new Map<string, Collation>();

/**
 * Parses a collation document; undefined for the simple collation. Throws mongod's errors for
 * unknown fields, wrong types and values out of range.
 */
export function parseCollation(raw: unknown): Collation | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) throw new CommandError(14, "BSON field 'collation' is the wrong type, expected type 'object'");
  for (const [field, value] of Object.entries(raw)) {
    const type = FIELDS[field];
    if (!type) throw new CommandError(40415, `BSON field 'collation.${field}' is an unknown field.`);
    const ok = type === 'number' ? isNumeric(value) : typeof value === type;
    if (!ok) throw new CommandError(14, `BSON field 'collation.${field}' is the wrong type '${typeof value}', expected type '${type === 'boolean' ? 'bool' : type}'`);
    if (ENUMS[field] && !ENUMS[field].includes(value as string)) {
      throw new CommandError(2, `Enumeration value '${String(value)}' for field 'collation.${field}' is not a valid value.`);
    }
  }
  if (raw.locale === undefined) throw new CommandError(40414, "BSON field 'collation.locale' is missing but a required field");
  const locale = raw.locale as string;
  if (locale === 'simple') {
    if (Object.keys(raw).length > 1) throw new CommandError(2, 'If "locale" is set to "simple", then no other fields may be set');
    return undefined;
  }
  if (locale !== 'root' && !supportedLocale(locale)) {
    throw new CommandError(2, `Field 'locale' is invalid in: { locale: "${locale}" }`);
  }
  const strength = raw.strength === undefined ? 3 : Number(raw.strength);
  if (!Number.isInteger(strength) || strength < 1 || strength > 5) {
    throw new CommandError(2, `Field 'strength' must be an integer 1 through 5. Got: ${String(raw.strength)}`);
  }
  const spec: Record<string, unknown> = {
    locale,
    caseLevel: raw.caseLevel === true,
    caseFirst: (raw.caseFirst as string | undefined) ?? 'off',
    strength,
    numericOrdering: raw.numericOrdering === true,
    alternate: (raw.alternate as string | undefined) ?? 'non-ignorable',
    maxVariable: (raw.maxVariable as string | undefined) ?? 'punct',
    normalization: raw.normalization === true,
    backwards: raw.backwards === true,
    version: ICU_VERSION,
  };
  const id = JSON.stringify(spec);
  const cached = cache.get(id);
  if (cached) return cached;
  const collation = build(spec, id);
  cache.set(id, collation);
  return collation;
}

/** mongod takes ICU locale ids (en_US, de@collation=phonebook); Intl wants BCP 47 tags (en-US). */
function bcp47(locale: string): string {
  if (locale === 'root') return 'und';
  const [base = '', keywords = ''] = locale.split('@');
  const variant = /collation=(\w+)/.exec(keywords)?.[1];
  const tag = base.replace(/_/g, '-');
  return variant ? `${tag}-u-co-${variant.slice(0, 8)}` : tag;
}

function supportedLocale(locale: string): boolean {
  try {
    return Intl.Collator.supportedLocalesOf([bcp47(locale)]).length > 0;
  } catch {
    return false;
  }
}

function build(spec: Record<string, unknown>, id: string): Collation {
  const strength = spec.strength as number;
  const caseLevel = spec.caseLevel === true;
  const numeric = spec.numericOrdering === true;
  const shifted = spec.alternate === 'shifted';
  // ICU strength 1 ignores case and accents, 2 ignores case, 3+ sees both; caseLevel adds case back.
  const sensitivity = strength >= 3 ? 'variant' : strength === 2 ? (caseLevel ? 'variant' : 'accent') : caseLevel ? 'case' : 'base';
  const caseFirst = spec.caseFirst === 'off' ? 'false' : (spec.caseFirst as 'upper' | 'lower');
  const collator = new Intl.Collator(bcp47(spec.locale as string), {
    usage: 'sort',
    sensitivity,
    numeric,
    caseFirst,
    ignorePunctuation: shifted,
  });
  const ignoresAccents = strength === 1;
  const ignoresCase = strength <= 2 && !caseLevel;
  const key = (s: string): string => {
    let k = s.normalize(ignoresAccents ? 'NFD' : 'NFC');
    if (ignoresAccents) k = k.replace(/\p{M}/gu, '');
    if (ignoresCase) k = k.toLocaleLowerCase(bcp47(spec.locale as string));
    if (shifted) k = k.replace(/[\p{P}\p{Z}\p{S}]/gu, '');
    // "007" and "7" are the same number under numericOrdering.
    if (numeric) k = k.replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, ''));
    return k;
  };
  return { spec, id, compare: (a, b) => collator.compare(a, b), key };
}

/** The collation in force: the operation's own when it names one (even simple), else the collection's default. */
export function effectiveCollation(requested: unknown, collectionDefault: unknown): Collation | undefined {
  return requested !== undefined && requested !== null ? parseCollation(requested) : parseCollation(collectionDefault);
}

/**
 * A string normaliser (collation keys, for equality and grouping) that also carries its
 * collation, so that sorts handed a normaliser can compare in collation order.
 */
export type CollationNormaliser = ((s: string) => string) & { collation?: Collation };

export function normaliserOf(collation: Collation | undefined): CollationNormaliser | undefined {
  if (!collation) return undefined;
  return Object.assign((s: string) => collation.key(s), { collation });
}

export function sameCollation(a: Collation | undefined, b: Collation | undefined): boolean {
  return (a?.id ?? 'simple') === (b?.id ?? 'simple');
}
