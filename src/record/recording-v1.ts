//! Version 1 of the recording format, read side: validates a header and interval lines (already
//! JSON-parsed) into RecordingHeader and Snapshot. The reader picks this module by version.

import { BUCKET_KINDS, UNITS, type Aggregation, type Bucket, type BucketKind, type Snapshot, type Unit } from '../model/snapshot';
import type { SourceInfo } from '../sources/source';
import { InvalidRecordingValue, type RecordingHeader } from './recording-format';

/** Version 1's header fields (format and version are already checked). */
export function headerV1(obj: Record<string, unknown>, version: number): RecordingHeader {
  if (typeof obj.started !== 'string' || Number.isNaN(Date.parse(obj.started))) {
    throw new InvalidRecordingValue('"started" must be an ISO-8601 date');
  }
  const intervalMs = obj.interval_ms;
  if (typeof intervalMs !== 'number' || !(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new InvalidRecordingValue('"interval_ms" must be a positive number');
  }
  const src = obj.source;
  if (!isObject(src) || typeof src.engine !== 'string' || typeof src.title !== 'string') {
    throw new InvalidRecordingValue('"source" must be an object with "engine" and "title"');
  }
  if (src.detail !== undefined && !isObject(src.detail)) throw new InvalidRecordingValue('"source.detail" must be an object');
  // Engines a newer build adds are kept as written: the replay only shows them.
  const source: SourceInfo = { engine: src.engine as SourceInfo['engine'], title: src.title };
  if (src.detail !== undefined) source.detail = src.detail as Record<string, unknown>;
  return { version, started: new Date(obj.started), intervalMs, source };
}

/** One version 1 interval line, parsed from JSON, as a Snapshot; throws InvalidRecordingValue. */
export function snapshotV1(value: unknown): Snapshot {
  if (!isObject(value)) throw new InvalidRecordingValue('an interval line must be a JSON object');
  const t = value.t;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new InvalidRecordingValue('"t" must be a number of milliseconds ≥ 0');
  const lost = value.lost ?? 0;
  if (!isCount(lost)) throw new InvalidRecordingValue('"lost" must be an integer ≥ 0');
  if (!isObject(value.aggregations)) throw new InvalidRecordingValue('"aggregations" must be an object');
  const aggregations: Record<string, Aggregation> = {};
  for (const [name, agg] of Object.entries(value.aggregations)) aggregations[name] = aggregationV1(name, agg);
  return { t, aggregations, lost };
}

function aggregationV1(name: string, agg: unknown): Aggregation {
  const at = `aggregation ${JSON.stringify(name)}`;
  if (!isObject(agg)) throw new InvalidRecordingValue(`${at} must be an object`);
  if (!BUCKET_KINDS.includes(agg.kind as BucketKind)) {
    throw new InvalidRecordingValue(`${at}: "kind" must be one of ${BUCKET_KINDS.join(', ')}`);
  }
  const unit = agg.unit ?? null;
  if (unit !== null && !UNITS.includes(unit as Unit)) throw new InvalidRecordingValue(`${at}: "unit" must be one of ${UNITS.join(', ')} or null`);
  if (!isObject(agg.keys)) throw new InvalidRecordingValue(`${at}: "keys" must be an object`);
  const keys: Record<string, Bucket[]> = {};
  for (const [key, buckets] of Object.entries(agg.keys)) keys[key] = bucketsV1(`${at}, key ${JSON.stringify(key)}`, buckets);
  return { kind: agg.kind as BucketKind, unit: unit as Unit | null, keys };
}

function bucketsV1(at: string, value: unknown): Bucket[] {
  if (!Array.isArray(value)) throw new InvalidRecordingValue(`${at}: buckets must be an array of [lo, hi, count]`);
  const out: Bucket[] = [];
  value.forEach((b: unknown, i) => {
    const here = `${at}, bucket ${i + 1}`;
    if (!Array.isArray(b) || b.length !== 3) throw new InvalidRecordingValue(`${here}: must be [lo, hi, count]`);
    const [lo, hi, count] = b as unknown[];
    if (!isBound(lo) || !isBound(hi)) throw new InvalidRecordingValue(`${here}: lo and hi must be numbers or null`);
    if (lo !== null && hi !== null && !(lo < hi)) throw new InvalidRecordingValue(`${here}: lo must be less than hi`);
    if (!isCount(count)) throw new InvalidRecordingValue(`${here}: count must be an integer ≥ 0`);
    if (count > 0) out.push({ lo, hi, count });
  });
  // Tools that post-process recordings may reorder buckets; overlapping ones are an error.
  out.sort((a, b) => (a.lo ?? -Infinity) - (b.lo ?? -Infinity));
  for (let i = 1; i < out.length; i++) {
    const prevHi = out[i - 1].hi ?? Infinity;
    if ((out[i].lo ?? -Infinity) < prevHi) throw new InvalidRecordingValue(`${at}: buckets overlap`);
  }
  return out;
}

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBound(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
