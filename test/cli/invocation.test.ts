// Suggested commands run as typed: `npx backend-scenarios …` when npm started the CLI (npx, npm exec,
// npm run, npx's cache), the bare name otherwise; hints written elsewhere are rewritten the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asTyped, command, commandPrefix } from '../../src/cli/invocation.js';

const bare = { env: {}, argv: ['node', '/usr/lib/node_modules/backend-scenarios/bin/backend-scenarios.js'] };
const cases: { how: string; env: NodeJS.ProcessEnv; argv: string[]; prefix: string }[] = [
  { how: 'globally installed or linked', ...bare, prefix: 'backend-scenarios' },
  { how: 'npx / npm exec', env: { npm_command: 'exec' }, argv: bare.argv, prefix: 'npx backend-scenarios' },
  { how: 'npm run', env: { npm_lifecycle_event: 'demo', npm_command: 'run-script' }, argv: bare.argv, prefix: 'npx backend-scenarios' },
  { how: "npx's cache", env: {}, argv: ['node', '/root/.npm/_npx/abc/node_modules/backend-scenarios/bin/backend-scenarios.js'], prefix: 'npx backend-scenarios' },
  { how: 'node_modules/.bin', env: {}, argv: ['node', '/p/node_modules/.bin/backend-scenarios'], prefix: 'npx backend-scenarios' },
];

for (const { how, env, argv, prefix } of cases) {
  test(`${how} → ${prefix}`, () => {
    assert.equal(commandPrefix(env, argv), prefix);
    assert.equal(command('run 24', env, argv), `${prefix} run 24`);
  });
}

test('hints from elsewhere: commands rewritten, prose and paths left alone', () => {
  const npx = { npm_command: 'exec' };
  const rows: [string, string][] = [
    ['`backend-scenarios list` shows them all.', '`npx backend-scenarios list` shows them all.'],
    ['Then redo it: backend-scenarios quiz --id 24.', 'Then redo it: npx backend-scenarios quiz --id 24.'],
    ['See `backend-scenarios --help`.', 'See `npx backend-scenarios --help`.'],
    ['written by a newer backend-scenarios.', 'written by a newer backend-scenarios.'],
    ['If no other backend-scenarios is running', 'If no other backend-scenarios is running'],
    ['/tmp/backend-scenarios-123 run', '/tmp/backend-scenarios-123 run'],
    ['npx backend-scenarios run 24', 'npx backend-scenarios run 24'],
  ];
  for (const [text, expected] of rows) assert.equal(asTyped(text, npx, bare.argv), expected);
  assert.equal(asTyped('`backend-scenarios list`', {}, bare.argv), '`backend-scenarios list`');
});
