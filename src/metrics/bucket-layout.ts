//! Which `le` bounds the Prometheus exporter exposes for one aggregation (pure). Prometheus sums
//! histograms bound by bound, so hosts must agree on bounds, and a bound that appears mid-run
//! starts at a count that is not an increase. Bounds therefore come from the bucket family's grid
//! (powers of two, log-linear, linear), not only from the buckets seen; any change that would
//! break a sum starts a new layout (a new `layout` label value); histogram-export.ts serves them.

import type { Bucket, BucketKind, Unit } from '../model/snapshot';

/** A bucket family's grid of bounds, in the aggregation's own unit. */
export type Family =
  | { name: 'pow2' }
  | { name: 'log'; factor: number; nsteps: number }
  | { name: 'linear'; step: number; offset: number }
  /** No grid fits: exactly the edges seen. */
  | { name: 'seen' };

/** One layout: the bounds exposed and the label value that names them. */
export interface Layout {
  family: Family;
  /** Finite bounds, ascending, in the aggregation's unit; the lowest moves down freely. */
  bounds: number[];
  top: number;
  fingerprint: string;
}

/** Bounds one layout may expose; a grid that would need more falls back to the edges seen. */
export const MAX_BOUNDS = 400;
/** Edges remembered for inference; enough for any lquantize/llquantize layout people draw. */
const MAX_REMEMBERED = 4096;
const MAX_FACTOR = 64;

function isIntegral(x: number): boolean {
  return Number.isFinite(x) && Math.abs(x - Math.round(x)) < 1e-9;
}

/** The largest power of `factor` that is <= v (v >= 1). */
function orderStart(factor: number, v: number): number {
  let start = 1;
  while (start * factor <= v) start *= factor;
  return start;
}

/** Width of a log-linear order starting at `start`: factor^(m+1) / min(factor^(m+1), nsteps). */
function logWidth(factor: number, nsteps: number, start: number): number {
  const end = start * factor;
  return end / Math.min(end, nsteps);
}

/** True when v is a bound of the family's grid. */
export function onGrid(family: Family, v: number): boolean {
  switch (family.name) {
    case 'pow2': {
      if (v === 0) return true;
      const a = Math.abs(v);
      return a >= 1 && isIntegral(Math.log2(a)) && 2 ** Math.round(Math.log2(a)) === a;
    }
    case 'log': {
      if (v < 1) return false;
      const start = orderStart(family.factor, v);
      return isIntegral((v - start) / logWidth(family.factor, family.nsteps, start));
    }
    case 'linear':
      return isIntegral((v - family.offset) / family.step);
    case 'seen':
      return false;
  }
}

/** The smallest grid bound >= x. */
function nextOnGrid(family: Family, x: number): number {
  switch (family.name) {
    case 'pow2':
      if (x <= -1) return -(2 ** Math.floor(Math.log2(-x)));
      if (x <= 0) return 0;
      return x <= 1 ? 1 : 2 ** Math.ceil(Math.log2(x) - 1e-12);
    case 'log': {
      if (x <= 1) return 1;
      const start = orderStart(family.factor, x);
      const w = logWidth(family.factor, family.nsteps, start);
      return Math.min(start * family.factor, start + Math.ceil((x - start) / w - 1e-9) * w);
    }
    case 'linear':
      return family.offset + Math.ceil((x - family.offset) / family.step - 1e-9) * family.step;
    case 'seen':
      return x;
  }
}

