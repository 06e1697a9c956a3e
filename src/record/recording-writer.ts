//! Writes a recording (--record FILE): the header, then one JSON line per Snapshot as the loop
//! receives it. Synchronous writes, so every interval is in the kernel when write() returns.

import fs from 'node:fs';
import { HeatError, EXIT } from '../errors';
import type { Bucket, Snapshot } from '../model/snapshot';
import { RECORDING_FORMAT, RECORDING_VERSION, type BucketTuple, type RecordingHeaderInput } from './recording-format';

/** An open end is null on disk; ±Infinity from a careless adapter means the same thing. */
function bound(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

function encodeBuckets(buckets: readonly Bucket[]): BucketTuple[] {
  const out: BucketTuple[] = [];
  for (const b of buckets) {
    if (b.count !== 0) out.push([bound(b.lo), bound(b.hi), b.count]);
  }
  return out;
}

/** The header line (without newline): format, version, started, interval_ms, source. */
export function encodeHeader(header: RecordingHeaderInput): string {
  return JSON.stringify({
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    started: header.started.toISOString(),
    interval_ms: header.intervalMs,
    source: header.source,
  });
}

/** One interval's line (without newline): t, aggregations with [lo, hi, count] buckets, lost. */
export function encodeSnapshot(s: Snapshot): string {
  const aggregations: Record<string, { kind: string; unit: string | null; keys: Record<string, BucketTuple[]> }> = {};
  for (const [name, agg] of Object.entries(s.aggregations)) {
    const keys: Record<string, BucketTuple[]> = {};
    for (const [key, buckets] of Object.entries(agg.keys)) keys[key] = encodeBuckets(buckets);
    aggregations[name] = { kind: agg.kind, unit: agg.unit, keys };
  }
  return JSON.stringify({ t: s.t, aggregations, lost: s.lost });
}

/** An open recording file. Not reusable after close(). */
export class RecordingWriter {
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Creates (or truncates) `path` and writes the header line. Throws HeatError 'record-open'
   * (exit 1) when the file cannot be created or written.
   */
  static open(path: string, header: RecordingHeaderInput): RecordingWriter {
    let fd: number;
    try {
      fd = fs.openSync(path, 'w');
    } catch (err) {
      throw new HeatError('record-open', `cannot write recording ${path}: ${reason(err)}`, {
        hint: 'check the directory exists and is writable, or record somewhere else',
        exitCode: EXIT.runtime,
        cause: err,
      });
    }
    const writer = new RecordingWriter(path, fd);
    try {
      writer.writeLine(encodeHeader(header), 'record-open');
    } catch (err) {
      writer.close();
      throw err;
    }
    return writer;
  }

  /** Appends one interval. Throws HeatError 'record-write' (exit 1) on a write error (disk full). */
  write(s: Snapshot): void {
    this.writeLine(encodeSnapshot(s), 'record-write');
  }

  /** Closes the file; further close() calls do nothing. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }

  private writeLine(line: string, code: string): void {
    if (this.fd === null) throw new Error(`recording ${this.path} written after close()`);
    const data = Buffer.from(line + '\n', 'utf8');
    try {
      // writeSync may write less than asked (a full pipe, a signal): loop until it is all out.
      let offset = 0;
      while (offset < data.length) offset += fs.writeSync(this.fd, data, offset, data.length - offset);
    } catch (err) {
      throw new HeatError(code, `cannot write recording ${this.path}: ${reason(err)}`, {
        hint: 'check there is space left on the device',
        exitCode: EXIT.runtime,
        cause: err,
      });
    }
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string') {
    const known: Record<string, string> = {
      ENOENT: 'no such directory',
      EACCES: 'permission denied',
      EISDIR: 'is a directory',
      ENOSPC: 'no space left on device',
      EROFS: 'read-only file system',
    };
    return known[e.code] ?? e.code;
  }
  return err instanceof Error ? err.message : String(err);
}
