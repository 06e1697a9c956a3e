//! Reads a recording back into Snapshots (for --replay and for users' own tools): checks the
//! header, dispatches on its version, validates every interval, tolerates a cut-short last line.

import fs from 'node:fs';
import { EXIT, HeatError, type Diagnostic } from '../errors';
import { BUCKET_KINDS, UNITS, type Aggregation, type Bucket, type BucketKind, type Snapshot, type Unit } from '../model/snapshot';
import type { SourceInfo } from '../sources/source';
import { RECORDING_FORMAT, type RecordingHeader } from './recording-format';

/** A recording as read: its header, its intervals in order, and warnings for the user. */
export interface Recording {
  header: RecordingHeader;
  snapshots: Snapshot[];
  warnings: string[];
}

/** A problem with one value, as data until it becomes a Diagnostic with a line number. */
class Invalid extends Error {
  constructor(
    message: string,
    readonly column = 1,
  ) {
    super(message);
  }
}

/** How one version's lines are read. Adding version 2 means adding an entry, nothing else. */
interface VersionReader {
  header(obj: Record<string, unknown>, version: number): RecordingHeader;
  snapshot(value: unknown): Snapshot;
}

const READERS: Record<number, VersionReader> = {
  1: { header: headerV1, snapshot: snapshotV1 },
};

/** Most bad lines we report before giving up: enough to see a pattern, not a wall of text. */
const MAX_DIAGNOSTICS = 20;

/** Reads and validates the recording at `path`; see parseRecording for the errors it throws. */
export function readRecording(path: string): Recording {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    throw new HeatError('replay-open', `cannot read recording ${path}: ${why}`, { exitCode: EXIT.usage, cause: err });
  }
  return parseRecording(text, path);
}

/**
 * Parses a recording's text. Throws HeatError 'not-a-recording' (exit 2) when the header is
 * missing, garbage, of another format or an unsupported version, and 'bad-recording' (exit 2,
 * with one Diagnostic per bad line) when an interval line in the middle is invalid.
 */
export function parseRecording(text: string, file: string): Recording {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  // A file that ends with a newline has an empty last element: every line in it is whole.
  const cutShort = lines[lines.length - 1] !== '';
  if (!cutShort) lines.pop();
  if (lines.every((l) => l.trim() === '')) throw notARecording(file, 'the file is empty');

  const headerText = stripCr(lines[0]);
  if (cutShort && lines.length === 1 && headerText.startsWith('{') && !parsesAsJson(headerText)) throw notARecording(file, 'the header line is incomplete');
  const { header, reader } = parseHeader(headerText, file);

  const snapshots: Snapshot[] = [];
  const warnings: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i]);
    if (line.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (isLast && cutShort) {
        warnings.push(`${file}: last line is incomplete (cut short?); replaying ${snapshots.length} intervals`);
        break;
      }
      diagnostics.push(diagnostic(i + 1, jsonErrorColumn(err), `invalid JSON: ${jsonErrorText(err)}`));
      if (diagnostics.length >= MAX_DIAGNOSTICS) break;
      continue;
    }
    try {
      snapshots.push(reader.snapshot(value));
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      diagnostics.push(diagnostic(i + 1, err.column, err.message));
      if (diagnostics.length >= MAX_DIAGNOSTICS) break;
    }
  }
  if (diagnostics.length > 0) {
    // formatError adds "(N errors)" when there are several; one is worth naming in the message.
    const where = diagnostics.length === 1 ? ` at line ${diagnostics[0].line}` : '';
    throw new HeatError('bad-recording', `cannot replay ${file}: damaged recording${where}`, {
      exitCode: EXIT.usage,
      file,
      // No source text: a recording's lines are long JSON, not worth echoing under a caret.
      diagnostics,
    });
  }
  if (snapshots.length === 0 && warnings.length === 0) warnings.push(`${file}: the recording has no intervals`);
  return { header, snapshots, warnings };
}

function parseHeader(line: string, file: string): { header: RecordingHeader; reader: VersionReader } {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw notARecording(file, 'the first line is not a JSON header');
  }
  if (!isObject(obj)) throw notARecording(file, 'the first line is not a JSON object');
  if (obj.format !== RECORDING_FORMAT) {
    const what = typeof obj.format === 'string' ? `its format is '${obj.format}'` : 'its header has no "format" field';
    throw notARecording(file, what);
  }
  const version = obj.version;
  const reader = typeof version === 'number' ? READERS[version] : undefined;
  if (reader === undefined) {
    throw new HeatError('not-a-recording', `cannot replay ${file}: unsupported recording version ${JSON.stringify(version)}`, {
      hint: `this heat-tracer-tui reads version ${Object.keys(READERS).join(', ')}; a newer heat-tracer-tui may read it`,
      exitCode: EXIT.usage,
    });
  }
  try {
    return { header: reader.header(obj, version as number), reader };
  } catch (err) {
    if (err instanceof Invalid) throw notARecording(file, `bad header: ${err.message}`);
    throw err;
  }
}

