// A multi-line answer prompt with a visible countdown, built on @inquirer/core. The clock ticks
// by re-rendering the whole prompt from state (header, the lines already typed, the line being
// typed), so a tick can never interleave with or erase what the candidate is typing. Time running
// out changes the header's wording; typing is never cut off. An empty line finishes the answer;
// Enter on an empty first line means "I answered aloud".
import { createPrompt, isEnterKey, makeTheme, useEffect, useKeypress, usePrefix, useState } from '@inquirer/core';
import { formatClock } from './budget.js';

export interface CountdownConfig {
  /** "Scenario 1 of 3", "Follow-up 2 of 3". */
  label: string;
  budgetSeconds: number;
  /** Injected in tests; Date.now by default. */
  now?: () => number;
  /** How often the clock redraws (ms). */
  tickMs?: number;
}

export interface CountdownAnswer {
  text: string;
  seconds: number;
}

export const countdownAnswer = createPrompt<CountdownAnswer, CountdownConfig>((config, done) => {
  const now = config.now ?? Date.now;
  const theme = makeTheme();
  const [startedAt] = useState(now());
  const [clock, setClock] = useState(now());
  const [lines, setLines] = useState<string[]>([]);
  const [current, setCurrent] = useState('');
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const prefix = usePrefix({ status, theme });

  useEffect(() => {
    const timer = setInterval(() => setClock(now()), config.tickMs ?? 1000);
    return () => clearInterval(timer);
  }, []);

  useKeypress((key, rl) => {
    if (status === 'done') return;
    if (isEnterKey(key)) {
      const line = current;
      if (line.trim() === '') {
        setStatus('done');
        done({ text: lines.join('\n'), seconds: Math.round((now() - startedAt) / 1000) });
        return;
      }
      setLines([...lines, line]);
      setCurrent('');
      return;
    }
    setCurrent(rl.line);
  });

  const left = config.budgetSeconds - (clock - startedAt) / 1000;
  const typed = lines.map((line) => `  ${line}`);
  if (status === 'done') {
    const seconds = Math.round((now() - startedAt) / 1000);
    return `${prefix} ${theme.style.message(config.label, 'done')} ${theme.style.answer(lines.length === 0 ? '(answered aloud)' : `${lines.length} line${lines.length === 1 ? '' : 's'}, ${formatClock(seconds)}`)}`;
  }
  const clockText = left >= 0
    ? `${formatClock(left)} left`
    : theme.style.error(`over time by ${formatClock(-left)}: finish your thought`);
  const header = `${prefix} ${theme.style.message(config.label, 'idle')} · ${clockText}`;
  const help = theme.style.help(lines.length === 0
    ? 'Type your answer; an empty line finishes. Enter now = answered aloud.'
    : 'An empty line finishes the answer.');
  return [[header, ...typed, `${theme.style.highlight('>')} ${current}`].join('\n'), help];
});
