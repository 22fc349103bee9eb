// The line of the learner's file in an error's stack, so a throw is reported as "app.js line 12"
// and never with a stack trace of ours.
import { pathToFileURL } from 'node:url';

export function lineOf(stack: string | undefined, path: string): string | undefined {
  if (!stack) return undefined;
  const url = pathToFileURL(path).href;
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A throw's frame is "at file:///…/app.js:LINE:COL"; a SyntaxError's stack starts with "/…/app.js:LINE".
  return new RegExp(`(?:${escape(url)}|${escape(path)}):(\\d+)`).exec(stack)?.[1];
}
