//! Turns Snapshots whose counts are cumulative since the engine started (a bpftrace map printed
//! without clear(), a libdtrace aggregate snapshot) into per-interval counts. The one place this
//! happens: sources call it just before they emit, so everything downstream sees deltas.

import { bucketId } from './buckets';
import type { Aggregation, Bucket, Snapshot } from './snapshot';

/** Counts of one key's buckets, by range ("lo|hi"). */
type KeyCounts = Map<string, Bucket>;

/**
 * Remembers the previous cumulative snapshot and yields the difference. Buckets are matched per
 * aggregation, per key, by their [lo, hi) range: delta = current − previous.
 *
 * A cumulative count only goes down when the script cleared it (clear(), zero(), delete() and a
 * refill), so a key with any bucket lower than before, or gone, counts as reset: all its current
 * counts are this interval's, like a Prometheus counter reset (never a negative delta). A key or
 * aggregation that disappears is dropped and its baseline forgotten; one that appears counts in
 * full. Zero deltas and keys left without buckets are omitted; aggregations are always kept (an
 * idle interval is still an interval). `t` and `lost` are copied unchanged.
 *
 * Memory: baselines exist only for keys present in the latest snapshot.
 */
export class CumulativeDeltas {
  private baseline = new Map<string, Map<string, KeyCounts>>();

  /** The per-interval snapshot for `cumulative`, whose counts then become the baseline. */
  next(cumulative: Snapshot): Snapshot {
    const nextBaseline = new Map<string, Map<string, KeyCounts>>();
    const aggregations: Record<string, Aggregation> = {};
    for (const [name, agg] of Object.entries(cumulative.aggregations)) {
      const before = this.baseline.get(name);
      const now = new Map<string, KeyCounts>();
      const keys: Record<string, Bucket[]> = {};
      for (const [key, buckets] of Object.entries(agg.keys)) {
        const counts = countsOf(buckets);
        now.set(key, counts);
        const deltas = keyDeltas(counts, before?.get(key));
        if (deltas.length > 0) keys[key] = deltas;
      }
      nextBaseline.set(name, now);
      aggregations[name] = { kind: agg.kind, unit: agg.unit, keys };
    }
    this.baseline = nextBaseline;
    return { t: cumulative.t, aggregations, lost: cumulative.lost };
  }

  /** Forgets every baseline: the next snapshot counts in full (after the engine restarted). */
  reset(): void {
    this.baseline = new Map();
  }
}

function rangeId(b: Bucket): string {
  return bucketId(b.lo, b.hi);
}

/** One key's buckets by range; a range listed twice is summed rather than trusted to be unique. */
function countsOf(buckets: readonly Bucket[]): KeyCounts {
  const counts: KeyCounts = new Map();
  for (const b of buckets) {
    const id = rangeId(b);
    const have = counts.get(id);
    if (have) have.count += b.count;
    else counts.set(id, { lo: b.lo, hi: b.hi, count: b.count });
  }
  return counts;
}

function keyDeltas(now: KeyCounts, before: KeyCounts | undefined): Bucket[] {
  let reset = false;
  if (before) {
    for (const [id, old] of before) {
      if ((now.get(id)?.count ?? 0) < old.count) {
        reset = true;
        break;
      }
    }
  }
  const out: Bucket[] = [];
  for (const [id, b] of now) {
    const count = !before || reset ? b.count : b.count - (before.get(id)?.count ?? 0);
    if (count > 0) out.push({ lo: b.lo, hi: b.hi, count });
  }
  return out;
}
