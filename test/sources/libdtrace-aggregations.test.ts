//! Tests for turning libdtrace aggwalk records into Snapshots: real Oracle captures (cumulative)
//! and classic-shaped walks (per interval), every aggregation kind, scalar values and summary.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { llquantizeLayout } from '../../src/model/llquantize';
import type { Bucket } from '../../src/model/snapshot';
import { aggregationName, formatScalarSummary, keyText, LibdtraceIntervals, recordsToSnapshot, type AggwalkRecord } from '../../src/sources/libdtrace-aggregations';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'libdtrace');

interface Capture {
  abi: 'oracle' | 'classic';
  cumulative: boolean;
  walks: AggwalkRecord[][];
}

const load = (name: string): Capture => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Capture;
const oracle = load('oracle-two-walks.json');
const classic = load('classic-intervals.json');
const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });
const rec = (walk: AggwalkRecord[], name: string, key: Array<string | number> = []): AggwalkRecord => {
  const found = walk.find((r) => r.name === name && keyText(r.key) === keyText(key));
  assert.ok(found, `fixture has @${name}[${keyText(key)}]`);
  return found;
};

test('the Oracle fixture is a real capture of two cumulative walks', () => {
  assert.equal(oracle.abi, 'oracle');
  assert.equal(oracle.cumulative, true);
  assert.equal(oracle.walks.length, 2);
  assert.ok(rec(oracle.walks[1], 'n').value! > rec(oracle.walks[0], 'n').value!);
});

test('quantize bins become half-open buckets: [512, 1023] is [512, 1024)', () => {
  const { snapshot } = recordsToSnapshot(oracle.walks[0], 1000, 0);
  assert.equal(snapshot.aggregations.time.kind, 'quantize');
  assert.deepEqual(snapshot.aggregations.time.keys.write, [b(512, 1024, 198), b(1024, 2048, 5)]);
});

test("lquantize's overflow bin keeps an open upper end", () => {
  const { snapshot } = recordsToSnapshot(oracle.walks[0], 1000, 0);
  assert.deepEqual(snapshot.aggregations.l.keys.read, [b(0, 5, 202), b(20, null, 1)]);
});

test('llquantize bins keep the bounds libdtrace reported', () => {
  const raw = rec(oracle.walks[0], 'll');
  const { snapshot } = recordsToSnapshot(oracle.walks[0], 1000, 0);
  const want = (raw.buckets ?? []).map(([[min, max], count]) => b(min, max === null ? null : max + 1, count));
  assert.equal(snapshot.aggregations.ll.kind, 'llquantize');
  assert.deepEqual(snapshot.aggregations.ll.keys[''], want);
});

test('cumulative Oracle walks become per-interval counts', () => {
  const intervals = new LibdtraceIntervals({ cumulative: true });
  intervals.next(oracle.walks[0], 1000, 0);
  const second = intervals.next(oracle.walks[1], 2000, 3);
  // write: 696 − 198 in [512, 1024); [1024, 2048) went from 5 to 10.
  assert.deepEqual(second.snapshot.aggregations.time.keys.write, [b(512, 1024, 498), b(1024, 2048, 5)]);
  assert.equal(second.snapshot.lost, 3);
  assert.equal(second.snapshot.t, 2000);
});

test('cumulative counts, sums and averages are reported per interval; min and max since the start', () => {
  const intervals = new LibdtraceIntervals({ cumulative: true });
  intervals.next(oracle.walks[0], 1000, 0);
  const { values } = intervals.next(oracle.walks[1], 2000, 0);
  const get = (name: string, key = '') => values.find((v) => v.name === name && v.key === key);
  const n0 = rec(oracle.walks[0], 'n').value!;
  const n1 = rec(oracle.walks[1], 'n').value!;
  assert.deepEqual(get('n'), { name: 'n', kind: 'count', key: '', value: n1 - n0, sinceStart: false });
  const a0 = rec(oracle.walks[0], 'a');
  const a1 = rec(oracle.walks[1], 'a');
  assert.equal(get('a')?.value, (a1.total! - a0.total!) / (a1.count! - a0.count!));
  assert.equal(get('mx')?.sinceStart, true);
  assert.equal(get('mx')?.value, rec(oracle.walks[1], 'mx').value);
  // @pair[read, 832] went from 1 to 2.
  assert.equal(get('pair', 'read, 832')?.value, 1);
  // @pair[write, 41] did not move: no value for this interval.
  assert.equal(get('pair', 'write, 41'), undefined);
});

