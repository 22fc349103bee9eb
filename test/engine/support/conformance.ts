// MongoDB's unified spec tests (../shared/conformance, expectations recorded from real servers),
// run by the shared runner in a child process against an engine this test process hosts.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const sharedConformance = path.resolve(repoRoot, '..', 'shared', 'conformance');
export const suiteFound = existsSync(path.join(sharedConformance, 'run.mjs'));

/**
 * CI always has ../shared beside the clone, so there a missing suite is a failure. A contributor's
 * clone may not: the test then says plainly that it did not run, rather than failing the suite.
 */
export const skipWithoutSuite: string | false = suiteFound || process.env['CI']
  ? false
  : `MongoDB's spec suite was not found at ${sharedConformance}; put it there to run this test`;

export interface ListResult {
  passed: number;
  failed: number;
  skipped: number;
  failing: string[];
  output: string;
}

/** A private copy per call: two test processes must not delete each other's files halfway through. */
export async function runConformanceList(uri: string, list: string, timeoutMs: number): Promise<ListResult> {
  if (!suiteFound) throw new Error(`conformance suite not found at ${sharedConformance}: it must sit beside the repository (../shared/conformance)`);
  const copy = path.join(repoRoot, '.tmp', `conformance-${process.pid}-${list.replace(/\W/g, '_')}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(sharedConformance, copy, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(copy, 'run.mjs'), '--uri', uri, '--list', path.join(copy, list)], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    const summary = /(\d+) passed, (\d+) failed, (\d+) skipped\s*$/.exec(output.trim());
    if (!summary) throw new Error(`the runner printed no summary for ${list}:\n${output.slice(-3000)}`);
    return {
      passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3]),
      failing: output.split('\n').filter((line) => line.startsWith('FAIL')), output,
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
