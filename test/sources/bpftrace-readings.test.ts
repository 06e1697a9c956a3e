//! Tests of turning bpftrace output into per-interval Snapshots: real 0.17 lines of the syscall
//! preset (cumulative prints every interval, an exit dump) through BpftraceReadings and
//! CumulativeDeltas, the way the bpftrace source does it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CumulativeDeltas } from '../../src/model/deltas';
import { bucketTotal, type Snapshot } from '../../src/model/snapshot';
import { parseBpftraceLine } from '../../src/sources/bpftrace-json';
import { TICK_MARKER } from '../../src/sources/bpftrace-program';
import { BpftraceReadings, guessHistKind } from '../../src/sources/bpftrace-readings';
import { presetPlan } from '../../src/sources/presets';
import type { ProgramPlan } from '../../src/sources/program-plan';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace');

/** Feeds lines like the source does: a snapshot at each tick marker, one more at the end. */
function run(plan: ProgramPlan, lines: string[]): Snapshot[] {
  const readings = new BpftraceReadings(plan, { arch: 'x86_64' });
  const deltas = new CumulativeDeltas();
  const out: Snapshot[] = [];
  let t = 0;
  for (const line of lines) {
    const msg = parseBpftraceLine(line);
    if (msg.type === 'text' && msg.text === TICK_MARKER) out.push(deltas.next(readings.snapshot((t += 300))));
    else readings.accept(msg);
  }
  out.push(deltas.next(readings.snapshot(t + 100)));
  return out;
}

function totals(snaps: Snapshot[], agg: string): Map<string, number> {
  const sum = new Map<string, number>();
  for (const s of snaps) {
    for (const [key, buckets] of Object.entries(s.aggregations[agg]?.keys ?? {})) {
      for (const b of buckets) sum.set(`${key}|${b.lo}|${b.hi}`, (sum.get(`${key}|${b.lo}|${b.hi}`) ?? 0) + b.count);
    }
  }
  return sum;
}

const syscallPlan = presetPlan('syscall', { pid: null, command: false });
const runLines = fs.readFileSync(path.join(FIXTURES, '017-syscall-run.ndjson'), 'utf8').split('\n');

test('per-interval deltas of cumulative prints add up exactly to the final dump', () => {
  const snaps = run(syscallPlan, runLines);
  assert.equal(snaps.length, 5, 'four ticks and the exit');
  const dump = JSON.parse(runLines.filter((l) => l.includes('@syscall_ns')).pop() as string).data['@syscall_ns'] as Record<string, number>;
  const summed = totals(snaps, 'syscall');
  let expected = 0;
  for (const n of Object.values(dump)) expected += n;
  let got = 0;
  for (const n of summed.values()) got += n;
  assert.equal(got, expected);
  assert.ok(snaps.slice(1, 4).every((s) => bucketTotal(s.aggregations.syscall.keys.getppid ?? []) > 0), 'each interval has its own getppid calls');
});

test('syscall numbers become names and bucket indexes become llquantize ranges in ns', () => {
  const [first] = run(syscallPlan, runLines);
  const agg = first.aggregations.syscall;
  assert.equal(agg.kind, 'llquantize');
  assert.equal(agg.unit, 'ns');
  assert.deepEqual(Object.keys(agg.keys).sort(), ['clock_nanosleep', 'getppid']);
  // "230,79": index 79 of llquantize(2, 0, 35, 8) is [2^20 + 3·2^18, 2^21).
  assert.ok(agg.keys.clock_nanosleep.some((b) => b.lo === 1835008 && b.hi === 2097152));
});

test('a map missing from one interval keeps its reading: nothing counted twice when it returns', () => {
  const lines = runLines.slice();
  const firstPrint = lines.findIndex((l) => l.includes('@syscall_ns'));
  const secondPrint = lines.findIndex((l, i) => i > firstPrint && l.includes('@syscall_ns'));
  lines.splice(secondPrint, 1);
  const summed = totals(run(syscallPlan, lines), 'syscall');
  const full = totals(run(syscallPlan, runLines), 'syscall');
  assert.deepEqual([...summed].sort(), [...full].sort());
});

test('a count that goes down (the script cleared its map) counts as a reset, never negative', () => {
  const plan: ProgramPlan = { program: '', origin: { kind: 'bt' }, title: 't', aggregations: {}, warnings: [] };
  const lines = [
    '{"type": "hist", "data": {"@x": [{"min": 4, "max": 7, "count": 10}]}}', TICK_JSON,
    '{"type": "hist", "data": {"@x": [{"min": 4, "max": 7, "count": 3}]}}', TICK_JSON,
    '{"type": "hist", "data": {"@x": [{"min": 4, "max": 7, "count": 5}]}}',
  ];
  const snaps = run(plan, lines);
  assert.deepEqual(snaps.map((s) => s.aggregations.x.keys[''][0].count), [10, 3, 2]);
  assert.equal(snaps[0].aggregations.x.kind, 'hist');
  assert.equal(snaps[0].aggregations.x.unit, null);
});

