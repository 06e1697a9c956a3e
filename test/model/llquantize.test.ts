//! Tests for llquantize: the layout, index and bucket functions against a transcription of
//! DTrace's `dtrace_aggregate_llquantize_bucket` in int64 arithmetic, and the spec checks.

import test from 'node:test';
import assert from 'node:assert/strict';
import { HeatError } from '../../src/errors';
import {
  bucketContains,
  llquantizeBucketByIndex,
  llquantizeBucketOf,
  llquantizeIndexOf,
  llquantizeLayout,
  llquantizeSpecProblem,
  type LlquantizeSpec,
} from '../../src/model/buckets';

/** dtrace_aggregate_llquantize_bucket, transcribed; int64 wrap-around kept with asIntN. */
function dtraceIndex(spec: LlquantizeSpec, value: bigint): number {
  const factor = BigInt(spec.factor);
  const nsteps = BigInt(spec.nsteps);
  let self = 1n;
  let order = 0;
  for (; order < spec.low; order++) self *= factor;
  let last = self;
  if (value < last) return 0;
  let base = 1n;
  for (self *= factor; order <= spec.high; order++) {
    const nbuckets = self > nsteps ? nsteps : self;
    const next = BigInt.asIntN(64, self * factor);
    if (next < self) value = self - 1n;
    if (value < self) return Number(base + (value - last) / (self / nbuckets));
    base += nbuckets - nbuckets / factor;
    last = self;
    self = next;
  }
  return Number(base);
}

const DECADES: LlquantizeSpec = { factor: 10, low: 0, high: 6, nsteps: 20 };
const OCTAVES: LlquantizeSpec = { factor: 2, low: 0, high: 20, nsteps: 8 };

test('llquantize files every value 0..100000 where DTrace does, for (10, 0, 6, 20) and (2, 0, 20, 8)', () => {
  for (const spec of [DECADES, OCTAVES]) {
    const layout = llquantizeLayout(spec);
    for (let v = 0; v <= 100000; v++) {
      const index = llquantizeIndexOf(v, spec);
      assert.equal(index, dtraceIndex(spec, BigInt(v)), `v=${v}`);
      if (!bucketContains(layout[index], v)) assert.fail(`v=${v} is outside layout[${index}]`);
    }
  }
});

test('llquantize layouts tile the line: underflow first, overflow last, each hi the next lo', () => {
  for (const spec of [DECADES, OCTAVES, { factor: 10, low: 2, high: 4, nsteps: 10 }, { factor: 10, low: 0, high: 3, nsteps: 100 }, { factor: 4, low: 1, high: 5, nsteps: 16 }]) {
    const layout = llquantizeLayout(spec);
    assert.deepEqual(layout[0], { lo: null, hi: spec.factor ** spec.low });
    assert.deepEqual(layout[layout.length - 1], { lo: spec.factor ** (spec.high + 1), hi: null });
    for (let i = 0; i + 1 < layout.length; i++) {
      assert.equal(layout[i].hi, layout[i + 1].lo, `gap after ${i}`);
      if (i > 0) assert.ok((layout[i].lo as number) < (layout[i].hi as number));
    }
    assert.equal(layout.length - 1, dtraceIndex(spec, 2n ** 62n), 'overflow index');
    for (let i = 1; i + 1 < layout.length; i++) {
      const lo = layout[i].lo as number;
      assert.equal(llquantizeIndexOf(lo, spec), i, `lo of bucket ${i}`);
      assert.equal(llquantizeIndexOf((layout[i].hi as number) - 1, spec), i, `hi-1 of bucket ${i}`);
    }
  }
});

test('llquantize (10, 0, 6, 20) has width-1 buckets to 10, width 5 to 100, and overflows at 10^7 as index 118', () => {
  assert.deepEqual(llquantizeBucketOf(1, 10, 0, 6, 20), { lo: 1, hi: 2 });
  assert.deepEqual(llquantizeBucketOf(9, 10, 0, 6, 20), { lo: 9, hi: 10 });
  assert.deepEqual(llquantizeBucketOf(10, 10, 0, 6, 20), { lo: 10, hi: 15 });
  assert.deepEqual(llquantizeBucketOf(99, 10, 0, 6, 20), { lo: 95, hi: 100 });
  assert.deepEqual(llquantizeBucketOf(100, 10, 0, 6, 20), { lo: 100, hi: 150 });
  assert.equal(llquantizeIndexOf(10, DECADES), 10);
  assert.equal(llquantizeIndexOf(99, DECADES), 27);
  assert.equal(llquantizeIndexOf(10 ** 7, DECADES), 118);
  assert.deepEqual(llquantizeBucketByIndex(118, DECADES), { lo: 10 ** 7, hi: null });
  assert.equal(llquantizeLayout(DECADES).length, 119);
});

test('llquantize puts 0 and negatives in the underflow bucket below factor^low', () => {
  assert.deepEqual(llquantizeBucketOf(0, 10, 0, 6, 20), { lo: null, hi: 1 });
  assert.deepEqual(llquantizeBucketOf(-5, 10, 0, 6, 20), { lo: null, hi: 1 });
  assert.deepEqual(llquantizeBucketOf(99, 10, 2, 4, 10), { lo: null, hi: 100 });
  assert.deepEqual(llquantizeBucketOf(100, 10, 2, 4, 10), { lo: 100, hi: 200 });
  assert.equal(dtraceIndex({ factor: 10, low: 0, high: 6, nsteps: 20 }, -5n), 0);
});

