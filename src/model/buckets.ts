//! Bucket math for every histogram family (DTrace quantize/lquantize/llquantize, bpftrace hist/lhist)
//! in the Snapshot convention, half-open [lo, hi) with null open ends; the edge conversion from the
//! engines' inclusive maxima; and the list operations (normalize, merge) the heatmap model uses.
//!
//! Precision: engines count int64 values, we hold JS doubles. Integers are exact up to 2^53; beyond
//! that a value or an edge is rounded to the nearest double (e.g. -(2^62)+1 becomes -(2^62)). Edges
//! stay ordered and powers of two (2^62, 2^63) are exact, but a value within one rounding step of
//! an edge beyond 2^53 may be reported in the neighbouring bucket. Nothing here is exact past 2^53.

import type { Bucket } from './snapshot';

export * from './llquantize';

/** A bucket's range without its count: values v with lo <= v < hi (null = open end). */
export type BucketBounds = Pick<Bucket, 'lo' | 'hi'>;

/** DTrace quantize: 63 negative buckets, the zero bucket, 63 positive ones (dtrace.h). */
export const QUANTIZE_NBUCKETS = 127;
const QUANTIZE_ZERO = 63;

/** bpftrace 0.17's in-kernel log2() stops shifting at 2^31: every v >= 2^31 shares one bucket. */
export const HIST_CAP_POWER_BPFTRACE_017 = 31;

/** floor(log2(x)) for x >= 1, exact at powers of two (Math.log2 alone can be off by one there). */
function floorLog2(x: number): number {
  let k = Math.floor(Math.log2(x));
  if (2 ** k > x) k -= 1;
  else if (2 ** (k + 1) <= x) k += 1;
  return k;
}

/**
 * DTrace quantize's bucket index (0..126) of v, as `dtrace_aggregate_quantize` files it: index 63
 * holds 0; 64+k holds [2^k, 2^(k+1)) up to 126 = [2^62, 2^63); 62−k holds the negatives mirrored,
 * (−2^(k+1), −2^k], which for integers is [−2^(k+1)+1, −2^k+1); index 0 holds everything <= −2^62.
 * Non-integers go to the bucket whose half-open range contains them.
 */
export function quantizeIndexOf(v: number): number {
  if (v >= 0) return v < 1 ? QUANTIZE_ZERO : Math.min(QUANTIZE_ZERO + 1 + floorLog2(v), QUANTIZE_NBUCKETS - 1);
  // v in [−2^(k+1)+1, −2^k+1)  <=>  2^k < 1 − v <= 2^(k+1): k = ceil(log2(1 − v)) − 1.
  const u = 1 - v;
  const f = floorLog2(u);
  const k = 2 ** f === u ? f - 1 : f;
  return Math.max(0, QUANTIZE_ZERO - 1 - k);
}

/** The half-open range of DTrace quantize bucket `index` (0..126); see `quantizeIndexOf`. */
export function quantizeBucketByIndex(index: number): BucketBounds {
  if (!Number.isInteger(index) || index < 0 || index >= QUANTIZE_NBUCKETS) throw new RangeError(`quantize index ${index} out of 0..126`);
  if (index === QUANTIZE_ZERO) return { lo: 0, hi: 1 };
  if (index > QUANTIZE_ZERO) {
    const k = index - QUANTIZE_ZERO - 1;
    return { lo: 2 ** k, hi: 2 ** (k + 1) };
  }
  const k = QUANTIZE_ZERO - 1 - index;
  // The lowest bucket ends at int64's minimum, −2^63: DTrace values cannot go below it.
  return { lo: index === 0 ? -(2 ** 63) : -(2 ** (k + 1)) + 1, hi: -(2 ** k) + 1 };
}

/** The DTrace quantize() bucket holding v: 0 → [0,1), 1 → [1,2), 3 → [2,4), −1 → [−1,0), −3 → [−3,−1). */
export function quantizeBucketOf(v: number): BucketBounds {
  return quantizeBucketByIndex(quantizeIndexOf(v));
}

/**
 * lquantize's number of regular buckets, floor((high − low) / step) as DTrace's compiler computes it.
 * Throws for a step that is not a positive integer or a range with no level (DTrace refuses both).
 */
