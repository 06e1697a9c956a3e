//! Tests for CumulativeDeltas: differences per key and bucket, resets, keys that come and go.

import test from 'node:test';
import assert from 'node:assert/strict';
import { CumulativeDeltas } from '../../src/model/deltas';
import type { Bucket, Snapshot } from '../../src/model/snapshot';

const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });

function snap(t: number, keys: Record<string, Bucket[]>, lost = 0, name = 'time'): Snapshot {
  return { t, aggregations: { [name]: { kind: 'hist', unit: 'ns', keys } }, lost };
}

const keysOf = (s: Snapshot, name = 'time') => s.aggregations[name].keys;

test('the first cumulative snapshot passes through whole, without zero buckets', () => {
  const d = new CumulativeDeltas();
  const out = d.next(snap(1000, { read: [b(0, 1, 0), b(2, 4, 3), b(4, 8, 1)] }, 2));
  assert.deepEqual(out, snap(1000, { read: [b(2, 4, 3), b(4, 8, 1)] }, 2));
});

test('later snapshots yield current minus previous per key and bucket, zero deltas omitted', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 3), b(4, 8, 1)], write: [b(null, 0, 2)] }));
  const out = d.next(snap(2000, { read: [b(1, 2, 4), b(2, 4, 5), b(4, 8, 1)], write: [b(null, 0, 2)] }));
  assert.deepEqual(keysOf(out), { read: [b(1, 2, 4), b(2, 4, 2)] });
});

test('an aggregation with no new events is kept with no keys', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 3)] }));
  const out = d.next(snap(2000, { read: [b(2, 4, 3)] }));
  assert.deepEqual(out.aggregations, { time: { kind: 'hist', unit: 'ns', keys: {} } });
});

test('t, lost, kind and unit are copied through unchanged', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { '': [b(2, 4, 3)] }, 5));
  const out = d.next({ t: 2017, aggregations: { x: { kind: 'llquantize', unit: null, keys: { '': [b(2, 4, 4)] } } }, lost: 9 });
  assert.equal(out.t, 2017);
  assert.equal(out.lost, 9);
  assert.equal(out.aggregations.x.kind, 'llquantize');
  assert.equal(out.aggregations.x.unit, null);
});

test('a new key counts in full', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 3)] }));
  const out = d.next(snap(2000, { read: [b(2, 4, 4)], open: [b(8, 16, 6)] }));
  assert.deepEqual(keysOf(out), { read: [b(2, 4, 1)], open: [b(8, 16, 6)] });
});

test('a key that disappears is dropped and counts in full when it comes back', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 3)], write: [b(2, 4, 10)] }));
  assert.deepEqual(keysOf(d.next(snap(2000, { read: [b(2, 4, 5)] }))), { read: [b(2, 4, 2)] });
  assert.deepEqual(keysOf(d.next(snap(3000, { read: [b(2, 4, 5)], write: [b(2, 4, 12)] }))), { write: [b(2, 4, 12)] });
});

test('a count that went down is a reset: the whole key reports its current counts, never a negative', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 5), b(4, 8, 3)], write: [b(2, 4, 1)] }));
  const out = d.next(snap(2000, { read: [b(2, 4, 2), b(4, 8, 7)], write: [b(2, 4, 2)] }));
  assert.deepEqual(keysOf(out), { read: [b(2, 4, 2), b(4, 8, 7)], write: [b(2, 4, 1)] });
});

test('a bucket that vanished from a key marks the key as cleared and refilled', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 5), b(4, 8, 3)] }));
  assert.deepEqual(keysOf(d.next(snap(2000, { read: [b(4, 8, 4)] }))), { read: [b(4, 8, 4)] });
  assert.deepEqual(keysOf(d.next(snap(3000, { read: [b(4, 8, 6)] }))), { read: [b(4, 8, 2)] });
});

test('an aggregation that disappears is forgotten and counts in full when it returns', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { '': [b(2, 4, 5)] }, 0, 'a'));
  d.next(snap(2000, { '': [b(2, 4, 1)] }, 0, 'b'));
  assert.deepEqual(keysOf(d.next(snap(3000, { '': [b(2, 4, 7)] }, 0, 'a')), 'a'), { '': [b(2, 4, 7)] });
});

test('baselines are kept only for keys in the latest snapshot', () => {
  const d = new CumulativeDeltas();
  const many: Record<string, Bucket[]> = {};
  for (let i = 0; i < 1000; i++) many[`pid ${i}`] = [b(2, 4, 1)];
  d.next(snap(1000, many));
  d.next(snap(2000, { 'pid 1': [b(2, 4, 2)] }));
  const baseline = (d as unknown as { baseline: Map<string, Map<string, unknown>> }).baseline;
  assert.deepEqual([...baseline.get('time')!.keys()], ['pid 1']);
});

test('reset() forgets every baseline', () => {
  const d = new CumulativeDeltas();
  d.next(snap(1000, { read: [b(2, 4, 5)] }));
  d.reset();
  assert.deepEqual(keysOf(d.next(snap(2000, { read: [b(2, 4, 6)] }))), { read: [b(2, 4, 6)] });
});

test('the input snapshots are not modified', () => {
  const d = new CumulativeDeltas();
  const first = snap(1000, { read: [b(2, 4, 5)] });
  const second = snap(2000, { read: [b(2, 4, 7)] });
  const copies = JSON.stringify([first, second]);
  d.next(first);
  d.next(second);
  assert.equal(JSON.stringify([first, second]), copies);
});

test('over random growth and clears, deltas are positive and sum to each interval\'s new events', () => {
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const sum = (m: Map<number, number>) => [...m.values()].reduce((s, c) => s + c, 0);
  const d = new CumulativeDeltas();
  let prev = new Map<number, number>();
  let clears = 0;
  for (let step = 0; step < 500; step++) {
    const clear = rand(10) === 0;
    clears += clear ? 1 : 0;
    const fresh = clear ? new Map<number, number>() : new Map(prev);
    let added = 0;
    for (let i = rand(5); i > 0; i--) {
      const k = rand(8);
      const n = 1 + rand(20);
      fresh.set(k, (fresh.get(k) ?? 0) + n);
      added += n;
    }
    const buckets = [...fresh].sort((x, y) => x[0] - y[0]).map(([k, c]) => b(2 ** k, 2 ** (k + 1), c));
    const got = d.next(snap(step, { '': buckets })).aggregations.time.keys[''] ?? [];
    for (const x of got) assert.ok(x.count > 0, `step ${step}: count ${x.count}`);
    const total = got.reduce((s, x) => s + x.count, 0);
    const detected = [...prev].some(([k, c]) => (fresh.get(k) ?? 0) < c);
    if (!clear) assert.equal(total, added, `step ${step}`);
    else assert.equal(total, detected ? sum(fresh) : sum(fresh) - sum(prev), `step ${step} (cleared)`);
    prev = fresh;
  }
  assert.ok(clears > 20);
});
