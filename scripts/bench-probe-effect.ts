//! Probe-effect benchmark (issue 6 §1): what each tracer adds to every syscall on the machine.
//! A C loop of getppid calls, built here with cc, timed bare and under each tracer, pinned to each
//! CPU in turn with taskset; rounds alternate the tracers; medians. Needs root (skips otherwise).
//!   node dist/scripts/bench-probe-effect.js [--rounds 5] [--cpus 0,1]
//! scripts/bench.ts calls runProbeEffectBench() and prints the table with the other benchmarks.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { otherTracers, tracers, type Tracer } from './bench-probe-tracers';

/** One benchmark's result, ready to print. */
export interface ResultTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** What the figures mean, what was skipped and why, the machine and the command. */
  notes: string[];
}

export interface ProbeEffectOptions {
  /** Runs per tracer and CPU; the median is reported (at least 5 for the README). */
  rounds?: number;
  /** CPUs to pin the workload to, in turn (default: every online CPU). */
  cpus?: number[];
  /** Only the tracers whose names contain one of these (default: all). */
  only?: string[];
  /** Progress lines (stderr when run alone). */
  log?: (line: string) => void;
}

const WORKLOAD_C = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static double ns(struct timespec t) { return t.tv_sec * 1e9 + t.tv_nsec; }
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 2000000;
  struct timespec a, b, ca, cb;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.3f %.3f\\n", (ns(b) - ns(a)) / n, (ns(cb) - ns(ca)) / n);
  return 0;
}
`;

/** Where the idiomatic bpftrace program's cost is the yardstick for the native engine's goal. */
const YARDSTICK = 'bpftrace idiomatic';
const NATIVE = 'native eBPF (syscall preset)';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function onlineCpus(): number[] {
  const n = os.cpus().length;
  return Array.from({ length: n }, (_, i) => i);
}

/** Builds the workload with the system compiler into a temp dir. */
function buildWorkload(dir: string): string {
  fs.writeFileSync(path.join(dir, 'getppid.c'), WORKLOAD_C);
  const bin = path.join(dir, 'getppid');
  const res = spawnSync('cc', ['-O2', '-o', bin, path.join(dir, 'getppid.c')], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`cc failed: ${res.error?.message ?? res.stderr}`);
  return bin;
}

/** One timed run: wall and CPU ns per getppid, as the workload measured its own loop. */
function runOnce(bin: string, tracer: Tracer, cpu: number): { wall: number; cpu: number } {
  const argv = ['taskset', '-c', String(cpu), bin, String(tracer.iterations)];
  const full = tracer.wrap ? tracer.wrap(argv) : argv;
  const out = execFileSync(full[0], full.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  const [wall, cpuNs] = (out.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (!Number.isFinite(wall) || !Number.isFinite(cpuNs)) throw new Error(`the workload printed ${JSON.stringify(out)} under ${tracer.name}`);
  return { wall, cpu: cpuNs };
}

/** Waits (up to QUIET_WAIT_MS) until no one else's tracing is active; returns what is left. */
async function quiet(log: (line: string) => void): Promise<string[]> {
  const deadline = Date.now() + QUIET_WAIT_MS;
  let others = otherTracers();
  if (others.length > 0) log(`waiting for other tracing to end: ${others.join(', ')}`);
  while (others.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    others = otherTracers();
  }
  return others;
}

const QUIET_WAIT_MS = 180_000;

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs the benchmark; a table with only notes when it cannot run here (not root, no cc). */
export async function runProbeEffectBench(opts: ProbeEffectOptions = {}): Promise<ResultTable> {
  const rounds = opts.rounds ?? 5;
  const cpus = opts.cpus ?? onlineCpus();
  const log = opts.log ?? (() => {});
  const table: ResultTable = {
    title: 'Probe effect: getppid() loop, ns per syscall (median of runs pinned to each CPU)',
    columns: ['tracer', 'CPU', 'calls/run', 'ns/syscall', 'added ns', 'x bare', 'added vs idiomatic bpftrace', 'CPU-time ns/syscall'],
    rows: [],
    notes: [],
  };
  if (process.getuid?.() !== 0) {
    table.notes.push('skipped: needs root (tracers attach kernel probes)');
    return table;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-bench-probe-'));
  try {
    const bin = buildWorkload(dir);
    const chosen: Tracer[] = [];
    for (const t of tracers()) {
      if (opts.only && t.name !== 'bare' && !opts.only.some((o) => t.name.includes(o))) continue;
      const why = t.skipReason();
      if (why) table.notes.push(`${t.name}: skipped: ${why}`);
      else chosen.push(t);
    }
    const samples = new Map<string, number[]>();
    const cpuSamples = new Map<string, number[]>();
    const disturbed: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      const others = await quiet(log);
      if (others.length > 0) disturbed.push(`round ${round}: ${others.join(', ')}`);
      for (const t of chosen) {
        log(`round ${round}/${rounds}: ${t.name}`);
        const running = t.start ? await t.start() : null;
        try {
          runOnce(bin, { ...t, iterations: Math.min(t.iterations, 200_000) }, cpus[0]); // warm-up, not counted
          for (const cpu of cpus) {
            const key = `${t.name}|${cpu}`;
            const r = runOnce(bin, t, cpu);
            samples.set(key, [...(samples.get(key) ?? []), r.wall]);
            cpuSamples.set(key, [...(cpuSamples.get(key) ?? []), r.cpu]);
          }
        } finally {
          await running?.stop();
        }
      }
    }
    fillRows(table, chosen, cpus, samples, cpuSamples);
    if (disturbed.length > 0) table.notes.push(`UNRELIABLE: other tracing was active (it slows every syscall, bare runs too): ${disturbed.join('; ')}`);
    table.notes.push(...machineNotes(rounds, cpus));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return table;
}

function fillRows(table: ResultTable, chosen: Tracer[], cpus: number[], samples: Map<string, number[]>, cpuSamples: Map<string, number[]>): void {
  const med = (name: string, cpu: number): number | undefined => {
    const xs = samples.get(`${name}|${cpu}`);
    return xs ? median(xs) : undefined;
  };
  for (const t of chosen) {
    for (const cpu of cpus) {
      const ns = med(t.name, cpu)!;
      const bare = med('bare', cpu)!;
      const yard = med(YARDSTICK, cpu);
      const added = ns - bare;
      const vsYard = t.name === 'bare' || yard === undefined ? '' : `${fmt((100 * added) / (yard - bare))}%`;
      const cpuNs = median(cpuSamples.get(`${t.name}|${cpu}`) ?? [NaN]);
      table.rows.push([t.name, String(cpu), fmt(t.iterations), fmt(ns, 1), t.name === 'bare' ? '' : fmt(added), `${fmt(ns / bare, 2)}x`, vsYard, fmt(cpuNs, 1)]);
    }
  }
  const cpuMed = (name: string, cpu: number): number | undefined => {
    const xs = cpuSamples.get(`${name}|${cpu}`);
    return xs ? median(xs) : undefined;
  };
  for (const cpu of cpus) {
    for (const [what, get] of [['wall', med], ['CPU-time', cpuMed]] as const) {
      const bare = get('bare', cpu);
      const native = get(NATIVE, cpu);
      const yard = get(YARDSTICK, cpu);
      if (bare === undefined || native === undefined || yard === undefined) continue;
      const share = (native - bare) / (yard - bare);
      table.notes.push(
        `CPU ${cpu} (${what}): the native engine adds ${fmt(native - bare)} ns per syscall, ${fmt(100 * share)}% of idiomatic bpftrace's ${fmt(yard - bare)} ns: ` +
          `goal (at most 50%) ${share <= 0.5 ? 'met' : 'NOT met'}`,
      );
    }
  }
}

