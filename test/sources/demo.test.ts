//! Tests for the demo source: determinism of demoSnapshot, realistic shape, and the timer's life cycle.

import test from 'node:test';
import assert from 'node:assert/strict';
import { DemoSource, demoSnapshot, mulberry32, DEMO_AGGREGATION } from '../../src/sources/demo';
import { llquantizeBucketOf } from '../../src/model/buckets';
import type { SourceEvent } from '../../src/sources/source';
import type { Bucket, Snapshot } from '../../src/model/snapshot';

const OPTS = { seed: 42, intervalMs: 1000 };

function keysOf(s: Snapshot): Record<string, Bucket[]> {
  return s.aggregations[DEMO_AGGREGATION].keys;
}

function total(s: Snapshot): number {
  let n = 0;
  for (const buckets of Object.values(keysOf(s))) for (const b of buckets) n += b.count;
  return n;
}

test('mulberry32 gives the same sequence for a seed and another for another seed', () => {
  const a = mulberry32(1);
  const b = mulberry32(1);
  const c = mulberry32(2);
  const seqA = [a(), a(), a()];
  assert.deepEqual([b(), b(), b()], seqA);
  assert.notDeepEqual([c(), c(), c()], seqA);
  for (const x of seqA) assert.ok(x >= 0 && x < 1);
});

test('the demo is deterministic for a seed and differs between seeds and intervals', () => {
  assert.deepEqual(demoSnapshot(OPTS, 7), demoSnapshot(OPTS, 7));
  assert.notDeepEqual(demoSnapshot(OPTS, 7), demoSnapshot({ ...OPTS, seed: 43 }, 7));
  assert.notDeepEqual(keysOf(demoSnapshot(OPTS, 7)), keysOf(demoSnapshot(OPTS, 8)));
});

test('an interval has syscall keys, a few thousand events and t at its nominal end', () => {
  const s = demoSnapshot(OPTS, 4);
  assert.equal(s.t, 5000);
  const names = Object.keys(keysOf(s));
  for (const name of ['read', 'write', 'openat', 'futex', 'epoll_wait', 'clock_nanosleep']) assert.ok(names.includes(name), name);
  const n = total(s);
  assert.ok(n >= 2000 && n <= 20000, `events: ${n}`);
  assert.equal(s.aggregations[DEMO_AGGREGATION].kind, 'llquantize');
  assert.equal(s.aggregations[DEMO_AGGREGATION].unit, 'ns');
});

test('buckets are sorted, non-overlapping, non-empty llquantize(2, 0, 40, 8) buckets', () => {
  for (const buckets of Object.values(keysOf(demoSnapshot(OPTS, 3)))) {
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i];
      assert.ok(b.count > 0);
      assert.ok(b.lo !== null && b.hi !== null && b.lo < b.hi);
      assert.deepEqual(llquantizeBucketOf(b.lo, 2, 0, 40, 8), { lo: b.lo, hi: b.hi });
      if (i > 0) assert.ok(b.lo >= (buckets[i - 1].hi as number));
    }
  }
});

test('latencies show a microsecond mode and a millisecond mode, and rare outliers of seconds', () => {
  let micro = 0;
  let milli = 0;
  let outliers = 0;
  for (let i = 0; i < 100; i++) {
    for (const buckets of Object.values(keysOf(demoSnapshot(OPTS, i)))) {
      for (const b of buckets) {
        const lo = b.lo as number;
        if (lo >= 500 && lo < 20_000) micro += b.count;
        else if (lo >= 1e6 && lo < 50e6) milli += b.count;
        else if (lo >= 2 ** 28) outliers += b.count;
      }
    }
  }
  const all = micro + milli + outliers;
  assert.ok(micro > milli && milli > outliers && outliers > 0, JSON.stringify({ micro, milli, outliers }));
  assert.ok(outliers < all / 1000, `outliers are rare: ${outliers}`);
});

test('the distribution drifts: medians move over time', () => {
  const median = (s: Snapshot, key: string): number => {
    const buckets = keysOf(s)[key];
    let left = buckets.reduce((a, b) => a + b.count, 0) / 2;
    for (const b of buckets) if ((left -= b.count) <= 0) return b.lo as number;
    return NaN;
  };
  const medians = new Set<number>();
  for (let i = 0; i < 60; i += 5) medians.add(median(demoSnapshot(OPTS, i), 'read'));
  assert.ok(medians.size >= 3, `read medians: ${[...medians].join(', ')}`);
});

test('a partial interval has proportionally fewer events', () => {
  const full = total(demoSnapshot(OPTS, 9));
  const part = total(demoSnapshot(OPTS, 9, 0.25));
  assert.ok(part > full * 0.15 && part < full * 0.35, `${part} of ${full}`);
  assert.equal(demoSnapshot(OPTS, 9, 0.25).t, 9250);
});

test('event counts scale with the interval length', () => {
  const oneSecond = total(demoSnapshot(OPTS, 2));
  const tenMs = total(demoSnapshot({ ...OPTS, intervalMs: 10 }, 2));
  assert.ok(tenMs > 0 && tenMs < oneSecond / 20, `${tenMs} vs ${oneSecond}`);
});

test('the source describes itself as the seeded demo', () => {
  assert.deepEqual(new DemoSource({ seed: 5, intervalMs: 10 }).info, { engine: 'demo', title: 'syscall latency (demo)', detail: { seed: 5 } });
});

test('the source emits the seeded snapshots in order on its timer and stops cleanly', async () => {
  const opts = { seed: 9, intervalMs: 10 };
  const src = new DemoSource(opts);
  const events: SourceEvent[] = [];
  let resolve!: () => void;
  const three = new Promise<void>((r) => (resolve = r));
  await src.start((e) => {
    events.push(e);
    if (events.length === 3) resolve();
  });
  await three;
  await src.stop();
  const afterStop = events.length;
  await src.stop();
  assert.equal(events.length, afterStop, 'a second stop emits nothing');
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(events.length, afterStop, 'no snapshot after stop');
  const snaps = events.map((e) => (e.type === 'snapshot' ? e.snapshot : assert.fail(`unexpected ${e.type}`)));
  for (let i = 0; i < 3; i++) assert.deepEqual(snaps[i], demoSnapshot(opts, i));
  assert.ok(afterStop <= 4, 'at most one partial interval on stop');
  for (let i = 1; i < snaps.length; i++) assert.ok(snaps[i].t >= snaps[i - 1].t);
});

test('stopping a source that never started does nothing', async () => {
  const src = new DemoSource(OPTS);
  await src.stop();
  await src.stop();
});
