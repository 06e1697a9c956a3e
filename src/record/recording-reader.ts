//! Reads a recording back into Snapshots (for --replay and for users' own tools): checks the
//! header, dispatches on its version, validates every interval, tolerates a cut-short last line.

import fs from 'node:fs';
import { EXIT, HeatError, type Diagnostic } from '../errors';
import type { Snapshot } from '../model/snapshot';
import { InvalidRecordingValue, RECORDING_FORMAT, type RecordingHeader } from './recording-format';
import { headerV1, isObject, snapshotV1 } from './recording-v1';

/** A recording as read: its header, its intervals in order, and warnings for the user. */
export interface Recording {
  header: RecordingHeader;
  snapshots: Snapshot[];
  warnings: string[];
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
    throw openError(path, err);
  }
  return parseRecording(text, path);
}

function openError(path: string, err: unknown): HeatError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
  return new HeatError('replay-open', `cannot read recording ${path}: ${why}`, { exitCode: EXIT.usage, cause: err });
}

/** Longest header line readRecordingHeader looks through before calling the file garbage. */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * Reads only the header line of the recording at `path` (cheap on a long recording).
 * Throws like readRecording: 'replay-open' or 'not-a-recording'.
 */
export function readRecordingHeader(path: string): RecordingHeader {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw openError(path, err);
  }
  const chunks: Buffer[] = [];
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let size = 0; size < MAX_HEADER_BYTES; ) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, size);
      if (n === 0) break;
      const nl = chunk.subarray(0, n).indexOf(0x0a);
      chunks.push(Buffer.from(chunk.subarray(0, nl < 0 ? n : nl)));
      if (nl >= 0) break;
      size += n;
    }
  } catch (err) {
    throw openError(path, err);
  } finally {
    fs.closeSync(fd);
  }
  const line = stripCr(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, ''));
  if (line.trim() === '') throw notARecording(path, 'the file is empty');
  return parseHeader(line, path).header;
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
      if (!(err instanceof InvalidRecordingValue)) throw err;
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
    if (err instanceof InvalidRecordingValue) throw notARecording(file, `bad header: ${err.message}`);
    throw err;
  }
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
