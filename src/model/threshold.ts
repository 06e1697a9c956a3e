//! Threshold shares for --slo: what part of the events lies above a latency. Pure; the status
//! line, the SLO line and the SVG export read it.

import type { Bucket, Unit } from './snapshot';
import { NS_PER_UNIT } from './snapshot';

/**
 * Events above `threshold` (same unit as the buckets). A bucket that straddles the threshold
 * counts in proportion to the part of its range above it (linear within the bucket); open-ended
 * buckets count wholly on the side their finite end lies.
 */
export function countAbove(buckets: readonly Bucket[], threshold: number): number {
  let n = 0;
  for (const b of buckets) {
    const lo = b.lo ?? -Infinity;
    const hi = b.hi ?? Infinity;
    if (lo >= threshold) n += b.count;
    else if (hi > threshold && Number.isFinite(lo) && Number.isFinite(hi)) n += (b.count * (hi - threshold)) / (hi - lo);
    else if (hi > threshold && !Number.isFinite(hi)) n += b.count;
  }
  return n;
}

/** Share (0..1) of the events above a threshold; null without events. */
export function shareAbove(buckets: readonly Bucket[], threshold: number): number | null {
  let total = 0;
  for (const b of buckets) total += b.count;
  return total > 0 ? countAbove(buckets, threshold) / total : null;
}

/** Share above a threshold over several columns' buckets together; null without events. */
export function shareAboveAll(columns: ReadonlyArray<readonly Bucket[]>, threshold: number): number | null {
  let total = 0;
  let above = 0;
  for (const c of columns) {
    for (const b of c) total += b.count;
    above += countAbove(c, threshold);
  }
  return total > 0 ? above / total : null;
}

/** A threshold given in ns (--slo) in the histogram's unit; raw values (no unit) are taken as ns. */
export function thresholdInUnit(thresholdNs: number, unit: Unit | null): number {
  return unit === null ? thresholdNs : thresholdNs / NS_PER_UNIT[unit];
}
