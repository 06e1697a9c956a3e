//! Turns libdtrace aggwalk records (the addon's shape, the same for both ABIs) into one Snapshot
//! per interval: quantize/lquantize/llquantize become half-open buckets; count/sum/min/max/avg/
//! stddev become scalar values that are reported (end-of-run summary) but never drawn. Pure.
//!
//! The two ABIs differ in time, not in shape: a classic walk removes what it walked, so its
//! records are one interval's; Oracle's records are totals since tracing began, so histograms go
//! through `CumulativeDeltas` and scalars through the differences below.

import { fromInclusive, normalizeBuckets } from '../model/buckets';
import { CumulativeDeltas } from '../model/deltas';
import { KEY_SEPARATOR, type Aggregation, type BucketKind, type Snapshot, type Unit } from '../model/snapshot';

export type AggKindName = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stddev' | 'quantize' | 'lquantize' | 'llquantize' | 'unknown';

/** One non-zero bin as libdtrace labels it: inclusive [min, max] (null = open end) and its count. */
export type InclusiveBucket = [[number | null, number | null], number];

/** One aggregation element from the addon's aggwalk(). */
export interface AggwalkRecord {
  id: number;
  /** As libdtrace names it: without '@'; Oracle calls a bare '@' "_". */
  name: string;
  kind: AggKindName;
  /** Key parts: numbers for integers, strings for strings, symbols and (folded) stacks. */
  key: Array<string | number>;
  /** count/sum/min/max/avg/stddev; null for histograms. */
  value: number | null;
  /** Histograms only: non-zero bins, ascending. */
  buckets: InclusiveBucket[] | null;
  /** avg/stddev: the number of events and their sum. */
  count?: number;
  total?: number;
  /** lquantize: base, step, levels; llquantize: factor, low, high, steps. */
  params: number[];
}

/** A count/sum/min/max/avg/stddev value, keyed like a histogram key. */
export interface ScalarValue {
  name: string;
  kind: AggKindName;
  key: string;
  value: number;
  /** True when the value covers the whole run, not the interval (min/max/stddev on Oracle). */
  sinceStart: boolean;
}

export interface LibdtraceInterval {
  snapshot: Snapshot;
  values: ScalarValue[];
}

const HISTOGRAMS: Partial<Record<AggKindName, BucketKind>> = { quantize: 'quantize', lquantize: 'lquantize', llquantize: 'llquantize' };

/** The Snapshot name of a libdtrace aggregation: no '@', and "" for the bare '@' (Oracle's "_"). */
export function aggregationName(raw: string): string {
  const name = raw.startsWith('@') ? raw.slice(1) : raw;
  return name === '_' ? '' : name;
}

/** A composite key as Snapshot keys are written: parts joined with ", ", "" for no key. */
export function keyText(key: ReadonlyArray<string | number>): string {
  return key.map(String).join(KEY_SEPARATOR);
}

/** One walk's records as they are (no differences taken): histograms and scalar values. */
export function recordsToSnapshot(records: readonly AggwalkRecord[], tMs: number, lost: number, units: Record<string, Unit | null> = {}): LibdtraceInterval {
  const aggregations: Record<string, Aggregation> = {};
  const values: ScalarValue[] = [];
  for (const rec of records) {
    const name = aggregationName(rec.name);
    const kind = HISTOGRAMS[rec.kind];
    if (kind !== undefined) {
      const agg = (aggregations[name] ??= { kind, unit: units[name] ?? null, keys: {} });
      const buckets = normalizeBuckets((rec.buckets ?? []).map(([[min, max], count]) => fromInclusive(min, max, count)));
      if (buckets.length > 0) agg.keys[keyText(rec.key)] = buckets;
    } else if (rec.kind !== 'unknown' && rec.value !== null) {
      values.push({ name, kind: rec.kind, key: keyText(rec.key), value: rec.value, sinceStart: false });
    }
  }
  return { snapshot: { t: tMs, aggregations, lost }, values };
}

interface ScalarTotal {
  name: string;
  kind: AggKindName;
  key: string;
  value: number;
  count: number;
  total: number;
}

/**
 * Successive walks to per-interval Snapshots, for either ABI (`cumulative` from the addon), and
 * the scalar totals since the start for the end-of-run summary.
 */
export class LibdtraceIntervals {
  private readonly deltas = new CumulativeDeltas();
  private readonly totals = new Map<string, ScalarTotal>();
  /** Histograms seen so far: a classic walk of an idle interval lists none, yet they exist. */
  private readonly seen = new Map<string, Aggregation>();

