//! A tracing program ready to run on bpftrace, with what the engine needs to read its output:
//! built from a preset, a user's .bt script, or the D front end's translation.

import type { Diagnostic } from '../errors';
import type { BucketKind, Unit } from '../model/snapshot';

/**
 * How one map key part is turned into text for display and recordings: 'syscall' names a syscall
 * number; 'blockdev' names a kernel dev_t (major << 20 | minor, as block tracepoints give it) "vda".
 */
export type KeyPartDecoder = 'plain' | 'syscall' | 'blockdev';

/** What the engine needs to know about one aggregation of the program. */
export interface AggregationPlan {
  /** Name as shown and recorded, without '@' ("time", "" for a bare '@'). */
  name: string;
  /** The bpftrace map that holds it ("@time"). */
  map: string;
  kind: BucketKind;
  unit: Unit | null;
  /** Decoders per key part; missing entries are 'plain'. */
  keyDecoders?: KeyPartDecoder[];
  /**
   * Set when the histogram is computed in the program because bpftrace has no equivalent
   * (llquantize on bpftrace 0.17): the map is a count() keyed by [...keys, bucketIndex],
   * and the engine rebuilds the buckets with `model/buckets.ts`.
   */
  emulated?: { kind: 'llquantize'; factor: number; low: number; high: number; nsteps: number };
  /** lquantize/lhist parameters, when known, so bounds can be checked and labelled. */
  linear?: { low: number; high: number; step: number };
}

export interface ProgramPlan {
  /** The bpftrace program text to run (the tool adds its own interval printing to it). */
  program: string;
  /** Where it came from, for the title, errors and the recording header. */
  origin: { kind: 'preset' | 'bt' | 'd'; file?: string; preset?: string };
  /** For the title: "syscall latency". */
  title: string;
  /**
   * Aggregations the plan knows about, by map name ("@time"). A user's .bt script may have
   * histograms the plan does not list: the engine reports them with kind from the output.
   */
  aggregations: Record<string, AggregationPlan>;
  /** Warnings from building the plan (ignored pragmas, assumed units). */
  warnings: Diagnostic[];
  /** True when the program calls exit() itself (so the tool ends when it does). */
  exits?: boolean;
}
