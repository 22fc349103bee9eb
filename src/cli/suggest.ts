// Placeholder until the shared command-suggestion helper lands: the command as the user can type it.
export function suggestedCommand(rest: string): string {
  return `backend-scenarios ${rest}`;
}
