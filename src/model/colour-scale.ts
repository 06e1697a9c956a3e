//! Maps the counts of the heat cells in view to colour steps (0 = background, 1..steps): linear,
//! log, rank (Cloud Analytics' default) or column share, clamped at a saturation percentile so
//! one outlier does not wash out the picture. Pure; the renderer turns steps into colours.

/** How counts become colour steps; 'column' colours a cell by its share of its column. */
export type ColourScaleName = 'linear' | 'log' | 'rank' | 'column';
export const COLOUR_SCALE_NAMES: readonly ColourScaleName[] = ['linear', 'log', 'rank', 'column'];

/** The saturation percentiles `[` and `]` move between. */
export const SATURATION_LEVELS: readonly number[] = [90, 95, 98, 99, 99.5, 99.9, 100];
export const DEFAULT_SATURATION_PCT = 99;

export interface ColourScaleOptions {
  /** Colour steps above the background (the ramp's length). */
  steps: number;
  /** Counts at or above this percentile of the non-zero cells share the top step. */
  saturationPct: number;
}

/** One legend swatch: the counts lo..hi (inclusive) take colour `step`. */
export interface LegendEntry {
  step: number;
  lo: number;
  hi: number;
}

export interface ColourScale {
  readonly name: ColourScaleName;
  readonly steps: number;
  readonly saturationPct: number;
  /** The count from which cells take the top step (1 when the view is empty). */
  readonly saturation: number;
  /** 0 for a count of 0 (background), else 1..steps. `columnTotal` is used by 'column' only. */
  step(count: number, columnTotal?: number): number;
  /**
   * The count range of each step that some count can reach, lowest first; empty for an empty
   * view. The top entry's hi is the largest count the scale was built from. For 'column' the
   * ranges are shares of the column (0..1), lo exclusive except for step 1.
   */
  legend(): LegendEntry[];
}

/** The next saturation level below pct (brighter picture), or the lowest. */
export function saturationDown(pct: number): number {
  const below = SATURATION_LEVELS.filter((l) => l < pct);
  return below.length > 0 ? below[below.length - 1] : SATURATION_LEVELS[0];
}

/** The next saturation level above pct (darker picture), or the highest. */
export function saturationUp(pct: number): number {
  return SATURATION_LEVELS.find((l) => l > pct) ?? SATURATION_LEVELS[SATURATION_LEVELS.length - 1];
}

/** The nearest-rank pct-th percentile of ascending counts; 1 when there are none. */
export function saturationCount(sortedCounts: ArrayLike<number>, pct: number): number {
  const n = sortedCounts.length;
  if (n === 0) return 1;
  // The epsilon keeps 99.9% of 1000 at rank 999: in doubles 0.999 × 1000 is a hair above 999.
  const i = Math.min(n - 1, Math.max(0, Math.ceil((Math.min(100, Math.max(0, pct)) / 100) * n - 1e-9) - 1));
  return sortedCounts[i];
}

const clampStep = (x: number, steps: number) => Math.min(steps, Math.max(1, Math.ceil(x)));

/** Number of values < x in an ascending array. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A colour scale for the non-zero cell counts in view (zeros and negatives are ignored).
 * linear: ceil(count / saturation × steps). log: the same on ln(count) / ln(saturation), so 1 →
 * step 1. rank: ceil(rank / cells × steps), the 1-based rank of the count's first occurrence
 * among the sorted counts (quantiles; ties share the lowest rank, so common small counts stay dim). All three give counts >= saturation the top step. column: ceil(count /
 * columnTotal × steps), no saturation (a share is bounded already).
 */
export function buildColourScale(name: ColourScaleName, counts: readonly number[], opts: ColourScaleOptions): ColourScale {
  const steps = Math.max(1, Math.floor(opts.steps));
  const sorted = Float64Array.from(counts.filter((c) => c > 0)).sort();
  const saturation = saturationCount(sorted, opts.saturationPct);
  const maxCount = sorted.length > 0 ? sorted[sorted.length - 1] : 0;
  const lnSat = Math.log(saturation);
  const byCount = (count: number): number => {
    if (!(count > 0)) return 0;
    if (count >= saturation) return steps;
    if (name === 'linear') return clampStep((count / saturation) * steps, steps);
    if (name === 'log') return count <= 1 ? 1 : clampStep((Math.log(count) / lnSat) * steps, steps);
    return clampStep(((lowerBound(sorted, count) + 1) / sorted.length) * steps, steps);
  };
  const step =
    name === 'column'
      ? (count: number, columnTotal?: number) => (!(count > 0) ? 0 : columnTotal && columnTotal > 0 ? clampStep((count / columnTotal) * steps, steps) : steps)
      : byCount;
  let legendCache: LegendEntry[] | null = null;
  return {
    name,
    steps,
    saturationPct: opts.saturationPct,
    saturation,
    step,
    legend() {
      if (legendCache === null) {
        if (sorted.length === 0) legendCache = [];
        else if (name === 'column') legendCache = Array.from({ length: steps }, (_, i) => ({ step: i + 1, lo: i / steps, hi: (i + 1) / steps }));
        else legendCache = countLegend(byCount, steps, saturation, maxCount);
      }
      return legendCache.map((e) => ({ ...e }));
    },
  };
}

/** Legend of a monotone count → step function: the least integer count reaching each step. */
function countLegend(step: (count: number) => number, steps: number, saturation: number, maxCount: number): LegendEntry[] {
  const top = Math.max(1, Math.ceil(saturation));
  const firstCount = (s: number): number => {
    let lo = 1;
    let hi = top;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (step(mid) >= s) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const starts: number[] = [];
  for (let s = 1; s <= steps; s++) starts.push(s === 1 ? 1 : firstCount(s));
  const out: LegendEntry[] = [];
  for (let s = 1; s <= steps; s++) {
    const lo = starts[s - 1];
    const hi = s === steps ? Math.max(lo, Math.floor(maxCount)) : starts[s] - 1;
    if (hi >= lo && step(lo) === s) out.push({ step: s, lo, hi });
  }
  return out;
}

/**
 * Keeps the previous scale while the new saturation count is within ±tolerance (25%) of the kept
 * one, so a steady distribution keeps its colours from frame to frame instead of flickering as
 * its 99th percentile wobbles. A change of scale, steps or percentile takes effect at once.
 */
export class StableColourScale {
  private kept: ColourScale | null = null;

  constructor(private readonly tolerance = 0.25) {}

  /** The scale to draw with for these counts: the kept one, or a new one that replaces it. */
  update(name: ColourScaleName, counts: readonly number[], opts: ColourScaleOptions): ColourScale {
    const fresh = buildColourScale(name, counts, opts);
    const old = this.kept;
    const same = old !== null && old.name === fresh.name && old.steps === fresh.steps && old.saturationPct === fresh.saturationPct;
    if (same && Math.abs(fresh.saturation - old.saturation) <= this.tolerance * old.saturation) return old;
    this.kept = fresh;
    return fresh;
  }

  /** The scale in use, if any. */
  get current(): ColourScale | null {
    return this.kept;
  }
}
