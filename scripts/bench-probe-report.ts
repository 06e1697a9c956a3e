//! The probe-effect table (pure): paired units (bench-probe-effect.ts) → one row per tracer and
//! CPU with added ns, spread and flags, verdict lines on issue 6's goal, and the notes that say how
//! it was measured. bench.ts prints it as Markdown, bench-probe-effect.ts as aligned text.

import os from 'node:os';
import { DRIFT_LIMIT, METRICS, judgeGoal, median, summarize, type AddedSummary, type Metric, type PairedUnit } from './bench-probe-stats';

/** One benchmark's result, ready to print. */
export interface ResultTable {
  title: string;
  columns: string[];
  /** Per column: right-aligned (numbers) or not; absent: the first two columns are text. */
  numeric?: boolean[];
  rows: string[][];
  /** What the figures mean, what was skipped and why, the machine and the command. */
  notes: string[];
}

/** Where the idiomatic bpftrace program's cost is the yardstick for the native engine's goal. */
export const YARDSTICK = 'bpftrace idiomatic';
export const NATIVE = 'native eBPF (syscall preset)';

/** A try of a unit that was not clean: its bare runs drifted apart, or other tracing was seen. */
export interface Retry {
  reason: 'drift' | 'other tracing';
  /** What the other tracing was, without pids (a process name and what it held). */
  others: string[];
}

/** How a run was made, for the notes. */
export interface RunFacts {
  rounds: number;
  cpus: number[];
  bareCalls: number;
  attempts: number;
  /** 1-minute load average at the start of each unit. */
  loads: number[];
  /** Tries that were not clean (the last one of a unit is kept, flagged). */
  retries: Retry[];
}

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (lo: number, hi: number) => (lo < 0 ? `${fmt(lo)} to ${fmt(hi)}` : `${fmt(lo)}–${fmt(hi)}`);

/** An empty probe-effect table (title and columns), for rows and notes to be added to. */
export function probeTable(): ResultTable {
  return {
    title: 'Probe effect: getppid() loop, ns added per syscall (traced run minus the bare runs around it, pinned to each CPU)',
    columns: ['tracer', 'CPU', 'calls/run', 'ns/syscall', 'added ns', 'added min–max', 'x bare', 'CPU-time added ns', 'CPU-time min–max', 'vs idiomatic', 'flags'],
    numeric: [false, false, true, true, true, true, true, true, true, true, false],
    rows: [],
    notes: [],
  };
}

