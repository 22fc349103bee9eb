// Engine selection: what auto picks, and how a bad MONGODB_URI is reported.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { maskUri, scrubSecrets, seedHosts, selectEngine, findMongodBinary, uriProblem, autoEngineName, describeEngines } from '../../src/runtime/engines.js';
import { UserError } from '../../src/cli/errors.js';

describe('maskUri hides everything between the scheme and the last "@"', () => {
  const cases: Array<[string, string]> = [
    ['mongodb://user:secret@127.0.0.1:1/', 'mongodb://***:***@127.0.0.1:1/'],
    // Unescaped "/" and "@" in the password: a parser stopping at the first one would print part of it.
    ['mongodb://u:sec/ret@127.0.0.1:1/', 'mongodb://***:***@127.0.0.1:1/'],
    ['mongodb://u:p@ss@127.0.0.1:1/', 'mongodb://***:***@127.0.0.1:1/'],
    ['mongodb://u:p%40ss@127.0.0.1:27017/app', 'mongodb://***:***@127.0.0.1:27017/app'],
    ['mongodb+srv://admin:p%40ss@cluster0.example.net/app?retryWrites=true', 'mongodb+srv://***:***@cluster0.example.net/app?retryWrites=true'],
    ['mongodb://token@host:27017/', 'mongodb://***@host:27017/'],
    ['mongodb://u:pw@a.example:27017,b.example:27018,[::1]:27019/db?replicaSet=rs0', 'mongodb://***:***@a.example:27017,b.example:27018,[::1]:27019/db?replicaSet=rs0'],
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017/'],
    ['mongodb://a.example,b.example/db', 'mongodb://a.example,b.example/db'],
    ['redis://:hunter2@cache.internal:6379', 'redis://***:***@cache.internal:6379'],
    // No scheme at all: still masked.
    ['user:pw@host', '***:***@host'],
  ];
  for (const [uri, masked] of cases) {
    test(uri.replace(/:[^:@/]+@/, ':…@'), () => {
      assert.equal(maskUri(uri), masked);
      assert.equal(maskUri(masked), masked, 'masking is idempotent');
    });
  }
});

test('scrubSecrets removes the password (as written and decoded) and masks URIs inside a reason', () => {
  const uri = 'mongodb://app:s3cr%40t-pw@db.example:27017/';
  assert.equal(scrubSecrets('auth failed for app:s3cr%40t-pw', uri), 'auth failed for ***');
  assert.equal(scrubSecrets('password s3cr@t-pw was rejected', uri), 'password *** was rejected');
  assert.equal(scrubSecrets('retrying mongodb://app:other@db.example:27017/', uri), 'retrying mongodb://***:***@db.example:27017/');
  assert.equal(scrubSecrets('ECONNREFUSED 127.0.0.1:1', 'mongodb://127.0.0.1:1/'), 'ECONNREFUSED 127.0.0.1:1');
});

describe('uriProblem names what is malformed, never the secret', () => {
  const cases: Array<[string, RegExp | undefined]> = [
    ['notauri', /does not start with mongodb:\/\//],
    ['http://127.0.0.1:27017/', /does not start with mongodb:\/\//],
    ['mongodb://u:sec/ret@127.0.0.1:1/', /unescaped "\/"/],
    ['mongodb://u:p@ss@127.0.0.1:1/', /unescaped "@"/],
    ['mongodb://u:a:b@127.0.0.1:1/', /unescaped ":"/],
    ['mongodb://u:p%zz@127.0.0.1/', /%XX/],
    ['mongodb://127.0.0.1:99999/', /port 99999/],
    ['mongodb:///db', /no host/],
    ['mongodb+srv://cluster0.example.net:27017/', /no port/],
    ['mongodb+srv://a.example,b.example/', /exactly one host/],
    ['mongodb://u:p%40ss@127.0.0.1:27017/app', undefined],
    ['mongodb://a.example:27017,b.example,[::1]:27019/db?replicaSet=rs0', undefined],
    ['mongodb+srv://admin:pw@cluster0.example.net/app?retryWrites=true', undefined],
  ];
  for (const [uri, expected] of cases) {
    test(maskUri(uri), () => {
      const found = uriProblem(uri);
      if (expected === undefined) {
        assert.equal(found, undefined);
        return;
      }
      assert.ok(found, 'a problem is reported');
      assert.match(found.problem, expected);
      for (const secret of ['sec/ret', 'p@ss', 'ss@', 'a:b', 'p%zz']) {
        if (uri.includes(secret)) assert.ok(!found.problem.includes(secret) && !found.hint.includes(secret), `${secret} leaked`);
      }
    });
  }
});

test('seedHosts reads host and port lists, with the default port and IPv6', () => {
  assert.deepEqual(seedHosts('mongodb://u:p@a.example:27018,b.example/db?x=1'), [{ host: 'a.example', port: 27018 }, { host: 'b.example', port: 27017 }]);
  assert.deepEqual(seedHosts('mongodb://[::1]:1234/'), [{ host: '::1', port: 1234 }]);
  assert.deepEqual(seedHosts('mongodb+srv://cluster0.example.net/'), []);
});

test('auto picks MONGODB_URI whenever it is set, else a mongod on disk, else the embedded engine', () => {
  assert.equal(autoEngineName({ MONGODB_URI: 'mongodb://127.0.0.1:1/' }, true), 'uri');
  assert.equal(autoEngineName({}, true), 'memory-server');
  assert.equal(autoEngineName({}, false), 'embedded');
  assert.equal(autoEngineName({ MONGODB_URI: '' }, false), 'embedded');
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

  for (const uri of ['mongodb://u:sec/ret@127.0.0.1:1/', 'mongodb://u:p@ss@127.0.0.1:1/', 'notauri']) {
    test(`a malformed MONGODB_URI (${maskUri(uri)}) is called malformed, with a hint to correct it`, async () => {
      await assert.rejects(selectEngine('auto', { MONGODB_URI: uri }), (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.match(error.message, /^MONGODB_URI is malformed/);
        assert.doesNotMatch(`${error.message}\n${error.hint ?? ''}`, /sec\/ret|ret@|ss@|p@ss/);
        assert.doesNotMatch(error.hint ?? '', /Start that server/);
        return true;
      });
    });
  }

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

describe('MONGOMS_SYSTEM_BINARY pointing to a missing file', () => {
  const missing = '/nonexistent-backend-scenarios/mongod';

  test('--engine memory-server names the variable and the path, not a download', async () => {
    await assert.rejects(selectEngine('memory-server', { MONGOMS_SYSTEM_BINARY: missing }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.message, `MONGOMS_SYSTEM_BINARY points to ${missing}, which does not exist.`);
      assert.match(error.hint ?? '', /unset MONGOMS_SYSTEM_BINARY/);
      assert.doesNotMatch(`${error.message}\n${error.hint ?? ''}`, /download/i);
      return true;
    });
  });

  test('doctor\'s memory-server line says the same', async () => {
    const engines = await describeEngines({ MONGOMS_SYSTEM_BINARY: missing });
    const memoryServer = engines.find((engine) => engine.name === 'memory-server');
    assert.equal(memoryServer?.available, false);
    assert.equal(memoryServer.reason, `MONGOMS_SYSTEM_BINARY points to ${missing}, which does not exist`);
  });
});
