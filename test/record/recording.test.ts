//! Tests for the recording format: the writer's lines, the reader's validation, and round trips.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeatError } from '../../src/errors';
import type { Snapshot } from '../../src/model/snapshot';
import { RecordingWriter, encodeHeader, encodeSnapshot } from '../../src/record/recording-writer';
import { parseRecording, readRecording, readRecordingHeader } from '../../src/record/recording-reader';
import type { RecordingHeaderInput } from '../../src/record/recording-format';

const HEADER: RecordingHeaderInput = {
  started: new Date('2024-05-01T12:00:00.000Z'),
  intervalMs: 1000,
  source: { engine: 'bpftrace', title: 'syscall latency', detail: { preset: 'syscalls' } },
};

function snap(t: number, keys: Snapshot['aggregations'][string]['keys'], lost = 0): Snapshot {
  return { t, aggregations: { time: { kind: 'hist', unit: 'ns', keys } }, lost };
}

const SNAPSHOTS: Snapshot[] = [
  snap(1000, { read: [{ lo: 1024, hi: 2048, count: 5 }, { lo: 4096, hi: 8192, count: 2 }] }),
  snap(2001, { 'nginx, read': [{ lo: null, hi: 0, count: 1 }, { lo: 0, hi: 1, count: 3 }], 'größe, 読み': [{ lo: 1 << 30, hi: null, count: 7 }] }, 12),
  snap(3000, {}),
];

function text(header: RecordingHeaderInput, snapshots: Snapshot[]): string {
  return [encodeHeader(header), ...snapshots.map(encodeSnapshot)].map((l) => l + '\n').join('');
}

function isHeatError(code: string, exitCode?: number) {
  return (err: unknown) => err instanceof HeatError && err.code === code && (exitCode === undefined || err.exitCode === exitCode);
}

function tmpFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heat-rec-')), name);
}

test('the header line has the format, version, start time, interval and source', () => {
  const obj = JSON.parse(encodeHeader(HEADER));
  assert.deepEqual(Object.keys(obj), ['format', 'version', 'started', 'interval_ms', 'source']);
  assert.equal(obj.format, 'heat-tracer-tui.recording');
  assert.equal(obj.version, 1);
  assert.equal(obj.started, '2024-05-01T12:00:00.000Z');
  assert.equal(obj.interval_ms, 1000);
  assert.deepEqual(obj.source, HEADER.source);
});

test('an interval line stores buckets as [lo, hi, count] with null open ends and no zero buckets', () => {
  const s = snap(1500, { read: [{ lo: null, hi: 1, count: 2 }, { lo: 1, hi: 2, count: 0 }, { lo: 2, hi: Infinity, count: 4 }] }, 3);
  const obj = JSON.parse(encodeSnapshot(s));
  assert.deepEqual(obj, {
    t: 1500,
    aggregations: { time: { kind: 'hist', unit: 'ns', keys: { read: [[null, 1, 2], [2, null, 4]] } } },
    lost: 3,
  });
});

test('snapshots survive a write and read round trip, unicode and composite keys included', () => {
  const file = tmpFile('round.jsonl');
  const w = RecordingWriter.open(file, HEADER);
  for (const s of SNAPSHOTS) w.write(s);
  w.close();
  w.close();
  const rec = readRecording(file);
  assert.deepEqual(rec.snapshots, SNAPSHOTS);
  assert.deepEqual(rec.warnings, []);
  assert.equal(rec.header.version, 1);
  assert.equal(rec.header.started.toISOString(), HEADER.started.toISOString());
  assert.equal(rec.header.intervalMs, 1000);
  assert.deepEqual(rec.header.source, HEADER.source);
  assert.deepEqual(Object.keys(rec.snapshots[1].aggregations.time.keys), ['nginx, read', 'größe, 読み']);
});

test('each interval is in the file as soon as write returns', () => {
  const file = tmpFile('sync.jsonl');
  const w = RecordingWriter.open(file, HEADER);
  assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 2);
  w.write(SNAPSHOTS[0]);
  assert.equal(readRecording(file).snapshots.length, 1);
  w.write(SNAPSHOTS[1]);
  assert.equal(readRecording(file).snapshots.length, 2);
  w.close();
});

