//! Probe-effect benchmark (issue 6 §1): what each tracer adds to every syscall on the machine.
//! A C loop of getppid calls, built here with cc, pinned to each CPU in turn with taskset. Every
//! traced run sits between two bare runs on the same CPU (a paired unit), so slow drift on this
//! shared machine cancels; units with other tracing around them or bare runs that disagree are
//! retried. bench-probe-stats.ts turns the units into figures with their spread and flags.
//!   node dist/scripts/bench-probe-effect.js [--rounds 7] [--cpus 0,1] [--only native,idiomatic]
//! scripts/bench.ts calls runProbeEffectBench() and prints the table with the other benchmarks.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fillProbeTable, formatResultTable, probeTable, type ResultTable, type Retry } from './bench-probe-report';
import { DRIFT_LIMIT, type PairedUnit, type RunFigures } from './bench-probe-stats';
import { otherTracers, tracers, type Tracer } from './bench-probe-tracers';

export { formatResultTable, type ResultTable };

export interface ProbeEffectOptions {
  /** Paired units per tracer and CPU (at least 5 for the README; default 7). */
  rounds?: number;
  /** CPUs to pin the workload to, in turn (default: every online CPU). */
  cpus?: number[];
  /** Only the tracers whose names contain one of these (default: all). */
  only?: string[];
  /** Progress lines (stderr when run alone). */
  log?: (line: string) => void;
}

/**
 * Times its loop in CHUNKS pieces and prints the median piece's wall and CPU ns per call: a
 * piece interrupted by another process (this VM is shared) does not move the median. CPU time
 * is the thread's own (CLOCK_THREAD_CPUTIME_ID): it includes what in-kernel tracers add to each
 * syscall, not the time other processes hold the CPU.
 */
