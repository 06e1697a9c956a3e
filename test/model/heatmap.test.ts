import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heatmap, MAX_KEYS_PER_COLUMN, OTHER_KEY, buildColumn, pickAggregation } from '../../src/model/heatmap';
import type { Snapshot } from '../../src/model/snapshot';

function snap(t: number, keys: Record<string, Array<[number | null, number | null, number]>>, name = 'lat', lost = 0): Snapshot {
  const k: Snapshot['aggregations'][string]['keys'] = {};
  for (const [key, list] of Object.entries(keys)) k[key] = list.map(([lo, hi, count]) => ({ lo, hi, count }));
  return { t, lost, aggregations: { [name]: { kind: 'quantize', unit: 'ns', keys: k } } };
}

test('a column merges identical buckets across keys and counts its total', () => {
  const col = buildColumn(0, 1000, 0, {
    read: [{ lo: 1, hi: 2, count: 3 }, { lo: 2, hi: 4, count: 1 }],
    write: [{ lo: 2, hi: 4, count: 5 }, { lo: null, hi: 0, count: 2 }],
  });
  assert.equal(col.total, 11);
  assert.deepEqual(col.merged, [
    { lo: null, hi: 0, count: 2 },
    { lo: 1, hi: 2, count: 3 },
    { lo: 2, hi: 4, count: 6 },
  ]);
  assert.equal(col.keys.size, 2);
});

test('keys beyond the per-column cap are folded into one other key, keeping every event', () => {
  const keys: Record<string, Array<{ lo: number; hi: number; count: number }>> = {};
  for (let i = 0; i < MAX_KEYS_PER_COLUMN + 50; i++) keys[`k${i}`] = [{ lo: 1, hi: 2, count: i + 1 }];
  const col = buildColumn(0, 0, 0, keys);
  assert.equal(col.keys.size, MAX_KEYS_PER_COLUMN);
  assert.ok(col.keys.has(OTHER_KEY));
  const sum = [...col.keys.values()].flat().reduce((s, b) => s + b.count, 0);
  assert.equal(sum, col.total);
  // The biggest keys are the ones kept by name.
  assert.ok(col.keys.has(`k${MAX_KEYS_PER_COLUMN + 49}`));
  assert.ok(!col.keys.has('k0'));
});

test('the ring keeps the newest columns and forgets the oldest beyond capacity', () => {
  const h = new Heatmap(3);
  for (let i = 0; i < 5; i++) h.push(snap(i * 1000, { a: [[1, 2, i + 1]] }));
  assert.equal(h.length, 3);
  assert.equal(h.totalPushed, 5);
  assert.equal(h.firstSeq, 2);
  assert.equal(h.bySeq(1), undefined);
  assert.equal(h.bySeq(4)?.total, 5);
  assert.deepEqual(h.window(4, 4).map((c) => c?.total), [undefined, 3, 4, 5]);
});

test('the first aggregation is drawn unless one is asked for, and a snapshot without it adds an empty column', () => {
  const h = new Heatmap(10);
  h.push(snap(1000, { a: [[1, 2, 1]] }, 'first'));
  assert.equal(h.aggregation, 'first');
  h.push(snap(2000, { a: [[1, 2, 7]] }, 'other'));
  assert.equal(h.newest()?.total, 0);
  assert.equal(h.totalPushed, 2);
  const chosen = new Heatmap(10, 'other');
  chosen.push(snap(1000, { a: [[1, 2, 7]] }, 'other'));
  assert.equal(chosen.newest()?.total, 7);
  assert.equal(pickAggregation(snap(0, {}, 'x'), 'nope'), null);
});

test('memory stays bounded: a hundred thousand columns leave capacity columns held', () => {
  const h = new Heatmap(100);
  for (let i = 0; i < 100_000; i++) h.push(snap(i, { a: [[1, 2, 1]] }));
  assert.equal(h.length, 100);
  assert.equal(h.window(99_999, 100).filter(Boolean).length, 100);
});

test('a capacity that is not a positive integer is refused', () => {
  assert.throws(() => new Heatmap(0), RangeError);
});

test('a column gives back each key\'s buckets, and keys it does not hold are empty', () => {
  const h = new Heatmap(4);
  h.push(snap(1000, { read: [[1, 2, 3], [4, 8, 1]], write: [[2, 4, 5]] }));
  const col = h.newest()!;
  assert.deepEqual(col.keyNames().sort(), ['read', 'write']);
  assert.deepEqual(col.bucketsOf('read'), [{ lo: 1, hi: 2, count: 3 }, { lo: 4, hi: 8, count: 1 }]);
  assert.deepEqual(col.bucketsOf('nope'), []);
  assert.equal(col.keyCount, 2);
});

test('past the model\'s key table limit new keys fold into the other key and no event is lost', async () => {
  const mod = await import('../../src/model/column-store');
  const tables = { keys: new mod.KeyTable(3), shapes: new mod.ShapeTable() };
  tables.keys.idOf(OTHER_KEY);
  const col = buildColumn(0, 0, 0, { a: [{ lo: 1, hi: 2, count: 1 }], b: [{ lo: 1, hi: 2, count: 2 }], c: [{ lo: 2, hi: 4, count: 4 }] }, tables);
  const names = col.keyNames();
  assert.equal(names.length, 3);
  assert.ok(names.includes(OTHER_KEY));
  const sum = [...col.keys.values()].flat().reduce((s, b) => s + b.count, 0);
  assert.equal(sum, 7);
  assert.equal(col.total, 7);
});
