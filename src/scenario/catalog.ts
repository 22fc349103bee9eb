// What `list` needs (id, slug, title, tags, summary) without importing every scenario module:
// parsing all demo code costs more than Node's own start-up. The catalog is cached beside the
// built scenario files, keyed on each file's name, size and modification time, and rebuilt from
// the modules themselves (validated) whenever any of that changes.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ScenarioDefinition } from './contract.js';
import { defaultScenariosDir, listScenarioFiles, loadScenarios } from './registry.js';

export type CatalogEntry = Pick<ScenarioDefinition, 'id' | 'slug' | 'title' | 'tags' | 'summary'>;

interface FileStamp {
  name: string;
  size: number;
  mtimeMs: number;
}

interface CatalogFile {
  version: 1;
  files: FileStamp[];
  entries: CatalogEntry[];
}

export const catalogFileName = '.catalog.json';

export async function loadCatalog(dir = defaultScenariosDir): Promise<CatalogEntry[]> {
  const files = await listScenarioFiles(dir);
  const stamps: FileStamp[] = await Promise.all(files.map(async (file) => {
    const info = await stat(file.path);
    return { name: relative(dir, file.path), size: info.size, mtimeMs: info.mtimeMs };
  }));
  const cachePath = join(dir, catalogFileName);
  try {
    const cached = JSON.parse(await readFile(cachePath, 'utf8')) as CatalogFile;
    if (cached.version === 1 && JSON.stringify(cached.files) === JSON.stringify(stamps)) return cached.entries;
  } catch {
    // no cache yet, or an unreadable one: rebuild below
  }
  const entries = (await loadScenarios(dir)).map(({ id, slug, title, tags, summary }) => ({ id, slug, title, tags, summary }));
  // Only beside built (.js) files: the source tree is edited constantly and stays clean.
  if (files.length > 0 && files.every((file) => file.path.endsWith('.js'))) {
    const catalog: CatalogFile = { version: 1, files: stamps, entries };
    await writeFile(cachePath, `${JSON.stringify(catalog)}\n`).catch(() => undefined);
  }
  return entries;
}
