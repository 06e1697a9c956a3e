//! Small helpers that let the renderer work per tick rather than per frame: a tally of the bucket
//! shapes in view (columns enter and leave one at a time) and a nearest-rank percentile without
//! sorting.

import type { Bucket } from '../model/snapshot';

export interface Shape {
  lo: number | null;
  hi: number | null;
}

/** Bucket shapes with how many visible columns hold each; shapes() is sorted as collectShapes sorts. */
export class ShapeTally {
  private readonly tally = new Map<string, { shape: Shape; refs: number }>();
  private sorted: Shape[] | null = null;

  add(buckets: readonly Bucket[]): void {
    for (const b of buckets) {
      const k = `${b.lo}:${b.hi}`;
      const t = this.tally.get(k);
      if (t) t.refs++;
      else {
        this.tally.set(k, { shape: { lo: b.lo, hi: b.hi }, refs: 1 });
        this.sorted = null;
      }
    }
  }

  remove(buckets: readonly Bucket[]): void {
    for (const b of buckets) {
      const k = `${b.lo}:${b.hi}`;
      const t = this.tally.get(k);
      if (!t) continue;
      if (--t.refs <= 0) {
        this.tally.delete(k);
        this.sorted = null;
      }
    }
  }

  /** Adds the shapes of `other` not held yet (one reference each); true when there were any. */
  addAll(other: ShapeTally): boolean {
    let added = false;
    for (const [k, t] of other.tally) {
      if (this.tally.has(k)) continue;
      this.tally.set(k, { shape: t.shape, refs: 1 });
      added = true;
    }
    if (added) this.sorted = null;
    return added;
  }

  /** Distinct shapes, by lo (open lower end first), then hi. */
  shapes(): Shape[] {
    if (this.sorted === null) {
      this.sorted = [...this.tally.values()]
        .map((t) => t.shape)
        .sort((a, b) => (a.lo ?? -Infinity) - (b.lo ?? -Infinity) || (a.hi ?? Infinity) - (b.hi ?? Infinity));
    }
    return this.sorted;
  }

  clone(): ShapeTally {
    const c = new ShapeTally();
    for (const [k, t] of this.tally) c.tally.set(k, { shape: t.shape, refs: t.refs });
    return c;
  }
}

/**
 * The nearest-rank pct-th percentile of values[0..n) (colour-scale.ts's saturationCount, same
 * rank), by quickselect: O(n), reorders the values. 1 when n is 0.
 */
export function nearestRankInPlace(values: Float64Array, n: number, pct: number): number {
  if (n === 0) return 1;
  const k = Math.min(n - 1, Math.max(0, Math.ceil((Math.min(100, Math.max(0, pct)) / 100) * n - 1e-9) - 1));
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}
