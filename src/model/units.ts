//! Value formatting and parsing with time units: axis labels, the headless summary and --slo
//! all speak "512ns", "1.5µs", "12ms", "2.1s". Pure; no I/O.

import { usageError } from '../errors';
import { NS_PER_UNIT, type Unit } from './snapshot';

/** Display suffixes, smallest first; 'us' is shown as µs (MICRO SIGN, U+00B5). */
const SCALES: readonly { suffix: string; ns: number }[] = [
  { suffix: 'ns', ns: 1 },
  { suffix: 'µs', ns: 1e3 },
  { suffix: 'ms', ns: 1e6 },
  { suffix: 's', ns: 1e9 },
];

/** For values without a unit: plain below 10 000, then SI suffixes so columns stay narrow. */
const RAW_SCALES: readonly { suffix: string; factor: number }[] = [
  { suffix: 'T', factor: 1e12 },
  { suffix: 'G', factor: 1e9 },
  { suffix: 'M', factor: 1e6 },
  { suffix: 'k', factor: 1e3 },
];

/** Three significant digits, trailing zeros dropped, never exponent notation. */
function threeDigits(x: number): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toString();
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  const text = x.toFixed(decimals);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Formats a value in `unit` with the largest time unit that keeps it ≥ 1: "512ns", "1.5µs", "2.1s". */
export function formatValue(value: number, unit: Unit | null): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '-∞' : 'NaN';
  if (unit === null) return formatRaw(value);
  // Zero has no magnitude: keep the caller's unit, so "0µs – 2µs" reads as one scale.
  if (value === 0) return `0${SCALES.find((s) => s.ns === NS_PER_UNIT[unit])?.suffix ?? unit}`;
  const ns = value * NS_PER_UNIT[unit];
  const abs = Math.abs(ns);
  let i = 0;
  while (i < SCALES.length - 1 && abs >= SCALES[i + 1].ns) i++;
  let text = threeDigits(ns / SCALES[i].ns);
  // 999.7ns rounds to "1000ns": say "1µs" instead.
  if (i < SCALES.length - 1 && Math.abs(Number(text)) >= 1000) {
    i++;
    text = threeDigits(ns / SCALES[i].ns);
  }
  return `${text}${SCALES[i].suffix}`;
}

function formatRaw(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1e4) return threeDigits(value);
  for (const s of RAW_SCALES) {
    if (abs >= s.factor * 0.9995) return `${threeDigits(value / s.factor)}${s.suffix}`;
  }
  return threeDigits(value);
}

const DURATION_RE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|μs|ms|s)\s*$/;
const SUFFIX_UNIT: Record<string, Unit> = { ns: 'ns', us: 'us', 'µs': 'us', 'μs': 'us', ms: 'ms', s: 's' };

/**
 * Parses a duration such as "10ms", "1.5us", "250µs" or "2s" into nanoseconds.
 * A unit is required (a bare "10" is ambiguous); throws a usage HeatError 'bad-duration'.
 */
export function parseDuration(text: string): number {
  const m = DURATION_RE.exec(text);
  if (!m) {
    throw usageError('bad-duration', `invalid duration '${text}'`, 'write a number and a unit: 500ns, 250us, 10ms, 2s');
  }
  return Number(m[1]) * NS_PER_UNIT[SUFFIX_UNIT[m[2]]];
}
