//! The headless summary: what a run without a screen prints on stdout at its end. Snapshots are
//! merged per key as they arrive (memory grows with distinct buckets, not with intervals).

import { BucketSum, mergeBuckets } from '../model/buckets';
import { percentiles } from '../model/percentiles';
import { bucketTotal, type Bucket, type BucketKind, type Snapshot, type Unit } from '../model/snapshot';
import { formatValue } from '../model/units';

/** Everything the summary shows, accumulated over a run. */
export interface SummaryTotals {
  aggregation: string | null;
  kind: BucketKind | null;
  unit: Unit | null;
  intervals: number;
  /** The last interval's t: how long the source ran, in its own clock. */
  durationMs: number;
  lost: number;
  /** Merged buckets per key, each list sorted and without zero counts. */
  keys: Map<string, Bucket[]>;
}

export interface SummaryOptions {
  /** First line: the source's title ("syscall latency (demo)"); a generic line when absent. */
  title?: string;
  /** The run's interval, shown next to the interval count when given. */
  intervalMs?: number;
  /** Overrides the aggregation's unit (the --unit option). */
  unit?: Unit | null;
  /** Keys listed before "N more" (default 20). */
  topKeys?: number;
  /** Width of the longest '#' bar (default 40). */
  barWidth?: number;
  /** Which aggregation, when formatting a list of snapshots; default: the first one seen. */
  aggregation?: string;
}

const DEFAULT_TOP_KEYS = 20;
const DEFAULT_BAR_WIDTH = 40;
const KEY_WIDTH = 28;
const PERCENTILES = [50, 90, 99] as const;

/** Accumulates one aggregation's buckets over a run, merged per key. */
export class SummaryAccumulator {
  private readonly totalsSoFar: SummaryTotals = { aggregation: null, kind: null, unit: null, intervals: 0, durationMs: 0, lost: 0, keys: new Map() };
  /** Per key, the running sum of its buckets. */
  private readonly byKey = new Map<string, BucketSum>();

  constructor(private readonly opts: SummaryOptions = {}) {}

  /** Adds one interval; an interval without the aggregation still counts (and its lost events). */
  add(s: Snapshot, aggregation: string): void {
    const t = this.totalsSoFar;
    t.intervals++;
    t.lost += s.lost;
    t.durationMs = Math.max(t.durationMs, s.t);
    t.aggregation ??= aggregation;
    const agg = s.aggregations[aggregation];
    if (!agg) return;
    t.kind ??= agg.kind;
    if (t.unit === null) t.unit = agg.unit;
    for (const [key, buckets] of Object.entries(agg.keys)) {
      let sum = this.byKey.get(key);
      if (!sum) this.byKey.set(key, (sum = new BucketSum()));
      sum.add(buckets);
    }
  }

  /** A copy of the totals so far, buckets sorted. */
  totals(): SummaryTotals {
    const keys = new Map<string, Bucket[]>();
    for (const [key, sum] of this.byKey) keys.set(key, sum.result());
    return { ...this.totalsSoFar, keys };
  }

  /**
   * The summary text (ends with a newline). `overrides` replace constructor options, e.g. the
   * title a replay only knows after start().
   */
  format(overrides: SummaryOptions = {}): string {
    return formatSummary(this.totals(), { ...this.opts, ...overrides });
  }
}

/** The summary of accumulated totals, or of a list of snapshots (merged here). */
export function formatSummary(input: SummaryTotals | readonly Snapshot[], opts: SummaryOptions): string {
  const totals = isSnapshotList(input) ? accumulate(input, opts) : input;
  const unit = opts.unit !== undefined && opts.unit !== null ? opts.unit : totals.unit;
  const all = mergeBuckets([...totals.keys.values()]);
  const events = bucketTotal(all);
  const out: string[] = [opts.title || 'heat-tracer-tui summary'];
  const every = opts.intervalMs !== undefined ? ` of ${formatValue(opts.intervalMs, 'ms')}` : '';
  out.push(`  duration   ${formatDuration(totals.durationMs)} (${plural(totals.intervals, 'interval')}${every})`);
  const what = totals.aggregation === null ? '' : ` in @${totals.aggregation}${totals.kind ? ` (${totals.kind}${unit ? `, ${unit}` : ''})` : ''}`;
  out.push(`  events     ${thousands(events)}${what}`);
  out.push(`  lost       ${thousands(totals.lost)}${totals.lost > 0 ? ' (the tracer dropped events: counts are low)' : ''}`);
  if (events === 0) {
    out.push('', '  no events recorded');
    return out.join('\n') + '\n';
  }
  out.push('', ...keyTable(totals.keys, all, unit, opts.topKeys ?? DEFAULT_TOP_KEYS));
  out.push('', '  distribution (all keys)', ...histogram(all, unit, opts.barWidth ?? DEFAULT_BAR_WIDTH));
  return out.join('\n') + '\n';
}

