//! Snapshot streams for the benchmarks: the same snapshot every tick, a stable distribution sampled
//! afresh each tick (what a steady production system looks like), and a worst case that fills
//! every latency row. Deterministic: the same figures on every run.

import { llquantizeIndexOf, llquantizeLayout } from '../src/model/buckets';
import type { Bucket, Snapshot } from '../src/model/snapshot';
import { DEMO_LLQUANTIZE, demoSnapshot, mulberry32 } from '../src/sources/demo';

export type Workload = (tick: number) => Snapshot;

/** The demo's first interval, every tick (only t moves). */
export function sameSnapshot(intervalMs: number): Workload {
  const s = demoSnapshot({ seed: 1, intervalMs }, 0);
  return (tick) => ({ ...s, t: (tick + 1) * intervalMs });
}

/** Keys with a fast and a slow log-normal mode; the mix never drifts. */
const MODES: ReadonlyArray<{ key: string; events: number; fastNs: number; slowNs: number; slowShare: number }> = [
  { key: 'read', events: 1200, fastNs: 1_500, slowNs: 180_000, slowShare: 0.08 },
  { key: 'write', events: 800, fastNs: 3_000, slowNs: 60_000, slowShare: 0.05 },
  { key: 'futex', events: 900, fastNs: 900, slowNs: 2_000_000, slowShare: 0.3 },
  { key: 'epoll_wait', events: 400, fastNs: 2_000, slowNs: 9_000_000, slowShare: 0.6 },
  { key: 'recvfrom', events: 300, fastNs: 2_500, slowNs: 400_000, slowShare: 0.1 },
];

function logNormal(rng: () => number, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return median * Math.exp(sigma * z);
}

/**
 * A stable distribution, sampled afresh each tick: every column differs by sampling noise
 * (as real ones do), the distribution and its range do not move.
 */
export function stableDistribution(intervalMs: number, seed = 7): Workload {
  const layout = llquantizeLayout(DEMO_LLQUANTIZE);
  return (tick) => {
    const rng = mulberry32(seed * 1_000_003 + tick);
    const keys: Record<string, Bucket[]> = {};
    for (const m of MODES) {
      const counts = new Array<number>(layout.length).fill(0);
      for (let e = 0; e < m.events; e++) {
        const ns = rng() < m.slowShare ? logNormal(rng, m.slowNs, 0.5) : logNormal(rng, m.fastNs, 0.3);
        counts[llquantizeIndexOf(Math.max(1, Math.round(ns)), DEMO_LLQUANTIZE)]++;
      }
      keys[m.key] = [];
      counts.forEach((count, i) => {
        if (count > 0) keys[m.key].push({ lo: layout[i].lo, hi: layout[i].hi, count });
      });
    }
    return { t: (tick + 1) * intervalMs, lost: 0, aggregations: { syscall: { kind: 'llquantize', unit: 'ns', keys } } };
  };
}

/** Buckets a quarter octave wide from 64 ns to 1 s, every one non-empty: every cell is coloured. */
export function everyRow(intervalMs: number): Workload {
  const layout = llquantizeLayout(DEMO_LLQUANTIZE).filter((b) => b.lo !== null && b.hi !== null && b.lo >= 64 && b.hi <= 2 ** 30);
  return (tick) => {
    const rng = mulberry32(tick + 1);
    const buckets: Bucket[] = layout.map((b) => ({ lo: b.lo, hi: b.hi, count: 1 + Math.floor(rng() * 1000) }));
    return { t: (tick + 1) * intervalMs, lost: 0, aggregations: { syscall: { kind: 'llquantize', unit: 'ns', keys: { all: buckets } } } };
  };
}