test("Oracle's bare @ ('_') is the aggregation named ''", () => {
  assert.equal(aggregationName('_'), '');
  assert.equal(aggregationName('@time'), 'time');
  const { values } = recordsToSnapshot(oracle.walks[0], 1000, 0);
  assert.ok(values.some((v) => v.name === '' && v.kind === 'count'));
});

test('units given by aggregation name label the histograms; unknown ones stay null', () => {
  const { snapshot } = recordsToSnapshot(oracle.walks[0], 1000, 0, { time: 'ns' });
  assert.equal(snapshot.aggregations.time.unit, 'ns');
  assert.equal(snapshot.aggregations.l.unit, null);
});

test('classic walks are already per interval: nothing is subtracted', () => {
  const intervals = new LibdtraceIntervals({ cumulative: false });
  intervals.next(classic.walks[0], 1000, 0);
  const second = intervals.next(classic.walks[1], 2000, 0);
  assert.deepEqual(second.snapshot.aggregations.lat.keys.read, [b(1, 2, 1)]);
  assert.deepEqual(second.values.find((v) => v.name === 'n')?.value, 5);
});

test('a classic histogram idle for an interval stays, with no keys', () => {
  const intervals = new LibdtraceIntervals({ cumulative: false });
  intervals.next(classic.walks[0], 1000, 0);
  const second = intervals.next(classic.walks[1], 2000, 0);
  assert.deepEqual(second.snapshot.aggregations.q, { kind: 'quantize', unit: null, keys: {} });
});

test('classic quantize and lquantize bins: negative, zero, open ends', () => {
  const { snapshot } = recordsToSnapshot(classic.walks[0], 1000, 0);
  assert.deepEqual(snapshot.aggregations.q.keys['write, 3'], [b(-3, -1, 1), b(0, 1, 4), b(1, 2, 2), b(1024, 2048, 7)]);
  assert.deepEqual(snapshot.aggregations.l.keys[''], [b(null, 0, 1), b(0, 2, 2), b(62, null, 1)]);
});

test("classic llquantize buckets are exactly buckets of DTrace's llquantize layout", () => {
  const { snapshot } = recordsToSnapshot(classic.walks[0], 1000, 0);
  const layout = llquantizeLayout({ factor: 10, low: 0, high: 3, nsteps: 10 });
  for (const bucket of snapshot.aggregations.lat.keys.read) {
    assert.ok(layout.some((l) => l.lo === bucket.lo && l.hi === bucket.hi), `[${bucket.lo}, ${bucket.hi}) is in the layout`);
  }
});

test('the summary totals a run: classic intervals add up, min and max keep their extremes', () => {
  const intervals = new LibdtraceIntervals({ cumulative: false });
  intervals.next(classic.walks[0], 1000, 0);
  intervals.next(classic.walks[1], 2000, 0);
  const summary = intervals.summary();
  const get = (name: string) => summary.find((v) => v.name === name)?.value;
  assert.equal(get('n'), 15);
  assert.equal(get('a'), 15 / 5);
  assert.equal(get('mx'), 99);
  assert.equal(formatScalarSummary(summary), '@n: 15\n@a[read]: 3 (avg)\n@mx: 99 (max)');
});

test('the Oracle summary is the last walk: totals since tracing began', () => {
  const intervals = new LibdtraceIntervals({ cumulative: true });
  intervals.next(oracle.walks[0], 1000, 0);
  intervals.next(oracle.walks[1], 2000, 0);
  const n = intervals.summary().find((v) => v.name === 'n');
  assert.equal(n?.value, rec(oracle.walks[1], 'n').value);
});

test('composite keys join their parts with ", "', () => {
  assert.equal(keyText(['read', 2996]), 'read, 2996');
  assert.equal(keyText([]), '');
});
