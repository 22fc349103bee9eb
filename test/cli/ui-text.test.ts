// Terminal rendering helpers: wrapping, tables, colour decisions and figure formatting.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { wrap, truncate, visibleLength } from '../../src/ui/text.js';
import { renderTable } from '../../src/ui/table.js';
import { colorWanted, terminalWidth } from '../../src/ui/terminal.js';
import { formatValue } from '../../src/ui/demo-output.js';
import { rule, ruleLines } from '../../src/ui/scenario-text.js';
import { frameCode } from '../../src/ui/highlight.js';
import { Spinner } from '../../src/ui/spinner.js';
import { Writable } from 'node:stream';
import type { Terminal } from '../../src/ui/terminal.js';
import { createStyle } from '../../src/ui/terminal.js';

function plainTerminal(width: number): Terminal {
  return { out: process.stdout, width, columns: width, interactive: false, color: false, style: createStyle(false), line: () => undefined };
}

describe('wrap', () => {
  test('breaks at word boundaries within the width, with indents', () => {
    const lines = wrap('one two three four five six seven', 14, '  ', '- ');
    assert.deepEqual(lines, ['- one two', '  three four', '  five six', '  seven']);
    assert.ok(lines.every((line) => line.length <= 14));
  });

  test('ignores colour codes when measuring and keeps a word longer than the line whole', () => {
    assert.equal(visibleLength('\u001b[31mred\u001b[39m'), 3);
    assert.deepEqual(wrap('abcdefghijklmnop qr', 10), ['abcdefghijklmnop', 'qr']);
  });
});

test('truncate marks the cut', () => {
  assert.equal(truncate('registration race', 8), 'registr…');
  assert.equal(truncate('short', 8), 'short');
});

describe('renderTable', () => {
  const columns = [{ header: 'ID', align: 'right' as const }, { header: 'TITLE' }, { header: 'SUMMARY', flexible: true }];
  const rows = [['24', 'Registration race', 'Check-then-insert lets every racer in'], ['5', 'Short', 'x']];

  test('aligns columns and truncates the flexible one to fit', () => {
    const lines = renderTable(columns, rows, 46);
    assert.equal(lines[0], 'ID  TITLE              SUMMARY');
    assert.equal(lines[1], '24  Registration race  Check-then-insert lets…');
    assert.equal(lines[2], ' 5  Short              x');
    assert.ok(lines.every((line) => visibleLength(line) <= 46));
  });

  test('stacks rows when even a truncated table cannot fit', () => {
    const lines = renderTable(columns, rows, 20);
    assert.deepEqual(lines.slice(0, 3), ['ID: 24', 'TITLE: Registration race', 'SUMMARY: Check-then-insert lets every racer in']);
  });
});

describe('colour and width', () => {
  const tty = { isTTY: true };
  test('NO_COLOR and --no-color switch colour off, FORCE_COLOR on, pipes get none', () => {
    assert.equal(colorWanted(tty, [], {}), true);
    assert.equal(colorWanted({ isTTY: false }, [], {}), false);
    assert.equal(colorWanted(tty, [], { NO_COLOR: '1' }), false);
    assert.equal(colorWanted(tty, [], { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(colorWanted(tty, ['node', 'cli', '--no-color'], {}), false);
    assert.equal(colorWanted({ isTTY: false }, [], { FORCE_COLOR: '1' }), true);
    assert.equal(colorWanted(tty, [], { TERM: 'dumb' }), false);
  });

  test('width follows COLUMNS, then the terminal, else 80; capped for prose', () => {
    assert.equal(terminalWidth({ isTTY: false }, {}, { isTTY: false }), 80);
    // Piped into a pager, the terminal stderr still shows on gives the width.
    assert.equal(terminalWidth({ isTTY: false }, {}, { isTTY: true, columns: 60 }), 60);
    assert.equal(terminalWidth({ isTTY: true, columns: 64 }, {}), 64);
    assert.equal(terminalWidth({ isTTY: true, columns: 64 }, { COLUMNS: '60' }), 60);
    assert.equal(terminalWidth({ isTTY: true, columns: 300 }, {}), 100);
  });
});

test('formatValue prints figures compactly and readably', () => {
  assert.equal(formatValue([201, 409, 409]), '[201, 409, 409]');
  assert.equal(formatValue({ name: 'email_1', unique: true }), '{ name: "email_1", unique: true }');
  assert.equal(formatValue({ 'x-ratelimit': '5' }), '{ "x-ratelimit": "5" }');
  assert.equal(formatValue('plain text'), 'plain text');
  assert.equal(formatValue(['a b']), '["a b"]');
  assert.equal(formatValue(null), 'null');
});

describe('headings and code titles fit the width', () => {
  const narrow = plainTerminal(60);
  const long = 'Registration race: one email, many accounts';

  test('a rule is exactly the width, cutting a title too long for it', () => {
    assert.equal(visibleLength(rule(narrow, 'Summary')), 60);
    const cut = rule(narrow, `Scenario 24 · ${long} and then some more words`);
    assert.equal(visibleLength(cut), 60);
    assert.match(cut, /…/);
  });

  test('ruleLines keeps a long title whole on its own line, and a short one on the rule', () => {
    const lines = ruleLines(narrow, 'Scenario 24', long);
    assert.match(lines[0] ?? '', /^━━ Scenario 24 ━+$/);
    assert.equal(lines[1], `  ${long}`);
    assert.ok(lines.every((line) => visibleLength(line) <= 60));
    assert.deepEqual(ruleLines(narrow, 'Scenario 25', 'Stale data').length, 1);
  });

  test('a code title wraps like prose; the code lines are left as written', () => {
    const title = 'Naive: a long-lived token the page can read, logout that revokes nothing';
    const lines = frameCode(title, 'const a = 1;', narrow);
    assert.ok(lines.length >= 3);
    assert.ok(lines.every((line) => visibleLength(line) <= 60), lines.join('\n'));
    assert.equal(lines[lines.length - 1], '  │ const a = 1;');
  });
});

describe('spinner', () => {
  /** A stream that keeps what was written. */
  function sink(): { stream: NodeJS.WritableStream; text: () => string } {
    let written = '';
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { written += chunk.toString(); done(); } });
    return { stream, text: () => written };
  }

  test('on an interactive terminal it draws with cursor and erase-line codes', () => {
    const out = sink();
    const spinner = new Spinner(out.stream, true, { TERM: 'xterm-256color' });
    spinner.start('Starting');
    spinner.print('a line');
    spinner.stop();
    assert.ok(out.text().includes('\u001b[2K'), JSON.stringify(out.text()));
  });

  test('TERM=dumb: no spinner and no escape codes, but printed lines still come through', () => {
    const out = sink();
    const spinner = new Spinner(out.stream, true, { TERM: 'dumb' });
    spinner.start('Starting');
    spinner.print('a line');
    spinner.stop();
    assert.equal(out.text(), 'a line\n');
  });
});