const TICK_JSON = JSON.stringify({ type: 'printf', data: TICK_MARKER });

test('lost events land in the interval that reported them', () => {
  const lines = ['{"type": "lost_events", "data": {"events": 7}}', TICK_JSON, TICK_JSON, '{"type":"lost_events", "count":2}'];
  assert.deepEqual(run(syscallPlan, lines).map((s) => s.lost), [7, 0, 2]);
});

test('0.17 hist tops and lhist overflows are repaired; a plan\'s lhist bounds are used', () => {
  const lines = fs.readFileSync(path.join(FIXTURES, '017-shapes.ndjson'), 'utf8').split('\n');
  const plan: ProgramPlan = {
    program: '', origin: { kind: 'bt' }, title: 't', warnings: [],
    aggregations: { '@l': { name: 'l', map: '@l', kind: 'lhist', unit: 'us', linear: { low: 0, high: 63, step: 2 } } },
  };
  const [snap] = run(plan, lines);
  const h = snap.aggregations.h.keys[''];
  assert.deepEqual(h[h.length - 1], { lo: 2 ** 31, hi: null, count: 2 });
  assert.deepEqual(h[0], { lo: null, hi: 0, count: 1 });
  const l = snap.aggregations.l;
  assert.equal(l.kind, 'lhist');
  assert.equal(l.unit, 'us');
  assert.deepEqual(l.keys[''][l.keys[''].length - 1], { lo: 62, hi: null, count: 2 });
  assert.deepEqual(Object.keys(snap.aggregations.kh.keys).sort(), ['1', '22']);
  assert.equal(snap.aggregations.c, undefined, 'count maps that are not emulated histograms are not drawn');
});

test('emulated maps without keys, unknown syscalls and block devices decode', () => {
  const runq = presetPlan('runq', { pid: null, command: false });
  const [r] = run(runq, ['{"type": "map", "data": {"@runq_ns": {"44": 3, "45": 1}}}']);
  assert.deepEqual(r.aggregations.runq.keys[''], [{ lo: 4096, hi: 5120, count: 3 }, { lo: 5120, hi: 6144, count: 1 }]);
  const [s] = run(syscallPlan, ['{"type": "map", "data": {"@syscall_ns": {"999,4": 1, "-1,4": 2}}}']);
  assert.deepEqual(Object.keys(s.aggregations.syscall.keys).sort(), ['syscall_-1', 'syscall_999']);
  const io = presetPlan('io', { pid: null, command: false });
  const readings = new BpftraceReadings(io, { blockDevName: (ma, mi) => (ma === 254 && mi === 0 ? 'vda' : undefined) });
  readings.accept(parseBpftraceLine(`{"type": "map", "data": {"@io_ns": {"${254 * 2 ** 20},60": 1, "${8 * 2 ** 20 + 16},60": 1}}}`));
  assert.deepEqual(Object.keys(readings.snapshot(0).aggregations.io.keys).sort(), ['8:16', 'vda']);
});

test('hist and lhist are told apart from their edges', () => {
  assert.equal(guessHistKind({ '': [{ min: 0, max: 0, count: 1 }, { min: 1, max: 1, count: 0 }, { min: 2, max: 3, count: 1 }] }), 'hist');
  assert.equal(guessHistKind({ '': [{ min: 0, max: 4, count: 1 }] }), 'lhist');
  assert.equal(guessHistKind({ '': [{ max: -1, count: 1 }, { min: 10, count: 1 }] }), 'lhist');
  assert.equal(guessHistKind({ a: [{ min: 1024, max: 2047, count: 1 }, { min: -(2 ** 31), max: 0, count: 1 }] }), 'hist');
});

test('a D plan\'s quantize and lquantize keep their kinds while read as hist and lhist', () => {
  const lines = fs.readFileSync(path.join(FIXTURES, '017-shapes.ndjson'), 'utf8').split('\n');
  const plan: ProgramPlan = {
    program: '', origin: { kind: 'd', file: 'x.d' }, title: 'x.d', warnings: [],
    aggregations: {
      '@h': { name: 'h', map: '@h', kind: 'quantize', unit: null },
      '@l': { name: 'l', map: '@l', kind: 'lquantize', unit: null, linear: { low: 0, high: 63, step: 2 } },
    },
  };
  const [snap] = run(plan, lines);
  assert.equal(snap.aggregations.h.kind, 'quantize');
  assert.deepEqual(snap.aggregations.h.keys[''].at(-1), { lo: 2 ** 31, hi: null, count: 2 });
  assert.equal(snap.aggregations.l.kind, 'lquantize');
  assert.deepEqual(snap.aggregations.l.keys[''].at(-1), { lo: 62, hi: null, count: 2 });
});
