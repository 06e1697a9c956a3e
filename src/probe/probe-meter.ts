//! The probe effect on screen: events per second seen by the tracer and, where the kernel keeps
//! BPF statistics, the programs' own run time as ns per event and % of one CPU. Samples
//! /proc once per interval (bpf-fdinfo.ts); the arithmetic is pure.

import { bpfStatsEnabled, readBpfPrograms, sumPrograms, tracerPids } from './bpf-fdinfo';

export interface BpfReading {
  runTimeNs: number;
  runCnt: number;
  /** Wall-clock ms when read. */
  atMs: number;
}

/** ns per program run and % of one CPU between two readings; null when nothing ran. */
export function probeEffect(a: BpfReading, b: BpfReading): { nsPerEvent: number; cpuPct: number } | null {
  const runs = b.runCnt - a.runCnt;
  const ns = b.runTimeNs - a.runTimeNs;
  const wallNs = (b.atMs - a.atMs) * 1e6;
  if (runs <= 0 || ns <= 0 || wallNs <= 0) return null;
  return { nsPerEvent: ns / runs, cpuPct: (100 * ns) / wallNs };
}

function compactRate(n: number): string {
  if (n < 1000) return `${Math.round(n)}`;
  if (n < 1e6) return `${(n / 1000).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

/** Samples the tracer's cost each interval and says it in a few words for the status line. */
export class ProbeMeter {
  private last: BpfReading | null = null;
  private eventsPerS: number | null = null;
  private effect: { nsPerEvent: number; cpuPct: number } | null = null;
  private stats: boolean | null = null;

  constructor(private readonly live: boolean) {}

  /** One interval's events arrived (`intervalMs` long). */
  sample(events: number, intervalMs: number): void {
    if (intervalMs > 0) this.eventsPerS = (events * 1000) / intervalMs;
    if (!this.live) return;
    this.stats = bpfStatsEnabled();
    if (!this.stats) return;
    const sum = sumPrograms(readBpfPrograms(tracerPids(process.pid)));
    if (sum.programs === 0) return;
    const now: BpfReading = { runTimeNs: sum.runTimeNs, runCnt: sum.runCnt, atMs: Date.now() };
    if (this.last) this.effect = probeEffect(this.last, now) ?? this.effect;
    this.last = now;
  }

  /** "12.3k ev/s BPF 402 ns/ev (201 ns/run) 0.25% CPU", or just the rate when the kernel keeps no stats. */
  text(): string | null {
    if (this.eventsPerS === null) return null;
    const parts = [`${compactRate(this.eventsPerS)} ev/s`];
    if (this.effect) {
      // Per event drawn, not per program run: a latency event costs an entry and an exit run.
      const perEvent = this.eventsPerS > 0 ? (this.effect.cpuPct / 100) * 1e9 / this.eventsPerS : null;
      parts.push(`BPF ${perEvent === null ? '-' : Math.round(perEvent)} ns/ev (${Math.round(this.effect.nsPerEvent)} ns/run) ${this.effect.cpuPct.toFixed(2)}% CPU`);
    }
    else if (this.live && this.stats === false) parts.push('BPF cost: sysctl kernel.bpf_stats_enabled=1');
    return parts.join(' ');
  }
}
