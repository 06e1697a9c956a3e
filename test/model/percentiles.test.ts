//! Tests for percentiles of bucketed distributions: interpolation, open ends, empty input.

import test from 'node:test';
import assert from 'node:assert/strict';
import { percentile, percentiles } from '../../src/model/percentiles';
import type { Bucket } from '../../src/model/snapshot';

const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });
const THREE = [b(0, 10, 10), b(10, 20, 30), b(20, 40, 60)];

test('an empty distribution has no percentile', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([b(0, 10, 0), b(10, 20, 0)], 50), null);
  assert.deepEqual(percentiles([], [50, 99]), [null, null]);
});

test('a single bucket interpolates linearly from lo to hi', () => {
  const one = [b(0, 100, 4)];
  assert.equal(percentile(one, 0), 0);
  assert.equal(percentile(one, 25), 25);
  assert.equal(percentile(one, 50), 50);
  assert.equal(percentile(one, 100), 100);
});

test('the rank is placed proportionally inside the bucket that holds it', () => {
  assert.equal(percentile(THREE, 10), 10);
  assert.equal(percentile(THREE, 25), 15);
  assert.equal(percentile(THREE, 70), 30);
  assert.equal(percentile(THREE, 100), 40);
  assert.equal(percentile(THREE, 5), 5);
});

test('open-ended buckets give their finite edge', () => {
  const under = [b(null, 0, 50), b(0, 10, 50)];
  assert.equal(percentile(under, 10), 0);
  assert.equal(percentile(under, 75), 5);
  const over = [b(0, 10, 50), b(100, null, 50)];
  assert.equal(percentile(over, 99), 100);
  assert.equal(percentile(over, 100), 100);
});

test('empty buckets are skipped, so p0 is the lowest non-empty bucket\'s lo', () => {
  assert.equal(percentile([b(0, 10, 0), b(10, 20, 5)], 0), 10);
  assert.equal(percentile([b(0, 10, 5), b(10, 20, 0)], 100), 10);
});

test('p is clamped to 0..100 and a NaN p has no answer', () => {
  assert.equal(percentile(THREE, -5), 0);
  assert.equal(percentile(THREE, 150), 40);
  assert.equal(percentile(THREE, Number.NaN), null);
});

test('percentiles answers in the order asked, equal to asking one at a time', () => {
  const ps = [99, 50, 0, 90, 50, 100];
  assert.deepEqual(percentiles(THREE, ps), ps.map((p) => percentile(THREE, p)));
});

test('percentiles never decrease with p and stay within the distribution', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (let round = 0; round < 200; round++) {
    const buckets: Bucket[] = [];
    for (let k = 0; k < 20; k++) if (rand(3) > 0) buckets.push(b(2 ** k, 2 ** (k + 1), rand(50)));
    const ps = Array.from({ length: 101 }, (_, i) => i);
    const got = percentiles(buckets, ps);
    const nonEmpty = buckets.filter((x) => x.count > 0);
    if (nonEmpty.length === 0) {
      assert.ok(got.every((v) => v === null));
      continue;
    }
    for (let i = 1; i < got.length; i++) assert.ok((got[i] as number) >= (got[i - 1] as number), `round ${round} p${i}`);
    assert.equal(got[0], nonEmpty[0].lo);
    assert.equal(got[100], nonEmpty[nonEmpty.length - 1].hi);
  }
});

test('in unit buckets holding 1..100, p50 is the upper edge of the 50th value\'s bucket', () => {
  const unit = Array.from({ length: 100 }, (_, i) => b(i + 1, i + 2, 1));
  assert.equal(percentile(unit, 50), 51);
  assert.equal(percentile(unit, 1), 2);
});