export function lquantizeLevels(low: number, high: number, step = 1): number {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`lquantize step must be a positive integer, got ${step}`);
  const levels = Math.floor((high - low) / step);
  if (!(levels >= 1)) throw new RangeError(`lquantize(${low}, ${high}, ${step}) has no quantization level`);
  return levels;
}

/** The DTrace/bpftrace linear bucket index scheme: 0 underflow, 1..levels regular, levels+1 overflow. */
function linearIndexOf(v: number, low: number, levels: number, step: number): number {
  if (v < low) return 0;
  return Math.min(levels + 1, 1 + Math.floor((v - low) / step));
}

function linearByIndex(index: number, low: number, levels: number, step: number): BucketBounds {
  if (!Number.isInteger(index) || index < 0 || index > levels + 1) throw new RangeError(`linear bucket index ${index} out of 0..${levels + 1}`);
  if (index === 0) return { lo: null, hi: low };
  if (index === levels + 1) return { lo: low + levels * step, hi: null };
  return { lo: low + (index - 1) * step, hi: low + index * step };
}

/** Two's-complement truncation to int32, as C's `(int32_t)` cast does on every platform we run on. */
function toInt32(v: number): number {
  return Math.trunc(v) | 0;
}

/**
 * The DTrace lquantize(v, low, high, step) bucket: v < low → [null, low); v >= low + levels·step →
 * [low + levels·step, null) (so lquantize(x, 0, 63, 2) overflows from 62); else the step-wide bucket.
 * DTrace's kernel casts v to int32 before comparing (`dtrace_aggregate_lquantize`), so 2^32 + 5 lands
 * with 5; pass `{ wrapInt32: true }` to reproduce that. By default v is used as is, which is what
 * an lhist() translation on bpftrace does.
 */
export function lquantizeBucketOf(v: number, low: number, high: number, step = 1, opts: { wrapInt32?: boolean } = {}): BucketBounds {
  const levels = lquantizeLevels(low, high, step);
  return linearByIndex(linearIndexOf(opts.wrapInt32 ? toInt32(v) : v, low, levels, step), low, levels, step);
}

/** The lquantize bucket at DTrace's index (0 underflow, 1..levels, levels+1 overflow), as libdtrace lays them out. */
export function lquantizeBucketByIndex(index: number, low: number, high: number, step = 1): BucketBounds {
  return linearByIndex(index, low, lquantizeLevels(low, high, step), step);
}

/**
 * The bpftrace hist() bucket holding v, with bpftrace 0.17's semantics: v < 0 → [null, 0); 0 →
 * [0, 1); 1 → [1, 2); else [2^k, 2^(k+1)). 0.17's log2() caps at 2^31, so v >= 2^31 → [2^31, null);
 * pass `capPower = null` for engines without that cap (bpftrace >= 0.20), whose top is [2^62, 2^63).
 */
export function histBucketOf(v: number, capPower: number | null = HIST_CAP_POWER_BPFTRACE_017): BucketBounds {
  if (v < 0) return { lo: null, hi: 0 };
  if (v < 1) return { lo: 0, hi: 1 };
  const k = Math.min(floorLog2(v), 62);
  if (capPower !== null && k >= capPower) return { lo: 2 ** capPower, hi: null };
  return { lo: 2 ** k, hi: 2 ** (k + 1) };
}

/** The bpftrace hist() bucket at map index `index` (0 negatives, 1 zero, k+2 = [2^k, 2^(k+1))). */
export function histBucketByIndex(index: number, capPower: number | null = HIST_CAP_POWER_BPFTRACE_017): BucketBounds {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`hist index ${index} is not a bucket`);
  if (index === 0) return { lo: null, hi: 0 };
  if (index === 1) return { lo: 0, hi: 1 };
  return histBucketOf(2 ** (index - 2), capPower);
}

/**
 * The bpftrace lhist(v, min, max, step) bucket: v < min → [null, min); v >= min + L·step, with
 * L = floor((max − min) / step), → [min + L·step, null); else the step-wide bucket. bpftrace 0.17
 * files values in [min + L·step, max] with the overflow although its output labels that bucket
 * from max (lhist(v, 0, 63, 2): 62 and 63 overflow). Same rule as lquantize without int32 wrap.
 */
export function lhistBucketOf(v: number, min: number, max: number, step: number): BucketBounds {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`lhist step must be a positive integer, got ${step}`);
  const levels = Math.max(0, Math.floor((max - min) / step));
  return linearByIndex(linearIndexOf(v, min, levels, step), min, levels, step);
}

