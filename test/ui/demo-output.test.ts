// How a demo reads: the role of each check decides its mark (a reproduced bug looks like a bug, a
// fix like a fix, a check that did not hold like the demo failing), the closing summary is a
// before/after derived from the report, figures carry their units, and the pause after the bug
// happens once, before the step that follows the first failure step.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createStyle } from '../../src/ui/terminal.js';
import type { Terminal } from '../../src/ui/terminal.js';
import { checkLine, createConsoleReporter, formatObservation } from '../../src/ui/demo-output.js';
import { beforeAfter, compactValue, renderSummary, verdictLine } from '../../src/ui/demo-summary.js';
import { formatNumber, unitOf } from '../../src/runtime/units.js';
import type { CheckResult, ScenarioReport, StepReport } from '../../src/runtime/report.js';

function terminal(width = 80, lines: string[] = []): Terminal {
  return {
    out: { write: (text: string) => { lines.push(text); return true; } } as unknown as NodeJS.WritableStream,
    width, columns: width, interactive: false, color: false, style: createStyle(false),
    line: (text = '') => { lines.push(text); },
  };
}

const check = (role: CheckResult['role'], passed: boolean, detail?: string): CheckResult => ({
  claim: 'the claim', passed, role, level: 'core', ...(detail ? { detail } : {}),
});

describe('check marks by role', () => {
  const rows: { role: CheckResult['role']; passed: boolean; mark: RegExp }[] = [
    { role: 'reproduces-failure', passed: true, mark: /^ {3}✘ bug reproduced: the claim$/ },
    { role: 'proves-fix', passed: true, mark: /^ {3}✔ fixed: the claim$/ },
    { role: 'context', passed: true, mark: /^ {3}✔ the claim$/ },
    { role: 'reproduces-failure', passed: false, mark: /^ {3}‼ the bug did not reproduce: the claim$/ },
    { role: 'proves-fix', passed: false, mark: /^ {3}‼ the fix did not hold: the claim$/ },
    { role: 'context', passed: false, mark: /^ {3}‼ not as claimed: the claim$/ },
  ];
  for (const row of rows) {
    test(`${row.role}, ${row.passed ? 'held' : 'did not hold'}`, () => {
      const [first] = checkLine(check(row.role, row.passed), terminal());
      assert.match(first ?? '', row.mark);
      assert.doesNotMatch(first ?? '', /held|PASSED/);
    });
  }

  test('with colour, a reproduced bug is red and a fix green: never the same paint', () => {
    const colored: Terminal = { ...terminal(), color: true, style: createStyle(true) };
    const bug = checkLine(check('reproduces-failure', true), colored)[0] ?? '';
    const fix = checkLine(check('proves-fix', true), colored)[0] ?? '';
    assert.ok(bug.includes('\u001b[31m'), 'red');
    assert.ok(fix.includes('\u001b[32m'), 'green');
    assert.ok(!bug.includes('\u001b[32m'));
  });

  test('a check that did not hold shows what was seen', () => {
    const lines = checkLine(check('proves-fix', false, '2 documents'), terminal());
    assert.match(lines.join('\n'), /saw: 2 documents/);
  });
});

const step = (title: string, shows: StepReport['shows'], observations: StepReport['observations'], checks: CheckResult[] = [], units?: Record<string, string>): StepReport => ({
  title, shows, senior: false, observations, checks, durationMs: 1, ...(units ? { units } : {}),
});

function report(steps: StepReport[], passed = true): ScenarioReport {
  return { id: 24, title: 't', engine: { name: 'embedded', version: '7.0.0' }, passed, durationMs: 531, steps };
}

describe('before → after', () => {
  const sample = report([
    step('Naive: five at once', 'failure', { statuses: [201, 201, 201, 201, 201], documents: 5, 'median ms': 30 }, [check('reproduces-failure', true)]),
    step('Measure', 'context', { documents: 7 }),
    step('Fix: unique index', 'fix', { statuses: [201, 409, 409, 409, 409], documents: 1, 'median ms': 3, unchanged: 1 }, [check('proves-fix', true), check('proves-fix', true)]),
  ]);

  test('pairs each failure figure with the same label in the next fix step, compactly, with units', () => {
    assert.deepEqual(beforeAfter(sample), [
      { label: 'statuses', before: '201×5', after: '201 + 409×4' },
      { label: 'documents', before: '5', after: '1' },
      { label: 'median', before: '30 ms', after: '3 ms', note: '10× faster' },
    ]);
  });

  test('the summary is the before/after and one verdict line, not the checks again', () => {
    const text = renderSummary(sample, terminal(200)).join('\n');
    assert.match(text, /Before → after/);
    assert.match(text, /documents\s+5 → 1/);
    assert.match(text, /✔ The demo behaved as claimed: bug reproduced \(1 check\), fix proven \(2 checks\) · 531 ms · built-in engine \(speaks MongoDB 7\.0 wire protocol\)/);
    assert.doesNotMatch(text, /the claim/);
  });

  test('a demo that did not behave lists what did not hold, and says so distinctly', () => {
    const failed = report([step('Fix: x', 'fix', {}, [check('proves-fix', false, 'saw 2')])], false);
    const text = renderSummary(failed, terminal(100)).join('\n');
    assert.match(text, /‼ the fix did not hold: the claim/);
    assert.match(verdictLine(failed, terminal(100)), /^‼ The demo did not behave as claimed: 1 of 1 checks did not hold/);
  });

  test('compact values', () => {
    assert.equal(compactValue([201, 409]), '201 + 409');
    assert.equal(compactValue(['a', 'b']), '["a", "b"]');
    assert.equal(compactValue(20000, 'docs examined'), '20\u202f000');
  });
});

