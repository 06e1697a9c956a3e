//! Tests for colour scales: background stays 0, saturation clamps outliers, rank quantiles,
//! legends that cover every count, saturation levels and the hysteresis of StableColourScale.

import test from 'node:test';
import assert from 'node:assert/strict';
import {
  COLOUR_SCALE_NAMES,
  SATURATION_LEVELS,
  StableColourScale,
  buildColourScale,
  saturationCount,
  saturationDown,
  saturationUp,
  type ColourScaleName,
} from '../../src/model/colour-scale';

const OPTS = { steps: 16, saturationPct: 100 };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function randomCounts(seed: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push(1 + Math.floor(Math.exp((seed % 1000) / 100)));
  }
  return out;
}

test('a count of zero is background (step 0) on every scale, and other counts are 1..steps', () => {
  const counts = randomCounts(1, 300);
  for (const name of COLOUR_SCALE_NAMES) {
    const scale = buildColourScale(name, counts, { steps: 16, saturationPct: 99 });
    assert.equal(scale.step(0, 100), 0, name);
    assert.equal(scale.step(-3, 100), 0, name);
    for (const c of counts) {
      const s = scale.step(c, 2 * c);
      assert.ok(Number.isInteger(s) && s >= 1 && s <= 16, `${name}: step(${c}) = ${s}`);
    }
  }
});

test('linear steps are ceil(count / saturation × steps)', () => {
  const scale = buildColourScale('linear', range(1, 100), OPTS);
  assert.equal(scale.saturation, 100);
  assert.equal(scale.step(1), 1);
  assert.equal(scale.step(50), 8);
  assert.equal(scale.step(51), 9);
  assert.equal(scale.step(100), 16);
});

test('saturation at the 99th percentile keeps one outlier from washing out the picture', () => {
  const counts = [...range(1, 99), 10000];
  const clamped = buildColourScale('linear', counts, { steps: 16, saturationPct: 99 });
  assert.equal(clamped.saturation, 99);
  assert.equal(clamped.step(10000), 16);
  assert.equal(clamped.step(99), 16);
  assert.equal(clamped.step(50), 9);
  const unclamped = buildColourScale('linear', counts, { steps: 16, saturationPct: 100 });
  assert.equal(unclamped.step(99), 1, 'without the clamp nearly every cell gets the lowest step');
});

test('the saturation count is the nearest-rank percentile of the non-zero counts', () => {
  const sorted = Float64Array.from(range(1, 1000));
  assert.equal(saturationCount(sorted, 99), 990);
  assert.equal(saturationCount(sorted, 99.9), 999);
  assert.equal(saturationCount(sorted, 100), 1000);
  assert.equal(saturationCount(sorted, 0), 1);
  assert.equal(saturationCount(new Float64Array(0), 99), 1);
  assert.equal(buildColourScale('linear', [0, 0, 5, 0], OPTS).saturation, 5, 'zeros are not cells with data');
});

test('log steps spread orders of magnitude evenly between 1 and the saturation', () => {
  const scale = buildColourScale('log', [1, 10, 100, 1000, 10000], OPTS);
  assert.equal(scale.step(1), 1);
  assert.equal(scale.step(100), 8);
  assert.equal(scale.step(10), 4);
  assert.equal(scale.step(10000), 16);
  assert.equal(buildColourScale('log', [1, 1, 1], OPTS).step(1), 16, 'all at saturation');
});

test('rank colours by quantile: 160 distinct counts put 10 cells in each of 16 steps', () => {
  const counts = range(1, 160).reverse();
  const scale = buildColourScale('rank', counts, OPTS);
  const perStep = new Map<number, number>();
  for (const c of counts) perStep.set(scale.step(c), (perStep.get(scale.step(c)) ?? 0) + 1);
  assert.deepEqual([...perStep.keys()].sort((a, b) => a - b), range(1, 16));
  for (const n of perStep.values()) assert.equal(n, 10);
});

test('rank keeps the order of counts and lets ties share the lowest rank', () => {
  const counts = [...Array(100).fill(1), 5, 7, 1000000];
  const scale = buildColourScale('rank', counts, OPTS);
  assert.equal(scale.step(1), 1);
  assert.ok(scale.step(5) <= scale.step(7) && scale.step(7) <= scale.step(1000000));
  const sorted = randomCounts(3, 500).sort((a, b) => a - b);
  const r = buildColourScale('rank', sorted, { steps: 16, saturationPct: 99 });
  for (let i = 1; i < sorted.length; i++) assert.ok(r.step(sorted[i]) >= r.step(sorted[i - 1]));
});