test('llquantize with more steps than factor^(m+1) uses width-1 buckets in low orders', () => {
  const spec = { factor: 10, low: 0, high: 3, nsteps: 100 };
  assert.deepEqual(llquantizeBucketOf(5, 10, 0, 3, 100), { lo: 5, hi: 6 });
  assert.deepEqual(llquantizeBucketOf(57, 10, 0, 3, 100), { lo: 57, hi: 58 });
  assert.deepEqual(llquantizeBucketOf(570, 10, 0, 3, 100), { lo: 570, hi: 580 });
  for (const v of [1, 9, 10, 11, 99, 100, 999, 1000, 9999, 10000]) assert.equal(llquantizeIndexOf(v, spec), dtraceIndex(spec, BigInt(v)), `v=${v}`);
});

test('llquantize reproduces DTrace clamping the order whose factor^(m+2) overflows int64', () => {
  const spec = { factor: 2, low: 0, high: 61, nsteps: 4 };
  const layout = llquantizeLayout(spec);
  const clampIndex = dtraceIndex(spec, 2n ** 61n);
  assert.deepEqual(layout[clampIndex], { lo: 1.5 * 2 ** 61, hi: 2 ** 62 });
  assert.equal(llquantizeIndexOf(2 ** 61, spec), clampIndex);
  assert.equal(llquantizeIndexOf(2 ** 62, spec), clampIndex);
  assert.equal(llquantizeIndexOf(2 ** 61 - 2 ** 10, spec), dtraceIndex(spec, 2n ** 61n - 2n ** 10n));
  assert.equal(llquantizeIndexOf(2 ** 40, spec), dtraceIndex(spec, 2n ** 40n));
});

test('llquantize layouts and lookups agree for many specs over powers and their neighbours', () => {
  const specs: LlquantizeSpec[] = [
    { factor: 2, low: 0, high: 40, nsteps: 8 },
    { factor: 3, low: 3, high: 5, nsteps: 27 },
    { factor: 10, low: 3, high: 12, nsteps: 10 },
    { factor: 16, low: 0, high: 8, nsteps: 64 },
  ];
  for (const spec of specs) {
    const layout = llquantizeLayout(spec);
    for (let k = 0; k <= 52; k++) {
      for (const v of [2 ** k - 1, 2 ** k, 2 ** k + 1, 10 ** Math.min(k, 15), 3 ** Math.min(k, 33)]) {
        const index = llquantizeIndexOf(v, spec);
        assert.equal(index, dtraceIndex(spec, BigInt(v)), `${JSON.stringify(spec)} v=${v}`);
        assert.ok(bucketContains(layout[index], v));
        assert.deepEqual(llquantizeBucketOf(v, spec.factor, spec.low, spec.high, spec.nsteps), llquantizeBucketByIndex(index, spec));
      }
    }
  }
});

test('llquantizeBucketByIndex returns null outside the layout', () => {
  assert.equal(llquantizeBucketByIndex(-1, DECADES), null);
  assert.equal(llquantizeBucketByIndex(119, DECADES), null);
  assert.equal(llquantizeBucketByIndex(1.5, DECADES), null);
  assert.deepEqual(llquantizeBucketByIndex(0, DECADES), { lo: null, hi: 1 });
});

test('llquantize layouts are frozen so a caller cannot corrupt the shared cache', () => {
  const layout = llquantizeLayout(DECADES);
  assert.ok(Object.isFrozen(layout) && Object.isFrozen(layout[3]));
  const got = llquantizeBucketByIndex(3, DECADES);
  assert.ok(got && !Object.isFrozen(got));
});

test('llquantize specs are checked as DTrace checks them', () => {
  const code = (s: LlquantizeSpec) => llquantizeSpecProblem(s)?.code ?? null;
  assert.equal(code(DECADES), null);
  assert.equal(code({ factor: 1, low: 0, high: 6, nsteps: 20 }), 'llquantize-factor-small');
  assert.equal(code({ factor: 10, low: 6, high: 6, nsteps: 20 }), 'llquantize-mag-range');
  assert.equal(code({ factor: 10, low: 0, high: 6, nsteps: 6 }), 'llquantize-factor-nsteps');
  assert.equal(code({ factor: 10, low: 0, high: 6, nsteps: 25 }), 'llquantize-factor-even');
  assert.equal(code({ factor: 10, low: 0, high: 6, nsteps: 15 }), 'llquantize-factor-even');
  assert.equal(code({ factor: 10, low: 0, high: 6, nsteps: 30 }), 'llquantize-factor-even');
  assert.equal(code({ factor: 3, low: 3, high: 5, nsteps: 27 }), null);
  assert.equal(code({ factor: 10, low: 0, high: 6, nsteps: 65536 }), 'llquantize-arg');
  assert.equal(code({ factor: 10, low: 0, high: 18, nsteps: 10 }), 'llquantize-mag-too-big');
  assert.equal(code({ factor: 10, low: 0, high: 17, nsteps: 10 }), null);
  assert.throws(() => llquantizeLayout({ factor: 1, low: 0, high: 6, nsteps: 20 }), (e: unknown) => e instanceof HeatError && e.code === 'llquantize-factor-small');
});
