//! Tests for the replay source: validation on start, order and pacing, speed, stop, warnings.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeatError } from '../../src/errors';
import type { Snapshot } from '../../src/model/snapshot';
import { RecordingWriter } from '../../src/record/recording-writer';
import { readRecording } from '../../src/record/recording-reader';
import { ReplaySource } from '../../src/sources/replay';
import type { SourceEvent } from '../../src/sources/source';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/recordings');
const fixture = (name: string) => path.join(FIXTURES, name);

/** A recording in a temp file with `n` intervals every `intervalMs`. */
function makeRecording(n: number, intervalMs: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heat-replay-')), 'r.jsonl');
  const w = RecordingWriter.open(file, { started: new Date(), intervalMs, source: { engine: 'demo', title: 'test' } });
  for (let i = 0; i < n; i++) {
    const s: Snapshot = { t: (i + 1) * intervalMs, aggregations: { a: { kind: 'hist', unit: 'ns', keys: { k: [{ lo: 1, hi: 2, count: i + 1 }] } } }, lost: 0 };
    w.write(s);
  }
  w.close();
  return file;
}

/** Starts a source and collects its events until 'end'. */
async function playToEnd(src: ReplaySource): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  await new Promise<void>((resolve, reject) => {
    src
      .start((e) => {
        events.push(e);
        if (e.type === 'end') resolve();
      })
      .catch(reject);
  });
  return events;
}

function snapshotsOf(events: SourceEvent[]): Snapshot[] {
  return events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
}

function rejectsWith(code: string, exitCode: number) {
  return (err: unknown) => err instanceof HeatError && err.code === code && err.exitCode === exitCode;
}

test('a fast replay emits every recorded interval in order, then ends as finished', async () => {
  const file = fixture('demo-syscalls.jsonl');
  const events = await playToEnd(new ReplaySource(file, { speed: null, realtime: false }));
  assert.deepEqual(snapshotsOf(events), readRecording(file).snapshots);
  assert.deepEqual(events[events.length - 1], { type: 'end', reason: 'finished' });
  assert.equal(events.length, 21);
});

test('start resolves before any snapshot is emitted', async () => {
  const events: SourceEvent[] = [];
  const src = new ReplaySource(fixture('biolatency-hist.jsonl'), { speed: null, realtime: false });
  await src.start((e) => events.push(e));
  assert.equal(events.length, 0);
  await src.stop();
});

test('a fast replay lets other callbacks run between batches', async () => {
  const file = makeRecording(300, 10);
  const events: SourceEvent[] = [];
  const src = new ReplaySource(file, { speed: null, realtime: false });
  let seenWhenOtherRan = -1;
  const ended = new Promise<void>((resolve) =>
    src.start((e) => {
      events.push(e);
      if (e.type === 'end') resolve();
    }),
  );
  setImmediate(() => (seenWhenOtherRan = events.length));
  await ended;
  assert.ok(seenWhenOtherRan >= 0 && seenWhenOtherRan < 300, `snapshots before the other callback: ${seenWhenOtherRan}`);
  assert.equal(snapshotsOf(events).length, 300);
});

