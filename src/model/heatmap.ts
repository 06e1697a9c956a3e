//! The heatmap model: a bounded ring of per-interval columns of one aggregation, fed by the
//! event loop from Snapshots. Pure: no screen, no process. The renderer reads it.

import { mergeBuckets, normalizeBuckets } from './buckets';
import { KeyTable, ShapeTable, packKeys, unpackKey, type KeyColumns } from './column-store';
import type { Bucket, BucketKind, Snapshot, Unit } from './snapshot';

/** One interval of the drawn aggregation. */
export class Column {
  constructor(
    /** Sequence number since start (0, 1, 2, ...): stable across ring wrap-around. */
    readonly seq: number,
    /** Milliseconds since the source started, at the end of the interval. */
    readonly t: number,
    /** Events dropped by the engine in this interval. */
    readonly lost: number,
    /** Events in this column (all keys). */
    readonly total: number,
    /** Buckets merged across all keys, sorted ascending by lo, zero counts omitted. */
    readonly merged: Bucket[],
    private readonly packed: KeyColumns,
    private readonly tables: { keys: KeyTable; shapes: ShapeTable },
  ) {}

  /** How many keys have events in this column (OTHER_KEY included). */
  get keyCount(): number {
    return this.packed.keyIds.length;
  }

  /** Names of the keys with events in this column. */
  keyNames(): string[] {
    return Array.from(this.packed.keyIds, (id) => this.tables.keys.names[id]);
  }

  /** One key's buckets (empty when the key has no events here). */
  bucketsOf(key: string): Bucket[] {
    const id = this.tables.keys.find(key);
    if (id === undefined) return [];
    const i = this.packed.keyIds.indexOf(id);
    return i < 0 ? [] : unpackKey(this.packed, i, this.tables.shapes);
  }

  /** Per-key buckets, at most `MAX_KEYS_PER_COLUMN` keys; the rest are folded into OTHER_KEY. Built on demand. */
  get keys(): Map<string, Bucket[]> {
    const m = new Map<string, Bucket[]>();
    this.packed.keyIds.forEach((id, i) => m.set(this.tables.keys.names[id], unpackKey(this.packed, i, this.tables.shapes)));
    return m;
  }
}

/** Keys beyond this many (by events) are folded into one "(other)" key per column, to bound memory. */
export const MAX_KEYS_PER_COLUMN = 256;
export const OTHER_KEY = '(other keys)';

/** Picks the aggregation to draw: the requested one, else the first in the snapshot. */
export function pickAggregation(snapshot: Snapshot, requested: string | null): string | null {
  if (requested !== null) return requested in snapshot.aggregations ? requested : null;
  const names = Object.keys(snapshot.aggregations);
  return names.length > 0 ? names[0] : null;
}

/** Distinct key names a model remembers; keys beyond are folded into OTHER_KEY. */
export const MAX_KEYS_PER_MODEL = 100_000;

/** Tables shared by the columns of one model (or one standalone column, in tests). */
export function newTables(): { keys: KeyTable; shapes: ShapeTable } {
  const keys = new KeyTable(MAX_KEYS_PER_MODEL);
  // The fold-over key is registered first, so it has a place even once the table is full.
  keys.idOf(OTHER_KEY);
  return { keys, shapes: new ShapeTable() };
}

/** Builds one column from one aggregation's keys, folding keys beyond the cap into OTHER_KEY. */
export function buildColumn(seq: number, t: number, lost: number, keys: Record<string, Bucket[]>, tables = newTables()): Column {
  const entries = Object.entries(keys).map(([k, b]) => ({ k, b, n: b.reduce((s, x) => s + x.count, 0) }));
  if (entries.length > MAX_KEYS_PER_COLUMN) entries.sort((a, b) => b.n - a.n);
  const kept: Array<{ keyId: number; buckets: Bucket[] }> = [];
  const all: Bucket[][] = [];
  const folded: Bucket[][] = [];
  let total = 0;
  entries.forEach((e, i) => {
    if (e.n === 0) return;
    total += e.n;
    all.push(e.b);
    const keyId = i < MAX_KEYS_PER_COLUMN - 1 || entries.length <= MAX_KEYS_PER_COLUMN ? tables.keys.idOf(e.k) : -1;
    if (keyId >= 0) kept.push({ keyId, buckets: normalizeBuckets(e.b) });
    else folded.push(e.b);
  });
  if (folded.length > 0) kept.push({ keyId: tables.keys.idOf(OTHER_KEY), buckets: mergeBuckets(folded) });
  return new Column(seq, t, lost, total, mergeBuckets(all), packKeys(kept, tables.shapes), tables);
}

/**
 * The ring of columns. Memory is bounded by capacity × (merged buckets per column + per-key entries,
 * at most MAX_KEYS_PER_COLUMN keys per column, 12 bytes an entry) plus the key table
 * (at most MAX_KEYS_PER_MODEL names): it does not grow with run time.
 */
export class Heatmap {
  readonly capacity: number;
  private readonly ring: (Column | undefined)[];
  private pushed = 0;
  /** Key names and bucket shapes, interned once for all columns. */
  private readonly tables = newTables();
  /** Family and unit of the drawn aggregation, from the newest snapshot that had it. */
  kind: BucketKind | null = null;
  unit: Unit | null = null;
  /** The aggregation drawn; fixed by the first snapshot that has one (or by the user). */
  aggregation: string | null;
  /** Aggregations seen, for error messages and the title. */
  readonly seenAggregations = new Set<string>();

  constructor(capacity: number, aggregation: string | null = null) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.ring = new Array(capacity);
    this.aggregation = aggregation;
  }

  /** Columns held now (≤ capacity). */
  get length(): number {
    return Math.min(this.pushed, this.capacity);
  }

  /** Columns pushed since start (the next column's seq). */
  get totalPushed(): number {
    return this.pushed;
  }

  /** Adds one interval; a snapshot without the drawn aggregation adds an empty column. */
  push(snapshot: Snapshot): Column {
    for (const name of Object.keys(snapshot.aggregations)) this.seenAggregations.add(name);
    if (this.aggregation === null) this.aggregation = pickAggregation(snapshot, null);
    const agg = this.aggregation === null ? undefined : snapshot.aggregations[this.aggregation];
    if (agg) {
      this.kind = agg.kind;
      this.unit = agg.unit;
    }
    const col = buildColumn(this.pushed, snapshot.t, snapshot.lost, agg ? agg.keys : {}, this.tables);
    this.ring[this.pushed % this.capacity] = col;
    this.pushed++;
    return col;
  }

  /** The column with sequence number seq, if still held. */
  bySeq(seq: number): Column | undefined {
    if (seq < 0 || seq >= this.pushed || seq < this.pushed - this.capacity) return undefined;
    return this.ring[seq % this.capacity];
  }

  /** Oldest held seq. */
  get firstSeq(): number {
    return Math.max(0, this.pushed - this.capacity);
  }

  /** The newest column, if any. */
  newest(): Column | undefined {
    return this.bySeq(this.pushed - 1);
  }

  /**
   * Columns with seq in [endSeq − count + 1, endSeq], oldest first; missing ones (before the
   * start or already dropped from the ring) are undefined so the screen keeps its shape.
   */
  window(endSeq: number, count: number): (Column | undefined)[] {
    const out: (Column | undefined)[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.bySeq(endSeq - count + 1 + i);
    return out;
  }
}