describe('units and numbers', () => {
  const rows: { label: string; value: number; unit?: string; shown: string }[] = [
    { label: 'median ms', value: 13, shown: 'median: 13 ms' },
    { label: 'median', value: 13, unit: 'ms', shown: 'median: 13 ms' },
    { label: 'speed-up', value: 9.3, shown: 'speed-up: 9.3×' },
    { label: 'skip http ms (median of 3)', value: 17, shown: 'skip http (median of 3): 17 ms' },
    { label: 'docs examined', value: 20000, shown: 'docs examined: 20\u202f000' },
    { label: 'port', value: 53211, shown: 'port: 53211' },
    { label: 'index build error code', value: 11000, shown: 'index build error code: 11000' },
    { label: 'seed ms', value: 339.1, shown: 'seed: 339.1 ms' },
    { label: 'smaller by', value: 40, unit: '%', shown: 'smaller by: 40%' },
  ];
  for (const row of rows) {
    test(row.shown, () => {
      const { label, value } = formatObservation(row.label, row.value, unitOf(row.label, row.value, row.unit).unit);
      assert.equal(`${label}: ${value}`, row.shown);
    });
  }

  test('thousands grouping starts at five digits and keeps decimals', () => {
    assert.equal(formatNumber(1234), '1234');
    assert.equal(formatNumber(1234567.5), '1\u202f234\u202f567.5');
    assert.equal(formatNumber(-20000), '-20\u202f000');
  });
});

describe('pacing', () => {
  test('the pause after the bug comes once, before the step after the first failure step', async () => {
    const paused: string[] = [];
    const reporter = createConsoleReporter(terminal(), { highlight: (code) => code, pauseAfterFailure: async (next) => { paused.push(next); } });
    const steps: [string, StepReport['shows']][] = [['Setup', 'context'], ['Naive: race', 'failure'], ['Trap', 'failure'], ['Fix: index', 'fix'], ['Senior: spelling', 'failure'], ['Senior fix', 'fix']];
    for (const [index, [title, shows]] of steps.entries()) {
      await reporter.beforeStep?.(index + 1, title);
      reporter.stepStarted?.(index + 1, title);
      reporter.stepFinished?.(index + 1, step(title, shows, {}));
    }
    reporter.dispose();
    assert.deepEqual(paused, ['Trap']);
  });

  test('without a pause (piped, --json, CI, --no-pause) nothing waits', async () => {
    const reporter = createConsoleReporter(terminal(), { highlight: (code) => code });
    assert.equal(reporter.beforeStep, undefined);
    reporter.dispose();
  });
});

describe('key points backed by a check', () => {
  test('show marks a point with provenBy; after a run, only when that step ran and every check held', async () => {
    const { renderKeyPoints } = await import('../../src/ui/scenario-text.js');
    const { fixtureScenario } = await import('../quiz/support/fixtures.js');
    const scenario = fixtureScenario(24);
    scenario.answer.keyPoints = [
      { text: 'A unique index decides', terms: [['unique index']], provenBy: 'Fix:' },
      { text: 'It is a race', terms: [['race']], provenBy: 'Naive:' },
      { text: 'Reasoning only', terms: [['x']] },
    ];
    const shown = renderKeyPoints(scenario, terminal(200)).join('\n');
    assert.match(shown, /✔ A unique index decides \(proven by the demo: Fix:\)/);
    assert.match(shown, /• Reasoning only/);
    const ran = report([
      step('Naive: race', 'failure', {}, [check('reproduces-failure', false)]),
      step('Fix: index', 'fix', {}, [check('proves-fix', true)]),
    ], false);
    const after = renderKeyPoints(scenario, terminal(200), ran).join('\n');
    assert.match(after, /✔ A unique index decides \(proven in this run: Fix: index\)/);
    assert.match(after, /‼ It is a race \(its step did not behave as claimed: Naive: race\)/);
  });
});