test('writing after close is a bug and throws', () => {
  const w = RecordingWriter.open(tmpFile('closed.jsonl'), HEADER);
  w.close();
  assert.throws(() => w.write(SNAPSHOTS[0]), /after close/);
});

test('a recording that cannot be created is a record-open error naming the file', () => {
  const file = path.join(os.tmpdir(), 'heat-no-such-dir', 'x', 'rec.jsonl');
  assert.throws(
    () => RecordingWriter.open(file, HEADER),
    (err: unknown) => isHeatError('record-open', 1)(err) && (err as Error).message.includes(file),
  );
});

test('a final line cut short is dropped with a warning, the whole lines are replayed', () => {
  const full = text(HEADER, SNAPSHOTS);
  const cut = full.slice(0, full.length - 20);
  const rec = parseRecording(cut, 'rec.jsonl');
  assert.deepEqual(rec.snapshots, SNAPSHOTS.slice(0, 2));
  assert.deepEqual(rec.warnings, ['rec.jsonl: last line is incomplete (cut short?); replaying 2 intervals']);
});

test('a final line without a newline that is whole is kept', () => {
  const rec = parseRecording(text(HEADER, SNAPSHOTS).trimEnd(), 'rec.jsonl');
  assert.deepEqual(rec.snapshots, SNAPSHOTS);
  assert.deepEqual(rec.warnings, []);
});

test('CRLF line endings and blank lines are accepted', () => {
  const crlf = text(HEADER, SNAPSHOTS).replace(/\n/g, '\r\n\r\n');
  assert.deepEqual(parseRecording(crlf, 'rec.jsonl').snapshots, SNAPSHOTS);
});

test('an empty file is not a recording', () => {
  assert.throws(() => parseRecording('', 'empty.jsonl'), isHeatError('not-a-recording', 2));
  assert.throws(() => parseRecording('\n\n', 'empty.jsonl'), isHeatError('not-a-recording', 2));
});

test('a header-only file has no intervals and says so', () => {
  const rec = parseRecording(encodeHeader(HEADER) + '\n', 'head.jsonl');
  assert.deepEqual(rec.snapshots, []);
  assert.deepEqual(rec.warnings, ['head.jsonl: the recording has no intervals']);
});

test('garbage, another JSON file or a cut-short header is not a recording, and the error names the file', () => {
  const cases = [
    'hello world\n',
    '\x1f\x8b\x08\x00binary',
    '[1,2,3]\n',
    '{"format": "something-else", "version": 1}\n',
    '{"version": 1}\n',
    encodeHeader(HEADER).slice(0, 30),
  ];
  for (const c of cases) {
    assert.throws(
      () => parseRecording(c, 'odd.jsonl'),
      (err: unknown) => isHeatError('not-a-recording', 2)(err) && (err as Error).message.includes('odd.jsonl'),
      JSON.stringify(c),
    );
  }
});

test('an unsupported version is rejected with the version in the message', () => {
  const v2 = encodeHeader(HEADER).replace('"version":1', '"version":2') + '\n';
  assert.throws(
    () => parseRecording(v2, 'new.jsonl'),
    (err: unknown) => isHeatError('not-a-recording', 2)(err) && /version 2/.test((err as Error).message),
  );
});

test('a header with a bad field is not a recording', () => {
  for (const [field, value] of [['started', 'yesterday'], ['interval_ms', 0], ['source', 'bpftrace']] as const) {
    const obj = JSON.parse(encodeHeader(HEADER));
    obj[field] = value;
    assert.throws(() => parseRecording(JSON.stringify(obj) + '\n', 'h.jsonl'), isHeatError('not-a-recording', 2), field);
  }
});

