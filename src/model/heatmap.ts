//! The heatmap model: a bounded ring of per-interval columns of one aggregation, fed by the
//! event loop from Snapshots. Pure: no screen, no process. The renderer reads it.

import type { Bucket, BucketKind, Snapshot, Unit } from './snapshot';

/** One interval of the drawn aggregation. */
export interface Column {
  /** Sequence number since start (0, 1, 2, ...): stable across ring wrap-around. */
  seq: number;
  /** Milliseconds since the source started, at the end of the interval. */
  t: number;
  /** Events dropped by the engine in this interval. */
  lost: number;
  /** Events in this column (all keys). */
  total: number;
  /** Buckets merged across all keys, sorted ascending by lo, zero counts omitted. */
  merged: Bucket[];
  /** Per-key buckets, at most `MAX_KEYS_PER_COLUMN` keys; the rest are folded into OTHER_KEY. */
  keys: Map<string, Bucket[]>;
}

/** Keys beyond this many (by events) are folded into one "(other)" key per column, to bound memory. */
export const MAX_KEYS_PER_COLUMN = 256;
export const OTHER_KEY = '(other keys)';

/** Picks the aggregation to draw: the requested one, else the first in the snapshot. */
export function pickAggregation(snapshot: Snapshot, requested: string | null): string | null {
  if (requested !== null) return requested in snapshot.aggregations ? requested : null;
  const names = Object.keys(snapshot.aggregations);
  return names.length > 0 ? names[0] : null;
}

/** Sorts (null lo first) and merges identical buckets, dropping zero counts. */
function mergeInto(target: Map<string, Bucket>, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    if (b.count === 0) continue;
    const id = `${b.lo}:${b.hi}`;
    const have = target.get(id);
    if (have) have.count += b.count;
    else target.set(id, { lo: b.lo, hi: b.hi, count: b.count });
  }
}

function sortedBuckets(m: Map<string, Bucket>): Bucket[] {
  return [...m.values()].sort((a, b) => (a.lo ?? -Infinity) - (b.lo ?? -Infinity));
}

/** Builds one column from one aggregation's keys, folding keys beyond the cap into OTHER_KEY. */
export function buildColumn(seq: number, t: number, lost: number, keys: Record<string, Bucket[]>): Column {
  const entries = Object.entries(keys).map(([k, b]) => ({ k, b, n: b.reduce((s, x) => s + x.count, 0) }));
  const kept = new Map<string, Bucket[]>();
  if (entries.length > MAX_KEYS_PER_COLUMN) entries.sort((a, b) => b.n - a.n);
  const other = new Map<string, Bucket>();
  const merged = new Map<string, Bucket>();
  let total = 0;
  entries.forEach((e, i) => {
    if (e.n === 0) return;
    total += e.n;
    mergeInto(merged, e.b);
    if (i < MAX_KEYS_PER_COLUMN - 1 || entries.length <= MAX_KEYS_PER_COLUMN) kept.set(e.k, e.b);
    else mergeInto(other, e.b);
  });
  if (other.size > 0) kept.set(OTHER_KEY, sortedBuckets(other));
  return { seq, t, lost, total, merged: sortedBuckets(merged), keys: kept };
}

/**
 * The ring of columns. Memory is bounded by capacity × (buckets per column) × (keys per column,
 * at most MAX_KEYS_PER_COLUMN): it does not grow with run time.
 */
export class Heatmap {
  readonly capacity: number;
  private readonly ring: (Column | undefined)[];
  private pushed = 0;
  /** Family and unit of the drawn aggregation, from the newest snapshot that had it. */
  kind: BucketKind | null = null;
  unit: Unit | null = null;
  /** The aggregation drawn; fixed by the first snapshot that has one (or by the user). */
  aggregation: string | null;
  /** Aggregations seen, for error messages and the title. */
  readonly seenAggregations = new Set<string>();

  constructor(capacity: number, aggregation: string | null = null) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.ring = new Array(capacity);
    this.aggregation = aggregation;
  }

  /** Columns held now (≤ capacity). */
  get length(): number {
    return Math.min(this.pushed, this.capacity);
  }

  /** Columns pushed since start (the next column's seq). */
  get totalPushed(): number {
    return this.pushed;
  }

  /** Adds one interval; a snapshot without the drawn aggregation adds an empty column. */
  push(snapshot: Snapshot): Column {
    for (const name of Object.keys(snapshot.aggregations)) this.seenAggregations.add(name);
    if (this.aggregation === null) this.aggregation = pickAggregation(snapshot, null);
    const agg = this.aggregation === null ? undefined : snapshot.aggregations[this.aggregation];
    if (agg) {
      this.kind = agg.kind;
      this.unit = agg.unit;
    }
    const col = buildColumn(this.pushed, snapshot.t, snapshot.lost, agg ? agg.keys : {});
    this.ring[this.pushed % this.capacity] = col;
    this.pushed++;
    return col;
  }

  /** The column with sequence number seq, if still held. */
  bySeq(seq: number): Column | undefined {
    if (seq < 0 || seq >= this.pushed || seq < this.pushed - this.capacity) return undefined;
    return this.ring[seq % this.capacity];
  }

  /** Oldest held seq. */
  get firstSeq(): number {
    return Math.max(0, this.pushed - this.capacity);
  }

  /** The newest column, if any. */
  newest(): Column | undefined {
    return this.bySeq(this.pushed - 1);
  }

  /**
   * Columns with seq in [endSeq − count + 1, endSeq], oldest first; missing ones (before the
   * start or already dropped from the ring) are undefined so the screen keeps its shape.
   */
  window(endSeq: number, count: number): (Column | undefined)[] {
    const out: (Column | undefined)[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.bySeq(endSeq - count + 1 + i);
    return out;
  }
}
