//! The one intermediate format: every source (demo, replay, bpftrace, libdtrace, eBPF) turns its
//! engine's output into a Snapshot per interval; the heatmap model and renderer only see these.

/**
 * One histogram bucket, half-open: it counts values v with lo <= v < hi.
 * `lo === null` is an open lower end (−∞, an underflow bucket); `hi === null` an open upper end
 * (+∞, an overflow bucket). Engines report inclusive maxima (bpftrace `{min,max}`, libdtrace
 * `[[min,max],count]`): adapters convert with `hi = max + 1` at the edge, nowhere else.
 */
export interface Bucket {
  lo: number | null;
  hi: number | null;
  count: number;
}

/** The bucket families we know: DTrace's quantize/lquantize/llquantize, bpftrace's hist/lhist. */
export type BucketKind = 'quantize' | 'lquantize' | 'llquantize' | 'hist' | 'lhist';

export const BUCKET_KINDS: readonly BucketKind[] = ['quantize', 'lquantize', 'llquantize', 'hist', 'lhist'];

/** Units a histogram's values can be in; null when the source cannot know (raw values). */
export type Unit = 'ns' | 'us' | 'ms' | 's';

export const UNITS: readonly Unit[] = ['ns', 'us', 'ms', 's'];

/** Nanoseconds in one of each unit: for converting axis values to labels. */
export const NS_PER_UNIT: Record<Unit, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

/**
 * One histogram aggregation in one interval. Keys are strings: a composite key (D's
 * `@[execname, probefunc]`) is its parts joined by ", "; an aggregation without keys uses "".
 * Each key's buckets are sorted ascending by lo, never overlap, and zero-count buckets are omitted.
 */
export interface Aggregation {
  kind: BucketKind;
  unit: Unit | null;
  keys: Record<string, Bucket[]>;
}

/**
 * One interval of data. Counts are per interval (not cumulative): sources that read cumulative
 * counts turn them into deltas with `model/deltas.ts` before emitting.
 */
export interface Snapshot {
  /** Milliseconds since the source started, at the end of this interval. */
  t: number;
  /** Histogram aggregations by name (without a leading '@'). */
  aggregations: Record<string, Aggregation>;
  /** Events the engine dropped during this interval (bpftrace lost_events, DTrace drops). */
  lost: number;
}

/** The composite-key separator, in one place so parsers and the D front end agree. */
export const KEY_SEPARATOR = ', ';

/** Total events in one key's buckets. */
export function bucketTotal(buckets: readonly Bucket[]): number {
  let total = 0;
  for (const b of buckets) total += b.count;
  return total;
}