test('a bad line in the middle is an error with its line number', () => {
  const lines = text(HEADER, SNAPSHOTS).split('\n');
  lines[2] = '{"t": 2001, "aggregations": {';
  const bad = lines.join('\n');
  assert.throws(
    () => parseRecording(bad, 'mid.jsonl'),
    (err: unknown) => {
      if (!isHeatError('bad-recording', 2)(err)) return false;
      const e = err as HeatError;
      return e.file === 'mid.jsonl' && e.diagnostics.length === 1 && e.diagnostics[0].line === 3;
    },
  );
});

test('every bad line is reported, not only the first', () => {
  const lines = text(HEADER, SNAPSHOTS).split('\n');
  lines[1] = 'nope';
  lines[3] = '{"t": -1, "aggregations": {}, "lost": 0}';
  assert.throws(
    () => parseRecording(lines.join('\n'), 'two.jsonl'),
    (err: unknown) => err instanceof HeatError && err.diagnostics.map((d) => d.line).join() === '2,4',
  );
});

function withBuckets(buckets: unknown): string {
  const line = JSON.stringify({ t: 1000, aggregations: { time: { kind: 'hist', unit: 'ns', keys: { read: buckets } } }, lost: 0 });
  return `${encodeHeader(HEADER)}\n${line}\n${encodeSnapshot(SNAPSHOTS[2])}\n`;
}

test('bucket arrays are validated: numbers or null, lo below hi, counts non-negative integers, no overlap', () => {
  const bad: unknown[] = [
    [[1, 2]],
    [['1', 2, 3]],
    [[2, 2, 1]],
    [[4, 2, 1]],
    [[1, 2, -1]],
    [[1, 2, 1.5]],
    [[1, 2, null]],
    [[0, 4, 1], [2, 8, 1]],
    [[null, null, 1], [0, 1, 1]],
    'read',
  ];
  for (const b of bad) {
    assert.throws(
      () => parseRecording(withBuckets(b), 'b.jsonl'),
      (err: unknown) => isHeatError('bad-recording')(err) && (err as HeatError).diagnostics[0].line === 2,
      JSON.stringify(b),
    );
  }
});

test('valid buckets out of order are sorted and zero counts dropped', () => {
  const rec = parseRecording(withBuckets([[4, 8, 2], [null, 0, 1], [0, 4, 0]]), 'b.jsonl');
  assert.deepEqual(rec.snapshots[0].aggregations.time.keys.read, [
    { lo: null, hi: 0, count: 1 },
    { lo: 4, hi: 8, count: 2 },
  ]);
});

test('an unknown kind or unit is an error naming the aggregation', () => {
  const line = JSON.stringify({ t: 1, aggregations: { lat: { kind: 'pow2', unit: 'ns', keys: {} } }, lost: 0 });
  assert.throws(
    () => parseRecording(`${encodeHeader(HEADER)}\n${line}\n${line}\n`, 'k.jsonl'),
    (err: unknown) => err instanceof HeatError && err.diagnostics.length === 2 && /"lat"/.test(err.diagnostics[0].message),
  );
});

test('a missing file is a replay-open error naming it', () => {
  const file = path.join(os.tmpdir(), 'heat-does-not-exist.jsonl');
  assert.throws(
    () => readRecording(file),
    (err: unknown) => isHeatError('replay-open', 2)(err) && (err as Error).message.includes(file),
  );
});

test('the header alone can be read from a recording, with the same errors', () => {
  const file = tmpFile('header.jsonl');
  const w = RecordingWriter.open(file, HEADER);
  for (const s of SNAPSHOTS) w.write(s);
  w.close();
  assert.deepEqual(readRecordingHeader(file), readRecording(file).header);
  const garbage = tmpFile('garbage.bin');
  fs.writeFileSync(garbage, Buffer.alloc(200_000, 0x41));
  assert.throws(() => readRecordingHeader(garbage), isHeatError('not-a-recording', 2));
  const empty = tmpFile('empty.jsonl');
  fs.writeFileSync(empty, '');
  assert.throws(() => readRecordingHeader(empty), isHeatError('not-a-recording', 2));
  assert.throws(() => readRecordingHeader(path.join(os.tmpdir(), 'heat-nope.jsonl')), isHeatError('replay-open', 2));
});
