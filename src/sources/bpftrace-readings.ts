//! What bpftrace has printed so far, as one cumulative Snapshot: the latest printed value of each
//! histogram map (hist/lhist, or a count() map that emulates llquantize), with keys decoded.
//! Pure; the bpftrace source feeds it parsed lines and asks for a snapshot at every interval
//! marker, then turns cumulative counts into per-interval ones with `model/deltas.ts`.
//!
//! Why "latest value wins": the tool prints the maps every interval without clearing them, so
//! every print is a complete cumulative reading. A map that was not printed in an interval (0.17
//! prints nothing for an empty map, a lost output event) keeps its previous reading: no key
//! disappears and reappears to be counted twice. The final dump at exit is just a later reading.

import { fromBpftraceBuckets, llquantizeBucketByIndex, normalizeBuckets, type BpftraceJsonBucket } from '../model/buckets';
import { KEY_SEPARATOR, type Aggregation, type Bucket, type BucketKind, type Snapshot } from '../model/snapshot';
import type { BpftraceMessage } from './bpftrace-json';
import { aggregationName, numberOf, splitKey } from './bpftrace-json';
import type { AggregationPlan, KeyPartDecoder, ProgramPlan } from './program-plan';
import { syscallLabel } from './syscall-names';

export interface ReadingsOptions {
  /** Syscall table for 'syscall' keys; default: this machine's. */
  arch?: string;
  /** Disk name of a block device, for 'blockdev' keys; default: "major:minor". */
  blockDevName?: (major: number, minor: number) => string | undefined;
}

type Reading = { type: 'hist'; keys: Record<string, BpftraceJsonBucket[]> } | { type: 'map'; keys: Record<string, unknown> };

export class BpftraceReadings {
  private readonly latest = new Map<string, Reading>();
  private lostSinceSnapshot = 0;
  private lostTotal = 0;
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly plan: ProgramPlan,
    private readonly opts: ReadingsOptions = {},
  ) {}

  /** Takes one parsed line into account; ignores what is not a map reading or a loss report. */
  accept(msg: BpftraceMessage): void {
    if (msg.type === 'hist') this.latest.set(msg.map, { type: 'hist', keys: msg.keys });
    else if (msg.type === 'map' && this.plan.aggregations[msg.map]?.emulated) this.latest.set(msg.map, { type: 'map', keys: msg.keys });
    else if (msg.type === 'lost_events') {
      this.lostSinceSnapshot += msg.events;
      this.lostTotal += msg.events;
    }
  }

  /** Events bpftrace reported lost since it started. */
  get lost(): number {
    return this.lostTotal;
  }

  /** True once any histogram reading arrived. */
  get hasData(): boolean {
    return this.latest.size > 0;
  }

  /** The cumulative snapshot of everything read so far; `lost` counts the losses since the last call. */
  snapshot(tMs: number): Snapshot {
    const aggregations: Record<string, Aggregation> = {};
    for (const [map, reading] of this.latest) {
      const plan = this.plan.aggregations[map];
      const agg = reading.type === 'hist' ? this.fromHist(reading.keys, plan) : this.fromEmulated(reading.keys, plan);
      if (agg) aggregations[plan?.name ?? aggregationName(map)] = agg;
    }
    const lost = this.lostSinceSnapshot;
    this.lostSinceSnapshot = 0;
    return { t: tMs, aggregations, lost };
  }

  private fromHist(keys: Record<string, BpftraceJsonBucket[]>, plan: AggregationPlan | undefined): Aggregation {
    // The plan's kind is what the script asked for (a D quantize runs as hist, lquantize as lhist).
    const kind: BucketKind = plan && plan.kind !== 'llquantize' ? plan.kind : guessHistKind(keys);
    const linear = kind === 'lhist' || kind === 'lquantize';
    const byKey = new Map<string, Bucket[][]>();
    for (const [key, entries] of Object.entries(keys)) {
      // 0.17 files every value >= 2^31 in one top bucket printed as {min: -2^31, max: 0}:
      // detected and corrected to [2^31, +inf) here. The presets avoid hist() altogether.
      const buckets = fromBpftraceBuckets(linear ? 'lhist' : 'hist', entries, plan?.linear);
      push(byKey, this.label(key, plan?.keyDecoders), buckets);
    }
    return { kind, unit: plan?.unit ?? null, keys: merged(byKey) };
  }

  /** A count() map keyed by [...keys, bucket index] back into llquantize buckets. */
  private fromEmulated(keys: Record<string, unknown>, plan: AggregationPlan | undefined): Aggregation | null {
    if (!plan?.emulated) return null;
    const byKey = new Map<string, Bucket[][]>();
    for (const [fullKey, value] of Object.entries(keys)) {
      const count = numberOf(value);
      const comma = fullKey.lastIndexOf(',');
      const index = Number(comma < 0 ? fullKey : fullKey.slice(comma + 1));
      const bounds = llquantizeBucketByIndex(index, plan.emulated);
      if (count === null || bounds === null) continue;
      push(byKey, this.label(comma < 0 ? '' : fullKey.slice(0, comma), plan.keyDecoders), [{ ...bounds, count }]);
    }
    return { kind: plan.emulated.kind, unit: plan.unit, keys: merged(byKey) };
  }

  /** A bpftrace key as we show it: parts decoded, joined by ", ". Cached: keys repeat every interval. */
  private label(key: string, decoders: KeyPartDecoder[] | undefined): string {
    const id = `${decoders?.join('/') ?? ''}\u0000${key}`;
    let label = this.labels.get(id);
    if (label === undefined) {
      const parts = splitKey(key, decoders?.length);
      label = parts.map((p, i) => decodePart(p, decoders?.[i] ?? 'plain', this.opts)).join(KEY_SEPARATOR);
      if (this.labels.size > 100_000) this.labels.clear();
      this.labels.set(id, label);
    }
    return label;
  }
}

