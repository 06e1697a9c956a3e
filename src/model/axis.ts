//! The latency axis: maps the buckets present in view to screen rows, for any height, on a log or
//! linear scale, auto-fitted to the data or zoomed. Pure. Every bucket is owned by exactly one row
//! (the row holding the bucket's middle), so row counts add up exactly to column totals; a bucket
//! taller than a row is drawn over several rows ("continuation" rows) with its own count.

import { bucketId } from './buckets';
import type { Bucket, BucketKind } from './snapshot';

export type AxisMode = 'log' | 'linear';

/** The default axis for a bucket family: linear buckets read best on a linear axis. */
export function defaultAxisMode(kind: BucketKind | null): AxisMode {
  return kind === 'lquantize' || kind === 'lhist' ? 'linear' : 'log';
}

/** Symmetric log2: continuous, invertible, defined at 0 and for negative values. */
function symlog(v: number): number {
  return Math.sign(v) * Math.log2(1 + Math.abs(v));
}
function symexp(p: number): number {
  return Math.sign(p) * (Math.pow(2, Math.abs(p)) - 1);
}

/** One distinct bucket shape present in the view, placed on the axis's coordinate line. */
export interface Segment {
  lo: number | null;
  hi: number | null;
  c0: number;
  c1: number;
}

/** One screen row of the axis, bottom row first. */
export interface AxisRow {
  /** Value range the row stands for: [lo, hi), null for an open end. */
  lo: number | null;
  hi: number | null;
  /** Segments (indices into Axis.segments) whose events this row counts. */
  owned: number[];
  /** When the row owns nothing but lies inside a bucket: that segment (drawn with its count). */
  within: number;
}

export interface Axis {
  mode: AxisMode;
  segments: Segment[];
  rows: AxisRow[];
  /** Coordinate window shown, [c0, c1). */
  c0: number;
  c1: number;
  /** For each segment: owning row, or -1 below the view, -2 above it. */
  segmentRow: Int32Array;
}

export interface AxisView {
  mode: AxisMode;
  /** null: auto-fit to the data; else a zoom around the data's centre (1 = fit, 2 = half, 0.5 = double). */
  zoom: number;
}

const key = bucketId;

/** Distinct bucket shapes across columns, sorted by lo (open lower end first). */
export function collectShapes(columns: readonly (readonly Bucket[] | undefined)[]): Array<{ lo: number | null; hi: number | null }> {
  const seen = new Map<string, { lo: number | null; hi: number | null }>();
  for (const col of columns) {
    if (!col) continue;
    for (const b of col) {
      const k = key(b.lo, b.hi);
      if (!seen.has(k)) seen.set(k, { lo: b.lo, hi: b.hi });
    }
  }
  return [...seen.values()].sort((a, b) => (a.lo ?? -Infinity) - (b.lo ?? -Infinity) || (a.hi ?? Infinity) - (b.hi ?? Infinity));
}

/** Places shapes on the coordinate line; open-ended buckets get the width of their neighbour. */
export function placeSegments(shapes: ReadonlyArray<{ lo: number | null; hi: number | null }>, mode: AxisMode): Segment[] {
  const f = mode === 'log' ? symlog : (v: number) => v;
  const finite = shapes.filter((s) => s.lo !== null && s.hi !== null);
  const typical = finite.length > 0 ? Math.max(...finite.map((s) => f(s.hi as number) - f(s.lo as number))) : 1;
  return shapes.map((s) => {
    if (s.lo !== null && s.hi !== null) return { lo: s.lo, hi: s.hi, c0: f(s.lo), c1: f(s.hi) };
    if (s.lo === null && s.hi !== null) return { lo: null, hi: s.hi, c0: f(s.hi) - typical, c1: f(s.hi) };
    if (s.lo !== null) return { lo: s.lo, hi: null, c0: f(s.lo), c1: f(s.lo) + typical };
    return { lo: null, hi: null, c0: 0, c1: typical };
  });
}

/** The coordinate window that fits the segments, at least `minSpan` wide, then zoomed. */
export function fitWindow(segments: readonly Segment[], mode: AxisMode, zoom: number): [number, number] {
  if (segments.length === 0) return mode === 'log' ? [symlog(1e3), symlog(1e6)] : [0, 100];
  let lo = Infinity;
  let hi = -Infinity;
  let loValue = 0;
  let hiValue = 0;
  for (const s of segments) {
    // The value of each end: the bucket's own finite edge, exact, not symexp of a coordinate.
    if (s.c0 < lo) [lo, loValue] = [s.c0, s.lo ?? symexp(s.c0)];
    if (s.c1 > hi) [hi, hiValue] = [s.c1, s.hi ?? symexp(s.c1)];
  }
  // Snap to octaves on a log axis so small changes in the data do not move every row between
  // frames. Snap the values to powers of two, not the coordinates to integers: symlog(2^k) is
  // log2(1 + 2^k), just over k, so ceil() added an empty octave above data ending on 2^k.
  if (mode === 'log') {
    lo = symlog(snapPow2(loValue, 'down'));
    hi = symlog(snapPow2(hiValue, 'up'));
  }
  const minSpan = mode === 'log' ? 4 : Math.max(...segments.map((s) => s.c1 - s.c0)) * 4;
  let span = Math.max(hi - lo, minSpan);
  const mid = (lo + hi) / 2;
  span /= zoom;
  return [mid - span / 2, mid + span / 2];
}

/** The power of two (signed; 0 stays 0) at or beyond v in the direction given. */
function snapPow2(v: number, dir: 'up' | 'down'): number {
  if (v === 0) return 0;
  const away = v > 0 === (dir === 'up');
  // The tolerance keeps an exact power of two where it is despite rounding in log2.
  const e = Math.log2(Math.abs(v));
  const k = away ? Math.ceil(e - POW2_TOLERANCE) : Math.floor(e + POW2_TOLERANCE);
  return Math.sign(v) * 2 ** k;
}

