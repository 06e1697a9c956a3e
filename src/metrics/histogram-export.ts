//! The Prometheus exposition of what a run traces: Snapshots in (per-interval counts), cumulative
//! histograms out, one metric per aggregation, formatted by prom-client's Registry. Pure apart from
//! the clock; metrics-export.ts serves it over HTTP.
//!
//! - Name: `heat_tracer_<aggregation>_seconds` when the unit is known (bounds converted to seconds),
//!   `heat_tracer_<aggregation>_value` otherwise. A bucket [lo, hi) counts under `le` = hi.
//! - Labels: the key (`syscall`, `disk`, else `key`), and `layout`, which names the set of bounds
//!   (bucket-layout.ts). When the bounds must change, the old series stay, frozen, for
//!   RETIRE_MS (so the last scrape sees their final counts) and new series start from zero.
//! - Cardinality: at most `topKeys` keys per aggregation (the first to appear, the busiest first
//!   within an interval), the rest summed as key `(other)`; keys keep their series for the run.

import { Counter, Registry, type Metric } from 'prom-client';
import type { Aggregation, Bucket, Snapshot, Unit } from '../model/snapshot';
import { NS_PER_UNIT } from '../model/snapshot';
import { LayoutTracker, type Layout } from './bucket-layout';

export const DEFAULT_TOP_KEYS = 50;
export const OTHER_KEY_LABEL = '(other)';
/** Aggregations exported at most; a script with more gets a warning and the first ones. */
export const MAX_AGGREGATIONS = 16;
/** How long a replaced layout's series are still served: Prometheus' default lookback (5 min). */
export const RETIRE_MS = 5 * 60_000;

export interface ExportOptions {
  topKeys: number;
  /** --unit: overrides the unit a source declares. */
  unitOverride: Unit | null;
  /** The label naming an aggregation's key: 'syscall', 'disk', or 'key'. */
  keyLabel: (aggregation: string) => string;
  warn: (message: string) => void;
  nowMs?: () => number;
}

/** One sample line as prom-client's Registry formats it. */
interface Sample {
  metricName: string;
  labels: Record<string, string>;
  value: number;
}

/** Cumulative counts of one series since its layout started, by bucket upper edge. */
class SeriesCounts {
  readonly byHi = new Map<number, number>();
  openTop = 0;
  total = 0;
  sum = 0;

  add(b: Bucket, toExposed: (v: number) => number): void {
    if (b.hi === null) this.openTop += b.count;
    else this.byHi.set(b.hi, (this.byHi.get(b.hi) ?? 0) + b.count);
    this.total += b.count;
    // _sum is an estimate: bucket middles (an open bucket at its finite edge).
    const mid = b.lo !== null && b.hi !== null ? (b.lo + b.hi) / 2 : (b.lo ?? b.hi ?? 0);
    this.sum += b.count * toExposed(mid);
  }
}

/** Formats a bound the same way on every host, so Prometheus groups `le` values across them. */
export function formatLe(v: number): string {
  return v === Infinity ? '+Inf' : String(v);
}

/** A metric name part from an aggregation name: [a-zA-Z0-9_], never empty. */
export function metricNamePart(aggregation: string): string {
  const clean = aggregation.replace(/^@/, '').replace(/[^a-zA-Z0-9_]/g, '_');
  return clean === '' ? 'unnamed' : clean;
}

