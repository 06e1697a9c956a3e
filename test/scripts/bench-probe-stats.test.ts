//! Tests for the probe-effect statistics: paired added ns, spread, flags, and when the goal may be claimed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addedOf, judgeGoal, quantile, summarize, type PairedUnit } from '../../scripts/bench-probe-stats';

/** Units whose bare runs are `bare[i]` (before and after) and whose traced run adds `added[i]`. */
function units(tracer: string, bare: number[], added: number[], disturbedBy: string[] = []): PairedUnit[] {
  return added.map((a, i) => {
    const b = bare[i % bare.length];
    return { tracer, cpu: 0, round: i + 1, bareBefore: { wall: b, cpu: b }, traced: { wall: b + a, cpu: b + a }, bareAfter: { wall: b, cpu: b }, disturbedBy };
  });
}

test('added ns is the traced run minus the mean of the bare runs around it', () => {
  const u: PairedUnit = { tracer: 't', cpu: 1, round: 1, bareBefore: { wall: 200, cpu: 190 }, traced: { wall: 500, cpu: 450 }, bareAfter: { wall: 220, cpu: 196 }, disturbedBy: [] };
  assert.equal(addedOf(u, 'wall'), 290);
  assert.equal(addedOf(u, 'cpu'), 257);
});

test('quantiles interpolate between order statistics', () => {
  assert.equal(quantile([5, 1, 3], 0.5), 3);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7], 0.25), 2.5);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.75), 40);
});

test('pairing cancels a baseline that drifts between rounds: the added figure stays exact and unflagged', () => {
  const s = summarize(units('native', [200, 400, 250, 380, 210, 300, 330], [250, 250, 250, 250, 250, 250, 250]), 'wall');
  assert.equal(s.added.median, 250);
  assert.deepEqual(s.flags, []);
  assert.equal(s.meaningless, false);
});

test('a tracer whose added figure comes out negative is flagged and never claims the goal', () => {
  const native = summarize(units('native', [220], [-40, 30, -10, 20, 5, -25, 15]), 'cpu');
  const idiomatic = summarize(units('idiomatic', [220], [850, 860, 840, 870, 845, 855, 865]), 'cpu');
  assert.equal(native.meaningless, true);
  assert.match(native.flags.join(' '), /added ≤ 0 in 3\/7 runs/);
  const j = judgeGoal(native, idiomatic);
  assert.equal(j.verdict, 'not judged');
  assert.ok(j.share < 0.5, 'the medians alone would have claimed it');
});

test('the goal is met only when even the unfavourable quartiles stay within half', () => {
  const native = summarize(units('native', [200], [250, 255, 260, 245, 252, 258, 249]), 'wall');
  const idiomatic = summarize(units('idiomatic', [200], [850, 860, 840, 870, 845, 855, 865]), 'wall');
  assert.equal(judgeGoal(native, idiomatic).verdict, 'met');
  const close = summarize(units('native', [200], [380, 420, 400, 430, 410, 390, 440]), 'wall');
  const wide = summarize(units('idiomatic', [200], [700, 1000, 760, 980, 900, 720, 950]), 'wall');
  const j = judgeGoal(close, wide);
  assert.equal(j.verdict, 'inconclusive', `${j.why}`);
  const over = summarize(units('native', [200], [500, 510, 505, 495, 502, 508, 499]), 'wall');
  assert.equal(judgeGoal(over, idiomatic).verdict, 'not met');
});

test('other tracing around a unit, a wide spread or too few runs make a figure not meaningful', () => {
  assert.equal(summarize(units('native', [200], [250, 250, 250, 250, 250], ['bpftrace (pid 1)']), 'wall').meaningless, true);
  const wide = summarize(units('native', [200], [20, 30, 400, 500, 450, 40, 480]), 'wall');
  assert.equal(wide.meaningless, true);
  assert.match(wide.flags.join(' '), /IQR > median/);
  assert.equal(summarize(units('native', [200], [250, 251]), 'wall').meaningless, true);
});

test('bare runs that disagree around a unit are flagged without voiding the figure', () => {
  const u = units('native', [200], [250, 250, 250, 250, 250]);
  u[2] = { ...u[2], bareAfter: { wall: 260, cpu: 260 }, traced: { wall: 480, cpu: 480 } };
  const s = summarize(u, 'cpu');
  assert.match(s.flags.join(' '), /bare runs >10% apart around 1\/5/);
  assert.equal(s.meaningless, false);
});
