import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseBpfFdinfo, readBpfPrograms, sumPrograms, tracerPids } from '../../src/probe/bpf-fdinfo';
import { probeEffect } from '../../src/probe/probe-meter';

// Captured as root from `bin/heat-tracer-tui --headless --duration 5` (native eBPF engine) with
// kernel.bpf_stats_enabled=1: /proc/<pid>/fdinfo/<fd> of its two raw tracepoint programs.
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../../test/fixtures/fdinfo', name), 'utf8');

test('a captured BPF program fdinfo gives its id, type, run time and run count', () => {
  assert.deepEqual(parseBpfFdinfo(fixture('bpf-prog-raw-tracepoint.txt')), { progId: 9797, progType: 17, runTimeNs: 3802082, runCnt: 18773 });
});

test('an fdinfo without prog_id is not a BPF program', () => {
  assert.equal(parseBpfFdinfo(fixture('not-bpf.txt')), null);
});

test('programs are summed once each, however many fds hold them', () => {
  const a = parseBpfFdinfo(fixture('bpf-prog-raw-tracepoint.txt'))!;
  const b = parseBpfFdinfo(fixture('bpf-prog-raw-tracepoint-2.txt'))!;
  assert.deepEqual(sumPrograms([a, b, a]), { programs: 2, runTimeNs: 3802082 + 3928329, runCnt: 18773 + 19448 });
});

test('the probe effect is ns per event and share of one CPU between two readings', () => {
  const e = probeEffect({ runTimeNs: 1_000_000, runCnt: 10_000, atMs: 0 }, { runTimeNs: 3_000_000, runCnt: 30_000, atMs: 1000 });
  assert.deepEqual(e, { nsPerEvent: 100, cpuPct: 0.2 });
  assert.equal(probeEffect({ runTimeNs: 5, runCnt: 1, atMs: 0 }, { runTimeNs: 5, runCnt: 1, atMs: 1000 }), null);
});

test('reading our own process finds no BPF programs and lists ourselves first', () => {
  assert.equal(tracerPids(process.pid)[0], process.pid);
  assert.deepEqual(readBpfPrograms([process.pid]), []);
});
