//! Probe-effect statistics (pure): from paired runs (bare, traced, bare again, on one CPU) to added
//! ns per syscall with their spread, flags on figures that are not meaningful, and the verdict on
//! issue 6's goal. bench-probe-effect.ts measures; this file decides what may be claimed.

/** What the workload reports for one run: the median over its chunks of ns per call. */
export interface RunFigures {
  /** Wall-clock ns per call. */
  wall: number;
  /** The workload's own CPU time per call (steal and other processes do not count). */
  cpu: number;
}

export type Metric = keyof RunFigures;
export const METRICS: readonly Metric[] = ['wall', 'cpu'];

/** One traced run between two bare runs on the same CPU, minutes apart at most. */
export interface PairedUnit {
  tracer: string;
  cpu: number;
  round: number;
  bareBefore: RunFigures;
  traced: RunFigures;
  bareAfter: RunFigures;
  /** Other tracing seen around the unit after every retry (it slows bare runs too). */
  disturbedBy: string[];
}

/** A unit's bare runs may differ by this share before the unit is retried or flagged. */
export const DRIFT_LIMIT = 0.1;

/** The bare baseline of a unit: the mean of the runs just before and just after it. */
export function bareOf(u: PairedUnit, m: Metric): number {
  return (u.bareBefore[m] + u.bareAfter[m]) / 2;
}

/** ns the tracer added per call in one unit. */
export function addedOf(u: PairedUnit, m: Metric): number {
  return u.traced[m] - bareOf(u, m);
}

/** How far the two bare runs of a unit are apart, as a share of the smaller: the unit's noise. */
export function driftOf(u: PairedUnit, m: Metric): number {
  const [a, b] = [u.bareBefore[m], u.bareAfter[m]];
  return Math.abs(a - b) / Math.min(a, b);
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = q * (s.length - 1);
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

export interface Spread {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export function spreadOf(xs: readonly number[]): Spread {
  return { n: xs.length, min: Math.min(...xs), q1: quantile(xs, 0.25), median: median(xs), q3: quantile(xs, 0.75), max: Math.max(...xs) };
}

/** One tracer on one CPU, by one metric: added ns over the paired bare runs, and what is wrong with it. */
export interface AddedSummary {
  tracer: string;
  cpu: number;
  metric: Metric;
  added: Spread;
  /** Traced ns per call and bare ns per call (medians over units). */
  traced: number;
  bare: number;
  /** Empty when the figure can be claimed; else why not (the table prints these). */
  flags: string[];
  /** True when a flag makes the figure meaningless (never used for a verdict). */
  meaningless: boolean;
}

/** Summarizes one tracer's units on one CPU. */
export function summarize(units: readonly PairedUnit[], m: Metric): AddedSummary {
  const added = units.map((u) => addedOf(u, m));
  const s = spreadOf(added);
  const flags: string[] = [];
  let meaningless = false;
  const disturbed = units.filter((u) => u.disturbedBy.length > 0).length;
  if (disturbed > 0) {
    flags.push(`other tracing around ${disturbed}/${units.length} runs`);
    meaningless = true;
  }
  const nonPositive = added.filter((a) => a <= 0).length;
  if (nonPositive > 0) {
    flags.push(`added ≤ 0 in ${nonPositive}/${units.length} runs`);
    meaningless = true;
  }
  const drifted = units.filter((u) => driftOf(u, m) > DRIFT_LIMIT).length;
  if (drifted > 0) flags.push(`bare runs >${Math.round(DRIFT_LIMIT * 100)}% apart around ${drifted}/${units.length}`);
  // The spread between quartiles larger than the figure itself: the median says little.
  if (s.median > 0 && s.q3 - s.q1 > s.median) {
    flags.push('IQR > median');
    meaningless = true;
  }
  if (units.length < 3) {
    flags.push(`only ${units.length} run${units.length === 1 ? '' : 's'}`);
    meaningless = true;
  }
  const u0 = units[0];
  return {
    tracer: u0?.tracer ?? '',
    cpu: u0?.cpu ?? -1,
    metric: m,
    added: s,
    traced: median(units.map((u) => u.traced[m])),
    bare: median(units.map((u) => bareOf(u, m))),
    flags,
    meaningless,
  };
}

export type Verdict = 'met' | 'not met' | 'inconclusive' | 'not judged';

/**
 * Issue 6's goal on one CPU: the native engine adds at most `limit` (half) of what the idiomatic
 * bpftrace program adds. 'met' only when both figures are meaningful and even the unfavourable
 * ends of their spreads (native's upper quartile over idiomatic's lower quartile) stay within the
 * limit; 'inconclusive' when only the medians do; 'not judged' when a figure is flagged meaningless.
 */
export function judgeGoal(native: AddedSummary, yardstick: AddedSummary, limit = 0.5): { verdict: Verdict; share: number; worstShare: number; why: string } {
  const share = native.added.median / yardstick.added.median;
  const worstShare = native.added.q3 / yardstick.added.q1;
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  if (native.meaningless || yardstick.meaningless) {
    const which = [native, yardstick].filter((s) => s.meaningless).map((s) => `${s.tracer}: ${s.flags.join('; ')}`);
    return { verdict: 'not judged', share, worstShare, why: `figures not meaningful (${which.join(' / ')})` };
  }
  if (worstShare <= limit) return { verdict: 'met', share, worstShare, why: `median share ${pct(share)}, at worst ${pct(worstShare)} (native Q3 / idiomatic Q1)` };
  if (share <= limit) return { verdict: 'inconclusive', share, worstShare, why: `median share ${pct(share)}, but the spreads reach ${pct(worstShare)}` };
  return { verdict: 'not met', share, worstShare, why: `median share ${pct(share)}` };
}