const WORKLOAD_C = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#define CHUNKS 20
static double ns(struct timespec t) { return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 2000000, per = n / CHUNKS > 0 ? n / CHUNKS : 1;
  double wall[CHUNKS], cpu[CHUNKS];
  for (int c = 0; c < CHUNKS; c++) {
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
    for (long i = 0; i < per; i++) syscall(SYS_getppid);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
    clock_gettime(CLOCK_MONOTONIC, &b);
    wall[c] = (ns(b) - ns(a)) / per;
    cpu[c] = (ns(cb) - ns(ca)) / per;
  }
  qsort(wall, CHUNKS, sizeof wall[0], cmp);
  qsort(cpu, CHUNKS, sizeof cpu[0], cmp);
  printf("%.3f %.3f\\n", (wall[CHUNKS / 2 - 1] + wall[CHUNKS / 2]) / 2, (cpu[CHUNKS / 2 - 1] + cpu[CHUNKS / 2]) / 2);
  return 0;
}
`;

/** Bare runs: enough calls that a run lasts about half a second. */
const BARE_CALLS = 2_000_000;
/** Tries per unit when other tracing shows up or its bare runs disagree. */
const ATTEMPTS = 3;
/** Waiting for someone else's tracing to end: per wait, and over the whole run. */
const QUIET_WAIT_MS = 180_000;
const QUIET_BUDGET_MS = 900_000;
const QUIET_POLL_MS = 5000;

function onlineCpus(): number[] {
  return Array.from({ length: os.cpus().length }, (_, i) => i);
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
function runOnce(bin: string, cpu: number, calls: number, wrap?: (argv: string[]) => string[]): RunFigures {
  const argv = ['taskset', '-c', String(cpu), bin, String(calls)];
  const full = wrap ? wrap(argv) : argv;
  const out = execFileSync(full[0], full.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  const [wall, cpuNs] = (out.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (!Number.isFinite(wall) || !Number.isFinite(cpuNs)) throw new Error(`the workload printed ${JSON.stringify(out)}`);
  return { wall, cpu: cpuNs };
}

/** Waits until no one else's tracing is active, within the run's waiting budget; returns what is left. */
async function quiet(budget: { ms: number }, log: (line: string) => void): Promise<string[]> {
  const t0 = Date.now();
  const deadline = t0 + Math.min(QUIET_WAIT_MS, budget.ms);
  let others = otherTracers();
  if (others.length > 0) log(`waiting for other tracing to end: ${others.join(', ')}`);
  while (others.length > 0 && Date.now() < deadline) {
    // Not every second: listing hundreds of someone else's programs costs CPU on a shared machine.
    await new Promise((r) => setTimeout(r, QUIET_POLL_MS));
    others = otherTracers();
  }
  budget.ms = Math.max(0, budget.ms - (Date.now() - t0));
  return others;
}

interface RunState {
  bin: string;
  cpus: number[];
  budget: { ms: number };
  log: (line: string) => void;
  retries: Retry[];
}

/**
 * One paired unit per CPU for a tracer: bare runs on every CPU, the tracer started, a warm-up,
 * traced runs on every CPU, the tracer stopped, bare runs again. Retried (up to ATTEMPTS) when
 * other tracing was seen or a CPU's two bare runs differ by more than DRIFT_LIMIT of CPU time;
 * the last attempt is kept either way, and summarize() flags it.
 */
async function measureUnits(t: Tracer, round: number, s: RunState): Promise<PairedUnit[]> {
  let units: PairedUnit[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const disturbed = new Set(await quiet(s.budget, s.log));
    const before = s.cpus.map((cpu) => runOnce(s.bin, cpu, BARE_CALLS));
    const running = t.start ? await t.start() : null;
    let traced: RunFigures[];
    try {
      runOnce(s.bin, s.cpus[0], Math.min(t.iterations, 200_000), t.wrap); // warm-up, not counted
      traced = s.cpus.map((cpu) => runOnce(s.bin, cpu, t.iterations, t.wrap));
      for (const o of otherTracers(running?.pids ?? [])) disturbed.add(o);
    } finally {
      await running?.stop();
    }
    // Our own programs go with our tracer's process; wait for them too.
    for (const o of await quiet(s.budget, s.log)) disturbed.add(o);
    const after = s.cpus.map((cpu) => runOnce(s.bin, cpu, BARE_CALLS));
    for (const o of otherTracers()) disturbed.add(o);
    units = s.cpus.map((cpu, i) => ({ tracer: t.name, cpu, round, bareBefore: before[i], traced: traced[i], bareAfter: after[i], disturbedBy: [...disturbed] }));
    const drift = units.map((u) => Math.abs(u.bareBefore.cpu - u.bareAfter.cpu) / Math.min(u.bareBefore.cpu, u.bareAfter.cpu));
    const why = disturbed.size > 0 ? `other tracing (${[...disturbed].join(', ')})` : drift.some((d) => d > DRIFT_LIMIT) ? `bare runs ${drift.map((d) => `${(100 * d).toFixed(0)}%`).join('/')} apart` : '';
    if (!why) break;
    s.retries.push({ reason: disturbed.size > 0 ? 'other tracing' : 'drift', others: [...disturbed].map((o) => o.replace(/ \(pid \d+\)/, '').replace(/^\d+ /, '')) });
    s.log(`round ${round}: ${t.name}: ${why}${attempt < ATTEMPTS ? ', again' : ', kept (flagged)'}`);
  }
  return units;
}

/** Runs the benchmark; a table with only notes when it cannot run here (not root, no cc). */
export async function runProbeEffectBench(opts: ProbeEffectOptions = {}): Promise<ResultTable> {
  const rounds = opts.rounds ?? 7;
  const cpus = opts.cpus ?? onlineCpus();
  const log = opts.log ?? (() => {});
  const table = probeTable();
  if (process.getuid?.() !== 0) {
    table.notes.push('skipped: needs root (tracers attach kernel probes)');
    return table;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-bench-probe-'));
  try {
    const chosen: Tracer[] = [];
    for (const t of tracers()) {
      if (t.name === 'bare' || (opts.only && !opts.only.some((o) => t.name.includes(o)))) continue;
      const why = t.skipReason();
      if (why) table.notes.push(`${t.name}: skipped: ${why}`);
      else chosen.push(t);
    }
    const s: RunState = { bin: buildWorkload(dir), cpus, budget: { ms: QUIET_BUDGET_MS }, log, retries: [] };
    const units: PairedUnit[] = [];
    const loads: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Rotate the order so no tracer always runs first (or right after a heavy one).
      for (let k = 0; k < chosen.length; k++) {
        const t = chosen[(k + round - 1) % chosen.length];
        log(`round ${round}/${rounds}: ${t.name}`);
        loads.push(os.loadavg()[0]);
        units.push(...(await measureUnits(t, round, s)));
      }
    }
    fillProbeTable(table, chosen, units, { rounds, cpus, bareCalls: BARE_CALLS, attempts: ATTEMPTS, loads, retries: s.retries });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return table;
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
