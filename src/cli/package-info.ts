// The package's own name and version, read from package.json: it sits two levels above src/cli
// in the source tree and three above dist/src/cli once built.
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'backend-scenarios' && pkg.version) return pkg.version;
    } catch {
      // not at this level; try the next
    }
  }
  return 'unknown';
}
