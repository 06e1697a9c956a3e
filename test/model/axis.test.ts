import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAxis, collectShapes, defaultAxisMode, fitWindow, outsideCounts, placeSegments, rowCounts, rowOfValue, segmentIndex } from '../../src/model/axis';
import type { Bucket } from '../../src/model/snapshot';

function pow2(lo: number, hi: number, count: number): Bucket {
  return { lo, hi, count };
}

function axisFor(columns: Bucket[][], rows: number, mode: 'log' | 'linear' = 'log', zoom = 1) {
  const segments = placeSegments(collectShapes(columns), mode);
  const [c0, c1] = fitWindow(segments, mode, zoom);
  return buildAxis(segments, mode, c0, c1, rows);
}

test('every bucket is owned by exactly one row, so row counts add up to the column total', () => {
  const col: Bucket[] = [];
  let total = 0;
  for (let e = 0; e < 30; e++) {
    col.push(pow2(2 ** e, 2 ** (e + 1), e + 1));
    total += e + 1;
  }
  for (const rows of [3, 7, 16, 40, 96]) {
    const axis = axisFor([col], rows);
    const counts = rowCounts(axis, col, segmentIndex(axis));
    let owned = 0;
    axis.rows.forEach((r, i) => {
      if (r.owned.length > 0) owned += counts[i];
    });
    const out = outsideCounts(axis, col, segmentIndex(axis));
    assert.equal(owned + out.below + out.above, total, `rows=${rows}`);
    assert.equal(out.below + out.above, 0, 'auto-fit shows everything');
  }
});

test('with more rows than buckets a bucket spans several rows that all show its count and range', () => {
  const col = [pow2(1024, 2048, 5), pow2(2048, 4096, 9)];
  const axis = axisFor([col], 40);
  const counts = rowCounts(axis, col, segmentIndex(axis));
  const rowsOf2048 = axis.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.lo === 2048 && r.hi === 4096);
  assert.ok(rowsOf2048.length > 1);
  for (const { i } of rowsOf2048) assert.equal(counts[i], 9);
  assert.equal(rowsOf2048.filter(({ r }) => r.owned.length > 0).length, 1);
});

test('with fewer rows than buckets a row owns adjacent buckets and says their joint range', () => {
  const col: Bucket[] = [];
  for (let e = 0; e < 32; e++) col.push(pow2(2 ** e, 2 ** (e + 1), 1));
  const axis = axisFor([col], 8);
  const owning = axis.rows.filter((r) => r.owned.length > 1);
  assert.ok(owning.length > 0);
  for (const r of owning) {
    const first = axis.segments[r.owned[0]];
    const last = axis.segments[r.owned[r.owned.length - 1]];
    assert.equal(r.lo, first.lo);
    assert.equal(r.hi, last.hi);
  }
  // Ranges of owning rows go up the screen without overlap.
  const ranges = axis.rows.filter((r) => r.owned.length > 0).map((r) => [r.lo as number, r.hi as number]);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] >= ranges[i - 1][1]);
});

test('zooming in hides buckets far from the centre and counts them as below or above the view', () => {
  const col: Bucket[] = [];
  for (let e = 0; e < 30; e++) col.push(pow2(2 ** e, 2 ** (e + 1), 1));
  const axis = axisFor([col], 20, 'log', 4);
  const out = outsideCounts(axis, col, segmentIndex(axis));
  assert.ok(out.below > 0 && out.above > 0);
  const counts = rowCounts(axis, col, segmentIndex(axis));
  const shown = axis.rows.reduce((s, r, i) => s + (r.owned.length > 0 ? counts[i] : 0), 0);
  assert.equal(shown + out.below + out.above, 30);
});

test('open-ended underflow and overflow buckets get rows at the ends of the axis', () => {
  const col = [{ lo: null, hi: 0, count: 2 }, pow2(0, 2, 1), pow2(60, 62, 4), { lo: 62, hi: null, count: 8 }];
  const axis = axisFor([col], 32, 'linear');
  const counts = rowCounts(axis, col, segmentIndex(axis));
  const bottom = axis.rows.findIndex((r) => r.owned.length > 0);
  assert.equal(axis.rows[bottom].lo, null);
  const topIndex = axis.rows.length - 1 - [...axis.rows].reverse().findIndex((r) => r.owned.length > 0);
  assert.equal(axis.rows[topIndex].hi, null);
  assert.equal(counts[topIndex], 8);
});

test('linear buckets get a linear axis by default, power-of-two families a log axis', () => {
  assert.equal(defaultAxisMode('lquantize'), 'linear');
  assert.equal(defaultAxisMode('lhist'), 'linear');
  assert.equal(defaultAxisMode('quantize'), 'log');
  assert.equal(defaultAxisMode('llquantize'), 'log');
  assert.equal(defaultAxisMode(null), 'log');
});

test('a value maps to the row whose range holds it', () => {
  const col: Bucket[] = [];
  for (let e = 0; e < 20; e++) col.push(pow2(2 ** e, 2 ** (e + 1), 1));
  const axis = axisFor([col], 20);
  const r = rowOfValue(axis, 3000);
  assert.ok(r >= 0);
  const row = axis.rows[r];
  assert.ok((row.lo as number) <= 3000 && 3000 < (row.hi as number));
});

test('an empty view still gives an axis with every row', () => {
  const axis = axisFor([], 10);
  assert.equal(axis.rows.length, 10);
  assert.equal(rowCounts(axis, undefined, segmentIndex(axis)).length, 10);
});

test('data ending on a power of two reaches the top row: the window adds no empty octave above it', () => {
  for (const top of [6, 10, 20, 30]) {
    const col: Bucket[] = [];
    for (let e = top - 6; e < top; e++) col.push(pow2(2 ** e, 2 ** (e + 1), 1));
    for (const rows of [8, 20, 50]) {
      const axis = axisFor([col], rows);
      const [highest, lowest] = [axis.rows[rows - 1], axis.rows[0]];
      assert.ok(highest.owned.length > 0 || highest.within >= 0, `2^${top}, ${rows} rows: the top row shows no bucket`);
      assert.equal(highest.hi, 2 ** top, `2^${top}, ${rows} rows`);
      assert.equal(lowest.lo, 2 ** (top - 6), `2^${top}, ${rows} rows`);
    }
  }
});

test('data ending between powers of two still gets a window snapped to whole octaves', () => {
  const col = [pow2(1024, 1280, 1), pow2(1280, 1536, 1), pow2(1536, 1792, 3), pow2(40_000, 49_152, 1)];
  const [c0, c1] = fitWindow(placeSegments(collectShapes([col]), 'log'), 'log', 1);
  const value = (c: number) => 2 ** c - 1;
  assert.ok(Math.abs(value(c0) - 1024) < 1e-6, `bottom ${value(c0)}`);
  assert.ok(Math.abs(value(c1) - 65_536) < 1e-6, `top ${value(c1)}`);
});