test('a realtime replay keeps the recorded order and waits for the recorded times', async () => {
  const file = makeRecording(5, 10);
  const src = new ReplaySource(file, { speed: null, realtime: true });
  const events: SourceEvent[] = [];
  const ended = new Promise<void>((resolve) =>
    src.start((e) => {
      events.push(e);
      if (e.type === 'end') resolve();
    }),
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(events.length, 0, 'nothing is emitted before the first interval is due');
  await ended;
  assert.deepEqual(
    snapshotsOf(events).map((s) => s.t),
    [10, 20, 30, 40, 50],
  );
  assert.equal(events[events.length - 1].type, 'end');
});

test('a realtime replay at a high speed divides the recorded gaps', async () => {
  // Five seconds recorded: at speed 1000 it takes milliseconds; ignoring speed would take 5 s.
  const file = makeRecording(5, 1000);
  const startedMs = performance.now();
  const events = await playToEnd(new ReplaySource(file, { speed: 1000, realtime: true }));
  assert.ok(performance.now() - startedMs < 2500, 'replayed faster than recorded');
  assert.equal(snapshotsOf(events).length, 5);
});

test('a speed that is not a positive number is a usage error', () => {
  for (const speed of [0, -1, NaN, Infinity]) {
    assert.throws(() => new ReplaySource('x.jsonl', { speed, realtime: true }), rejectsWith('bad-speed', 2), String(speed));
  }
});

test('stop cancels the rest of the replay and can be called twice', async () => {
  const file = makeRecording(5, 10);
  const src = new ReplaySource(file, { speed: null, realtime: true });
  const events: SourceEvent[] = [];
  let stopped!: Promise<void>;
  const first = new Promise<void>((resolve) =>
    src.start((e) => {
      events.push(e);
      stopped = src.stop();
      resolve();
    }),
  );
  await first;
  await stopped;
  await src.stop();
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(events.length, 1, 'only the snapshot that called stop()');
  assert.equal(events[0].type, 'snapshot');
});

test('stop during a fast replay ends emission within the batch', async () => {
  const src = new ReplaySource(makeRecording(100, 10), { speed: null, realtime: false });
  const events: SourceEvent[] = [];
  await src.start((e) => {
    events.push(e);
    if (events.length === 3) void src.stop();
  });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(events.length, 3);
});

test('a cut-short recording warns, then replays its whole intervals', async () => {
  const file = fixture('truncated.jsonl');
  const events = await playToEnd(new ReplaySource(file, { speed: null, realtime: false }));
  assert.deepEqual(events[0], { type: 'warning', message: `${file}: last line is incomplete (cut short?); replaying 10 intervals` });
  assert.equal(snapshotsOf(events).length, 10);
  assert.equal(events[events.length - 1].type, 'end');
});

test('start rejects for a missing, damaged or foreign file', async () => {
  const missing = path.join(os.tmpdir(), 'heat-missing-recording.jsonl');
  await assert.rejects(new ReplaySource(missing, { speed: null, realtime: false }).start(() => {}), rejectsWith('replay-open', 2));
  await assert.rejects(
    new ReplaySource(fixture('damaged.jsonl'), { speed: null, realtime: false }).start(() => {}),
    (err: unknown) => rejectsWith('bad-recording', 2)(err) && (err as HeatError).diagnostics[0].line === 4,
  );
  const foreign = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heat-replay-')), 'notes.txt');
  fs.writeFileSync(foreign, 'just some notes\n');
  await assert.rejects(new ReplaySource(foreign, { speed: null, realtime: true }).start(() => {}), rejectsWith('not-a-recording', 2));
});

test('info names the file when the header cannot be read', () => {
  const file = path.join(os.tmpdir(), 'heat-missing-recording.jsonl');
  assert.deepEqual(new ReplaySource(file, { speed: 2, realtime: true }).info, { engine: 'replay', title: 'heat-missing-recording.jsonl (replay)', detail: { file } });
});

test('info describes the recorded source, before start already', async () => {
  const file = fixture('biolatency-hist.jsonl');
  const src = new ReplaySource(file, { speed: 2, realtime: true });
  assert.equal(src.info.title, 'block I/O latency (replay)');
  await src.start(() => {});
  await src.stop();
  assert.equal(src.info.engine, 'replay');
  assert.equal(src.info.title, 'block I/O latency (replay)');
  const detail = src.info.detail as Record<string, unknown>;
  assert.equal(detail.file, file);
  assert.equal((detail.recorded as { engine: string }).engine, 'bpftrace');
  assert.equal(detail.intervalMs, 1000);
  assert.equal(detail.speed, 2);
  assert.equal(src.recording?.intervalMs, 1000);
});

test('a header-only recording warns and ends without snapshots', async () => {
  const file = makeRecording(0, 10);
  const events = await playToEnd(new ReplaySource(file, { speed: null, realtime: true }));
  assert.deepEqual(
    events.map((e) => e.type),
    ['warning', 'end'],
  );
});
