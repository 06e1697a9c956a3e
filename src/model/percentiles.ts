//! Percentiles of a bucketed distribution (one column, or a key's buckets), for the p50/p90/p99
//! overlay lines and the status line. Pure; reads Snapshot-style buckets.

import type { Bucket } from './snapshot';

/**
 * The p-th percentile (p in 0..100) of a distribution given as buckets sorted ascending by lo
 * (as in a Snapshot), or null when it holds no events (or p is not a number).
 *
 * The rank is p/100 × total. The answer lies in the first bucket whose cumulative count reaches
 * that rank (empty buckets skipped), interpolated linearly as if the bucket's events were spread
 * evenly over [lo, hi): lo + (rank − events before the bucket) / bucket count × (hi − lo). So p = 0
 * gives the lowest non-empty bucket's lo and p = 100 the highest one's hi. In an open-ended bucket
 * only one edge is known and that finite edge is returned (hi of [null, hi), lo of [lo, null)).
 * p is clamped to 0..100.
 */
export function percentile(buckets: readonly Bucket[], p: number): number | null {
  return percentiles(buckets, [p])[0];
}

/** Several percentiles in one pass; results in the order of `ps`. */
export function percentiles(buckets: readonly Bucket[], ps: readonly number[]): Array<number | null> {
  let total = 0;
  for (const b of buckets) if (b.count > 0) total += b.count;
  const out: Array<number | null> = ps.map(() => null);
  if (total === 0) return out;
  const order = ps.map((p, i) => ({ rank: (Math.min(100, Math.max(0, p)) / 100) * total, i })).filter((r) => !Number.isNaN(r.rank));
  order.sort((x, y) => x.rank - y.rank);
  let before = 0;
  let next = 0;
  for (const b of buckets) {
    if (b.count <= 0) continue;
    const after = before + b.count;
    while (next < order.length && (order[next].rank <= after || after >= total)) {
      out[order[next].i] = within(b, (order[next].rank - before) / b.count);
      next++;
    }
    if (next === order.length) break;
    before = after;
  }
  return out;
}

/** The value at `fraction` (0..1) of the way through b, or its finite edge if b is open. */
function within(b: Bucket, fraction: number): number | null {
  if (b.lo === null) return b.hi;
  if (b.hi === null) return b.lo;
  return b.lo + Math.min(1, Math.max(0, fraction)) * (b.hi - b.lo);
}