function machineNotes(rounds: number, cpus: number[]): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `${rounds} rounds; each round starts every tracer in turn and runs the workload pinned to CPU ${cpus.join(', then ')}; a warm-up run per tracer is not counted`,
    'tracers trace system-wide (no -p): the workload times its own loop (clock_gettime around it); ns/syscall is wall time',
    "CPU-time ns/syscall is the workload's own CPU time per call: in-kernel tracers show their cost there too, and it does not grow when other load takes the CPU away; ptrace tracers (strace, perf trace's waits) do their work outside it",
    `machine: ${cpu}, ${os.cpus().length} CPUs, Linux ${os.release()}, node ${process.version}`,
    'command: node dist/scripts/bench-probe-effect.js',
  ];
}

/** The table as aligned text, notes below it. */
export function formatResultTable(t: ResultTable): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [t.title, '', line(t.columns), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of t.rows) out.push(line(r));
  if (t.notes.length > 0) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

function parseArgs(argv: string[]): ProbeEffectOptions {
  const opts: ProbeEffectOptions = { log: (l) => process.stderr.write(`${l}\n`) };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--rounds') opts.rounds = Number(v);
    else if (argv[i] === '--cpus') opts.cpus = v.split(',').map(Number);
    else if (argv[i] === '--only') opts.only = v.split(',');
    else throw new Error(`unknown argument ${argv[i]} (use --rounds N, --cpus 0,1, --only NAME,...)`);
    i++;
  }
  return opts;
}

if (require.main === module) {
  runProbeEffectBench(parseArgs(process.argv.slice(2))).then(
    (t) => console.log(formatResultTable(t)),
    (err) => {
      console.error(`bench-probe-effect: ${(err as Error).message}`);
      process.exitCode = 1;
    },
  );
}
