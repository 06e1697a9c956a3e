//! Tests for bucket math: quantize, lquantize, hist and lhist against ports of the engines' own
//! code (DTrace's kernel, bpftrace 0.17's codegen) used as oracles, and the list operations.

import test from 'node:test';
import assert from 'node:assert/strict';
import {
  QUANTIZE_NBUCKETS,
  bucketContains,
  compareLo,
  fromInclusive,
  histBucketByIndex,
  histBucketOf,
  lhistBucketOf,
  lquantizeBucketByIndex,
  lquantizeBucketOf,
  lquantizeLevels,
  mergeBuckets,
  normalizeBuckets,
  quantizeBucketByIndex,
  quantizeBucketOf,
  quantizeIndexOf,
} from '../../src/model/buckets';
import type { Bucket } from '../../src/model/snapshot';

/** DTRACE_QUANTIZE_BUCKETVAL from dtrace.h, in int64 arithmetic. */
function bucketVal(i: number): bigint {
  if (i < 63) return -(1n << BigInt(63 - 1 - i));
  if (i === 63) return 0n;
  return 1n << BigInt(i - 63 - 1);
}

/** dtrace_aggregate_quantize's choice of bucket, transcribed. */
function dtraceQuantizeIndex(val: bigint): number {
  if (val < 0n) {
    for (let i = 0; i < 63; i++) if (val <= bucketVal(i)) return i;
    throw new Error('unreachable');
  }
  for (let i = 64; i < 127; i++) if (val < bucketVal(i)) return i - 1;
  return 126;
}

/** dtrace_aggregate_lquantize's choice of bucket: int32 value, C division. */
function dtraceLquantizeIndex(nval: number, base: number, levels: number, step: number): number {
  const val = Number(BigInt.asIntN(32, BigInt(nval)));
  if (val < base) return 0;
  const level = Math.trunc((val - base) / step);
  return level < levels ? level + 1 : levels + 1;
}

/** bpftrace 0.17's log2() as codegen_llvm.cpp builds it: shifts of 16, 8, 4, 2, 1 only. */
function bpftrace017Log2(n: bigint): number {
  if (n < 0n) return 0;
  if (n === 0n) return 1;
  let result = 2n;
  for (let i = 4; i >= 0; i--) {
    const shift = (n >= 1n << BigInt(1 << i) ? 1n : 0n) << BigInt(i);
    n >>= shift;
    result += shift;
  }
  return Number(result);
}

/** bpftrace 0.17's linear() for lhist. */
function bpftraceLinear(value: number, min: number, max: number, step: number): number {
  if (value < min) return 0;
  if (value > max) return 1 + Math.floor((max - min) / step);
  return 1 + Math.floor((value - min) / step);
}

const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });

/** Interesting integers: a dense middle plus powers of two and their neighbours up to 2^52. */
function edgeValues(): number[] {
  const out: number[] = [];
  for (let v = -3000; v <= 3000; v++) out.push(v);
  for (let k = 0; k <= 52; k++) for (const d of [-1, 0, 1]) out.push(2 ** k + d, -(2 ** k) + d);
  return out;
}

test('quantize files 0 in the zero bucket and small values in powers of two', () => {
  assert.deepEqual(quantizeBucketOf(0), { lo: 0, hi: 1 });
  assert.deepEqual(quantizeBucketOf(1), { lo: 1, hi: 2 });
  assert.deepEqual(quantizeBucketOf(2), { lo: 2, hi: 4 });
  assert.deepEqual(quantizeBucketOf(3), { lo: 2, hi: 4 });
  assert.deepEqual(quantizeBucketOf(4), { lo: 4, hi: 8 });
  assert.deepEqual(quantizeBucketOf(1023), { lo: 512, hi: 1024 });
  assert.deepEqual(quantizeBucketOf(1024), { lo: 1024, hi: 2048 });
});

