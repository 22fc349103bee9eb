// Where progress lives: the platform's data directory (XDG on Linux, Application Support on macOS,
// %LOCALAPPDATA% on Windows) unless BACKEND_SCENARIOS_HOME says otherwise (tests, portable installs).
import envPaths from 'env-paths';
import { join } from 'node:path';

export const progressFileName = 'progress.json';

export function progressDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['BACKEND_SCENARIOS_HOME']?.trim();
  if (override) return override;
  return envPaths('backend-scenarios', { suffix: '' }).data;
}

export function progressFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(progressDirectory(env), progressFileName);
}
