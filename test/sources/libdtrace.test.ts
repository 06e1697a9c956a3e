//! Tests against a real libdtrace (root, addon built; skipped elsewhere, e.g. CI has no DTrace):
//! bin bounds hold the values DTrace filed in them, printf/exit reach us, compile errors are
//! positioned, and LibdtraceSource counts every event of a -c workload across intervals.

import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../../src/errors';
import { fromInclusive, lquantizeBucketOf, llquantizeBucketOf, quantizeBucketOf, type BucketBounds } from '../../src/model/buckets';
import type { Snapshot } from '../../src/model/snapshot';
import { loadLibdtraceAddon, type LibdtraceAddon, type WorkResult } from '../../src/sources/libdtrace-addon';
import type { AggwalkRecord } from '../../src/sources/libdtrace-aggregations';
import type { SourceEvent } from '../../src/sources/source';

// "write S1 S2 ..." writes S bytes once each to fd 9 (/dev/null); "read N" reads 1 byte N times
// from fd 9 (/dev/zero). Direct syscalls on fd 9 so predicates see nothing else.
const WORKLOAD_C = `
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
static char buf[1 << 17];
int main(int argc, char **argv) {
  int wr = argc > 1 && strcmp(argv[1], "write") == 0;
  int fd = open(wr ? "/dev/null" : "/dev/zero", wr ? O_WRONLY : O_RDONLY);
  if (fd < 0 || dup2(fd, 9) < 0) return 1;
  if (wr) for (int i = 2; i < argc; i++) syscall(SYS_write, 9, buf, (size_t)atol(argv[i]));
  else for (long n = 0, max = argc > 2 ? atol(argv[2]) : 0; n < max; n++) syscall(SYS_read, 9, buf, 1);
  return 0;
}
`;

let workload: string | null | undefined;

/** The compiled workload, or null without a C compiler. */
function workloadPath(): string | null {
  if (workload !== undefined) return workload;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-libdtrace-test-'));
  fs.writeFileSync(path.join(dir, 'w.c'), WORKLOAD_C);
  const res = spawnSync(process.env.CC || 'cc', ['-O1', '-o', path.join(dir, 'w'), path.join(dir, 'w.c')], { encoding: 'utf8' });
  workload = res.status === 0 ? path.join(dir, 'w') : null;
  return workload;
}

/** The addon, or a skip saying why this machine cannot run the test. */
function realAddon(t: TestContext): LibdtraceAddon | null {
  const got = loadLibdtraceAddon();
  if ('why' in got) return void t.skip(`needs libdtrace: ${got.why}`), null;
  if (process.geteuid?.() !== 0) return void t.skip('needs root: DTrace requires privileges'), null;
  if (workloadPath() === null) return void t.skip('needs a C compiler for the workload'), null;
  return got.addon;
}

/** Runs one scenario in a fresh process (see libdtrace-child.ts) and returns its JSON outcome. */
function child<T>(spec: object): T {
  const script = path.join(__dirname, 'libdtrace-child.js');
  const res = spawnSync(process.execPath, [script, JSON.stringify(spec)], { encoding: 'utf8', timeout: 120_000 });
  const last = (res.stdout || '').trim().split('\n').at(-1) ?? '';
  assert.ok(last.startsWith('{'), `the child printed an outcome (stderr: ${res.stderr?.slice(-500)})`);
  const out = JSON.parse(last) as T & { crashed?: string };
  assert.equal(out.crashed, undefined);
  return out;
}

const rangeId = (b: BucketBounds) => `${b.lo}|${b.hi}`;

function walkCounts(records: AggwalkRecord[], name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records.filter((x) => x.name === name)) {
    for (const [[min, max], count] of r.buckets ?? []) out.set(rangeId(fromInclusive(min, max, count)), count);
  }
  return out;
}

function expected(values: number[], bucketOf: (v: number) => BucketBounds): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(rangeId(bucketOf(v)), (out.get(rangeId(bucketOf(v))) ?? 0) + 1);
  return out;
}

const SIZES = [1, 2, 7, 9, 10, 14, 15, 99, 100, 149, 150, 999, 1000, 1499, 4096, 9999, 10000, 65536];