test('quantize mirrors negatives: -1 alone, then (-4,-2] as [-3,-1), (-8,-4] as [-7,-3)', () => {
  assert.deepEqual(quantizeBucketOf(-1), { lo: -1, hi: 0 });
  assert.deepEqual(quantizeBucketOf(-2), { lo: -3, hi: -1 });
  assert.deepEqual(quantizeBucketOf(-3), { lo: -3, hi: -1 });
  assert.deepEqual(quantizeBucketOf(-4), { lo: -7, hi: -3 });
  assert.deepEqual(quantizeBucketOf(-7), { lo: -7, hi: -3 });
  assert.deepEqual(quantizeBucketOf(-8), { lo: -15, hi: -7 });
});

test('quantize picks the same bucket as DTrace for every edge value up to 2^52', () => {
  for (const v of edgeValues()) {
    assert.equal(quantizeIndexOf(v), dtraceQuantizeIndex(BigInt(v)), `v=${v}`);
    assert.ok(bucketContains(quantizeBucketOf(v), v), `v=${v} outside its bucket`);
  }
});

test('quantize buckets match the inclusive ranges DTrace reports, converted with hi = max + 1', () => {
  for (let i = 1; i < QUANTIZE_NBUCKETS - 1; i++) {
    const min = i < 63 ? bucketVal(i - 1) + 1n : bucketVal(i);
    const max = i < 63 ? bucketVal(i) : bucketVal(i + 1) - 1n;
    if (max > 2n ** 53n || min < -(2n ** 53n)) continue;
    const half = fromInclusive(Number(min), Number(max), 1);
    assert.deepEqual(quantizeBucketByIndex(i), { lo: half.lo, hi: half.hi }, `index ${i}`);
  }
});

test('quantize extremes: the lowest bucket starts at -2^63, the highest is [2^62, 2^63)', () => {
  assert.deepEqual(quantizeBucketByIndex(126), { lo: 2 ** 62, hi: 2 ** 63 });
  assert.equal(quantizeBucketByIndex(0).lo, -(2 ** 63));
  assert.equal(quantizeIndexOf(2 ** 62), 126);
  assert.equal(quantizeIndexOf(2 ** 63), 126);
  assert.equal(quantizeIndexOf(-(2 ** 63)), 0);
  assert.equal(quantizeIndexOf(-(2 ** 62) - 2 ** 12), 0);
  assert.throws(() => quantizeBucketByIndex(127), RangeError);
});

test('quantize buckets tile the int64 line in order, even where 2^62 and 2^63 edges round', () => {
  for (let i = 0; i + 1 < QUANTIZE_NBUCKETS; i++) {
    const a = quantizeBucketByIndex(i);
    const next = quantizeBucketByIndex(i + 1);
    assert.equal(a.hi, next.lo, `gap between ${i} and ${i + 1}`);
    assert.ok((a.lo as number) < (a.hi as number), `bucket ${i} is empty`);
    assert.ok(compareLo(a, next) < 0);
  }
});

test('lquantize(x, 0, 63, 2) has 31 levels and overflows from 62', () => {
  assert.equal(lquantizeLevels(0, 63, 2), 31);
  assert.deepEqual(lquantizeBucketOf(-1, 0, 63, 2), { lo: null, hi: 0 });
  assert.deepEqual(lquantizeBucketOf(0, 0, 63, 2), { lo: 0, hi: 2 });
  assert.deepEqual(lquantizeBucketOf(61, 0, 63, 2), { lo: 60, hi: 62 });
  assert.deepEqual(lquantizeBucketOf(62, 0, 63, 2), { lo: 62, hi: null });
  assert.deepEqual(lquantizeBucketOf(63, 0, 63, 2), { lo: 62, hi: null });
});

test('lquantize defaults to a step of 1 and accepts negative ranges', () => {
  assert.deepEqual(lquantizeBucketOf(9, 0, 10), { lo: 9, hi: 10 });
  assert.deepEqual(lquantizeBucketOf(10, 0, 10), { lo: 10, hi: null });
  assert.deepEqual(lquantizeBucketOf(-11, -10, 10, 5), { lo: null, hi: -10 });
  assert.deepEqual(lquantizeBucketOf(-10, -10, 10, 5), { lo: -10, hi: -5 });
  assert.deepEqual(lquantizeBucketOf(-6, -10, 10, 5), { lo: -10, hi: -5 });
  assert.deepEqual(lquantizeBucketOf(-1, -10, 10, 5), { lo: -5, hi: 0 });
});

