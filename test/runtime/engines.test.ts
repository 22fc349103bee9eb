// Engine selection: what auto picks, and how a bad MONGODB_URI is reported.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { maskUri, seedHosts, selectEngine, findMongodBinary } from '../../src/runtime/engines.js';
import { UserError } from '../../src/cli/errors.js';

describe('maskUri', () => {
  const cases: Array<[string, string]> = [
    ['mongodb://user:secret@127.0.0.1:1/', 'mongodb://***:***@127.0.0.1:1/'],
    ['mongodb+srv://admin:p%40ss@cluster0.example.net/app?retryWrites=true', 'mongodb+srv://***:***@cluster0.example.net/app?retryWrites=true'],
    ['mongodb://token@host:27017/', 'mongodb://***@host:27017/'],
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017/'],
  ];
  for (const [uri, masked] of cases) test(uri, () => assert.equal(maskUri(uri), masked));
});

test('seedHosts reads host and port lists, with the default port and IPv6', () => {
  assert.deepEqual(seedHosts('mongodb://u:p@a.example:27018,b.example/db?x=1'), [{ host: 'a.example', port: 27018 }, { host: 'b.example', port: 27017 }]);
  assert.deepEqual(seedHosts('mongodb://[::1]:1234/'), [{ host: '::1', port: 1234 }]);
  assert.deepEqual(seedHosts('mongodb+srv://cluster0.example.net/'), []);
});

describe('selectEngine', () => {
  test('auto with an unreachable MONGODB_URI is a user error naming the masked URI and the fix', async () => {
    await assert.rejects(selectEngine('auto', { MONGODB_URI: 'mongodb://user:secret@127.0.0.1:1/' }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /^Cannot reach MongoDB at mongodb:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:1\/ \(MONGODB_URI\): ECONNREFUSED/);
      assert.doesNotMatch(error.message, /secret/);
      assert.match(error.hint ?? '', /--engine embedded/);
      return true;
    });
  });

  test('--engine uri without MONGODB_URI says what to set', async () => {
    await assert.rejects(selectEngine('uri', {}), /--engine uri needs a MONGODB_URI/);
  });

  test('auto without MONGODB_URI and without a mongod on disk runs the embedded engine', async (t) => {
    if (await findMongodBinary()) {
      t.diagnostic('a mongod is on disk here, so auto picks memory-server; the embedded branch is not reachable');
      return;
    }
    const engine = await selectEngine('auto', {});
    try {
      assert.equal(engine.name, 'embedded');
      assert.match(engine.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      assert.match(engine.version, /^\d+\.\d+/);
    } finally {
      await engine.stop();
    }
  });
});
