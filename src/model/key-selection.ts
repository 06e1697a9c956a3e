//! Which keys of the drawn aggregation the heatmap shows (all, only some, all but some), the
//! buckets that selection merges into a drawn column, and the per-key table the key panel lists.
//! Pure; the renderer and the key panel read it.

import type { Column } from './heatmap';
import { percentile } from './percentiles';
import { BucketSum, mergeBuckets } from './buckets';
import { bucketTotal, type Bucket } from './snapshot';

/** all: every key; only: just `keys`; except: every key but `keys`. */
export interface KeySelection {
  mode: 'all' | 'only' | 'except';
  keys: readonly string[];
}

export const ALL_KEYS: KeySelection = { mode: 'all', keys: [] };

/** Whether a key's events are drawn under a selection. */
export function isShown(sel: KeySelection, key: string): boolean {
  if (sel.mode === 'all') return true;
  const listed = sel.keys.includes(key);
  return sel.mode === 'only' ? listed : !listed;
}

/** A stable identity for caches: equal selections give equal strings. */
export function selectionId(sel: KeySelection): string {
  return sel.mode === 'all' ? 'all' : `${sel.mode}:${[...sel.keys].sort().join('\u0000')}`;
}

/** The buckets a selection merges into one column, sorted by lo; the column's own when all keys show. */
export function selectedBuckets(col: Column, sel: KeySelection): Bucket[] {
  if (sel.mode === 'all') return col.merged;
  const lists: Bucket[][] = [];
  for (const [key, buckets] of col.keys) if (isShown(sel, key)) lists.push(buckets);
  return mergeBuckets(lists);
}

/** Events in a list of buckets (here too, for the callers of the selection helpers). */
export { bucketTotal };

/** Toggles one key in or out of an 'only' selection (isolating it when all keys show). */
export function toggleIsolated(sel: KeySelection, key: string): KeySelection {
  if (sel.mode !== 'only') return { mode: 'only', keys: [key] };
  const keys = sel.keys.includes(key) ? sel.keys.filter((k) => k !== key) : [...sel.keys, key];
  return keys.length === 0 ? ALL_KEYS : { mode: 'only', keys };
}

/** Toggles one key in or out of an 'except' selection. */
export function toggleExcluded(sel: KeySelection, key: string): KeySelection {
  if (sel.mode !== 'except') return { mode: 'except', keys: [key] };
  const keys = sel.keys.includes(key) ? sel.keys.filter((k) => k !== key) : [...sel.keys, key];
  return keys.length === 0 ? ALL_KEYS : { mode: 'except', keys };
}

/**
 * The title's account of what is shown: "syscall latency — read, write (2 of 87 keys)";
 * the bare title when every key shows. Long lists are cut with "…" after `maxNames` names.
 */
export function selectionTitle(base: string, sel: KeySelection, allKeys: readonly string[], maxNames = 4): string {
  if (sel.mode === 'all') return base;
  const shown = allKeys.filter((k) => isShown(sel, k));
  const listed = sel.mode === 'only' ? shown : sel.keys.filter((k) => allKeys.includes(k));
  const names = listed.slice(0, maxNames).join(', ') + (listed.length > maxNames ? ', …' : '');
  const prefix = sel.mode === 'except' ? 'all but ' : '';
  return `${base} — ${prefix}${names} (${shown.length} of ${allKeys.length} keys)`;
}

/** One line of the key panel. */
export interface KeyStat {
  key: string;
  count: number;
  /** Share of all events in view, 0..1. */
  share: number;
  /** p99 of the key's events in view, in the model's unit; null without events. */
  p99: number | null;
}

/**
 * Per-key events over the columns in view, most events first (ties by name). Memory: one entry
 * per distinct key in view, at most MAX_KEYS_PER_COLUMN per column (the rest are one "(other
 * keys)" entry), so thousands of keys cost at most width × 256 entries.
 */
export function keyStats(columns: readonly (Column | undefined)[]): KeyStat[] {
  const perKey = new Map<string, BucketSum>();
  let total = 0;
  for (const col of columns) {
    if (!col) continue;
    total += col.total;
    // col.keys unpacks each key once; bucketsOf per key would search the key list each time.
    for (const [key, buckets] of col.keys) {
      let sum = perKey.get(key);
      if (!sum) perKey.set(key, (sum = new BucketSum()));
      sum.add(buckets);
    }
  }
  const out: KeyStat[] = [];
  for (const [key, sum] of perKey) {
    const buckets = sum.result();
    const count = bucketTotal(buckets);
    out.push({ key, count, share: total > 0 ? count / total : 0, p99: percentile(buckets, 99) });
  }
  return out.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