test('lquantize picks the same bucket as DTrace for ranges that do and do not divide by the step', () => {
  for (const [low, high, step] of [[0, 63, 2], [0, 100, 10], [-10, 10, 5], [-7, 30, 4], [1, 10, 4], [5, 6, 1]]) {
    const levels = lquantizeLevels(low, high, step);
    for (let v = low - 20; v <= high + 20; v++) {
      const want = lquantizeBucketByIndex(dtraceLquantizeIndex(v, low, levels, step), low, high, step);
      assert.deepEqual(lquantizeBucketOf(v, low, high, step), want, `lquantize(${v}, ${low}, ${high}, ${step})`);
    }
  }
});

test('lquantize wraps values to int32 like the DTrace kernel only when asked', () => {
  assert.deepEqual(lquantizeBucketOf(2 ** 32 + 5, 0, 63, 2, { wrapInt32: true }), { lo: 4, hi: 6 });
  assert.deepEqual(lquantizeBucketOf(2 ** 32 + 5, 0, 63, 2), { lo: 62, hi: null });
  assert.deepEqual(lquantizeBucketOf(2 ** 31, 0, 63, 2, { wrapInt32: true }), { lo: null, hi: 0 });
  const levels = lquantizeLevels(0, 63, 2);
  assert.deepEqual(lquantizeBucketOf(2 ** 31, 0, 63, 2, { wrapInt32: true }), lquantizeBucketByIndex(dtraceLquantizeIndex(2 ** 31, 0, levels, 2), 0, 63, 2));
});

test('lquantize refuses a zero step and a range without a level, as DTrace does', () => {
  assert.throws(() => lquantizeBucketOf(1, 0, 10, 0), RangeError);
  assert.throws(() => lquantizeBucketOf(1, 5, 5, 1), RangeError);
  assert.throws(() => lquantizeBucketOf(1, 0, 3, 4), RangeError);
  assert.throws(() => lquantizeBucketByIndex(33, 0, 63, 2), RangeError);
});

test('hist files negatives together, 0 and 1 alone, then powers of two', () => {
  assert.deepEqual(histBucketOf(-5), { lo: null, hi: 0 });
  assert.deepEqual(histBucketOf(-1), { lo: null, hi: 0 });
  assert.deepEqual(histBucketOf(0), { lo: 0, hi: 1 });
  assert.deepEqual(histBucketOf(1), { lo: 1, hi: 2 });
  assert.deepEqual(histBucketOf(3), { lo: 2, hi: 4 });
  assert.deepEqual(histBucketOf(2 ** 31 - 1), { lo: 2 ** 30, hi: 2 ** 31 });
});

test('hist on bpftrace 0.17 puts every value from 2^31 up in one open bucket', () => {
  assert.deepEqual(histBucketOf(2 ** 31), { lo: 2 ** 31, hi: null });
  assert.deepEqual(histBucketOf(2 ** 40), { lo: 2 ** 31, hi: null });
  assert.deepEqual(histBucketByIndex(33), { lo: 2 ** 31, hi: null });
  assert.deepEqual(histBucketOf(2 ** 40, null), { lo: 2 ** 40, hi: 2 ** 41 });
  assert.deepEqual(histBucketOf(2 ** 63, null), { lo: 2 ** 62, hi: 2 ** 63 });
});

test('hist picks the same bucket as bpftrace 0.17 log2() for every edge value', () => {
  for (const v of edgeValues()) {
    assert.deepEqual(histBucketOf(v), histBucketByIndex(bpftrace017Log2(BigInt(v))), `v=${v}`);
    assert.ok(bucketContains(histBucketOf(v), v));
  }
});

