//! The native eBPF engine's pure half: what each preset's BPF object counts, and how the rows the
//! loader reads (cumulative counts by key and bucket index) become per-interval Snapshots.
//! src/sources/ebpf.ts does the I/O; this file runs everywhere, root or not.

import { CumulativeDeltas } from '../model/deltas';
import { llquantizeBucketByIndex, type LlquantizeSpec } from '../model/buckets';
import type { Aggregation, Bucket, Snapshot } from '../model/snapshot';
import { PRESET_LLQUANTIZE } from './presets';
import { syscallLabel } from './syscall-names';

/** Sizes compiled into the BPF programs (src/native/ebpf/heat-layout.h); the addon reports its own. */
export const EBPF_LAYOUT = { maxKeys: 512, buckets: 141 } as const;

/** What one read of the BPF maps gives: cumulative counts since load, summed over CPUs. */
export interface EbpfRows {
  /** Keys that have counted, ascending; row i of `counts` belongs to keys[i]. */
  keys: readonly number[];
  /** For presets with raw keys (a dev_t), what keys[i] stands for; 0 while not yet known. */
  rawKeys?: readonly number[];
  /** keys.length rows of `buckets` counts each, row-major. */
  counts: ArrayLike<number>;
  /** Events dropped since load (a key out of range, a failed allocation). */
  lost: number;
}

/** A built-in preset the native engine runs: its BPF object and how to read what it counts. */
export interface EbpfPreset {
  /** The preset name (`--preset syscall`). */
  name: string;
  /** The BPF object built by src/native/ebpf/binding.gyp. */
  object: string;
  title: string;
  /** The aggregation name in Snapshots, the same as the bpftrace preset's. */
  aggregation: string;
  kind: 'llquantize';
  unit: 'ns';
  /** The bucket layout: index i of a row is bucket i of this spec's layout. */
  spec: LlquantizeSpec;
  /**
   * The label of row `key` (a syscall number, or an index standing for `raw`), or null when the
   * row cannot be named yet (its raw key not yet visible): its counts wait for the next read.
   */
  keyLabel(key: number, raw: number, names: KeyNames): string | null;
}

/** Names the pure code cannot look up itself (ebpf.ts asks the system). */
export interface KeyNames {
  /** A disk's name ("vda") from its major and minor numbers. */
  blockDevName?(major: number, minor: number): string | undefined;
}

/** A kernel dev_t (major << 20 | minor, as block tracepoints give it) as a disk name or "major:minor". */
export function blockDevLabel(dev: number, names: KeyNames): string {
  const major = Math.floor(dev / 2 ** 20);
  const minor = dev % 2 ** 20;
  return names.blockDevName?.(major, minor) ?? `${major}:${minor}`;
}

/** llquantize(ns, 2, 0, 35, 8), 141 buckets: the layout the bpftrace presets compute too. */
export const SYSCALL_LLQUANTIZE: LlquantizeSpec = {
  factor: PRESET_LLQUANTIZE.factor,
  low: PRESET_LLQUANTIZE.low,
  high: PRESET_LLQUANTIZE.high,
  nsteps: PRESET_LLQUANTIZE.nsteps,
};

const LAYOUT = { kind: 'llquantize', unit: 'ns', spec: SYSCALL_LLQUANTIZE } as const;

/** The presets with a native program, by name; names, titles and layout as in presets.ts. */
export const EBPF_PRESETS: Readonly<Record<string, EbpfPreset>> = {
  syscall: { name: 'syscall', object: 'syscall.bpf.o', title: 'syscall latency', aggregation: 'syscall', ...LAYOUT, keyLabel: (nr) => syscallLabel(nr) },
  io: { name: 'io', object: 'io.bpf.o', title: 'block I/O latency', aggregation: 'io', ...LAYOUT, keyLabel: (_, dev, names) => (dev === 0 ? null : blockDevLabel(dev, names)) },
  runq: { name: 'runq', object: 'runq.bpf.o', title: 'run queue latency', aggregation: 'runq', ...LAYOUT, keyLabel: () => '' },
};

/**
 * The cumulative Snapshot for one read: each key's nonzero counts as buckets of the preset's
 * layout. Two keys with the same label (cannot happen for syscalls) would have their counts summed.
 */
export function cumulativeSnapshot(rows: EbpfRows, preset: EbpfPreset, tMs: number, names: KeyNames = {}, buckets = EBPF_LAYOUT.buckets): Snapshot {
  const keys: Record<string, Bucket[]> = {};
  for (let i = 0; i < rows.keys.length; i++) {
    const label = preset.keyLabel(rows.keys[i], rows.rawKeys?.[i] ?? 0, names);
    if (label === null) continue;
    const merging = keys[label] !== undefined;
    const out = keys[label] ?? (keys[label] = []);
    for (let b = 0; b < buckets; b++) {
      const count = rows.counts[i * buckets + b];
      if (!count) continue;
      const bounds = llquantizeBucketByIndex(b, preset.spec);
      if (bounds === null) throw new RangeError(`bucket index ${b} is outside llquantize(${Object.values(preset.spec).join(', ')})`);
      const same = merging ? out.find((x) => x.lo === bounds.lo && x.hi === bounds.hi) : undefined;
      if (same) same.count += count;
      else out.push({ lo: bounds.lo, hi: bounds.hi, count });
    }
    if (merging) out.sort((x, y) => (x.lo ?? -Infinity) - (y.lo ?? -Infinity));
  }
  const agg: Aggregation = { kind: preset.kind, unit: preset.unit, keys };
  return { t: tMs, aggregations: { [preset.aggregation]: agg }, lost: rows.lost };
}

/**
 * Turns successive cumulative reads into per-interval Snapshots: bucket deltas through
 * CumulativeDeltas, and the lost counter's delta.
 */
export class EbpfIntervals {
  private readonly deltas = new CumulativeDeltas();
  private lostBefore = 0;

  constructor(
    private readonly preset: EbpfPreset,
    private readonly names: KeyNames = {},
    private readonly buckets = EBPF_LAYOUT.buckets,
  ) {}

  /** The Snapshot of the interval that ends with this read, at `tMs` since the start. */
  next(rows: EbpfRows, tMs: number): Snapshot {
    const snap = this.deltas.next(cumulativeSnapshot(rows, this.preset, tMs, this.names, this.buckets));
    const lost = Math.max(0, rows.lost - this.lostBefore);
    this.lostBefore = rows.lost;
    return { ...snap, lost };
  }
}
