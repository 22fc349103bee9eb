// The wire reader's type scan (src/engine/bson/deserialize.ts) walks bytes a client controls:
// seeded mutations of a document must each end in a value or an error, never a hang, and an
// intact document must read back with its numeric types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Binary, BSONRegExp, Code, Double, Long, serialize } from 'bson';
import { deserializeExact } from '../../src/engine/bson/deserialize.js';

const original = Buffer.from(serialize({
  a: 1, b: 'str', c: { d: [1, 2.5, new Double(3)], e: Long.fromNumber(5) },
  f: new Binary(Buffer.from([1, 2])), g: new Code('x', { y: 1 }), h: new BSONRegExp('a', 'i'),
}));

test('an intact document keeps its double and int64', () => {
  const doc = deserializeExact(original);
  assert.ok(doc.c.d[2] instanceof Double);
  assert.ok(doc.c.e instanceof Long);
  assert.equal(doc.a, 1);
});

test('20,000 seeded mutations each end in a document or an error', { timeout: 20_000 }, () => {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let refused = 0;
  for (let i = 0; i < 20_000; i += 1) {
    const buf = Buffer.from(original);
    for (let k = 0; k < 1 + rand(4); k += 1) buf[4 + rand(buf.length - 4)] = rand(256);
    try {
      deserializeExact(buf);
    } catch {
      refused += 1;
    }
  }
  assert.ok(refused > 0 && refused < 20_000, `${refused} refused`);
});