const POW2_TOLERANCE = 1e-9;

/**
 * Keeps the fitted window from frame to frame (the renderer's hysteresis): it follows the data at
 * once when the data no longer fits, but shrinks only when the fit is smaller than the kept window
 * by more than `slack` (2 octaves on a log axis, a quarter of the span on a linear one). A rare
 * tail bucket scrolling into and out of view then moves no row, and nothing needs a repaint.
 */
export class StableWindow {
  private kept: { mode: AxisMode; zoom: number; c0: number; c1: number } | null = null;

  constructor(private readonly logSlack = 2, private readonly linearSlackShare = 0.25) {}

  /** The window to draw the segments in: the kept one, or fitWindow's, which is then kept. */
  fit(segments: readonly Segment[], mode: AxisMode, zoom: number): [number, number] {
    const [f0, f1] = fitWindow(segments, mode, zoom);
    // The window for no data is a placeholder: the first data gets its own fit.
    if (segments.length === 0) {
      this.kept = null;
      return [f0, f1];
    }
    const k = this.kept;
    if (k !== null && k.mode === mode && k.zoom === zoom && f0 >= k.c0 && f1 <= k.c1) {
      const slack = mode === 'log' ? this.logSlack : this.linearSlackShare * (k.c1 - k.c0);
      if (k.c1 - k.c0 - (f1 - f0) <= slack) return [k.c0, k.c1];
    }
    this.kept = { mode, zoom, c0: f0, c1: f1 };
    return [f0, f1];
  }

  /** A copy with the same kept window. */
  clone(): StableWindow {
    const c = new StableWindow(this.logSlack, this.linearSlackShare);
    c.kept = this.kept && { ...this.kept };
    return c;
  }
}

/** Builds the axis for `rows` screen rows over the window [c0, c1). */
export function buildAxis(segments: Segment[], mode: AxisMode, c0: number, c1: number, rows: number): Axis {
  const inv = mode === 'log' ? symexp : (p: number) => p;
  const step = (c1 - c0) / rows;
  const out: AxisRow[] = [];
  for (let r = 0; r < rows; r++) out.push({ lo: inv(c0 + r * step), hi: inv(c0 + (r + 1) * step), owned: [], within: -1 });
  const segmentRow = new Int32Array(segments.length);
  segments.forEach((s, i) => {
    const mid = (s.c0 + s.c1) / 2;
    const r = Math.floor((mid - c0) / step);
    if (r < 0) segmentRow[i] = -1;
    else if (r >= rows) segmentRow[i] = -2;
    else {
      segmentRow[i] = r;
      out[r].owned.push(i);
    }
  });
  for (let r = 0; r < rows; r++) {
    const row = out[r];
    if (row.owned.length > 0) {
      // An owning row says exactly which buckets it counts.
      row.lo = segments[row.owned[0]].lo;
      row.hi = segments[row.owned[row.owned.length - 1]].hi;
      continue;
    }
    const mid = c0 + (r + 0.5) * step;
    const inside = segments.findIndex((s) => s.c0 <= mid && mid < s.c1);
    if (inside >= 0) {
      row.within = inside;
      row.lo = segments[inside].lo;
      row.hi = segments[inside].hi;
    }
  }
  return { mode, segments, rows: out, c0, c1, segmentRow };
}

/** Per-row counts of one column on an axis; continuation rows repeat their bucket's count. */
export function rowCounts(axis: Axis, buckets: readonly Bucket[] | undefined, index: Map<string, number>): Float64Array {
  const n = axis.rows.length;
  const counts = new Float64Array(n);
  if (!buckets || buckets.length === 0) return counts;
  const segCount = new Float64Array(axis.segments.length);
  for (const b of buckets) {
    const i = index.get(key(b.lo, b.hi));
    if (i === undefined) continue;
    segCount[i] += b.count;
    const r = axis.segmentRow[i];
    if (r >= 0) counts[r] += b.count;
  }
  for (let r = 0; r < n; r++) {
    const w = axis.rows[r].within;
    if (w >= 0) counts[r] = segCount[w];
  }
  return counts;
}

/** Counts of one column that fall below and above the view. */
export function outsideCounts(axis: Axis, buckets: readonly Bucket[] | undefined, index: Map<string, number>): { below: number; above: number } {
  let below = 0;
  let above = 0;
  for (const b of buckets ?? []) {
    const i = index.get(key(b.lo, b.hi));
    if (i === undefined) continue;
    if (axis.segmentRow[i] === -1) below += b.count;
    else if (axis.segmentRow[i] === -2) above += b.count;
  }
  return { below, above };
}

/** Segment lookup by bucket shape, for rowCounts. */
export function segmentIndex(axis: Axis): Map<string, number> {
  const m = new Map<string, number>();
  axis.segments.forEach((s, i) => m.set(key(s.lo, s.hi), i));
  return m;
}

/** The row whose range holds value v (for percentile markers and --slo lines), or -1. */
export function rowOfValue(axis: Axis, v: number): number {
  const f = axis.mode === 'log' ? symlog : (x: number) => x;
  for (let r = 0; r < axis.rows.length; r++) {
    const row = axis.rows[r];
    const lo = row.lo ?? -Infinity;
    const hi = row.hi ?? Infinity;
    if (v >= lo && v < hi) return r;
  }
  const c = f(v);
  const step = (axis.c1 - axis.c0) / axis.rows.length;
  const r = Math.floor((c - axis.c0) / step);
  return r >= 0 && r < axis.rows.length ? r : -1;
}
