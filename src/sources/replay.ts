//! The replay source (--replay FILE): reads a recording and emits its Snapshots again, at the
//! recorded pace (optionally sped up) or as fast as the loop takes them, then ends.

import path from 'node:path';
import { usageError } from '../errors';
import type { Snapshot } from '../model/snapshot';
import { readRecording, readRecordingHeader } from '../record/recording-reader';
import type { RecordingHeader } from '../record/recording-format';
import type { Emit, Source, SourceInfo } from './source';

export interface ReplayOptions {
  /** Pace multiplier (2 = twice as fast); null means 1. Used only when realtime. */
  speed: number | null;
  /** true: keep the recorded gaps between intervals; false: emit as fast as possible. */
  realtime: boolean;
}

/** Snapshots emitted per event-loop turn when not realtime: fast, yet keys and signals get through. */
const BATCH = 64;

const SUFFIX = ' (replay)';

/** Replays a recording file as a Source. */
export class ReplaySource implements Source {
  private currentInfo: SourceInfo;
  private header: RecordingHeader | null = null;
  private emit: Emit | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private stopped = false;
  private readonly speed: number;

  /** Throws a usage HeatError 'bad-speed' when speed is not a positive finite number. */
  constructor(
    readonly file: string,
    private readonly opts: ReplayOptions,
  ) {
    if (opts.speed !== null && !(Number.isFinite(opts.speed) && opts.speed > 0)) {
      throw usageError('bad-speed', `invalid replay speed '${opts.speed}'`, 'use a positive number: --speed 2 plays twice as fast');
    }
    this.speed = opts.speed ?? 1;
    this.currentInfo = { engine: 'replay', title: path.basename(file) + SUFFIX, detail: { file } };
    // The loop may record before start(): give it the recorded title now if the header reads.
    try {
      this.currentInfo = this.describe(readRecordingHeader(file));
    } catch {
      // start() reports the problem.
    }
  }

  /** The recorded source's title and facts (the file name when the header cannot be read). */
  get info(): SourceInfo {
    return this.currentInfo;
  }

  /** The recording's header, once start() has read it. */
  get recording(): RecordingHeader | null {
    return this.header;
  }

  /**
   * Reads and validates the whole file (rejecting with its HeatError), emits a 'warning' per
   * reader warning (a cut-short last line), then schedules the snapshots and a final 'end'.
   */
  async start(emit: Emit): Promise<void> {
    if (this.emit !== null) throw new Error('ReplaySource started twice');
    const rec = readRecording(this.file);
    this.emit = emit;
    this.header = rec.header;
    this.currentInfo = this.describe(rec.header);
    for (const message of rec.warnings) emit({ type: 'warning', message });
    if (this.opts.realtime) this.playRealtime(rec.snapshots, performance.now(), 0);
    else this.playFast(rec.snapshots, 0);
  }

  private describe(header: RecordingHeader): SourceInfo {
    const recorded = header.source;
    return {
      engine: 'replay',
      // A replay of a recorded replay keeps one suffix.
      title: recorded.title.endsWith(SUFFIX) ? recorded.title : recorded.title + SUFFIX,
      detail: {
        file: this.file,
        recorded,
        started: header.started.toISOString(),
        intervalMs: header.intervalMs,
        speed: this.opts.realtime ? this.speed : null,
      },
    };
  }

  /** Cancels pending emissions; nothing is emitted afterwards. Later calls do nothing. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** Emits snapshot i at startedAtMs + t/speed, each timer aimed at an absolute time (no drift). */
  private playRealtime(snapshots: readonly Snapshot[], startedAtMs: number, i: number): void {
    if (i >= snapshots.length) {
      this.immediate = setImmediate(() => this.finish());
      return;
    }
    const dueMs = startedAtMs + snapshots[i].t / this.speed;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (!this.send(snapshots[i])) return;
        this.playRealtime(snapshots, startedAtMs, i + 1);
      },
      Math.max(0, dueMs - performance.now()),
    );
  }

  private playFast(snapshots: readonly Snapshot[], from: number): void {
    this.immediate = setImmediate(() => {
      this.immediate = null;
      const to = Math.min(snapshots.length, from + BATCH);
      for (let i = from; i < to; i++) if (!this.send(snapshots[i])) return;
      if (to < snapshots.length) this.playFast(snapshots, to);
      else this.finish();
    });
  }

  /** Emits one snapshot; false once stopped (the emit handler may have called stop()). */
  private send(snapshot: Snapshot): boolean {
    if (this.stopped || this.emit === null) return false;
    this.emit({ type: 'snapshot', snapshot });
    return !this.stopped;
  }

  private finish(): void {
    this.immediate = null;
    if (this.stopped || this.emit === null) return;
    this.emit({ type: 'end', reason: 'finished' });
  }
}
