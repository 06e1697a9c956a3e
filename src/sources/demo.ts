//! The demo source (--demo): synthetic syscall latency, one Snapshot per interval, so the heatmap
//! can be tried without root or a tracer. Deterministic for a seed: demoSnapshot() is pure.

import { llquantizeIndexOf, llquantizeLayout } from '../model/buckets';
import type { Bucket, Snapshot } from '../model/snapshot';
import type { Emit, Source, SourceInfo } from './source';

/** What the demo needs: the seed makes runs repeatable, intervalMs sets the pace and the counts. */
export interface DemoOptions {
  seed: number;
  intervalMs: number;
}

/** The aggregation the demo fills, as a D script would name it. */
export const DEMO_AGGREGATION = 'syscall';

/** The histogram: llquantize(latency_ns, 2, 0, 40, 8), i.e. four buckets per power of two. */
export const DEMO_LLQUANTIZE = { factor: 2, low: 0, high: 40, nsteps: 8 } as const;

/**
 * One syscall's behaviour: a fast path (cached, no wait) and a slow path (blocked), each
 * log-normal around a median, with the slow share and the medians drifting over `periodIntervals`.
 */
interface Profile {
  name: string;
  perSecond: number;
  fastNs: number;
  slowNs: number;
  slowShare: number;
  periodIntervals: number;
}

const PROFILES: readonly Profile[] = [
  { name: 'read', perSecond: 1200, fastNs: 1_500, slowNs: 180_000, slowShare: 0.08, periodIntervals: 90 },
  { name: 'write', perSecond: 800, fastNs: 3_000, slowNs: 60_000, slowShare: 0.05, periodIntervals: 120 },
  { name: 'futex', perSecond: 900, fastNs: 900, slowNs: 2_000_000, slowShare: 0.3, periodIntervals: 70 },
  { name: 'epoll_wait', perSecond: 400, fastNs: 2_000, slowNs: 9_000_000, slowShare: 0.6, periodIntervals: 150 },
  { name: 'recvfrom', perSecond: 300, fastNs: 2_500, slowNs: 400_000, slowShare: 0.1, periodIntervals: 110 },
  { name: 'sendto', perSecond: 250, fastNs: 6_000, slowNs: 90_000, slowShare: 0.04, periodIntervals: 95 },
  { name: 'close', perSecond: 200, fastNs: 700, slowNs: 25_000, slowShare: 0.02, periodIntervals: 130 },
  { name: 'openat', perSecond: 150, fastNs: 5_000, slowNs: 150_000, slowShare: 0.05, periodIntervals: 80 },
  { name: 'ioctl', perSecond: 120, fastNs: 1_200, slowNs: 50_000, slowShare: 0.1, periodIntervals: 100 },
  { name: 'clock_nanosleep', perSecond: 100, fastNs: 55_000, slowNs: 1_050_000, slowShare: 0.75, periodIntervals: 200 },
  { name: 'poll', perSecond: 80, fastNs: 1_800, slowNs: 5_000_000, slowShare: 0.5, periodIntervals: 140 },
  { name: 'mmap', perSecond: 60, fastNs: 4_000, slowNs: 40_000, slowShare: 0.1, periodIntervals: 160 },
];

/** Bursts last this many intervals; a key is in one with BURST_CHANCE per window. */
const BURST_INTERVALS = 6;
const BURST_CHANCE = 0.06;
/** One event in this many is an outlier of 0.3–3 s (a page fault storm, a stalled disk). */
const OUTLIER_ONE_IN = 40_000;
/** Keeps a huge --interval from generating millions of samples per tick. */
const MAX_EVENTS_PER_KEY = 100_000;