function headerV1(obj: Record<string, unknown>, version: number): RecordingHeader {
  if (typeof obj.started !== 'string' || Number.isNaN(Date.parse(obj.started))) {
    throw new Invalid('"started" must be an ISO-8601 date');
  }
  const intervalMs = obj.interval_ms;
  if (typeof intervalMs !== 'number' || !(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new Invalid('"interval_ms" must be a positive number');
  }
  const src = obj.source;
  if (!isObject(src) || typeof src.engine !== 'string' || typeof src.title !== 'string') {
    throw new Invalid('"source" must be an object with "engine" and "title"');
  }
  if (src.detail !== undefined && !isObject(src.detail)) throw new Invalid('"source.detail" must be an object');
  // Engines a newer build adds are kept as written: the replay only shows them.
  const source: SourceInfo = { engine: src.engine as SourceInfo['engine'], title: src.title };
  if (src.detail !== undefined) source.detail = src.detail as Record<string, unknown>;
  return { version, started: new Date(obj.started), intervalMs, source };
}

function snapshotV1(value: unknown): Snapshot {
  if (!isObject(value)) throw new Invalid('an interval line must be a JSON object');
  const t = value.t;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new Invalid('"t" must be a number of milliseconds ≥ 0');
  const lost = value.lost ?? 0;
  if (!isCount(lost)) throw new Invalid('"lost" must be an integer ≥ 0');
  if (!isObject(value.aggregations)) throw new Invalid('"aggregations" must be an object');
  const aggregations: Record<string, Aggregation> = {};
  for (const [name, agg] of Object.entries(value.aggregations)) aggregations[name] = aggregationV1(name, agg);
  return { t, aggregations, lost };
}

function aggregationV1(name: string, agg: unknown): Aggregation {
  const at = `aggregation ${JSON.stringify(name)}`;
  if (!isObject(agg)) throw new Invalid(`${at} must be an object`);
  if (!BUCKET_KINDS.includes(agg.kind as BucketKind)) {
    throw new Invalid(`${at}: "kind" must be one of ${BUCKET_KINDS.join(', ')}`);
  }
  const unit = agg.unit ?? null;
  if (unit !== null && !UNITS.includes(unit as Unit)) throw new Invalid(`${at}: "unit" must be one of ${UNITS.join(', ')} or null`);
  if (!isObject(agg.keys)) throw new Invalid(`${at}: "keys" must be an object`);
  const keys: Record<string, Bucket[]> = {};
  for (const [key, buckets] of Object.entries(agg.keys)) keys[key] = bucketsV1(`${at}, key ${JSON.stringify(key)}`, buckets);
  return { kind: agg.kind as BucketKind, unit: unit as Unit | null, keys };
}

function bucketsV1(at: string, value: unknown): Bucket[] {
  if (!Array.isArray(value)) throw new Invalid(`${at}: buckets must be an array of [lo, hi, count]`);
  const out: Bucket[] = [];
  value.forEach((b: unknown, i) => {
    const here = `${at}, bucket ${i + 1}`;
    if (!Array.isArray(b) || b.length !== 3) throw new Invalid(`${here}: must be [lo, hi, count]`);
    const [lo, hi, count] = b as unknown[];
    if (!isBound(lo) || !isBound(hi)) throw new Invalid(`${here}: lo and hi must be numbers or null`);
    if (lo !== null && hi !== null && !(lo < hi)) throw new Invalid(`${here}: lo must be less than hi`);
    if (!isCount(count)) throw new Invalid(`${here}: count must be an integer ≥ 0`);
    if (count > 0) out.push({ lo, hi, count });
  });
  // Tools that post-process recordings may reorder buckets; overlapping ones are an error.
  out.sort((a, b) => (a.lo ?? -Infinity) - (b.lo ?? -Infinity));
  for (let i = 1; i < out.length; i++) {
    const prevHi = out[i - 1].hi ?? Infinity;
    if ((out[i].lo ?? -Infinity) < prevHi) throw new Invalid(`${at}: buckets overlap`);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBound(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function jsonErrorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/ in JSON at position \d+.*$/, '');
}

function jsonErrorColumn(err: unknown): number {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  return m ? Number(m[1]) + 1 : 1;
}

function diagnostic(line: number, column: number, message: string): Diagnostic {
  return { code: 'bad-recording', message, line, column, length: 1, severity: 'error' };
}

function notARecording(file: string, why: string): HeatError {
  return new HeatError('not-a-recording', `${file} is not a heat-tracer-tui recording: ${why}`, {
    hint: 'replay a file written with --record FILE',
    exitCode: EXIT.usage,
  });
}
