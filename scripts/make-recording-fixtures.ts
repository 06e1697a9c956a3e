//! Regenerates test/fixtures/recordings/*.jsonl: small recordings shaped like each engine's
//! output, for replay, screen and end-to-end tests. Run: npx tsc && node dist/scripts/make-recording-fixtures.js

import fs from 'node:fs';
import path from 'node:path';
import type { Bucket, Snapshot } from '../src/model/snapshot';
import { RecordingWriter, encodeHeader, encodeSnapshot } from '../src/record/recording-writer';
import type { RecordingHeaderInput } from '../src/record/recording-format';
import { DemoSource, demoSnapshot, mulberry32 } from '../src/sources/demo';

const OUT = path.resolve(__dirname, '../../test/fixtures/recordings');
const STARTED = new Date('2024-05-14T09:30:00.000Z');

function write(name: string, header: RecordingHeaderInput, snapshots: Snapshot[]): void {
  const w = RecordingWriter.open(path.join(OUT, name), header);
  for (const s of snapshots) w.write(s);
  w.close();
}

/** Real intervals end a little late: a timer's jitter of a few milliseconds. */
function jitteredT(rng: () => number, i: number, intervalMs: number): number {
  return (i + 1) * intervalMs + Math.floor(rng() * 4);
}

function demo(): void {
  const opts = { seed: 1, intervalMs: 1000 };
  const snapshots = Array.from({ length: 20 }, (_, i) => demoSnapshot(opts, i));
  write('demo-syscalls.jsonl', { started: STARTED, intervalMs: 1000, source: new DemoSource(opts).info }, snapshots);
}

/** Power-of-two buckets as bpftrace's hist() makes them: [0,1), [1,2), [2,4), ... */
function histBuckets(rng: () => number, medianUs: number, events: number): Bucket[] {
  const counts = new Map<number, number>();
  for (let e = 0; e < events; e++) {
    const us = Math.floor(medianUs * Math.exp(0.8 * (rng() + rng() + rng() - 1.5) * 2));
    const lo = us < 1 ? 0 : 2 ** Math.floor(Math.log2(us));
    counts.set(lo, (counts.get(lo) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([lo, count]) => ({ lo, hi: lo === 0 ? 1 : lo * 2, count }));
}

function biolatency(): void {
  const rng = mulberry32(2);
  const snapshots: Snapshot[] = [];
  for (let i = 0; i < 20; i++) {
    // A write-back flush around interval 12 slows the SATA disk for a few seconds.
    const flush = i >= 12 && i < 15;
    snapshots.push({
      t: jitteredT(rng, i, 1000),
      aggregations: {
        usecs: {
          kind: 'hist',
          unit: 'us',
          keys: {
            nvme0n1: histBuckets(rng, 90, 1500 + Math.floor(rng() * 300)),
            sda: histBuckets(rng, flush ? 9000 : 2500, flush ? 400 : 120),
          },
        },
      },
      lost: i === 13 ? 37 : 0,
    });
  }
  const source = { engine: 'bpftrace' as const, title: 'block I/O latency', detail: { preset: 'biolatency', bpftraceVersion: 'v0.17.0' } };
  write('biolatency-hist.jsonl', { started: STARTED, intervalMs: 1000, source }, snapshots);
}

/** lquantize(x, 0, 63, 2) as DTrace reports it: underflow, [0,2) ... [60,62), overflow from 62. */
function lquantizeBuckets(rng: () => number, meanUs: number, events: number): Bucket[] {
  const counts = new Map<number, number>();
  for (let e = 0; e < events; e++) {
    const us = Math.floor(-meanUs * Math.log(1 - rng()));
    counts.set(us >= 62 ? 62 : us - (us % 2), (counts.get(us >= 62 ? 62 : us - (us % 2)) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([lo, count]) => ({ lo, hi: lo === 62 ? null : lo + 2, count }));
}

function dtraceComposite(): void {
  const rng = mulberry32(3);
  const keys: [string, number, number][] = [
    ['node, read', 4, 900],
    ['node, write', 6, 700],
    ['node, epoll_wait', 30, 300],
    ['postgres, pread64', 12, 500],
    ['postgres, fdatasync', 45, 40],
    ['sshd, select', 20, 25],
  ];
  const snapshots: Snapshot[] = [];
  for (let i = 0; i < 20; i++) {
    const k: Record<string, Bucket[]> = {};
    for (const [key, meanUs, events] of keys) k[key] = lquantizeBuckets(rng, meanUs, Math.floor(events * (0.8 + 0.4 * rng())));
    snapshots.push({ t: jitteredT(rng, i, 1000), aggregations: { time: { kind: 'lquantize', unit: 'us', keys: k } }, lost: 0 });
  }
  const source = { engine: 'libdtrace' as const, title: 'heat-tracer.d', detail: { script: 'heat-tracer.d' } };
  write('dtrace-composite-lquantize.jsonl', { started: STARTED, intervalMs: 1000, source }, snapshots);
}

/** Ten whole intervals and a last line cut in the middle, as after a crash or a full disk. */
function truncated(): void {
  const opts = { seed: 4, intervalMs: 500 };
  const header = encodeHeader({ started: STARTED, intervalMs: 500, source: new DemoSource(opts).info });
  const lines = Array.from({ length: 11 }, (_, i) => encodeSnapshot(demoSnapshot(opts, i)));
  const last = lines.pop() as string;
  const text = [header, ...lines].join('\n') + '\n' + last.slice(0, Math.floor(last.length / 2));
  fs.writeFileSync(path.join(OUT, 'truncated.jsonl'), text);
}

/** A recording with a broken line 4 of 6: replay must refuse it and name the line. */
function damaged(): void {
  const opts = { seed: 5, intervalMs: 1000 };
  const lines = [encodeHeader({ started: STARTED, intervalMs: 1000, source: new DemoSource(opts).info })];
  for (let i = 0; i < 5; i++) lines.push(encodeSnapshot(demoSnapshot(opts, i)));
  lines[3] = lines[3].replace('"kind":"llquantize"', '"kind":"log2"');
  fs.writeFileSync(path.join(OUT, 'damaged.jsonl'), lines.join('\n') + '\n');
}

fs.mkdirSync(OUT, { recursive: true });
demo();
biolatency();
dtraceComposite();
truncated();
damaged();
console.log(`wrote ${fs.readdirSync(OUT).filter((f) => f.endsWith('.jsonl')).length} recordings to ${OUT}`);
