//! Parses one line of `bpftrace -f json` output (NDJSON, one message per line) into a typed message.
//! Pure: the bpftrace source feeds it stdout lines; `bpftrace-readings.ts` turns messages into
//! Snapshots. Knows the 0.17 shapes (Debian 12) and the newer ones (0.20+, src/output/json.cpp).
//!
//! Shapes, 0.17 → newer:
//!   {"type": "attached_probes", "data": {"probes": N}}   → {"type":"attached_probes", "count":N}
//!   {"type": "lost_events", "data": {"events": N}}       → {"type":"lost_events", "count":N}
//!   {"type": "hist", "data": {"@m": [{"min": 0, "max": 0, "count": 1}, ...]}}   (unkeyed)
//!   {"type": "hist", "data": {"@m": {"key": [buckets], ...}}}                      (keyed)
//!     first bucket of a range may lack "min" (underflow), the last may lack "max" (overflow);
//!     newer versions print integers that do not fit a double as strings.
//!   {"type": "map", "data": {"@m": 5}} / {"@m": {"k1,k2": 5, ...}}   (tuple keys joined by ",")
//!   {"type": "stats", "data": {"@m": {"count": c, "average": a, "total": t}}} (or keyed)
//!   {"type": "printf"|"time"|"cat"|"join"|"syscall", "data": "text"}
//!   {"type": "helper_error", ...}, and newer "runtime_error"/"print_error" with "msg".
//! The exit dump of 0.17 is preceded by blank lines; stderr text never reaches this parser.

import type { BpftraceJsonBucket } from '../model/buckets';

export type TextKind = 'printf' | 'time' | 'cat' | 'join' | 'syscall';

export interface StatsValue {
  count: number;
  average: number;
  total: number;
}

/** One parsed line. Map names keep bpftrace's spelling ("@lat", "@"); keys stay bpftrace's strings. */
export type BpftraceMessage =
  | { type: 'attached_probes'; probes: number }
  | { type: 'lost_events'; events: number }
  /** hist() and lhist() maps (bpftrace does not say which); an unkeyed map has the one key "". */
  | { type: 'hist'; map: string; keyed: boolean; keys: Record<string, BpftraceJsonBucket[]> }
  /** count()/sum()/min()/max()/avg() and plain maps; values as bpftrace printed them. */
  | { type: 'map'; map: string; keyed: boolean; keys: Record<string, unknown> }
  | { type: 'stats'; map: string; keyed: boolean; keys: Record<string, StatsValue> }
  | { type: 'text'; kind: TextKind; text: string }
  | { type: 'value'; value: unknown }
  | { type: 'runtime_error'; message: string; line?: number; column?: number }
  | { type: 'blank' }
  /** Not JSON, or a message type we do not use (tseries, benchmark_results, ...). */
  | { type: 'other'; raw: string };

const TEXT_KINDS: readonly string[] = ['printf', 'time', 'cat', 'join', 'syscall'];

/** Parses one output line; never throws. */
export function parseBpftraceLine(line: string): BpftraceMessage {
  const raw = line.replace(/\r?\n$/, '');
  if (raw.trim() === '') return { type: 'blank' };
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { type: 'other', raw };
  }
  if (!isObject(msg) || typeof msg.type !== 'string') return { type: 'other', raw };
  const data = msg.data;
  switch (msg.type) {
    case 'attached_probes': {
      const n = numberOf(isObject(data) ? data.probes : msg.count);
      return n === null ? { type: 'other', raw } : { type: 'attached_probes', probes: n };
    }
    case 'lost_events': {
      const n = numberOf(isObject(data) ? data.events : msg.count);
      return n === null ? { type: 'other', raw } : { type: 'lost_events', events: n };
    }
    case 'hist':
      return parseHist(data) ?? { type: 'other', raw };
    case 'map':
      return parseMap(data) ?? { type: 'other', raw };
    case 'stats':
      return parseStats(data) ?? { type: 'other', raw };
    case 'value':
      return { type: 'value', value: data };
    case 'helper_error':
    case 'runtime_error':
    case 'print_error':
      return parseRuntimeError(msg);
    default:
      if (TEXT_KINDS.includes(msg.type) && typeof data === 'string') return { type: 'text', kind: msg.type as TextKind, text: data };
      return { type: 'other', raw };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON number, or an integer printed as a string (newer bpftrace, beyond double precision). */
export function numberOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return null;
}

