import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StableWindow, collectShapes, fitWindow, placeSegments, type AxisMode } from '../../src/model/axis';
import type { Bucket } from '../../src/model/snapshot';

const b = (lo: number, hi: number): Bucket => ({ lo, hi, count: 1 });
/** Power-of-two buckets from 2^from to 2^to. */
const octaves = (from: number, to: number): Bucket[] => Array.from({ length: to - from }, (_, i) => b(2 ** (from + i), 2 ** (from + i + 1)));
const segs = (buckets: Bucket[], mode: AxisMode = 'log') => placeSegments(collectShapes([buckets]), mode);

test('a stable window follows data that outgrows it at once', () => {
  const w = new StableWindow();
  const first = w.fit(segs(octaves(10, 20)), 'log', 1);
  assert.deepEqual(first, fitWindow(segs(octaves(10, 20)), 'log', 1));
  const grown = w.fit(segs(octaves(10, 24)), 'log', 1);
  assert.deepEqual(grown, fitWindow(segs(octaves(10, 24)), 'log', 1));
  assert.ok(grown[1] > first[1]);
});

test('a tail bucket leaving the view does not shrink the window by up to two octaves', () => {
  const w = new StableWindow();
  const wide = w.fit(segs(octaves(10, 22)), 'log', 1);
  assert.deepEqual(w.fit(segs(octaves(10, 21)), 'log', 1), wide);
  assert.deepEqual(w.fit(segs(octaves(11, 21)), 'log', 1), wide);
  // Three octaves narrower than kept: the window follows.
  const narrow = w.fit(segs(octaves(11, 20)), 'log', 1);
  assert.deepEqual(narrow, fitWindow(segs(octaves(11, 20)), 'log', 1));
});

test('a change of zoom or of axis mode refits at once', () => {
  const w = new StableWindow();
  const data = segs(octaves(10, 22));
  w.fit(data, 'log', 1);
  assert.deepEqual(w.fit(data, 'log', 2), fitWindow(data, 'log', 2));
  assert.deepEqual(w.fit(data, 'log', 1), fitWindow(data, 'log', 1));
  const linear = segs(octaves(10, 22), 'linear');
  assert.deepEqual(w.fit(linear, 'linear', 1), fitWindow(linear, 'linear', 1));
});

test('the placeholder window for no data is not kept: the first data gets its own fit', () => {
  const w = new StableWindow();
  w.fit([], 'log', 1);
  const data = segs(octaves(10, 17));
  assert.deepEqual(w.fit(data, 'log', 1), fitWindow(data, 'log', 1));
});

test('on a linear axis the window shrinks only when the fit loses more than a quarter of the span', () => {
  const w = new StableWindow();
  const lin = (hi: number) => segs(Array.from({ length: hi / 10 }, (_, i) => b(i * 10, i * 10 + 10)), 'linear');
  const kept = w.fit(lin(100), 'linear', 1);
  assert.deepEqual(w.fit(lin(80), 'linear', 1), kept);
  assert.deepEqual(w.fit(lin(50), 'linear', 1), fitWindow(lin(50), 'linear', 1));
});

test('a clone keeps the same window and then goes its own way', () => {
  const w = new StableWindow();
  const wide = w.fit(segs(octaves(10, 22)), 'log', 1);
  const c = w.clone();
  assert.deepEqual(c.fit(segs(octaves(10, 21)), 'log', 1), wide);
  c.fit(segs(octaves(2, 30)), 'log', 1);
  assert.deepEqual(w.fit(segs(octaves(10, 21)), 'log', 1), wide, 'the original is untouched');
});