/** One aggregation as one Prometheus histogram (duck-typed for prom-client's Registry). */
class AggregationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly tracker: LayoutTracker;
  private readonly series = new Map<string, SeriesCounts>();
  private retired: Array<{ untilMs: number; samples: Sample[] }> = [];
  /** Our unit → seconds (dividing last, so 640 ns prints as 6.4e-7 on every host). */
  private readonly toExposed: (v: number) => number;

  constructor(
    aggregation: string,
    readonly kind: Aggregation['kind'],
    readonly unit: Unit | null,
    private readonly keyLabel: string,
    private readonly opts: ExportOptions,
  ) {
    this.name = `heat_tracer_${metricNamePart(aggregation)}_${unit === null ? 'value' : 'seconds'}`;
    this.help = `@${aggregation}: ${kind} histogram of heat-tracer-tui (${unit === null ? 'unit unknown' : `recorded in ${unit}`}); le is each bucket's exclusive upper edge; _sum is estimated from bucket middles`;
    this.tracker = new LayoutTracker(kind, unit);
    const nsPer = unit === null ? null : NS_PER_UNIT[unit];
    this.toExposed = nsPer === null ? (v) => v : (v) => (v * nsPer) / 1e9;
  }

  add(agg: Aggregation): void {
    const previous = this.tracker.layout;
    if (this.tracker.observe(Object.values(agg.keys).flat()) && previous !== null) {
      this.retired.push({ untilMs: this.now() + RETIRE_MS, samples: this.samples(previous) });
      for (const k of [...this.series.keys()]) this.series.set(k, new SeriesCounts());
    }
    const entries = Object.entries(agg.keys).map(([key, buckets]) => ({ key, buckets, n: buckets.reduce((s, b) => s + b.count, 0) }));
    // New keys claim free slots busiest first; known keys keep theirs.
    entries.sort((a, b) => b.n - a.n);
    for (const { key, buckets } of entries) {
      const counts = this.slot(key);
      for (const b of buckets) if (b.count > 0) counts.add(b, this.toExposed);
    }
  }

  private slot(key: string): SeriesCounts {
    const label = this.series.has(key) || this.series.size - (this.series.has(OTHER_KEY_LABEL) ? 1 : 0) < this.opts.topKeys ? key : OTHER_KEY_LABEL;
    let counts = this.series.get(label);
    if (!counts) this.series.set(label, (counts = new SeriesCounts()));
    return counts;
  }

  private now(): number {
    return (this.opts.nowMs ?? Date.now)();
  }

  /** The current samples of every series under `layout`: cumulative per bound, +Inf, _sum, _count. */
  private samples(layout: Layout): Sample[] {
    const out: Sample[] = [];
    for (const [key, counts] of this.series) {
      const labels: Record<string, string> = key === '' ? {} : { [this.keyLabel]: key };
      labels.layout = layout.fingerprint;
      const his = [...counts.byHi.entries()].sort((a, b) => a[0] - b[0]);
      let i = 0;
      let cumulative = 0;
      for (const bound of layout.bounds) {
        while (i < his.length && his[i][0] <= bound) cumulative += his[i++][1];
        out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: formatLe(this.toExposed(bound)) }, value: cumulative });
      }
      out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: counts.total });
      out.push({ metricName: `${this.name}_sum`, labels, value: counts.sum });
      out.push({ metricName: `${this.name}_count`, labels, value: counts.total });
    }
    return out;
  }

  /** What prom-client's Registry calls on every scrape. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const now = this.now();
    this.retired = this.retired.filter((r) => r.untilMs > now);
    const layout = this.tracker.layout;
    const values = [...this.retired.flatMap((r) => r.samples), ...(layout === null ? [] : this.samples(layout))];
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}

/** Every aggregation of a run as Prometheus histograms, plus a lost-events counter. */
export class HistogramExport {
  readonly registry = new Registry();
  private readonly histograms = new Map<string, AggregationHistogram | null>();
  private readonly lost: Counter;

  constructor(private readonly opts: ExportOptions) {
    this.lost = new Counter({ name: 'heat_tracer_lost_events_total', help: 'events the tracing engine dropped (bpftrace lost events, DTrace drops)', registers: [this.registry] });
  }

  /** Adds one interval's counts. */
  add(snapshot: Snapshot): void {
    for (const [name, agg] of Object.entries(snapshot.aggregations)) {
      const h = this.histogramFor(name, agg);
      if (h !== null) h.add(agg);
    }
    if (snapshot.lost > 0) this.lost.inc(snapshot.lost);
  }

  private histogramFor(name: string, agg: Aggregation): AggregationHistogram | null {
    const known = this.histograms.get(name);
    const unit = this.opts.unitOverride ?? agg.unit;
    if (known !== undefined) {
      if (known !== null && (known.unit !== unit || known.kind !== agg.kind)) {
        this.opts.warn(`@${name} changed from ${known.kind} in ${known.unit ?? 'unknown units'} to ${agg.kind} in ${unit ?? 'unknown units'}: no longer exported`);
        this.histograms.set(name, null);
        this.registry.removeSingleMetric(known.name);
        return null;
      }
      return known;
    }
    const exported = [...this.histograms.values()].filter((h) => h !== null);
    const h = new AggregationHistogram(name, agg.kind, unit, this.opts.keyLabel(name), this.opts);
    if (exported.length >= MAX_AGGREGATIONS || exported.some((e) => e.name === h.name)) {
      this.opts.warn(`@${name} is not exported: ${exported.length >= MAX_AGGREGATIONS ? `only the first ${MAX_AGGREGATIONS} aggregations are` : `its metric name ${h.name} is taken`}`);
      this.histograms.set(name, null);
      return null;
    }
    this.histograms.set(name, h);
    // prom-client's Registry formats any metric that has name, help, type and get().
    this.registry.registerMetric(h as unknown as Metric);
    return h;
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
