// After `tsc`: copies the exercise code files (scenarios/NN-slug/*.js and traps/*.js) into
// dist/scenarios verbatim. tsc compiles scenario.ts and attack.ts but never copies plain .js, and
// these must arrive byte for byte: `run` prints them, `practice` copies them, `verify` runs them.
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const source = 'scenarios';
const target = join('dist', 'scenarios');
let copied = 0;
for (const name of readdirSync(source)) {
  const folder = join(source, name);
  if (!statSync(folder).isDirectory()) continue;
  cpSync(folder, join(target, name), {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || path.endsWith('.js'),
  });
  // A scenario converted from a single file leaves its old build output behind (tsc never deletes):
  // two modules with one id would stop the registry.
  for (const stale of [`${name}.js`, `${name}.js.map`, `${name}.d.ts`]) rmSync(join(target, stale), { force: true });
  copied += 1;
}
console.log(`copied the code files of ${copied} exercise folder(s) into ${target}`);
