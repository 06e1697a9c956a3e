//! The translated histograms file values exactly where DTrace would: D scripts with known values go
//! through the front end, run in real bpftrace, and every value's bucket is compared with
//! model/buckets.ts (llquantizeIndexOf, lquantizeBucketOf, quantizeBucketOf). Needs root and python3.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { dScriptPlan } from '../../src/d/d-plan';
import { fromInclusive, llquantizeIndexOf, lquantizeBucketOf, quantizeBucketOf, type LlquantizeSpec } from '../../src/model/buckets';
import { resolveExecutable } from '../../src/sources/held-command';
import { syscallNumber } from '../../src/sources/syscall-names';

const bpftrace = resolveExecutable('bpftrace');
const skip = process.geteuid?.() !== 0 ? 'needs root: bpftrace must load programs' : bpftrace === null ? 'needs bpftrace in PATH' : null;

const GETPPID = syscallNumber('getppid');

/**
 * Runs `clause` (D statements using arg0) at getppid entry of a -c command that calls getppid
 * once with each of `values` as its (ignored) first argument; returns bpftrace's JSON messages.
 * One program, one translated chain: the values come from a real workload, not from the text.
 */
function runWithValues(clause: string, values: readonly bigint[]): { type: string; data: Record<string, unknown> }[] {
  const text = `syscall::getppid:entry\n/pid == $target/\n{\n${clause}\n}\n`;
  const plan = dScriptPlan('values.d', { args: [], pid: null, command: true, text });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-d-values-'));
  const file = path.join(dir, 'values.bt');
  const script = path.join(dir, 'values.py');
  fs.writeFileSync(file, plan.program);
  fs.writeFileSync(script, `import ctypes\nlibc = ctypes.CDLL(None)\nfor v in [${values.join(', ')}]:\n    libc.syscall(${GETPPID}, ctypes.c_long(v))\n`);
  const run = spawnSync(bpftrace as string, ['-f', 'json', '-c', `/usr/bin/python3 ${script}`, file], { encoding: 'utf8', timeout: 120_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(run.status, 0, `${run.error ?? ''}${run.stderr}`);
  return run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** Values around every edge of an llquantize spec, plus the extremes. */
function edgeValues(spec: LlquantizeSpec): bigint[] {
  const out = new Set<bigint>([-5n, 0n, 1n]);
  const f = BigInt(spec.factor);
  const max = (1n << 62n) + (1n << 61n);
  for (let m = spec.low; m <= spec.high + 1; m++) {
    const start = f ** BigInt(m);
    const end = start * f;
    const n = end > BigInt(spec.nsteps) ? BigInt(spec.nsteps) : end;
    const width = end / n;
    for (let j = 0n; j < n && start + j * width <= max; j++) {
      const edge = start + j * width;
      // Doubles are exact to 2^53: beyond, only edges themselves (multiples of large powers) are safe.
      for (const v of edge < 1n << 52n ? [edge - 1n, edge, edge + 1n] : [edge]) if (v <= max) out.add(v);
    }
  }
  return [...out].sort((a, b) => (a < b ? -1 : 1));
}

const LLQ_SPECS: LlquantizeSpec[] = [
  { factor: 10, low: 0, high: 6, nsteps: 20 },
  { factor: 10, low: 3, high: 9, nsteps: 10 },
  { factor: 2, low: 0, high: 61, nsteps: 4 },
  { factor: 4, low: 1, high: 5, nsteps: 16 },
];

for (const spec of LLQ_SPECS) {
  test(`llquantize(v, ${spec.factor}, ${spec.low}, ${spec.high}, ${spec.nsteps}) in bpftrace files every value at DTrace's index`, (t) => {
    if (skip) return t.skip(skip);
    const values = edgeValues(spec);
    const messages = runWithValues(`@l[arg0] = llquantize(arg0, ${spec.factor}, ${spec.low}, ${spec.high}, ${spec.nsteps});`, values);
    const map = messages.find((m) => m.type === 'map' && '@l' in m.data)?.data['@l'] as Record<string, number>;
    assert.ok(map, 'bpftrace printed @l');
    const got = new Map(Object.entries(map).map(([key, count]) => {
      const [v, index] = key.split(',');
      assert.equal(count, 1);
      return [BigInt(v), Number(index)] as const;
    }));
    assert.equal(got.size, values.length);
    for (const v of values) assert.equal(got.get(v), llquantizeIndexOf(Number(v), spec), `value ${v}`);
  });
}

test('lquantize in bpftrace puts each value in the bucket DTrace would, overflow included', (t) => {
  if (skip) return t.skip(skip);
  const specs: [number, number, number][] = [[0, 63, 2], [10, 20, 1], [0, 100, 7], [5, 6, 1]];
  const values = [-11, -10, -1, 0, 1, 4, 5, 6, 7, 9, 10, 11, 60, 61, 62, 63, 64, 97, 98, 99, 100, 1000];
  const stmts = specs.map(([low, high, step], s) => `@q${s}[arg0] = lquantize(arg0, ${low}, ${high}, ${step});`);
  const messages = runWithValues(stmts.join('\n'), values.map(BigInt));
  specs.forEach(([low, high, step], s) => {
    const hist = messages.find((m) => m.type === 'hist' && `@q${s}` in m.data)?.data[`@q${s}`] as Record<string, { min?: number; max?: number; count: number }[]>;
    assert.ok(hist, `bpftrace printed @q${s}`);
    for (const v of values) {
      const filled = hist[String(v)].filter((b) => b.count > 0);
      assert.equal(filled.length, 1);
      const b = fromInclusive(filled[0].min ?? null, filled[0].max ?? null, 1);
      assert.deepEqual({ lo: b.lo, hi: b.hi }, lquantizeBucketOf(v, low, high, step), `lquantize(${v}, ${low}, ${high}, ${step})`);
    }
  });
});

test('quantize in bpftrace matches DTrace for values from 0 to 2^31 - 1', (t) => {
  if (skip) return t.skip(skip);
  const values = [0, 1, 2, 3, 4, 7, 8, 1023, 1024, 1025, 65535, 2 ** 30, 2 ** 31 - 1];
  const messages = runWithValues('@q[arg0] = quantize(arg0);', values.map(BigInt));
  const hist = messages.find((m) => m.type === 'hist' && '@q' in m.data)?.data['@q'] as Record<string, { min?: number; max?: number; count: number }[]>;
  for (const v of values) {
    const filled = hist[String(v)].filter((b) => b.count > 0);
    const b = fromInclusive(filled[0].min ?? null, filled[0].max ?? null, 1);
    assert.deepEqual({ lo: b.lo, hi: b.hi }, quantizeBucketOf(v), `quantize(${v})`);
  }
});