function push(byKey: Map<string, Bucket[][]>, key: string, buckets: Bucket[]): void {
  const lists = byKey.get(key);
  if (lists) lists.push(buckets);
  else byKey.set(key, [buckets]);
}

/** Keys whose labels collide (two unknown numbers never do; a decoder might) are summed. */
function merged(byKey: Map<string, Bucket[][]>): Record<string, Bucket[]> {
  const keys: Record<string, Bucket[]> = {};
  for (const [key, lists] of byKey) {
    const buckets = normalizeBuckets(lists.flat());
    if (buckets.length > 0) keys[key] = buckets;
  }
  return keys;
}

function decodePart(part: string, decoder: KeyPartDecoder, opts: ReadingsOptions): string {
  const text = part.replace(/^"(.*)"$/, '$1');
  if (decoder === 'plain' || !/^-?\d+$/.test(text)) return text;
  const n = Number(text);
  if (decoder === 'syscall') return syscallLabel(n, opts.arch);
  if (n < 0) return text;
  const major = Math.floor(n / 2 ** 20);
  const minor = n % 2 ** 20;
  return opts.blockDevName?.(major, minor) ?? `${major}:${minor}`;
}

/**
 * hist or lhist, from the bucket edges alone (bpftrace prints both as "hist"): log2 edges are
 * [0,0], [1,1], [2^k, 2^(k+1)−1] (and 0.17's mangled top {min: −2^31, max: 0}); an overflow bucket
 * with a min but no max only exists in lhist. Only labels depend on the answer, never the bounds.
 */
export function guessHistKind(keys: Record<string, BpftraceJsonBucket[]>): 'hist' | 'lhist' {
  for (const entries of Object.values(keys)) {
    for (const e of entries) {
      if (e.min === undefined) continue;
      if (e.max === undefined) return 'lhist';
      if (e.min === -(2 ** 31) && e.max === 0) continue;
      const log2Shaped = (e.min === 0 && e.max === 0) || (e.min >= 1 && Number.isInteger(Math.log2(e.min)) && e.max === e.min * 2 - 1);
      if (!log2Shaped) return 'lhist';
    }
  }
  return 'hist';
}