test('rank legend ranges are the counts at the rank quantiles', () => {
  const legend = buildColourScale('rank', range(1, 160), OPTS).legend();
  assert.deepEqual(legend, range(1, 16).map((s) => ({ step: s, lo: 10 * (s - 1) + 1, hi: 10 * s })));
});

test('every legend covers every count in view once, with the step the scale gives it', () => {
  for (const name of ['linear', 'log', 'rank'] as ColourScaleName[]) {
    for (const [seed, n, steps, pct] of [[1, 500, 16, 99], [2, 50, 6, 95], [3, 3, 16, 100], [4, 1000, 4, 90], [5, 1, 16, 99]]) {
      const counts = randomCounts(seed, n);
      const scale = buildColourScale(name, counts, { steps, saturationPct: pct });
      const legend = scale.legend();
      for (let i = 1; i < legend.length; i++) {
        assert.ok(legend[i].step > legend[i - 1].step && legend[i].lo === legend[i - 1].hi + 1, `${name} legend not contiguous`);
      }
      assert.equal(legend[0].lo, 1);
      for (const c of counts) {
        const hits = legend.filter((e) => e.lo <= c && c <= e.hi);
        assert.equal(hits.length, 1, `${name} seed ${seed}: count ${c} in ${hits.length} entries`);
        assert.equal(hits[0].step, scale.step(c), `${name} seed ${seed}: count ${c}`);
      }
    }
  }
});

test('a legend skips steps no count can reach', () => {
  const legend = buildColourScale('linear', [1, 2, 3], OPTS).legend();
  assert.deepEqual(legend, [{ step: 6, lo: 1, hi: 1 }, { step: 11, lo: 2, hi: 2 }, { step: 16, lo: 3, hi: 3 }]);
});

test('an empty view has an empty legend and colours any count at the top', () => {
  const scale = buildColourScale('linear', [], OPTS);
  assert.deepEqual(scale.legend(), []);
  assert.equal(scale.step(5), 16);
  assert.equal(scale.step(0), 0);
});

test('the column scale colours a cell by its share of the column', () => {
  const scale = buildColourScale('column', [5, 10, 1], OPTS);
  assert.equal(scale.step(5, 10), 8);
  assert.equal(scale.step(10, 10), 16);
  assert.equal(scale.step(1, 1000), 1);
  assert.equal(scale.step(0, 10), 0);
  assert.equal(scale.step(3), 16, 'without a column total the cell is its whole column');
  assert.deepEqual(scale.legend()[7], { step: 8, lo: 7 / 16, hi: 8 / 16 });
});

test('saturation levels step down and up and stop at the ends', () => {
  assert.deepEqual([...SATURATION_LEVELS], [90, 95, 98, 99, 99.5, 99.9, 100]);
  assert.equal(saturationDown(99), 98);
  assert.equal(saturationUp(99), 99.5);
  assert.equal(saturationDown(90), 90);
  assert.equal(saturationUp(100), 100);
  assert.equal(saturationDown(97), 95);
  assert.equal(saturationUp(97), 98);
  let pct = 90;
  const seen = [pct];
  while (saturationUp(pct) !== pct) seen.push((pct = saturationUp(pct)));
  assert.deepEqual(seen, [...SATURATION_LEVELS]);
});

test('StableColourScale keeps its scale while the saturation wobbles within 25%', () => {
  const stable = new StableColourScale();
  const base = range(1, 100);
  const first = stable.update('linear', base, OPTS);
  const wobble = stable.update('linear', [...range(1, 99), 120], OPTS);
  assert.equal(wobble, first, 'saturation 120 is within 25% of 100');
  assert.equal(wobble.step(50), 8);
  const edge = stable.update('linear', [...range(1, 99), 125], OPTS);
  assert.equal(edge, first, 'exactly 25% still keeps the scale');
  const moved = stable.update('linear', [...range(1, 99), 126], OPTS);
  assert.notEqual(moved, first);
  assert.equal(moved.saturation, 126);
  assert.equal(stable.current, moved);
  assert.notEqual(stable.update('linear', [...range(1, 50), 90], OPTS), moved, '90 is 28.6% below 126');
});

test('StableColourScale takes a new scale at once when the name, steps or percentile change', () => {
  const stable = new StableColourScale();
  const counts = range(1, 100);
  const linear = stable.update('linear', counts, OPTS);
  assert.notEqual(stable.update('log', counts, OPTS), linear);
  const log = stable.current;
  assert.notEqual(stable.update('log', counts, { steps: 6, saturationPct: 100 }), log);
  const six = stable.current;
  assert.notEqual(stable.update('log', counts, { steps: 6, saturationPct: 99 }), six);
});
