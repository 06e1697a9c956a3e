//! The Prometheus source's pure half: the PromQL it sends for a histogram selector, and how a
//! `query_range` answer (a matrix) becomes one Snapshot per interval.
//!
//! Why not `increase(x_bucket[1m])`: Prometheus extrapolates increase() to the window's edges, so it
//! returns fractions, and consecutive windows do not add up to the events counted. Instead each
//! interval (t−step, t] is x(t) − x(t−step) per series, which telescopes exactly; a series that went
//! down (a counter reset: the exporter restarted) or is new (a host, key or layout appeared) counts
//! its whole value, as increase() would. A missed scrape only delays counts to the next interval.

import { usageError } from '../errors';
import { mergeBuckets } from '../model/buckets';
import type { Bucket, BucketKind, Snapshot } from '../model/snapshot';

export interface Selector {
  /** The histogram's base name (without _bucket). */
  metric: string;
  /** The label matchers with their braces, or ''. */
  matchers: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the query groups by itself. */
const RESERVED_LABELS = new Set(['le', 'layout', '__name__']);

/** Parses `name` or `name{label="v",...}`; a trailing _bucket/_count/_sum is dropped. */
export function parseSelector(text: string): Selector {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[\s\S]*\})?\s*$/.exec(text);
  if (!m) {
    throw usageError('bad-query', `--query needs a histogram selector such as heat_tracer_syscall_seconds{job="heat"}, got '${text}'`, 'the metric name, optionally with label matchers in braces; the tool builds the PromQL around it');
  }
  return { metric: m[1].replace(/_(bucket|count|sum)$/, ''), matchers: m[2] ?? '' };
}

/** Checks a --by label name; throws a usage error for a name PromQL cannot group by. */
export function checkByLabel(by: string): string {
  if (!LABEL_NAME.test(by) || RESERVED_LABELS.has(by)) throw usageError('bad-by', `--by needs a label name other than le and layout, got '${by}'`, 'for example --by instance or --by syscall');
  return by;
}

/** The aggregation name a metric stands for: heat_tracer_syscall_seconds → syscall. */
export function aggregationName(metric: string): string {
  return metric.replace(/^heat_tracer_/, '').replace(/_(seconds|value)$/, '') || metric;
}

/** Per-interval bucket counts, summed by (le, layout[, by]); `layout` keeps bound sets apart. */
export function bucketQuery(sel: Selector, by: string | null, stepMs: number): string {
  const x = `${sel.metric}_bucket${sel.matchers}`;
  return `sum by (le, layout${by === null ? '' : `, ${by}`}) ((${x} - ${x} offset ${stepMs}ms) >= 0 or ${x})`;
}

/** One series of a matrix answer. */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface ConvertOptions {
  aggregation: string;
  by: string | null;
  /** Bounds are seconds (the metric ends in _seconds): buckets are given in ns. */
  seconds: boolean;
  /** Snapshot.t is measured from here (ms since the epoch). */
  originMs: number;
  /** The family drawn until a layout label says otherwise (the previous answer's). */
  kind: BucketKind;
}

export interface Converted {
  snapshots: Snapshot[];
  /** Buckets whose count came out negative (counts that disagree across bounds), dropped. */
  inconsistent: number;
  kind: BucketKind;
}

/** The bucket family a layout label names (bucket-layout.ts), for the axis; null without one. */
export function kindOfLayout(layout: string): BucketKind | null {
  if (layout === '') return null;
  if (layout.startsWith('log')) return 'llquantize';
  if (layout.startsWith('lin')) return 'lhist';
  return 'hist';
}

function parseLe(le: string): number {
  return le === '+Inf' ? Infinity : Number(le);
}

/** Cumulative counts by bound → half-open buckets; `scale` turns a bound into the bucket unit. */
export function cumulativeToBuckets(byLe: ReadonlyMap<number, number>, scale: (le: number) => number): { buckets: Bucket[]; inconsistent: number } {
  const les = [...byLe.keys()].filter((le) => !Number.isNaN(le)).sort((a, b) => a - b);
  const buckets: Bucket[] = [];
  let inconsistent = 0;
  let lo: number | null = null;
  let below = 0;
  for (const le of les) {
    const cumulative = byLe.get(le) ?? 0;
    const count = Math.round(cumulative - below);
    if (count < 0) inconsistent++;
    else if (count > 0) buckets.push({ lo, hi: le === Infinity ? null : scale(le), count });
    lo = le === Infinity ? null : scale(le);
    below = Math.max(below, cumulative);
  }
  return { buckets, inconsistent };
}

/**
 * Turns a matrix answer for the steps `stepsMs` into one Snapshot per step: keys are the --by
 * label's values (or one key ''), each the merge of its layouts' buckets. A step with no sample
 * is an empty column.
 */
export function matrixToSnapshots(series: readonly MatrixSeries[], stepsMs: readonly number[], opts: ConvertOptions): Converted {
  const index = new Map(stepsMs.map((t, i) => [t, i]));
  // Per step: group (by value, layout) → le → count.
  const steps = stepsMs.map(() => new Map<string, { key: string; layout: string; byLe: Map<number, number> }>());
  for (const s of series) {
    const key = opts.by === null ? '' : (s.metric[opts.by] ?? '');
    const layout = s.metric.layout ?? '';
    const le = parseLe(s.metric.le ?? '');
    for (const [ts, value] of s.values) {
      const i = index.get(Math.round(ts * 1000));
      const v = Number(value);
      if (i === undefined || !Number.isFinite(v)) continue;
      const id = `${key}\u0000${layout}`;
      let group = steps[i].get(id);
      if (!group) steps[i].set(id, (group = { key, layout, byLe: new Map() }));
      group.byLe.set(le, (group.byLe.get(le) ?? 0) + v);
    }
  }
  const scale = opts.seconds ? (le: number) => Math.round(le * 1e12) / 1e3 : (le: number) => le;
  let inconsistent = 0;
  let kind = opts.kind;
  const snapshots = steps.map((groups, i): Snapshot => {
    const perKey = new Map<string, Bucket[][]>();
    for (const g of groups.values()) {
      const r = cumulativeToBuckets(g.byLe, scale);
      inconsistent += r.inconsistent;
      kind = kindOfLayout(g.layout) ?? kind;
      const lists = perKey.get(g.key) ?? [];
      lists.push(r.buckets);
      perKey.set(g.key, lists);
    }
    const keys: Record<string, Bucket[]> = {};
    for (const [key, lists] of perKey) {
      const merged = mergeBuckets(lists);
      if (merged.length > 0) keys[key] = merged;
    }
    return { t: stepsMs[i] - opts.originMs, aggregations: { [opts.aggregation]: { kind, unit: opts.seconds ? 'ns' : null, keys } }, lost: 0 };
  });
  return { snapshots, inconsistent, kind };
}

/** Step times firstMs, firstMs + stepMs, ... up to lastMs. */
export function stepTimes(firstMs: number, lastMs: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let t = firstMs; t <= lastMs; t += stepMs) out.push(t);
  return out;
}