function isSnapshotList(input: SummaryTotals | readonly Snapshot[]): input is readonly Snapshot[] {
  return Array.isArray(input);
}

function accumulate(snapshots: readonly Snapshot[], opts: SummaryOptions): SummaryTotals {
  const name = opts.aggregation ?? snapshots.map((s) => Object.keys(s.aggregations)[0]).find((n) => n !== undefined);
  const acc = new SummaryAccumulator(opts);
  for (const s of snapshots) {
    if (name === undefined) acc.add(s, '');
    else acc.add(s, name);
  }
  const totals = acc.totals();
  if (name === undefined) totals.aggregation = null;
  return totals;
}

function keyTable(keys: Map<string, Bucket[]>, all: Bucket[], unit: Unit | null, top: number): string[] {
  const rows = [...keys.entries()]
    .map(([key, buckets]) => ({ key, buckets, count: bucketTotal(buckets) }))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const shown = rows.slice(0, top);
  const rest = rows.slice(top);
  const cells: string[][] = [['key', 'count', ...PERCENTILES.map((p) => `p${p}`), 'max']];
  for (const r of shown) cells.push(statsRow(displayKey(r.key), r.buckets, unit));
  if (rest.length > 0) {
    const restCount = rest.reduce((sum, r) => sum + r.count, 0);
    cells.push([`... ${plural(rest.length, 'more key')}`, thousands(restCount), '', '', '', '']);
  }
  if (rows.length > 1) cells.push(statsRow('all keys', all, unit));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => '  ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

function statsRow(label: string, buckets: readonly Bucket[], unit: Unit | null): string[] {
  const pct = percentiles(buckets, PERCENTILES).map((v) => (v === null ? '-' : formatValue(v, unit)));
  return [label, thousands(bucketTotal(buckets)), ...pct, maxOf(buckets, unit)];
}

/** The largest value is only known to lie in the top bucket: show that bucket's upper edge. */
function maxOf(buckets: readonly Bucket[], unit: Unit | null): string {
  const top = buckets[buckets.length - 1];
  if (top === undefined) return '-';
  if (top.hi === null) return top.lo === null ? '-' : `≥${formatValue(top.lo, unit)}`;
  return `<${formatValue(top.hi, unit)}`;
}

function histogram(all: readonly Bucket[], unit: Unit | null, barWidth: number): string[] {
  const labels = all.map((b) => rangeLabel(b, unit));
  const counts = all.map((b) => thousands(b.count));
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const countWidth = Math.max(...counts.map((c) => c.length));
  const most = Math.max(...all.map((b) => b.count));
  return all.map((b, i) => {
    const bar = '#'.repeat(Math.max(1, Math.round((b.count / most) * barWidth)));
    return `  ${labels[i].padStart(labelWidth)}  ${counts[i].padStart(countWidth)}  ${bar}`;
  });
}

function rangeLabel(b: Bucket, unit: Unit | null): string {
  if (b.lo === null) return b.hi === null ? 'all values' : `< ${formatValue(b.hi, unit)}`;
  if (b.hi === null) return `≥ ${formatValue(b.lo, unit)}`;
  return `${formatValue(b.lo, unit)} – ${formatValue(b.hi, unit)}`;
}

function displayKey(key: string): string {
  if (key === '') return '(no key)';
  return key.length > KEY_WIDTH ? key.slice(0, KEY_WIDTH - 1) + '…' : key;
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return formatValue(ms, 'ms');
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${String(m).padStart(h > 0 ? 2 : 1, '0')}m ${String(s % 60).padStart(2, '0')}s`;
  return h > 0 ? `${h}h ${rest}` : rest;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, word: string): string {
  return `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
}