  constructor(private readonly opts: { cumulative: boolean; units?: Record<string, Unit | null> }) {}

  /** The interval ending at `tMs` from one walk's records; `lost` is this interval's drops. */
  next(records: readonly AggwalkRecord[], tMs: number, lost: number): LibdtraceInterval {
    const raw = recordsToSnapshot(records, tMs, lost, this.opts.units);
    for (const [name, agg] of Object.entries(raw.snapshot.aggregations)) this.seen.set(name, agg);
    if (!this.opts.cumulative) {
      for (const rec of records) this.addInterval(rec);
      for (const [name, agg] of this.seen) raw.snapshot.aggregations[name] ??= { kind: agg.kind, unit: agg.unit, keys: {} };
      return raw;
    }
    const values: ScalarValue[] = [];
    for (const rec of records) {
      const v = this.replaceTotal(rec);
      if (v) values.push(v);
    }
    return { snapshot: this.deltas.next(raw.snapshot), values };
  }

  /** count/sum/min/max/avg/stddev over the whole run, in walk order. */
  summary(): ScalarValue[] {
    return [...this.totals.values()].map((t) => ({ name: t.name, kind: t.kind, key: t.key, value: t.value, sinceStart: true }));
  }

  private static id(rec: AggwalkRecord): string {
    return `${rec.name}\u0000${keyText(rec.key)}`;
  }

  /** Classic: fold one interval's value into the run's total. */
  private addInterval(rec: AggwalkRecord): void {
    if (HISTOGRAMS[rec.kind] !== undefined || rec.kind === 'unknown' || rec.value === null) return;
    const id = LibdtraceIntervals.id(rec);
    const have = this.totals.get(id);
    const count = rec.count ?? 0;
    const total = rec.total ?? 0;
    if (!have) {
      this.totals.set(id, { name: aggregationName(rec.name), kind: rec.kind, key: keyText(rec.key), value: rec.value, count, total });
      return;
    }
    have.count += count;
    have.total += total;
    if (rec.kind === 'count' || rec.kind === 'sum') have.value += rec.value;
    else if (rec.kind === 'min') have.value = Math.min(have.value, rec.value);
    else if (rec.kind === 'max') have.value = Math.max(have.value, rec.value);
    else if (rec.kind === 'avg') have.value = have.count === 0 ? 0 : have.total / have.count;
    // stddev needs the sums of squares the walk does not hand over: the total keeps the latest
    // interval's value, which is the best this side can say.
    else have.value = rec.value;
  }

  /** Oracle: the record is the run's total; this interval's value is its difference, if any. */
  private replaceTotal(rec: AggwalkRecord): ScalarValue | null {
    if (HISTOGRAMS[rec.kind] !== undefined || rec.kind === 'unknown' || rec.value === null) return null;
    const id = LibdtraceIntervals.id(rec);
    const before = this.totals.get(id);
    const now: ScalarTotal = { name: aggregationName(rec.name), kind: rec.kind, key: keyText(rec.key), value: rec.value, count: rec.count ?? 0, total: rec.total ?? 0 };
    this.totals.set(id, now);
    const base = { name: now.name, kind: now.kind, key: now.key };
    switch (rec.kind) {
      case 'count':
      case 'sum': {
        // A total that went down was cleared by the script: all of it is this interval's.
        const delta = before && now.value >= before.value ? now.value - before.value : now.value;
        return delta === 0 ? null : { ...base, value: delta, sinceStart: false };
      }
      case 'avg': {
        const reset = !before || now.count < before.count;
        const n = reset ? now.count : now.count - before.count;
        const sum = reset ? now.total : now.total - before.total;
        return n === 0 ? null : { ...base, value: sum / n, sinceStart: false };
      }
      default:
        return { ...base, value: now.value, sinceStart: true };
    }
  }
}

/** The end-of-run summary of scalar aggregations, one line each: "@n: 1412", "@a[read]: 6.52 (avg)". */
export function formatScalarSummary(values: readonly ScalarValue[]): string {
  const lines = values.map((v) => {
    const name = `@${v.name}${v.key === '' ? '' : `[${v.key}]`}`;
    const shown = Number.isInteger(v.value) ? String(v.value) : v.value.toFixed(2);
    return `${name}: ${shown}${v.kind === 'count' || v.kind === 'sum' ? '' : ` (${v.kind})`}`;
  });
  return lines.join('\n');
}
