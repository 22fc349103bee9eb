// How a verdict reads in the terminal: each check passed or failed with the figure it saw; for the
// first failing core check one targeted hint; what broke, naming the learner's file and line; and
// what to do next. Core checks first, senior checks as extras.
import type { Terminal } from '../ui/terminal.js';
import { formatValue } from '../ui/demo-output.js';
import { wrap } from '../ui/text.js';
import type { VerifyCheck, VerifyResult } from './verify-result.js';
import { command } from '../cli/invocation.js';

/** Lines of the learner's own output worth showing: not the library internals of a stack trace. */
function ownOutput(output: string[], file: string): string[] {
  const lines = output.filter((line) => !/^\s+at .*(node_modules|node:internal|\(node:)/.test(line));
  const errorLines = lines.filter((line) => !/^\s+at /.test(line) || line.includes(file));
  return errorLines.slice(0, 12);
}

function checkLines(check: VerifyCheck, terminal: Terminal, hint: string | undefined): string[] {
  const { style } = terminal;
  const mark = check.passed ? style.green('✔') : style.red.bold('✘');
  const lines = wrap(check.claim, terminal.width, '    ', `  ${mark} `);
  const figure = `observed ${formatValue(check.observed)}${!check.passed && check.detail ? ` · ${check.detail}` : ''}`;
  lines.push(...wrap(style.dim(figure), terminal.width, '      ', '    '));
  if (hint) lines.push(...wrap(style.yellow(`hint: ${hint}`), terminal.width, '      ', '    '));
  return lines;
}

export function renderVerify(result: VerifyResult, terminal: Terminal, hints: Record<string, string[]>, options: { reference: boolean }): string[] {
  const { style } = terminal;
  const lines: string[] = [style.bold(`verify ${result.id} · ${result.file}`)];
  const core = result.checks.filter((check) => check.level === 'core');
  const senior = result.checks.filter((check) => check.level === 'senior');
  const firstFailure = core.find((check) => !check.passed) ?? senior.find((check) => !check.passed);
  for (const check of core) lines.push(...checkLines(check, terminal, check === firstFailure ? hints[check.id]?.[0] : undefined));
  if (senior.length > 0) {
    lines.push(style.dim('  senior (extra, not needed to pass)'));
    for (const check of senior) lines.push(...checkLines(check, terminal, check === firstFailure ? hints[check.id]?.[0] : undefined));
  }
  if (result.hanging.length > 0) {
    lines.push(...wrap(style.red(`no answer from: ${result.hanging.join(', ')}. Does every path of the handler send a response?`), terminal.width, '    ', '  '));
  }
  if (result.error) {
    lines.push(...wrap(style.red.bold(`✘ ${result.error.message}`), terminal.width, '    ', '  '));
  }
  const printed = result.passed ? [] : ownOutput(result.output, result.file);
  if (printed.length > 0) {
    lines.push(style.dim('  your code printed:'));
    for (const line of printed) lines.push(style.dim(`    ${line}`));
  }
  lines.push('');
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  if (result.passed) {
    const seniorFailed = senior.filter((check) => !check.passed).length;
    lines.push(style.green.bold(`✔ PASSED: every core check held (${core.length}/${core.length})`) + style.dim(` · ${seconds}`)
      + (seniorFailed > 0 ? style.dim(` · ${seniorFailed} senior extra${seniorFailed === 1 ? '' : 's'} to go`) : ''));
    if (!options.reference) lines.push(style.dim(`Compare with the reference: ${command(`solution ${result.id}`)}`));
  } else if (result.error && result.checks.length === 0) {
    lines.push(style.red.bold('✘ FAILED: the attack could not run against your file') + style.dim(` · ${seconds}`));
  } else {
    const failed = core.filter((check) => !check.passed).length;
    lines.push(style.red.bold(`✘ FAILED: ${failed} of ${core.length} core checks did not hold`) + style.dim(` · ${seconds}`));
    if (!options.reference) lines.push(style.dim(`More help: ${command(`hint ${result.id}`)}`));
  }
  return lines;
}