test('every value lands in the bin whose bounds libdtrace reports: quantize, lquantize, llquantize', (t) => {
  const addon = realAddon(t);
  if (!addon) return;
  const negative = addon.abi === 'oracle' ? '@lln = llquantize(-(int64_t)arg2, 10, 0, 4, 20);' : '';
  const { records } = child<{ records: AggwalkRecord[] }>({
    run: 'consumer',
    command: [workloadPath(), 'write', ...SIZES.map(String)],
    until: 'exit',
    program: `syscall::write:entry /pid == $target && arg0 == 9/ {
      @q = quantize((int64_t)arg2 - 500); @l = lquantize((int64_t)arg2, 100, 2000, 300);
      @ll = llquantize(arg2, 10, 0, 4, 20); ${negative} }`,
  });
  assert.deepEqual(walkCounts(records, 'q'), expected(SIZES, (v) => quantizeBucketOf(v - 500)));
  assert.deepEqual(walkCounts(records, 'l'), expected(SIZES, (v) => lquantizeBucketOf(v, 100, 2000, 300)));
  assert.deepEqual(walkCounts(records, 'll'), expected(SIZES, (v) => llquantizeBucketOf(v, 10, 0, 4, 20)));
  if (addon.abi === 'oracle') {
    // Oracle's llquantize mirrors its bins for negative values: [−(hi−1), −lo] inclusive.
    const mirrored = (v: number): BucketBounds => {
      const p = llquantizeBucketOf(v, 10, 0, 4, 20);
      return { lo: -((p.hi as number) - 1), hi: -(p.lo as number) + 1 };
    };
    assert.deepEqual(walkCounts(records, 'lln'), expected(SIZES, mirrored));
  }
});

test('printf output, exit() and its status reach work()', (t) => {
  if (!realAddon(t)) return;
  const { works } = child<{ works: WorkResult[] }>({ run: 'consumer', program: 'BEGIN { printf("hello %d\\n", 42); } BEGIN { exit(3); }' });
  assert.equal(works.at(-1)?.status, 'done');
  assert.match(works.map((w) => w.output).join(''), /hello 42\n/);
  assert.equal(works.find((w) => w.exited)?.exitStatus, 3);
});

test("compile errors carry DTrace's tag and line; a handle compiles one program", (t) => {
  if (!realAddon(t)) return;
  const out = child<{ first?: string; second?: string }>({ run: 'compile-twice', program: 'syscall::read:entry\n{\n  @x = count(;\n}' });
  assert.match(out.first ?? '', /\[D_SYNTAX\] line 3: syntax error/);
  assert.match(out.second ?? '', /once per consumer/);
});

function runSource(spec: { text: string; command: string; intervalMs: number }): { events: SourceEvent[]; error?: { code: string; diagnostics: Diagnostic[] } } {
  return child({ run: 'source', ...spec });
}

const histTotal = (s: Snapshot, name: string) => Object.values(s.aggregations[name]?.keys ?? {}).flat().reduce((n, b) => n + b.count, 0);

test('LibdtraceSource: a D script timing reads with timestamp counts every read of a -c command, per interval', (t) => {
  if (!realAddon(t)) return;
  const reads = 300_000;
  const text = `syscall::read:entry /pid == $target && arg0 == 9/ { self->ts = timestamp; }
syscall::read:return /self->ts/ { @lat["read"] = quantize(timestamp - self->ts); self->ts = 0; }`;
  const { events, error } = runSource({ text, command: `${workloadPath()} read ${reads}`, intervalMs: 200 });
  assert.equal(error, undefined, JSON.stringify(error));
  const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
  assert.equal(snaps.reduce((n, s) => n + histTotal(s, 'lat'), 0), reads);
  assert.equal(snaps[0].aggregations.lat.unit, 'ns');
  assert.deepEqual(events.at(-1), { type: 'end', reason: 'command-exited' });
});

test("LibdtraceSource: exit() in a clause ends the source with reason 'exit' after its output", (t) => {
  if (!realAddon(t)) return;
  const text = `BEGIN { printf("starting\\n"); }
syscall::read:entry /pid == $target && arg0 == 9/ { @n["reads"] = quantize(arg2); n++; }
syscall::read:entry /n >= 1000/ { exit(0); }`;
  const { events, error } = runSource({ text, command: `${workloadPath()} read 100000000`, intervalMs: 200 });
  assert.equal(error, undefined, JSON.stringify(error));
  assert.deepEqual(events.find((e) => e.type === 'output'), { type: 'output', text: 'starting' });
  assert.deepEqual(events.at(-1), { type: 'end', reason: 'exit' });
  const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
  assert.ok(snaps.reduce((n, s) => n + histTotal(s, 'n'), 0) >= 1000);
});

test('LibdtraceSource: a probe that matches nothing is a diagnostic on its line', (t) => {
  if (!realAddon(t)) return;
  const { error } = runSource({ text: 'BEGIN { }\nnosuch:::probe { @ = count(); }', command: 'true', intervalMs: 200 });
  assert.equal(error?.code, 'libdtrace-compile');
  assert.deepEqual(error?.diagnostics.map((d) => [d.code, d.line, d.column]), [['D_PDESC_ZERO', 2, 1]]);
});
