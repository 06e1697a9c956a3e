//! Tests for the native eBPF source against the real kernel (root, addon built): exact counts on
//! known workloads, -p/-c targeting, and nothing left loaded after the process is killed.

import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeatError } from '../../src/errors';
import type { Bucket, Snapshot } from '../../src/model/snapshot';
import { EBPF_PRESETS } from '../../src/sources/ebpf-snapshot';
import { EbpfSource, ebpfAvailable } from '../../src/sources/ebpf';
import type { SourceEvent } from '../../src/sources/source';

const AGG = EBPF_PRESETS.syscall.aggregation;

// getppid N times, then N sleeps of SLEEP_NS each (direct syscalls: glibc adds nothing). With a
// first argument "wait" it reads one byte from stdin before starting (for -p).
const WORKLOAD_C = `
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  int i = 1;
  char c;
  if (argc > i && strcmp(argv[i], "wait") == 0) { i++; if (read(0, &c, 1) != 1) return 1; }
  long getppids = argc > i ? atol(argv[i]) : 0, sleeps = argc > i + 1 ? atol(argv[i + 1]) : 0;
  long sleep_ns = argc > i + 2 ? atol(argv[i + 2]) : 2000000;
  for (long n = 0; n < getppids; n++) syscall(SYS_getppid);
  struct timespec ts = { 0, sleep_ns };
  for (long n = 0; n < sleeps; n++) syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
  return 0;
}
`;

let workload: string | null | undefined;

/** The workload binary, built once with cc; null when there is no compiler. */
function buildWorkload(): string | null {
  if (workload !== undefined) return workload;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-ebpf-test-'));
  fs.writeFileSync(path.join(dir, 'workload.c'), WORKLOAD_C);
  const res = spawnSync('cc', ['-O2', '-o', path.join(dir, 'workload'), path.join(dir, 'workload.c')], { encoding: 'utf8' });
  workload = res.status === 0 ? path.join(dir, 'workload') : null;
  return workload;
}

/** Skips (with the reason) unless the engine can run here; returns the workload binary. */
function needsEngine(t: TestContext): string | null {
  if (process.getuid?.() !== 0) {
    t.skip('needs root: loading eBPF programs');
    return null;
  }
  const a = ebpfAvailable();
  if (!a.ok) {
    t.skip(`native eBPF engine unavailable: ${a.why}`);
    return null;
  }
  const w = buildWorkload();
  if (w === null) t.skip('needs a C compiler (cc) to build the workload');
  return w;
}

/** Runs a source until it ends (or `until` resolves, then stops it); returns every event. */
async function collect(source: EbpfSource, until?: Promise<unknown>): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  let ended!: () => void;
  const end = new Promise<void>((resolve) => (ended = resolve));
  await source.start((ev) => {
    events.push(ev);
    if (ev.type === 'end') ended();
  });
  if (until) {
    await until;
    await source.stop();
  } else await end;
  return events;
}

/** One key's buckets summed over every snapshot. */
function bucketsOf(events: SourceEvent[], key: string, agg = AGG): Bucket[] {
  const all: Bucket[] = [];
  for (const ev of events) if (ev.type === 'snapshot') all.push(...(ev.snapshot.aggregations[agg]?.keys[key] ?? []));
  return all;
}

const total = (bs: Bucket[]): number => bs.reduce((n, b) => n + b.count, 0);

test('-c counts 200,000 of 200,000 getppid calls and 100 of 100 2 ms sleeps', async (t) => {
  const w = needsEngine(t);
  if (!w) return;
  const log = path.join(os.tmpdir(), `heat-ebpf-test-${process.pid}.log`);
  const source = new EbpfSource({ preset: 'syscall', intervalMs: 100, command: `${w} 200000 100`, commandLogFile: log });
  const events = await collect(source);
  assert.deepEqual(events.at(-1), { type: 'end', reason: 'command-exited' });
  assert.ok(events.filter((e) => e.type === 'snapshot').length >= 2, 'several intervals');
  assert.equal(total(bucketsOf(events, 'getppid')), 200_000);
  const sleeps = bucketsOf(events, 'clock_nanosleep');
  assert.equal(total(sleeps), 100);
  for (const b of sleeps) assert.ok(b.lo !== null && b.lo >= 1_500_000, `a 2 ms sleep in [${b.lo}, ${b.hi})`);
  assert.ok(events.every((e) => e.type !== 'snapshot' || e.snapshot.lost === 0));
  fs.rmSync(log, { force: true });
});

