// Renders values the way mongod prints them in messages and explain bounds
// (`{ email: "a@x.io" }`, `ObjectId('...')`, `new Date(1700000000000)`).
import { bsonTypeOf, toNumber } from './order.js';

export function formatValue(value: unknown): string {
  switch (bsonTypeOf(value)) {
    case 'missing':
    case 'null':
      return 'null';
    case 'string':
      return JSON.stringify(value);
    case 'double': {
      const n = toNumber(value);
      if (n === Infinity) return 'inf.0';
      if (n === -Infinity) return '-inf.0';
      if (Number.isNaN(n)) return 'nan.0';
      // A double that holds an integer prints with ".0" (5.0), telling it apart from the int32 5.
      if (Object.is(n, -0)) return '-0.0';
      if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
      return String(n);
    }
    case 'int':
    case 'long':
      // String() of a Long is exact; toNumber would round past 2^53.
      return String(value);
    case 'decimal':
      return `${String(value)}`;
    case 'bool':
      return String(value);
    case 'date': {
      // The ends of the date type bracket are int64 extremes in mongod, beyond what a JS Date holds.
      const ms = (value as Date).getTime();
      if (ms === -8.64e15) return 'new Date(-9223372036854775808)';
      if (ms === 8.64e15) return 'new Date(9223372036854775807)';
      return `new Date(${ms})`;
    }
    case 'objectId':
      return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    case 'array':
      return `[ ${(value as unknown[]).map(formatValue).join(', ')} ]`;
    case 'object': {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 0) return '{}';
      return `{ ${keys.map((k) => `${k}: ${formatValue(o[k])}`).join(', ')} }`;
    }
    case 'regex': {
      const r = value as { source?: string; flags?: string; pattern?: string; options?: string };
      return `/${r.source ?? r.pattern ?? ''}/${r.flags ?? r.options ?? ''}`;
    }
    default:
      return String(value);
  }
}