test('lhist overflows from min + L*step, not from max: lhist(v, 0, 63, 2) files 62 and 63 as overflow', () => {
  assert.deepEqual(lhistBucketOf(61, 0, 63, 2), { lo: 60, hi: 62 });
  assert.deepEqual(lhistBucketOf(62, 0, 63, 2), { lo: 62, hi: null });
  assert.deepEqual(lhistBucketOf(63, 0, 63, 2), { lo: 62, hi: null });
  assert.deepEqual(lhistBucketOf(-1, 0, 63, 2), { lo: null, hi: 0 });
  assert.deepEqual(lhistBucketOf(5, 10, 12, 5), { lo: null, hi: 10 });
  assert.deepEqual(lhistBucketOf(11, 10, 12, 5), { lo: 10, hi: null });
});

test('lhist picks the same bucket as bpftrace 0.17 linear() over whole ranges', () => {
  for (const [min, max, step] of [[0, 63, 2], [0, 100, 10], [1, 10, 4], [10, 40, 10], [3, 4, 7]]) {
    const levels = Math.floor((max - min) / step);
    for (let v = min - 10; v <= max + 10; v++) {
      const index = bpftraceLinear(v, min, max, step);
      const want = index === 0 ? { lo: null, hi: min } : index === levels + 1 ? { lo: min + levels * step, hi: null } : { lo: min + (index - 1) * step, hi: min + index * step };
      assert.deepEqual(lhistBucketOf(v, min, max, step), want, `lhist(${v}, ${min}, ${max}, ${step})`);
    }
  }
});

test('fromInclusive turns an inclusive max into a half-open hi and keeps open ends', () => {
  assert.deepEqual(fromInclusive(2, 3, 7), b(2, 4, 7));
  assert.deepEqual(fromInclusive(0, 0, 1), b(0, 1, 1));
  assert.deepEqual(fromInclusive(null, -1, 2), b(null, 0, 2));
  assert.deepEqual(fromInclusive(100, null, 3), b(100, null, 3));
});

test('normalizeBuckets sorts with the open lower end first, sums duplicates and drops zeros', () => {
  const input = [b(4, 8, 1), b(null, 0, 2), b(0, 1, 0), b(100, null, 5), b(4, 8, 3), b(1, 2, 1)];
  const before = JSON.stringify(input);
  assert.deepEqual(normalizeBuckets(input), [b(null, 0, 2), b(1, 2, 1), b(4, 8, 4), b(100, null, 5)]);
  assert.equal(JSON.stringify(input), before, 'input was modified');
});

test('mergeBuckets sums identical buckets across keys and keeps the rest in order', () => {
  const read = [b(2, 4, 1), b(64, 128, 1)];
  const write = [b(null, 0, 1), b(0, 1, 1), b(2, 4, 1)];
  assert.deepEqual(mergeBuckets([read, write]), [b(null, 0, 1), b(0, 1, 1), b(2, 4, 2), b(64, 128, 1)]);
  assert.deepEqual(mergeBuckets([]), []);
  assert.deepEqual(read, [b(2, 4, 1), b(64, 128, 1)], 'merge modified its input');
});

test('compareLo orders by lo then hi, null lo first and null hi last', () => {
  const list = [b(5, null, 1), b(5, 6, 1), b(null, 0, 1), b(-3, -1, 1), b(2 ** 63, null, 1), b(2 ** 62, 2 ** 63, 1)];
  assert.deepEqual(list.sort(compareLo).map((x) => [x.lo, x.hi]), [[null, 0], [-3, -1], [5, 6], [5, null], [2 ** 62, 2 ** 63], [2 ** 63, null]]);
});

test('bucketContains includes lo, excludes hi and treats null as unbounded', () => {
  assert.ok(bucketContains({ lo: 2, hi: 4 }, 2));
  assert.ok(bucketContains({ lo: 2, hi: 4 }, 3.99));
  assert.ok(!bucketContains({ lo: 2, hi: 4 }, 4));
  assert.ok(bucketContains({ lo: null, hi: 0 }, -1e300));
  assert.ok(bucketContains({ lo: 10, hi: null }, 1e300));
  assert.ok(!bucketContains({ lo: 10, hi: null }, 9));
});
