//! Helpers for the tests that run the real bpftrace (as root): skip reasons, a compiled workload,
//! and a run of a BpftraceSource collected into its events. Not a test itself.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Snapshot } from '../../src/model/snapshot';
import type { Source, SourceEvent } from '../../src/sources/source';
import { resolveExecutable } from '../../src/sources/held-command';

/** Why real-bpftrace tests cannot run here, or null when they can. */
export function bpftraceSkipReason(): string | null {
  if (process.geteuid?.() !== 0) return 'needs root: bpftrace attaches kernel probes';
  if (!resolveExecutable('bpftrace')) return 'needs bpftrace installed (apt-get install bpftrace)';
  return null;
}

const WORKLOAD_C = `
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
/* workload SLEEPS CALLS: SLEEPS nanosleeps of 2 ms with CALLS getppid() spread between them. */
int main(int argc, char **argv) {
  int sleeps = atoi(argv[1]), calls = atoi(argv[2]);
  struct timespec ts = {0, 2000000};
  for (int i = 0; i < sleeps; i++) {
    nanosleep(&ts, NULL);
    for (int j = i * calls / sleeps; j < (i + 1) * calls / sleeps; j++) syscall(SYS_getppid);
  }
  printf("done %d %d\\n", sleeps, calls);
  return 0;
}
`;

/** Compiles the workload into a temp dir; null when there is no C compiler. */
export function buildWorkload(): { bin: string; dir: string } | null {
  const cc = resolveExecutable('cc') ?? resolveExecutable('gcc');
  if (!cc) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-tracer-test-'));
  fs.writeFileSync(path.join(dir, 'workload.c'), WORKLOAD_C);
  execFileSync(cc, ['-O2', '-o', path.join(dir, 'workload'), path.join(dir, 'workload.c')]);
  return { bin: path.join(dir, 'workload'), dir };
}

export interface Collected {
  events: SourceEvent[];
  snapshots: Snapshot[];
  end: Extract<SourceEvent, { type: 'end' }> | null;
}

/** Starts `source`, collects events until it ends (or `stopAfterMs`, then stop()), with a hard timeout. */
export async function collect(source: Source, opts: { stopAfterMs?: number; timeoutMs?: number; onStarted?: () => void } = {}): Promise<Collected> {
  const out: Collected = { events: [], snapshots: [], end: null };
  let ended!: () => void;
  const endPromise = new Promise<void>((resolve) => (ended = resolve));
  await source.start((e) => {
    out.events.push(e);
    if (e.type === 'snapshot') out.snapshots.push(e.snapshot);
    if (e.type === 'end') {
      out.end = e;
      ended();
    }
  });
  opts.onStarted?.();
  const timers: NodeJS.Timeout[] = [];
  const waits: Array<Promise<void>> = [endPromise, new Promise((resolve) => timers.push(setTimeout(resolve, opts.timeoutMs ?? 15000)))];
  if (opts.stopAfterMs !== undefined) waits.push(new Promise((resolve) => timers.push(setTimeout(resolve, opts.stopAfterMs))));
  await Promise.race(waits);
  for (const t of timers) clearTimeout(t);
  await source.stop();
  return out;
}

/** Total count of one key in every snapshot, over buckets that `keep` accepts. */
export function keyTotal(snaps: Snapshot[], agg: string, key: string, keep: (lo: number | null, hi: number | null) => boolean = () => true): number {
  let n = 0;
  for (const s of snaps) for (const b of s.aggregations[agg]?.keys[key] ?? []) if (keep(b.lo, b.hi)) n += b.count;
  return n;
}

/** Our bpftrace child processes (setpriv execs bpftrace, so it is our direct child). */
export function childBpftracePids(parentPid = process.pid): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parentPid), '-x', 'bpftrace'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone; resolves with how long it took, or -1 after `limitMs`. */
export async function goneWithin(pid: number, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    if (!alive(pid)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
  }
  return alive(pid) ? -1 : Date.now() - t0;
}