test('-p counts only the target process, not another one doing the same calls', async (t) => {
  const w = needsEngine(t);
  if (!w) return;
  const target = spawn(w, ['wait', '50000'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise((resolve) => target.once('exit', resolve));
  const source = new EbpfSource({ preset: 'syscall', intervalMs: 100, pid: target.pid });
  const events: SourceEvent[] = [];
  await source.start((ev) => events.push(ev));
  execFileSync(w, ['30000']); // a bystander, not traced
  target.stdin?.end('x');
  await exited;
  await source.stop();
  assert.equal(total(bucketsOf(events, 'getppid')), 50_000);
});

test('a -p pid that does not exist is refused before anything loads', async (t) => {
  if (!needsEngine(t)) return;
  const source = new EbpfSource({ preset: 'syscall', intervalMs: 100, pid: 4_000_000 });
  await assert.rejects(source.start(() => {}), (err: unknown) => err instanceof HeatError && err.code === 'pid-not-found');
});

test('stop() emits the last partial interval and kills a command still running', async (t) => {
  const w = needsEngine(t);
  if (!w) return;
  // 1000 sleeps of 10 ms would take 10 s: stopped after 300 ms.
  const source = new EbpfSource({ preset: 'syscall', intervalMs: 10_000, command: `${w} 1000 1000 10000000`, commandLogFile: '/dev/null' });
  const events = await collect(source, new Promise((r) => setTimeout(r, 300)));
  const snaps = events.filter((e): e is { type: 'snapshot'; snapshot: Snapshot } => e.type === 'snapshot');
  assert.equal(snaps.length, 1, 'one partial interval');
  assert.equal(total(bucketsOf(events, 'getppid')), 1000);
  const cmdPid = (source.info.detail as { commandPid?: number }).commandPid;
  assert.ok(typeof cmdPid === 'number' && cmdPid > 0, 'the command pid is in info.detail');
  assert.ok(!fs.existsSync(`/proc/${cmdPid}`), 'the command is gone');
  assert.ok(!events.some((e) => e.type === 'end'), 'stop() is not an end of the source');
});

test('the io preset counts the direct writes of a -c command on its disk', async (t) => {
  if (!needsEngine(t)) return;
  if (!ebpfAvailable('io').ok) return t.skip(`io preset unavailable: ${(ebpfAvailable('io') as { why: string }).why}`);
  // A file beside the build, on a real disk (the temp directory may be tmpfs).
  const file = path.resolve(__dirname, `heat-ebpf-io-${process.pid}.tmp`);
  const dev = fs.statSync(path.dirname(file)).dev;
  const [major, minor] = [(dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)]; // glibc's gnu_dev_major/minor
  const disk = path.basename(fs.readlinkSync(`/sys/dev/block/${major}:${minor}`));
  const source = new EbpfSource({ preset: 'io', intervalMs: 100, command: `dd if=/dev/zero of=${file} bs=4k count=100 oflag=direct`, commandLogFile: '/dev/null' });
  const events = await collect(source);
  fs.rmSync(file, { force: true });
  assert.deepEqual(events.at(-1), { type: 'end', reason: 'command-exited' });
  const n = total(bucketsOf(events, disk, EBPF_PRESETS.io.aggregation));
  // 100 writes, plus the few reads and metadata writes dd itself may cause.
  assert.ok(n >= 100 && n <= 120, `${n} I/Os on ${disk}`);
});

test('the runq preset times the wakeups of a -c command that sleeps', async (t) => {
  const w = needsEngine(t);
  if (!w) return;
  const source = new EbpfSource({ preset: 'runq', intervalMs: 100, command: `${w} 0 100 1000000`, commandLogFile: '/dev/null' });
  const events = await collect(source);
  const keys = new Set(events.flatMap((e) => (e.type === 'snapshot' ? Object.keys(e.snapshot.aggregations.runq.keys) : [])));
  assert.deepEqual([...keys], ['']);
  const n = total(bucketsOf(events, '', EBPF_PRESETS.runq.aggregation));
  // A wakeup in interrupt context finds task storage busy when another BPF program on that CPU
  // holds it (another tool, a parallel test): the kernel refuses, we count it as lost.
  const lost = events.reduce((sum, e) => sum + (e.type === 'snapshot' ? e.snapshot.lost : 0), 0);
  // Every sleep ends with a wakeup; preemptions add a few more.
  assert.ok(n + lost >= 100 && n < 1000, `${n} run queue waits, ${lost} lost`);
});

test('nothing stays loaded after the process holding the programs is killed with SIGKILL', async (t) => {
  if (!needsEngine(t)) return;
  if (spawnSync('bpftool', ['version']).error) {
    t.skip('needs bpftool to ask the kernel which programs exist');
    return;
  }
  const script = `
    const { EbpfSource } = require(${JSON.stringify(path.resolve(__dirname, '../../src/sources/ebpf.js'))});
    new EbpfSource({ preset: 'syscall', intervalMs: 1000 }).start(() => {}).then(() => console.log('attached'));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('attached') && resolve()));
  const ids = bpfObjectIds(child.pid!);
  assert.ok(ids.prog.size >= 2 && ids.map.size >= 2, `programs and maps held: ${JSON.stringify([...ids.prog])}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  for (const [kind, set] of Object.entries(ids)) {
    for (const id of set) assert.ok(!bpfObjectExists(kind as 'prog' | 'map', id), `${kind} ${id} is gone`);
  }
});

/** The BPF program and map ids a process holds, from its fds' fdinfo (links name their program). */
function bpfObjectIds(pid: number): { prog: Set<number>; map: Set<number> } {
  const out = { prog: new Set<number>(), map: new Set<number>() };
  for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
    let info = '';
    try {
      info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue;
    }
    const prog = /^prog_id:\s*(\d+)/m.exec(info);
    const map = /^map_id:\s*(\d+)/m.exec(info);
    if (prog) out.prog.add(Number(prog[1]));
    if (map) out.map.add(Number(map[1]));
  }
  return out;
}

/** Whether the kernel still has a BPF program or map with this id (asks bpftool; the kernel frees them asynchronously). */
function bpfObjectExists(kind: 'prog' | 'map', id: number): boolean {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = spawnSync('bpftool', [kind, 'show', 'id', String(id)], { encoding: 'utf8' });
    if (res.status !== 0) return false;
    spawnSync('sleep', ['0.1']);
  }
  return true;
}
