//! Compact per-key storage for heatmap columns: bucket shapes and key names are interned once per
//! model, and a column keeps its per-key counts in typed arrays instead of one object per bucket.
//! With 256 keys × 3 buckets × 3,600 columns this is tens of MiB instead of hundreds.

import { bucketId } from './buckets';
import type { Bucket } from './snapshot';

/** Distinct bucket shapes ([lo, hi)) seen by a model, numbered in order of first sight. */
export class ShapeTable {
  private readonly ids = new Map<string, number>();
  readonly lo: (number | null)[] = [];
  readonly hi: (number | null)[] = [];

  /** The id of a shape, adding it when new. */
  idOf(lo: number | null, hi: number | null): number {
    const k = bucketId(lo, hi);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.lo.length;
      this.ids.set(k, id);
      this.lo.push(lo);
      this.hi.push(hi);
    }
    return id;
  }

  get size(): number {
    return this.lo.length;
  }
}

/**
 * Key names seen by a model. Bounded: past `limit` distinct names, new keys are refused (the
 * caller folds them into the "other" key), so a run over ever-new keys (pids, paths) cannot grow
 * the table without end.
 */
export class KeyTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  constructor(readonly limit: number) {}

  /** The id of a key, or -1 when the table is full and the key is new. */
  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      if (this.names.length >= this.limit) return -1;
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  /** The id of a key already in the table, or undefined. */
  find(name: string): number | undefined {
    return this.ids.get(name);
  }
}

/** One column's per-key buckets: key k's entries are [offsets[k], offsets[k+1]). */
export interface KeyColumns {
  keyIds: Uint32Array;
  offsets: Uint32Array;
  shapeIds: Uint32Array;
  counts: Float64Array;
}

/** Packs per-key bucket lists (already capped and sorted by the caller) into typed arrays. */
export function packKeys(entries: ReadonlyArray<{ keyId: number; buckets: readonly Bucket[] }>, shapes: ShapeTable): KeyColumns {
  let n = 0;
  for (const e of entries) n += e.buckets.length;
  const keyIds = new Uint32Array(entries.length);
  const offsets = new Uint32Array(entries.length + 1);
  const shapeIds = new Uint32Array(n);
  const counts = new Float64Array(n);
  let at = 0;
  entries.forEach((e, i) => {
    keyIds[i] = e.keyId;
    offsets[i] = at;
    for (const b of e.buckets) {
      shapeIds[at] = shapes.idOf(b.lo, b.hi);
      counts[at] = b.count;
      at++;
    }
  });
  offsets[entries.length] = at;
  return { keyIds, offsets, shapeIds, counts };
}

/** Unpacks one key's buckets. */
export function unpackKey(kc: KeyColumns, index: number, shapes: ShapeTable): Bucket[] {
  const out: Bucket[] = [];
  for (let i = kc.offsets[index]; i < kc.offsets[index + 1]; i++) {
    const s = kc.shapeIds[i];
    out.push({ lo: shapes.lo[s], hi: shapes.hi[s], count: kc.counts[i] });
  }
  return out;
}