/**
 * An engine bucket with an inclusive max (bpftrace JSON `{min, max, count}`, libdtrace
 * `[[min, max], count]`) in our half-open form: hi = max + 1 (rounded past 2^53); open ends stay null.
 */
export function fromInclusive(min: number | null, max: number | null, count: number): Bucket {
  return { lo: min, hi: max === null ? null : max + 1, count };
}

/** One element of a bpftrace `-f json` hist/lhist array: `min` absent on underflow, `max` on overflow. */
export interface BpftraceJsonBucket {
  min?: number;
  max?: number;
  count: number;
}

/**
 * A bpftrace 0.17 `-f json` hist or lhist array as normalized buckets, repairing its two labelling
 * bugs: hist's top bucket (all v >= 2^31) is printed as {min: −2^31, max: 0}; lhist's overflow is
 * printed from `max` although it starts at min + L·step. With `linear` (the lhist arguments) the
 * overflow edge is exact; without, it is taken from the regular bucket printed just before it.
 */
export function fromBpftraceBuckets(kind: 'hist' | 'lhist', entries: readonly BpftraceJsonBucket[], linear?: { low: number; high: number; step: number }): Bucket[] {
  const out: Bucket[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    let b = fromInclusive(e.min ?? null, e.max ?? null, e.count);
    if (kind === 'hist' && e.min === -(2 ** 31) && e.max === 0) {
      b = { lo: 2 ** HIST_CAP_POWER_BPFTRACE_017, hi: null, count: e.count };
    } else if (kind === 'lhist' && e.max === undefined && e.min !== undefined) {
      const prev = entries[i - 1];
      if (linear) b.lo = linear.low + Math.max(0, Math.floor((linear.high - linear.low) / linear.step)) * linear.step;
      else if (prev?.min !== undefined && prev.max !== undefined) b.lo = prev.max + 1;
    }
    out.push(b);
  }
  return normalizeBuckets(out);
}

/** Orders buckets by lo (an open lower end first), then by hi (an open upper end last). */
export function compareLo(a: BucketBounds, b: BucketBounds): number {
  if (a.lo !== b.lo) {
    if (a.lo === null) return -1;
    if (b.lo === null) return 1;
    return a.lo - b.lo;
  }
  if (a.hi === b.hi) return 0;
  if (a.hi === null) return 1;
  if (b.hi === null) return -1;
  return a.hi - b.hi;
}

/** True when v falls in b's half-open range. */
export function bucketContains(b: BucketBounds, v: number): boolean {
  return (b.lo === null || v >= b.lo) && (b.hi === null || v < b.hi);
}

/** New buckets sorted by `compareLo`, identical ranges summed, zero counts dropped; inputs untouched. */
export function normalizeBuckets(buckets: readonly Bucket[]): Bucket[] {
  return mergeBuckets([buckets]);
}

/** The identity of a bucket's range, for maps keyed by [lo, hi). */
export function bucketId(lo: number | null, hi: number | null): string {
  return `${lo}|${hi}`;
}

/**
 * A running sum of buckets: identical [lo, hi) ranges add up, one map lookup per bucket, so
 * accumulating over many intervals or keys costs what they contain, not what was summed before.
 */
export class BucketSum {
  private readonly byRange = new Map<string, Bucket>();

  add(list: readonly Bucket[]): void {
    for (const b of list) {
      if (b.count === 0) continue;
      const id = bucketId(b.lo, b.hi);
      const have = this.byRange.get(id);
      if (have) have.count += b.count;
      else this.byRange.set(id, { lo: b.lo, hi: b.hi, count: b.count });
    }
  }

  /** The sum so far: new objects, sorted by `compareLo`, zero counts dropped. */
  result(): Bucket[] {
    const out: Bucket[] = [];
    for (const b of this.byRange.values()) if (b.count !== 0) out.push({ lo: b.lo, hi: b.hi, count: b.count });
    return out.sort(compareLo);
  }
}

/**
 * Buckets of several keys (or intervals) summed into one normalized list: identical [lo, hi)
 * ranges add up; different ranges stay separate (keys of one aggregation share a layout).
 */
export function mergeBuckets(lists: ReadonlyArray<readonly Bucket[]>): Bucket[] {
  const sum = new BucketSum();
  for (const list of lists) sum.add(list);
  return sum.result();
}
