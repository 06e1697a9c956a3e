//! Tests for the native eBPF engine's pure half: the kernel's bucket formula against the model's
//! llquantize layout, map rows to Snapshots, per-interval deltas. Run everywhere, root or not.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { llquantizeIndexOf, llquantizeLayout } from '../../src/model/buckets';
import { presetPlan } from '../../src/sources/presets';
import { syscallLabel } from '../../src/sources/syscall-names';
import { cumulativeSnapshot, EBPF_LAYOUT, EBPF_PRESETS, EbpfIntervals, SYSCALL_LLQUANTIZE, type EbpfRows } from '../../src/sources/ebpf-snapshot';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NATIVE = path.join(ROOT, 'src', 'native', 'ebpf');
const SYSCALL = EBPF_PRESETS.syscall;
const N = EBPF_LAYOUT.buckets;

/** bucket_of() from src/native/ebpf/heat.bpf.h, transcribed with BigInt (u64 arithmetic). */
function kernelBucketOf(v: bigint): number {
  if (v < 4n) return Number(v);
  let l = 0;
  while (v >> BigInt(l + 1) !== 0n) l++;
  const idx = ((l - 1) << 2) | Number((v >> BigInt(l - 2)) & 3n);
  return Math.min(idx, N - 1);
}

/** Rows as the addon returns them: counts given sparsely as {key: {index: count}}. */
function rows(sparse: Record<number, Record<number, number>>, lost = 0): EbpfRows {
  const keys = Object.keys(sparse).map(Number).sort((a, b) => a - b);
  const counts = new Float64Array(keys.length * N);
  keys.forEach((k, i) => {
    for (const [b, c] of Object.entries(sparse[k])) counts[i * N + Number(b)] = c;
  });
  return { keys, counts, lost };
}

test('the kernel bucket formula files every value under the llquantize(2, 0, 35, 8) index', () => {
  const values: bigint[] = [];
  for (let v = 0n; v < 5000n; v++) values.push(v);
  for (let p = 2n; p < 64n; p++) for (const d of [-1n, 0n, 1n, (1n << (p - 2n)) - 1n, 1n << (p - 2n)]) values.push((1n << p) + d);
  for (const v of values) {
    const expected = v >= 1n << 36n ? N - 1 : llquantizeIndexOf(Number(v), SYSCALL_LLQUANTIZE);
    assert.equal(kernelBucketOf(v), expected, `v = ${v}`);
  }
});

test('the layout sizes in heat-layout.h match the TypeScript side and the preset layout', () => {
  const header = fs.readFileSync(path.join(NATIVE, 'heat-layout.h'), 'utf8');
  assert.equal(Number(/#define HEAT_BUCKETS (\d+)/.exec(header)?.[1]), EBPF_LAYOUT.buckets);
  assert.equal(Number(/#define HEAT_MAX_KEYS (\d+)/.exec(header)?.[1]), EBPF_LAYOUT.maxKeys);
  assert.equal(llquantizeLayout(SYSCALL_LLQUANTIZE).length, EBPF_LAYOUT.buckets);
});

test('each native preset reads like the bpftrace preset of the same name', () => {
  for (const preset of Object.values(EBPF_PRESETS)) {
    const plan = presetPlan(preset.name, { pid: null, command: false });
    const [agg] = Object.values(plan.aggregations);
    assert.equal(preset.title, plan.title);
    assert.equal(preset.aggregation, agg.name);
    assert.equal(preset.kind, agg.kind);
    assert.equal(preset.unit, agg.unit);
    assert.deepEqual({ kind: 'llquantize', ...preset.spec }, agg.emulated);
  }
});

test('map rows become buckets of the preset layout keyed by syscall name', () => {
  // getppid is 110 on x86_64 and 173 on arm64; 500 is no syscall on either.
  const getppid = process.arch === 'arm64' ? 173 : 110;
  const snap = cumulativeSnapshot(rows({ [getppid]: { 0: 2, 3: 1, 4: 5, 9: 7, 140: 1 }, 500: { 40: 3 } }, 4), SYSCALL, 1234);
  assert.equal(snap.t, 1234);
  assert.equal(snap.lost, 4);
  const agg = snap.aggregations[SYSCALL.aggregation];
  assert.equal(agg.kind, 'llquantize');
  assert.equal(agg.unit, 'ns');
  assert.deepEqual(agg.keys.getppid, [
    { lo: null, hi: 1, count: 2 },
    { lo: 3, hi: 4, count: 1 },
    { lo: 4, hi: 5, count: 5 },
    { lo: 10, hi: 12, count: 7 },
    { lo: 2 ** 36, hi: null, count: 1 },
  ]);
  // Index 40 = 4 * (11 - 1): the first quarter of [2^11, 2^12).
  assert.deepEqual(agg.keys.syscall_500, [{ lo: 2048, hi: 2560, count: 3 }]);
});

test('io rows are named by disk once their dev_t is known, and wait for it otherwise', () => {
  const io = EBPF_PRESETS.io;
  const names = { blockDevName: (major: number, minor: number) => (major === 254 && minor === 0 ? 'vda' : undefined) };
  const read: EbpfRows = { keys: [0, 1, 2], rawKeys: [254 * 2 ** 20, 8 * 2 ** 20 + 16, 0], counts: new Float64Array(3 * N).fill(1), lost: 0 };
  const snap = cumulativeSnapshot(read, io, 0, names);
  assert.deepEqual(Object.keys(snap.aggregations.io.keys).sort(), ['8:16', 'vda']);
  assert.equal(snap.aggregations.io.keys.vda.length, N);
});

test('the runq preset has one key, the empty one', () => {
  const snap = cumulativeSnapshot(rows({ 0: { 40: 2 } }), EBPF_PRESETS.runq, 0);
  assert.deepEqual(snap.aggregations.runq.keys, { '': [{ lo: 2048, hi: 2560, count: 2 }] });
});

test('an empty read still has the aggregation, with no keys', () => {
  const snap = cumulativeSnapshot(rows({}), SYSCALL, 0);
  assert.deepEqual(snap.aggregations[SYSCALL.aggregation].keys, {});
  assert.equal(snap.lost, 0);
});

test('successive cumulative reads become per-interval counts, lost events included', () => {
  const [k0, k1] = [syscallLabel(0), syscallLabel(1)];
  const iv = new EbpfIntervals(SYSCALL);
  const first = iv.next(rows({ 0: { 10: 5 } }, 1), 1000);
  assert.deepEqual(first.aggregations[SYSCALL.aggregation].keys[k0], [{ lo: 12, hi: 14, count: 5 }]);
  assert.equal(first.lost, 1);
  const second = iv.next(rows({ 0: { 10: 8, 11: 2 }, 1: { 4: 1 } }, 1), 2000);
  assert.deepEqual(second.aggregations[SYSCALL.aggregation].keys, {
    [k0]: [{ lo: 12, hi: 14, count: 3 }, { lo: 14, hi: 16, count: 2 }],
    [k1]: [{ lo: 4, hi: 5, count: 1 }],
  });
  assert.equal(second.lost, 0);
  assert.equal(second.t, 2000);
  const idle = iv.next(rows({ 0: { 10: 8, 11: 2 }, 1: { 4: 1 } }, 3), 3000);
  assert.deepEqual(idle.aggregations[SYSCALL.aggregation].keys, {});
  assert.equal(idle.lost, 2);
});
