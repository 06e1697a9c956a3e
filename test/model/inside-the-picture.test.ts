import assert from 'node:assert/strict';
import { bucketId } from '../../src/model/buckets';
import { test } from 'node:test';
import { buildAxis, collectShapes, fitWindow, placeSegments, segmentIndex } from '../../src/model/axis';
import { cellBreakdown } from '../../src/model/cell-breakdown';
import { buildColumn, newTables } from '../../src/model/heatmap';
import { scrollBounds, scrollBy } from '../../src/model/history';
import { ALL_KEYS, keyStats, selectedBuckets, selectionTitle, toggleExcluded, toggleIsolated } from '../../src/model/key-selection';
import type { Bucket } from '../../src/model/snapshot';
import { countAbove, shareAbove, shareAboveAll, thresholdInUnit } from '../../src/model/threshold';
import { parseDuration } from '../../src/model/units';

const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });
const tables = newTables();
const col = buildColumn(7, 8000, 0, {
  read: [b(1024, 2048, 60), b(65536, 131072, 4)],
  write: [b(1024, 2048, 30), b(2048, 4096, 10)],
  open: [b(65536, 131072, 6)],
}, tables);

test('isolating keys merges only their buckets into the drawn column', () => {
  const only = toggleIsolated(toggleIsolated(ALL_KEYS, 'read'), 'write');
  assert.deepEqual(selectedBuckets(col, only), [b(1024, 2048, 90), b(2048, 4096, 10), b(65536, 131072, 4)]);
  assert.deepEqual(selectedBuckets(col, ALL_KEYS), col.merged);
});

test('excluding a key drops its events and toggling it back shows all keys again', () => {
  const except = toggleExcluded(ALL_KEYS, 'read');
  assert.deepEqual(selectedBuckets(col, except), [b(1024, 2048, 30), b(2048, 4096, 10), b(65536, 131072, 6)]);
  assert.equal(toggleExcluded(except, 'read').mode, 'all');
});

test('the title names the shown keys and how many of all keys they are', () => {
  const keys = ['read', 'write', ...Array.from({ length: 85 }, (_, i) => `k${i}`)];
  const only = { mode: 'only' as const, keys: ['read', 'write'] };
  assert.equal(selectionTitle('syscall latency', only, keys), 'syscall latency — read, write (2 of 87 keys)');
  assert.equal(selectionTitle('syscall latency', { mode: 'except', keys: ['read'] }, keys), 'syscall latency — all but read (86 of 87 keys)');
  assert.equal(selectionTitle('syscall latency', ALL_KEYS, keys), 'syscall latency');
});

test('key stats sort by events in view with share and p99', () => {
  const later = buildColumn(8, 9000, 0, { open: [b(65536, 131072, 200)] }, tables);
  const stats = keyStats([undefined, col, later]);
  assert.deepEqual(stats.map((s) => [s.key, s.count]), [['open', 206], ['read', 64], ['write', 40]]);
  const total = 110 + 200;
  assert.equal(stats[0].share, 206 / total);
  assert.ok(stats[0].p99 !== null && stats[0].p99 >= 65536 && stats[0].p99 <= 131072);
});

test('a cell breakdown gives the range, count, share of column and each key’s part', () => {
  const mode = 'log' as const;
  const segments = placeSegments(collectShapes([col.merged]), mode);
  const [c0, c1] = fitWindow(segments, mode, 1);
  const axis = buildAxis(segments, mode, c0, c1, 20);
  const index = segmentIndex(axis);
  const row = axis.segmentRow[index.get(bucketId(1024, 2048))!];
  const cell = cellBreakdown(col, axis, index, row, ALL_KEYS)!;
  assert.equal(cell.count, 90);
  assert.equal(cell.columnTotal, 110);
  assert.ok(Math.abs(cell.pctOfColumn - (100 * 90) / 110) < 1e-9);
  assert.deepEqual(cell.keys.map((k) => [k.key, k.count]), [['read', 60], ['write', 30]]);
  assert.equal(cell.lo, 1024);
  const isolated = cellBreakdown(col, axis, index, row, { mode: 'only', keys: ['write'] })!;
  assert.equal(isolated.count, 30);
  assert.equal(isolated.columnTotal, 40);
});

test('threshold shares count whole buckets above and part of a straddling one', () => {
  const buckets = [b(0, 10, 50), b(10, 20, 30), b(20, null, 20)];
  assert.equal(countAbove(buckets, 10), 50);
  assert.equal(countAbove(buckets, 15), 35);
  assert.equal(shareAbove(buckets, 15), 0.35);
  assert.equal(shareAbove([], 15), null);
  assert.equal(shareAboveAll([buckets, [b(0, 10, 100)]], 10), 50 / 200);
  assert.equal(thresholdInUnit(parseDuration('10ms'), 'us'), 10_000);
  assert.equal(thresholdInUnit(parseDuration('10ms'), 'ns'), 10_000_000);
});

test('history scrolling stays within the retained ring', () => {
  assert.deepEqual(scrollBounds(100, 3699, 80), { min: 179, max: 3699 });
  assert.equal(scrollBy(3699, -10_000, 100, 3699, 80), 179);
  assert.equal(scrollBy(3000, 10_000, 100, 3699, 80), 3699);
  assert.equal(scrollBy(500, -71, 100, 3699, 80), 429);
  // Fewer columns held than fit: no scrolling back at all.
  assert.deepEqual(scrollBounds(0, 30, 80), { min: 30, max: 30 });
});

test('trimming keeps only rows with events anywhere in view, stretched, and maps markers to them', async () => {
  const { trimmedRowMap, remapCounts, drawnRowOf } = await import('../../src/model/row-trim');
  const a = Float64Array.from([0, 5, 0, 0, 0, 0, 2, 0]);
  const c = Float64Array.from([0, 1, 0, 0, 0, 0, 0, 3]);
  const map = trimmedRowMap([a, c], 8)!;
  // Kept rows 1, 6, 7: each drawn over 8 / 3 rows.
  assert.deepEqual([...map], [1, 1, 1, 6, 6, 6, 7, 7]);
  assert.deepEqual([...remapCounts(a, map)], [5, 5, 5, 2, 2, 2, 0, 0]);
  assert.equal(drawnRowOf(map, 6), 3);
  // A threshold in the hidden gap lands on the first shown row above it.
  assert.equal(drawnRowOf(map, 3), 3);
  assert.equal(trimmedRowMap([Float64Array.from([1, 1])], 2), null);
  assert.equal(trimmedRowMap([new Float64Array(4)], 4), null);
});
