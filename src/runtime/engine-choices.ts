// The engine names a user can pass to --engine; kept apart from engines.ts so that the CLI's
// option parsing does not load engine selection.
export const engineChoices = ['auto', 'embedded', 'memory-server', 'uri'] as const;
export type EngineChoice = (typeof engineChoices)[number];

export function isEngineChoice(value: string): value is EngineChoice {
  return (engineChoices as readonly string[]).includes(value);
}