/** The one "@name": value pair of a map message. */
function single(data: unknown): [string, unknown] | null {
  if (!isObject(data)) return null;
  const entries = Object.entries(data);
  return entries.length === 1 && entries[0][0].startsWith('@') ? entries[0] : null;
}

function parseBuckets(v: unknown): BpftraceJsonBucket[] | null {
  if (!Array.isArray(v)) return null;
  const out: BpftraceJsonBucket[] = [];
  for (const e of v) {
    if (!isObject(e)) return null;
    const count = numberOf(e.count);
    if (count === null) return null;
    const b: BpftraceJsonBucket = { count };
    if (e.min !== undefined) {
      const min = numberOf(e.min);
      if (min === null) return null;
      b.min = min;
    }
    if (e.max !== undefined) {
      const max = numberOf(e.max);
      if (max === null) return null;
      b.max = max;
    }
    out.push(b);
  }
  return out;
}

function parseHist(data: unknown): BpftraceMessage | null {
  const pair = single(data);
  if (!pair) return null;
  const [map, value] = pair;
  const unkeyed = parseBuckets(value);
  if (unkeyed) return { type: 'hist', map, keyed: false, keys: { '': unkeyed } };
  if (!isObject(value)) return null;
  const keys: Record<string, BpftraceJsonBucket[]> = {};
  for (const [k, v] of Object.entries(value)) {
    const buckets = parseBuckets(v);
    if (!buckets) return null;
    keys[k] = buckets;
  }
  return { type: 'hist', map, keyed: true, keys };
}

function parseMap(data: unknown): BpftraceMessage | null {
  const pair = single(data);
  if (!pair) return null;
  const [map, value] = pair;
  // A keyed map is an object of scalars; anything else (a number, a tuple, a record) is one value.
  if (isObject(value) && Object.values(value).every((v) => !isObject(v) && !Array.isArray(v))) {
    return { type: 'map', map, keyed: true, keys: { ...value } };
  }
  return { type: 'map', map, keyed: false, keys: { '': value } };
}

function statsOf(v: unknown): StatsValue | null {
  if (!isObject(v)) return null;
  const count = numberOf(v.count);
  const average = numberOf(v.average);
  const total = numberOf(v.total);
  return count === null || average === null || total === null ? null : { count, average, total };
}

function parseStats(data: unknown): BpftraceMessage | null {
  const pair = single(data);
  if (!pair) return null;
  const [map, value] = pair;
  const one = statsOf(value);
  if (one) return { type: 'stats', map, keyed: false, keys: { '': one } };
  if (!isObject(value)) return null;
  const keys: Record<string, StatsValue> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = statsOf(v);
    if (!s) return null;
    keys[k] = s;
  }
  return { type: 'stats', map, keyed: true, keys };
}

function parseRuntimeError(msg: Record<string, unknown>): BpftraceMessage {
  const line = numberOf(msg.line) ?? undefined;
  const column = numberOf(msg.col) ?? undefined;
  let message: string;
  if (typeof msg.msg === 'string') message = msg.msg;
  else if (typeof msg.helper === 'string') message = `helper ${msg.helper} failed (${String(msg.retcode)})`;
  else message = String(msg.type);
  return { type: 'runtime_error', message, line, column };
}

/** Splits a bpftrace map key into its parts ("218,cat" → ["218", "cat"]); newer versions strip spaces. */
export function splitKey(key: string, parts?: number): string[] {
  if (key === '') return [];
  const all = key.split(',');
  if (parts === undefined || parts <= 0 || all.length <= parts) return all;
  // More commas than parts: a string part held commas; give the surplus to the last part.
  return [...all.slice(0, parts - 1), all.slice(parts - 1).join(',')];
}

/** Our name for a map: without the '@' ("@lat" → "lat", "@" → ""). */
export function aggregationName(map: string): string {
  return map.startsWith('@') ? map.slice(1) : map;
}
