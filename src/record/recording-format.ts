//! The recording format's names and types, shared by the writer and the reader: JSON Lines,
//! a header line, then one Snapshot per line with buckets as [lo, hi, count] arrays.

import type { SourceInfo } from '../sources/source';

/** The header's "format" value: how a reader knows the file is one of ours. */
export const RECORDING_FORMAT = 'heat-tracer-tui.recording';

/** The version this build writes. The reader dispatches on the header's version in one place. */
export const RECORDING_VERSION = 1;

/** What the writer needs to start a recording. */
export interface RecordingHeaderInput {
  started: Date;
  intervalMs: number;
  source: SourceInfo;
}

/** A header as read back: the input plus the version the file was written with. */
export interface RecordingHeader extends RecordingHeaderInput {
  version: number;
}

/** One bucket on disk: [lo, hi, count], half-open, null for an open end. */
export type BucketTuple = [number | null, number | null, number];

/**
 * A bad value in a recording line, thrown by a version's validators; the reader turns it into a
 * Diagnostic with the line number (or a 'not-a-recording' error for the header).
 */
export class InvalidRecordingValue extends Error {
  constructor(
    message: string,
    readonly column = 1,
  ) {
    super(message);
  }
}