/** A small seeded PRNG (mulberry32): uniform floats in [0, 1), the same sequence for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes integers into one 32-bit seed, so each (seed, interval, key) gets its own stream. */
function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    for (const word of [p >>> 0, Math.floor(p / 4294967296) >>> 0]) {
      h = Math.imul(h ^ word, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

function logNormal(rng: () => number, median: number, sigma: number): number {
  const u1 = 1 - rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
  return median * Math.exp(sigma * z);
}

function inBurst(seed: number, keyIndex: number, intervalIndex: number): boolean {
  const window = Math.floor(intervalIndex / BURST_INTERVALS);
  return hash32(seed, 0xb0057, keyIndex, window) / 4294967296 < BURST_CHANCE;
}

function keyBuckets(opts: DemoOptions, keyIndex: number, intervalIndex: number, fraction: number): Bucket[] {
  const p = PROFILES[keyIndex];
  const rng = mulberry32(hash32(opts.seed, intervalIndex, keyIndex));
  const phase = (hash32(opts.seed, 0xfa5e, keyIndex) / 4294967296) * 2 * Math.PI;
  const drift = Math.sin((2 * Math.PI * intervalIndex) / p.periodIntervals + phase);
  const slowDrift = Math.sin((2 * Math.PI * intervalIndex) / (p.periodIntervals * 1.7) + 2 * phase);
  const burst = inBurst(opts.seed, keyIndex, intervalIndex);
  const fastNs = p.fastNs * Math.exp(0.35 * drift);
  const slowNs = p.slowNs * Math.exp(0.5 * slowDrift) * (burst ? 3 : 1);
  const slowShare = Math.min(0.95, p.slowShare * (1 + 0.5 * drift) + (burst ? 0.25 : 0));
  const expected = p.perSecond * (opts.intervalMs / 1000) * fraction * (burst ? 3 : 1) * (0.9 + 0.2 * rng());
  const events = Math.min(MAX_EVENTS_PER_KEY, Math.round(expected));

  const layout = llquantizeLayout(DEMO_LLQUANTIZE);
  const counts = new Array<number>(layout.length).fill(0);
  for (let e = 0; e < events; e++) {
    let ns: number;
    if (rng() * OUTLIER_ONE_IN < 1) ns = 3e8 * 10 ** rng();
    else if (rng() < slowShare) ns = logNormal(rng, slowNs, 0.6);
    else ns = logNormal(rng, fastNs, 0.35);
    counts[llquantizeIndexOf(Math.max(1, Math.round(ns)), DEMO_LLQUANTIZE)]++;
  }
  const out: Bucket[] = [];
  counts.forEach((count, i) => {
    if (count > 0) out.push({ lo: layout[i].lo, hi: layout[i].hi, count });
  });
  return out;
}

/**
 * The demo's interval `intervalIndex` (0-based), a pure function of the options: t is the
 * interval's nominal end. `fraction` < 1 makes a partial interval (the last one, on stop).
 */
export function demoSnapshot(opts: DemoOptions, intervalIndex: number, fraction = 1): Snapshot {
  const keys: Record<string, Bucket[]> = {};
  let anyBurst = false;
  PROFILES.forEach((p, k) => {
    const buckets = keyBuckets(opts, k, intervalIndex, fraction);
    if (buckets.length > 0) keys[p.name] = buckets;
    anyBurst ||= inBurst(opts.seed, k, intervalIndex);
  });
  // A burst sometimes overruns the (imaginary) perf buffer, as real ones do.
  const lostRoll = hash32(opts.seed, 0x1057, intervalIndex) / 4294967296;
  const lost = anyBurst && lostRoll < 0.08 ? 1 + Math.floor(lostRoll * 900) : 0;
  return {
    t: Math.round((intervalIndex + fraction) * opts.intervalMs),
    aggregations: { [DEMO_AGGREGATION]: { kind: 'llquantize', unit: 'ns', keys } },
    lost,
  };
}

/** Emits demoSnapshot(i) every intervalMs, on a timer aligned to the start (no drift). */
export class DemoSource implements Source {
  readonly info: SourceInfo;
  private emit: Emit | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startedAtMs = 0;
  private index = 0;
  private stopped = false;

  constructor(private readonly opts: DemoOptions) {
    this.info = { engine: 'demo', title: 'syscall latency (demo)', detail: { seed: opts.seed } };
  }

  /** Starts the interval timer; resolves at once (nothing to attach). */
  async start(emit: Emit): Promise<void> {
    if (this.emit !== null) throw new Error('DemoSource started twice');
    this.emit = emit;
    this.startedAtMs = performance.now();
    this.schedule();
  }

  /** Stops the timer and emits the partial interval since the last tick; later calls do nothing. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.emit === null) return;
    const partialMs = performance.now() - this.startedAtMs - this.index * this.opts.intervalMs;
    if (partialMs >= 1) {
      this.emit({ type: 'snapshot', snapshot: demoSnapshot(this.opts, this.index, Math.min(1, partialMs / this.opts.intervalMs)) });
    }
  }

  private schedule(): void {
    const dueMs = this.startedAtMs + (this.index + 1) * this.opts.intervalMs;
    this.timer = setTimeout(() => this.tick(), Math.max(0, dueMs - performance.now()));
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped || this.emit === null) return;
    const snapshot = demoSnapshot(this.opts, this.index);
    this.index++;
    this.emit({ type: 'snapshot', snapshot });
    if (!this.stopped) this.schedule();
  }
}
