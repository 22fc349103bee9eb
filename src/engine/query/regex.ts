// $regex matching that cannot freeze the engine. JavaScript's RegExp backtracks: `^(a+)+$` on 29
// a's and a '!' runs for seconds inside one call that nothing can interrupt, not even maxTimeMS.
// Patterns run on RE2 (the re2js port) instead, which matches in time linear in the subject, so
// maxTimeMS, checked between documents, always gets its turn. RE2 has no backreferences and no
// lookahead; those patterns (rarer, and what PCRE in mongod accepts) fall back to RegExp, whose
// matching stays uninterruptible: the one gap, stated in src/engine/README.md.
import { RE2JS } from 're2js';
import { CommandError } from '../errors.js';

export interface CompiledRegex {
  test(subject: string): boolean;
  /** 're2' (linear time) or 'backtracking' (RegExp fallback). */
  readonly engine: 're2' | 'backtracking';
}

// MongoDB's options: i, m, s, x (extended), u is implied; l (locale) has no counterpart here.
function re2Flags(options: string): number {
  let flags = 0;
  if (options.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (options.includes('m')) flags |= RE2JS.MULTILINE;
  if (options.includes('s')) flags |= RE2JS.DOTALL;
  return flags;
}

/** PCRE's x flag: whitespace and #-comments outside character classes are not part of the pattern. */
function stripExtended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    else if (/\s/.test(c)) continue;
    else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i += 1;
      continue;
    }
    out += c;
  }
  return out;
}

const cache = new Map<string, CompiledRegex>();
const CACHE_LIMIT = 500;

export function compileRegex(pattern: string, options: string): CompiledRegex {
  const cacheKey = `${options}/${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const source = options.includes('x') ? stripExtended(pattern) : pattern;
  let compiled: CompiledRegex;
  try {
    const re2 = RE2JS.compile(source, re2Flags(options));
    compiled = { test: (subject) => re2.test(subject), engine: 're2' };
  } catch {
    let native: RegExp;
    try {
      native = new RegExp(source, [...options].filter((f) => 'imsu'.includes(f)).join(''));
    } catch (error) {
      throw new CommandError(51091, `Regular expression is invalid: ${error instanceof Error ? error.message : String(error)}`);
    }
    compiled = { test: (subject) => native.test(subject), engine: 'backtracking' };
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, compiled);
  return compiled;
}
