// Units and numbers as people read them: `median 13 ms`, `9.3× faster`, `20 000 docs examined`.
// A figure's unit is given with `ctx.observe(label, value, { unit })`, or read from the label's
// last word when it is a unit and the value is a number ("median ms" → `median: 13 ms`), so the
// scenarios written before units existed print the same way. Pure functions: `list` and `show`
// may load this.

/** Units the label convention recognises (the last word of the label, before any parenthesis). */
const labelUnits = new Set(['ms', 's', 'min', 'bytes', 'B', 'KiB', 'MiB', '%', '×', 'x']);

/** A number that is not a quantity: never grouped in thousands (ports, error codes, ids). */
const notAQuantity = /\b(port|pid|code|codes|id|ids|year|version)\b/i;

export interface LabelledUnit {
  /** The label to print (the unit taken out of it when it was read from there). */
  label: string;
  unit?: string;
}

/**
 * The unit of one observation: `explicit` when the scenario gave one, else the label's last word
 * when that is a unit and the value a number (or an array of numbers); "speed-up" is a ratio (×).
 */
export function unitOf(label: string, value: unknown, explicit?: string): LabelledUnit {
  if (explicit !== undefined && explicit !== '') return { label, unit: explicit };
  const numeric = typeof value === 'number' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number'));
  if (!numeric) return { label };
  const match = /^(.*?)\s+(\S+)(\s+\(.*\))?$/.exec(label);
  if (match && labelUnits.has(match[2]!)) {
    const unit = match[2] === 'x' ? '×' : match[2]!;
    return { label: `${match[1]}${match[3] ?? ''}`, unit };
  }
  if (/\bspeed-?up\b|\bfaster\b/i.test(label)) return { label, unit: '×' };
  return { label };
}

/**
 * The label and unit to print for a recorded observation: the unit moves out of the label when the
 * label is where it came from ("median ms" + ms → "median" + ms), and stays put otherwise.
 */
export function displayed(label: string, value: unknown, recordedUnit: string | undefined): LabelledUnit {
  const fromLabel = unitOf(label, value);
  if (fromLabel.unit !== undefined && (recordedUnit === undefined || recordedUnit === fromLabel.unit)) return fromLabel;
  return recordedUnit === undefined ? { label } : { label, unit: recordedUnit };
}

/**
 * 20000 → "20 000" (a narrow no-break space, as SI writes it; four-digit numbers stay whole), decimals
 * kept as given. `label` keeps ports, codes and ids ungrouped.
 */
export function formatNumber(value: number, label = ''): string {
  if (!Number.isFinite(value)) return String(value);
  const text = String(value);
  if (notAQuantity.test(label) || Math.abs(value) < 10_000 || /e/i.test(text)) return text;
  const [whole = '', fraction] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '');
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${sign}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** A number with its unit: "13 ms", "9.3×", "42%", "20 000 bytes". */
export function withUnit(text: string, unit: string | undefined): string {
  if (unit === undefined) return text;
  return unit === '×' || unit === '%' ? `${text}${unit}` : `${text} ${unit}`;
}

/** 1 document, 5 documents: a count and a noun that agrees with it. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : pluralForm}`;
}
