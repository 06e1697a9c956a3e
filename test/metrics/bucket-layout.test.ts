//! Tests for the exporter's bucket layouts: families recognised from buckets, grids, free growth
//! downwards, new layouts upwards or off the grid, and the same layout on hosts that agree.

import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LayoutTracker, gridPoints, inferFamily, onGrid } from '../../src/metrics/bucket-layout';
import type { Bucket } from '../../src/model/snapshot';
import { readRecording } from '../../src/record/recording-reader';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/recordings');
const b = (lo: number | null, hi: number | null, count = 1): Bucket => ({ lo, hi, count });

test('power-of-two buckets expose every power of two from the lowest edge to 8× the highest', () => {
  const t = new LayoutTracker('hist', 'us');
  assert.equal(t.observe([b(8, 16), b(64, 128)]), true);
  assert.deepEqual(t.layout?.bounds, [8, 16, 32, 64, 128, 256, 512, 1024]);
  assert.equal(t.layout?.fingerprint, 'pow2 us <=1024');
});

test('llquantize buckets of the presets are recognised as factor 2 with 8 steps (4 per power of two)', () => {
  const family = inferFamily('llquantize', [[640, 768], [1024, 1280], [2, 3]], [2, 3, 640, 768, 1024, 1280]);
  assert.deepEqual(family, { name: 'log', factor: 2, nsteps: 8 });
  assert.deepEqual(gridPoints(family, 512, 2048), [512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048]);
  assert.equal(onGrid(family, 1100), false);
});

test('llquantize with factor 10 is not mistaken for factor 2', () => {
  const family = inferFamily('llquantize', [[10, 15], [95, 100], [100, 150]], [10, 15, 95, 100, 150]);
  assert.deepEqual(family, { name: 'log', factor: 10, nsteps: 20 });
});

test('linear buckets take the common step of their widths and the offset of their edges', () => {
  const t = new LayoutTracker('lquantize', 'us');
  t.observe([b(3, 5), b(9, 11), b(61, null)]);
  assert.deepEqual(t.layout?.family, { name: 'linear', step: 2, offset: 1 });
  // The open-ended top bucket fixes the top at its edge: nothing lies above it.
  assert.equal(t.layout?.top, 61);
  assert.equal(t.layout?.bounds.length, 30);
});

test('a new lowest bucket extends the bounds downwards without a new layout', () => {
  const t = new LayoutTracker('hist', 'ns');
  t.observe([b(1024, 2048)]);
  const before = t.layout!.fingerprint;
  assert.equal(t.observe([b(16, 32)]), false);
  assert.equal(t.layout?.fingerprint, before);
  assert.equal(t.layout?.bounds[0], 16);
});

test('an edge above the top starts a new layout, and so does an edge off the grid', () => {
  const t = new LayoutTracker('llquantize', 'ns');
  t.observe([b(640, 768)]);
  const first = t.layout!;
  assert.equal(t.observe([b(1024, 1280)]), false, 'inside the headroom: same layout');
  assert.equal(t.observe([b(2 ** 20, 2 ** 20 + 2 ** 18)]), true);
  assert.notEqual(t.layout!.fingerprint, first.fingerprint);
  assert.ok(t.layout!.top >= 8 * (2 ** 20 + 2 ** 18));
  const t2 = new LayoutTracker('hist', 'ns');
  t2.observe([b(4, 8)]);
  assert.equal(t2.observe([b(5, 6)]), true);
  assert.equal(t2.layout?.family.name, 'seen');
});

test('buckets that fit no grid expose exactly the edges seen', () => {
  const t = new LayoutTracker('hist', null);
  t.observe([b(0, 3), b(3, 7), b(7, 12)]);
  assert.equal(t.layout?.family.name, 'seen');
  assert.deepEqual(t.layout?.bounds, [0, 3, 7, 12]);
  assert.match(t.layout!.fingerprint, /^seen#[0-9a-f]{8} raw <=12$/);
});

test('hosts that see the same range of a family get the same layout, whatever buckets they saw', () => {
  const a = new LayoutTracker('llquantize', 'ns');
  const c = new LayoutTracker('llquantize', 'ns');
  a.observe([b(1024, 1280), b(8192, 10240)]);
  c.observe([b(1536, 1792), b(8192, 10240)]);
  assert.equal(a.layout?.fingerprint, c.layout?.fingerprint);
});

test('the recorded demo keeps one family for all its intervals, with few new layouts', () => {
  const rec = readRecording(path.join(FIXTURES, 'demo-syscalls.jsonl'));
  const t = new LayoutTracker('llquantize', 'ns');
  let layouts = 0;
  for (const s of rec.snapshots) if (t.observe(Object.values(s.aggregations.syscall.keys).flat())) layouts++;
  assert.ok(layouts >= 1 && layouts <= 3, `${layouts} layouts`);
  assert.deepEqual(t.layout?.family, { name: 'log', factor: 2, nsteps: 8 });
  for (const s of rec.snapshots) for (const bs of Object.values(s.aggregations.syscall.keys)) for (const x of bs) if (x.hi !== null) assert.ok(t.layout!.bounds.includes(x.hi), `${x.hi} is a bound`);
});