/** Every grid bound in [lo, hi], ascending; null when there are more than MAX_BOUNDS. */
export function gridPoints(family: Family, lo: number, hi: number): number[] | null {
  const out: number[] = [];
  const push = (p: number): boolean => {
    if (p >= lo && p <= hi) out.push(p);
    return out.length <= MAX_BOUNDS;
  };
  switch (family.name) {
    case 'pow2':
      for (let k = 62; k >= 0; k--) if (!push(-(2 ** k))) return null;
      if (!push(0)) return null;
      for (let k = 0; k <= 62 && 2 ** k <= hi; k++) if (!push(2 ** k)) return null;
      return out;
    case 'log':
      for (let start = 1; start <= hi; start *= family.factor) {
        const end = start * family.factor;
        const w = logWidth(family.factor, family.nsteps, start);
        if (end < lo) continue;
        for (let p = start; p < end; p += w) if (!push(p)) return null;
      }
      return out;
    case 'linear': {
      if ((hi - lo) / family.step > MAX_BOUNDS + 1) return null;
      for (let p = nextOnGrid(family, lo); p <= hi + 1e-9; p += family.step) if (!push(p)) return null;
      return out;
    }
    case 'seen':
      return null;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** llquantize: the smallest factor (and its nsteps) under which every bucket seen is a grid bucket. */
function inferLog(closed: ReadonlyArray<[number, number]>, edges: readonly number[]): Family | null {
  if (closed.length === 0) return null;
  for (let factor = 2; factor <= MAX_FACTOR; factor++) {
    let exact: number | null = null;
    let atLeast = 1;
    const fits = closed.every(([lo, hi]) => {
      if (lo < 1 || !Number.isInteger(lo) || !Number.isInteger(hi)) return false;
      const start = orderStart(factor, lo);
      const end = start * factor;
      const w = hi - lo;
      if (hi > end || end % w !== 0 || (lo - start) % w !== 0) return false;
      // Width 1 says only that this order has no more steps than nsteps; a wider one names nsteps.
      if (w === 1) atLeast = Math.max(atLeast, end);
      else if (exact === null || exact === end / w) exact = end / w;
      else return false;
      return true;
    });
    if (!fits || (exact !== null && exact < atLeast)) continue;
    const family: Family = { name: 'log', factor, nsteps: exact ?? atLeast };
    if (edges.every((e) => onGrid(family, e))) return family;
  }
  return null;
}

/** lquantize/lhist: the step is the common divisor of the widths, the offset where edges sit. */
function inferLinear(closed: ReadonlyArray<[number, number]>, edges: readonly number[]): Family | null {
  if (closed.length === 0 || !edges.every(Number.isInteger)) return null;
  const step = closed.reduce((g, [lo, hi]) => gcd(g, hi - lo), 0);
  if (step <= 0) return null;
  const family: Family = { name: 'linear', step, offset: ((edges[0] % step) + step) % step };
  return edges.every((e) => onGrid(family, e)) ? family : null;
}

/** The family a kind's buckets belong to, checked against every edge seen. */
export function inferFamily(kind: BucketKind, closed: ReadonlyArray<[number, number]>, edges: readonly number[]): Family {
  if (kind === 'quantize' || kind === 'hist') return edges.every((e) => onGrid({ name: 'pow2' }, e)) ? { name: 'pow2' } : { name: 'seen' };
  if (kind === 'llquantize') return inferLog(closed, edges) ?? { name: 'seen' };
  return inferLinear(closed, edges) ?? { name: 'seen' };
}

function familyText(f: Family): string {
  switch (f.name) {
    case 'pow2':
      return 'pow2';
    case 'log':
      return `log${f.factor}/${f.nsteps}`;
    case 'linear':
      return `lin${f.step}+${f.offset}`;
    case 'seen':
      return 'seen';
  }
}

/** FNV-1a, for naming a 'seen' layout by its bounds. */
function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * Follows one aggregation's buckets and keeps its layout. The bottom bound moves down freely (a
 * new low bound's count is all new events, so its first value is an increase); a new family
 * (an edge off the grid) or a higher top is a new layout. The top leaves headroom (8× the largest
 * edge on log grids, 16 steps on linear ones) so growth is rare, and sits exactly on an open-ended
 * top bucket's edge once one is seen (nothing lies above it).
 */
export class LayoutTracker {
  private readonly edges = new Set<number>();
  private readonly closed = new Map<string, [number, number]>();
  private openTop: number | null = null;
  /** Every fingerprint used: a retired layout's series are still served, so names never repeat. */
  private readonly used = new Set<string>();
  layout: Layout | null = null;

  constructor(
    private readonly kind: BucketKind,
    private readonly unit: Unit | null,
  ) {}

  /** Takes one interval's buckets (all keys); true when a new layout started (the first one too). */
  observe(buckets: Iterable<Bucket>): boolean {
    let fresh = false;
    for (const b of buckets) {
      for (const e of [b.lo, b.hi]) {
        if (e !== null && !this.edges.has(e) && this.edges.size < MAX_REMEMBERED) {
          this.edges.add(e);
          fresh = true;
        }
      }
      if (b.lo !== null && b.hi !== null && this.closed.size < MAX_REMEMBERED) this.closed.set(`${b.lo}|${b.hi}`, [b.lo, b.hi]);
      if (b.lo !== null && b.hi === null) this.openTop = Math.max(this.openTop ?? -Infinity, b.lo);
    }
    const old = this.layout;
    if (this.edges.size === 0 || (old !== null && !fresh)) return false;
    const edges = [...this.edges].sort((a, b) => a - b);
    const bottom = edges[0];
    const maxEdge = edges[edges.length - 1];
    const exactTop = this.openTop !== null && this.openTop >= maxEdge ? this.openTop : null;
    if (old !== null && this.fits(old, edges) && (exactTop === null || exactTop === old.top)) {
      if (bottom < old.bounds[0]) {
        const bounds = old.family.name === 'seen' ? edges.filter((e) => e <= old.top) : gridPoints(old.family, bottom, old.top);
        if (bounds !== null) {
          this.layout = { ...old, bounds };
          return false;
        }
      } else return false;
    }
    let family = old !== null && edges.every((e) => onGrid(old.family, e)) ? old.family : inferFamily(this.kind, [...this.closed.values()], edges);
    let top = exactTop ?? this.headroom(family, maxEdge);
    let bounds = family.name === 'seen' ? edges.filter((e) => e <= top) : gridPoints(family, bottom, top);
    if (bounds === null && exactTop === null) {
      top = maxEdge;
      bounds = gridPoints(family, bottom, top);
    }
    if (bounds === null) {
      family = { name: 'seen' };
      top = maxEdge;
      bounds = edges;
    }
    this.layout = { family, bounds, top, fingerprint: this.fingerprint(family, bounds, top) };
    return true;
  }

  /** Every edge is a bound of the layout, or lies below it (the bottom may move down). */
  private fits(layout: Layout, edges: readonly number[]): boolean {
    const bottom = layout.bounds[0];
    if (layout.family.name === 'seen') return edges.every((e) => e < bottom || layout.bounds.includes(e));
    return edges.every((e) => e <= layout.top && onGrid(layout.family, e));
  }

  private headroom(family: Family, maxEdge: number): number {
    if (family.name === 'seen') return maxEdge;
    if (family.name === 'linear') return nextOnGrid(family, maxEdge + 16 * family.step);
    return nextOnGrid(family, maxEdge > 0 ? maxEdge * 8 : maxEdge);
  }

  private fingerprint(family: Family, bounds: readonly number[], top: number): string {
    const what = family.name === 'seen' ? `seen#${hashText(bounds.join(','))}` : familyText(family);
    const base = `${what} ${this.unit ?? 'raw'} <=${top}`;
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base} (${n})`;
    this.used.add(name);
    return name;
  }
}
