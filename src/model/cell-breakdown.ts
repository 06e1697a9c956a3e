//! The breakdown of one heat cell (one column, one latency row): its time, value range, count,
//! share of its column and which keys contributed how much. Pure; the breakdown overlay and the
//! SVG tooltips read it.

import type { Axis } from './axis';
import { rowCounts } from './axis';
import type { Column } from './heatmap';
import { bucketTotal, isShown, selectedBuckets, type KeySelection } from './key-selection';

export interface CellBreakdown {
  seq: number;
  /** Milliseconds since the source started, at the end of the column's interval. */
  t: number;
  /** The row's value range, [lo, hi), null for an open end. */
  lo: number | null;
  hi: number | null;
  count: number;
  /** Events in the column under the selection. */
  columnTotal: number;
  /** count / columnTotal × 100; 0 for an empty column. */
  pctOfColumn: number;
  /** Keys with events in the cell, most first. */
  keys: Array<{ key: string; count: number; pctOfCell: number }>;
}

/** The breakdown of latency row `row` of `col` on `axis`, counting only the selected keys. */
export function cellBreakdown(col: Column, axis: Axis, index: Map<string, number>, row: number, sel: KeySelection): CellBreakdown | null {
  const r = axis.rows[row];
  if (!r) return null;
  const buckets = selectedBuckets(col, sel);
  const columnTotal = bucketTotal(buckets);
  const count = rowCounts(axis, buckets, index)[row];
  const keys: CellBreakdown['keys'] = [];
  for (const [key, keyBuckets] of col.keys) {
    if (!isShown(sel, key)) continue;
    const n = rowCounts(axis, keyBuckets, index)[row];
    if (n > 0) keys.push({ key, count: n, pctOfCell: count > 0 ? (100 * n) / count : 0 });
  }
  keys.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  return { seq: col.seq, t: col.t, lo: r.lo, hi: r.hi, count, columnTotal, pctOfColumn: columnTotal > 0 ? (100 * count) / columnTotal : 0, keys };
}