/** Fills the table's rows and verdict lines from the units of `tracers` (names, calls per run). */
export function fillProbeTable(table: ResultTable, tracers: ReadonlyArray<{ name: string; iterations: number }>, units: readonly PairedUnit[], facts: RunFacts): void {
  const summary = new Map<string, AddedSummary>();
  const sum = (name: string, cpu: number, m: Metric): AddedSummary | undefined => summary.get(`${name}|${cpu}|${m}`);
  for (const t of tracers) {
    for (const cpu of facts.cpus) {
      const mine = units.filter((u) => u.tracer === t.name && u.cpu === cpu);
      if (mine.length > 0) for (const m of METRICS) summary.set(`${t.name}|${cpu}|${m}`, summarize(mine, m));
    }
  }
  for (const cpu of facts.cpus) {
    const around = units.filter((u) => u.cpu === cpu).flatMap((u) => [u.bareBefore, u.bareAfter]);
    if (around.length === 0) continue;
    const [w, c] = [around.map((r) => r.wall), around.map((r) => r.cpu)];
    const spread = `${around.length} runs: wall ${range(Math.min(...w), Math.max(...w))}, CPU time ${fmt(median(c), 1)} (${range(Math.min(...c), Math.max(...c))})`;
    table.rows.push(['bare', String(cpu), fmt(facts.bareCalls), fmt(median(w), 1), '', '', '1.00x', '', '', '', spread]);
  }
  for (const t of tracers) {
    for (const cpu of facts.cpus) {
      const [w, c] = [sum(t.name, cpu, 'wall'), sum(t.name, cpu, 'cpu')];
      if (!w || !c) continue;
      const yard = sum(YARDSTICK, cpu, 'wall');
      const vs = !yard || t.name === YARDSTICK ? '' : w.meaningless || yard.meaningless ? 'n/a' : `${fmt((100 * w.added.median) / yard.added.median)}%`;
      const flags = [...new Set([...w.flags, ...c.flags])].map((f) => (!c.flags.includes(f) ? `wall: ${f}` : !w.flags.includes(f) ? `CPU time: ${f}` : f));
      if (w.meaningless || c.meaningless) flags.unshift('NOT MEANINGFUL');
      table.rows.push([
        t.name, String(cpu), fmt(t.iterations), fmt(w.traced, 1), fmt(w.added.median), range(w.added.min, w.added.max),
        `${fmt(w.traced / w.bare, 2)}x`, fmt(c.added.median), range(c.added.min, c.added.max), vs, flags.length > 0 ? flags.join('; ') : 'ok',
      ]);
    }
  }
  for (const cpu of facts.cpus) {
    for (const m of METRICS) {
      const [native, yard] = [sum(NATIVE, cpu, m), sum(YARDSTICK, cpu, m)];
      if (!native || !yard) continue;
      const j = judgeGoal(native, yard);
      table.notes.push(
        `CPU ${cpu} (${m === 'wall' ? 'wall' : 'CPU time'}): native adds ${fmt(native.added.median)} ns (${range(native.added.min, native.added.max)}), ` +
          `idiomatic bpftrace ${fmt(yard.added.median)} ns (${range(yard.added.min, yard.added.max)}): goal (at most 50%) ${j.verdict.toUpperCase()}: ${j.why}`,
      );
    }
  }
  table.notes.push(...runNotes(facts));
}

function runNotes(f: RunFacts): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `${f.rounds} rounds; in each, every tracer in turn (order rotated per round): bare runs on CPU ${f.cpus.join(' and ')}, the tracer started (system-wide, no -p), a warm-up run, traced runs on each CPU, the tracer stopped, bare runs again`,
    'added ns = traced minus the mean of the two bare runs around it on the same CPU; figures are the median over rounds, with min–max; ns/syscall is the median traced wall time',
    "each run times its loop in 20 chunks and reports the median chunk; CPU time is the workload thread's own: in-kernel tracers show their cost there, other processes' load does not; ptrace tracers (strace, perf trace) do their work outside it",
    `a unit is retried (up to ${f.attempts} tries) when other tracing is active around it or its two bare runs differ by more than ${Math.round(DRIFT_LIMIT * 100)}% of CPU time; a kept one is flagged. Figures flagged as not meaningful (added ≤ 0 in a run, IQR larger than the median, other tracing) never count for or against the goal`,
    retryNote(f.retries),
    `load average (1 min) at the start of each unit: ${fmt(Math.min(...f.loads), 2)}–${fmt(Math.max(...f.loads), 2)}`,
    `machine: ${cpu}, ${os.cpus().length} CPUs, Linux ${os.release()}, node ${process.version}`,
    `command: node dist/scripts/bench-probe-effect.js --rounds ${f.rounds}`,
  ];
}

/** Retries counted by reason (the progress log has each one). */
function retryNote(retries: readonly Retry[]): string {
  if (retries.length === 0) return 'retries: none';
  const drift = retries.filter((r) => r.reason === 'drift').length;
  const others = [...new Set(retries.flatMap((r) => r.others))];
  const parts = [drift > 0 ? `${drift} for bare runs more than ${Math.round(DRIFT_LIMIT * 100)}% apart` : '', others.length > 0 ? `${retries.length - drift} for other tracing (${others.join(', ')})` : ''];
  return `retries: ${retries.length} tries were not clean and were redone (a unit's last try is kept, flagged): ${parts.filter(Boolean).join(', ')}`;
}

/** The table as aligned text, notes below it. */
export function formatResultTable(t: ResultTable): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const numeric = (i: number) => t.numeric?.[i] ?? i >= 2;
  const line = (cells: string[]): string => cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [t.title, '', line(t.columns), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of t.rows) out.push(line(r));
  if (t.notes.length > 0) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
