//! Tests for the headless summary: accumulation per key, the key table, the text histogram.

import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Bucket, Snapshot } from '../../src/model/snapshot';
import { percentile } from '../../src/model/percentiles';
import { formatValue } from '../../src/model/units';
import { readRecording } from '../../src/record/recording-reader';
import { SummaryAccumulator, formatSummary } from '../../src/report/summary';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/recordings');

function snap(t: number, keys: Record<string, Bucket[]>, lost = 0, unit: 'ns' | null = 'ns'): Snapshot {
  return { t, aggregations: { lat: { kind: 'hist', unit, keys } }, lost };
}

const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });

/** The key table's data rows: key → cells. */
function tableRows(text: string): Map<string, string[]> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s+key\s+count\s+p50/.test(l));
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const cells = line.trim().split(/\s{2,}/);
    rows.set(cells[0], cells.slice(1));
  }
  return rows;
}

function histogramLines(text: string): string[] {
  const lines = text.trimEnd().split('\n');
  return lines.slice(lines.findIndex((l) => l.includes('distribution (all keys)')) + 1);
}

test('intervals merge per key and the header counts intervals, events and lost events', () => {
  const acc = new SummaryAccumulator({ title: 'syscall latency', intervalMs: 1000 });
  acc.add(snap(1000, { read: [b(1024, 2048, 5)], write: [b(4096, 8192, 2)] }, 3), 'lat');
  acc.add(snap(2000, { read: [b(1024, 2048, 1), b(2048, 4096, 4)] }), 'lat');
  acc.add(snap(3000, {}, 4), 'lat');
  const totals = acc.totals();
  assert.deepEqual(totals.keys.get('read'), [b(1024, 2048, 6), b(2048, 4096, 4)]);
  assert.equal(totals.intervals, 3);
  assert.equal(totals.lost, 7);
  const text = acc.format();
  const lines = text.split('\n');
  assert.equal(lines[0], 'syscall latency');
  assert.match(text, /duration\s+3s \(3 intervals of 1s\)/);
  assert.match(text, /events\s+12 in @lat \(hist, ns\)/);
  assert.match(text, /lost\s+7 /);
  assert.ok(text.endsWith('\n'));
});

test('keys are listed by count, largest first, with an all-keys line', () => {
  const acc = new SummaryAccumulator({ title: 'x' });
  acc.add(snap(1000, { close: [b(1, 2, 3)], read: [b(1, 2, 30)], 'nginx, write': [b(2, 4, 12)] }), 'lat');
  const rows = [...tableRows(acc.format()).entries()];
  assert.deepEqual(
    rows.map(([key, cells]) => [key, cells[0]]),
    [['read', '30'], ['nginx, write', '12'], ['close', '3'], ['all keys', '45']],
  );
});

test('the percentile columns are each key\'s percentiles over the merged intervals', () => {
  const acc = new SummaryAccumulator({ title: 'x' });
  acc.add(snap(1000, { read: [b(1000, 2000, 50), b(2000, 4000, 10)] }), 'lat');
  acc.add(snap(2000, { read: [b(2000, 4000, 30), b(64_000, 128_000, 10)] }), 'lat');
  const merged = [b(1000, 2000, 50), b(2000, 4000, 40), b(64_000, 128_000, 10)];
  const cells = tableRows(acc.format()).get('read') as string[];
  const expected = [50, 90, 99].map((p) => formatValue(percentile(merged, p) as number, 'ns'));
  assert.deepEqual(cells.slice(1, 4), expected);
  assert.equal(cells[4], '<128µs');
  assert.match(cells[1], /^[12](\.\d+)?µs$/, 'the median lies in the first bucket');
});

test('only the top keys are listed, the rest summed on one line', () => {
  const keys: Record<string, Bucket[]> = {};
  for (let i = 0; i < 25; i++) keys[`key${String(i).padStart(2, '0')}`] = [b(1, 2, 100 - i)];
  const text = formatSummary([snap(1000, keys)], { title: 'x', topKeys: 20 });
  const rows = [...tableRows(text).keys()];
  assert.equal(rows.length, 22);
  assert.equal(rows[19], 'key19');
  assert.equal(rows[20], '... 5 more keys');
  assert.equal(tableRows(text).get('... 5 more keys')?.[0], String(80 + 79 + 78 + 77 + 76));
});

test('the distribution has one line per non-empty bucket with a range, a count and a bar', () => {
  const text = formatSummary([snap(1000, { a: [b(1024, 2048, 10), b(4096, 8192, 40)], c: [b(1024, 2048, 10)] })], {
    title: 'x',
    barWidth: 20,
  });
  assert.deepEqual(histogramLines(text), ['  1.02µs – 2.05µs  20  ##########', '   4.1µs – 8.19µs  40  ####################']);
});

test('open-ended buckets are labelled with < and ≥', () => {
  const text = formatSummary([snap(1000, { a: [b(null, 0, 1), b(0, 1, 2), b(2 ** 31, null, 3)] })], { title: 'x' });
  const labels = histogramLines(text).map((l) => l.trim().split(/\s{2,}/)[0]);
  assert.deepEqual(labels, ['< 0ns', '0ns – 1ns', '≥ 2.15s']);
  assert.equal(tableRows(text).get('a')?.[4], '≥2.15s');
});

test('values without a unit are shown raw, and --unit overrides the recorded unit', () => {
  const raw = formatSummary([snap(1000, { a: [b(0, 2, 5), b(62, null, 1)] }, 0, null)], { title: 'x' });
  assert.deepEqual(histogramLines(raw).map((l) => l.trim().split(/\s{2,}/)[0]), ['0 – 2', '≥ 62']);
  const us = formatSummary([snap(1000, { a: [b(0, 2, 5)] }, 0, null)], { title: 'x', unit: 'us' });
  assert.equal(histogramLines(us)[0].trim().split(/\s{2,}/)[0], '0µs – 2µs');
});

test('a run without events says so instead of printing empty tables', () => {
  const text = formatSummary([snap(1000, {}), snap(2000, {})], { title: 'quiet' });
  assert.match(text, /no events recorded/);
  assert.doesNotMatch(text, /distribution/);
});

test('long runs show minutes and hours', () => {
  assert.match(formatSummary([snap(125_000, {})], { title: 'x' }), /duration\s+2m 05s/);
  assert.match(formatSummary([snap(3_725_000, {})], { title: 'x' }), /duration\s+1h 02m 05s/);
});

test('memory stays bounded: repeated intervals add counts, not buckets', () => {
  const acc = new SummaryAccumulator({ title: 'x' });
  const s = snap(1000, { read: [b(1, 2, 1), b(2, 4, 2)], write: [b(8, 16, 3)] });
  for (let i = 0; i < 1000; i++) acc.add({ ...s, t: (i + 1) * 1000 }, 'lat');
  const totals = acc.totals();
  assert.deepEqual(totals.keys.get('read'), [b(1, 2, 1000), b(2, 4, 2000)]);
  assert.equal(totals.keys.get('write')?.length, 1);
  assert.equal(totals.intervals, 1000);
});

test('a list of snapshots and the accumulator give the same text', () => {
  const rec = readRecording(path.join(FIXTURES, 'dtrace-composite-lquantize.jsonl'));
  const acc = new SummaryAccumulator({ title: 'heat-tracer.d', intervalMs: 1000 });
  for (const s of rec.snapshots) acc.add(s, 'time');
  assert.equal(formatSummary(rec.snapshots, { title: 'heat-tracer.d', intervalMs: 1000 }), acc.format());
});

test('the demo fixture summary lists every syscall and adds up to the recorded events', () => {
  const rec = readRecording(path.join(FIXTURES, 'demo-syscalls.jsonl'));
  let events = 0;
  for (const s of rec.snapshots) for (const buckets of Object.values(s.aggregations.syscall.keys)) for (const x of buckets) events += x.count;
  const text = formatSummary(rec.snapshots, { title: rec.header.source.title, intervalMs: 1000 });
  const rows = tableRows(text);
  assert.equal(rows.size, 13);
  assert.equal(rows.get('all keys')?.[0], events.toLocaleString('en-US'));
  assert.match(text, /duration\s+20s \(20 intervals of 1s\)/);
  const barCounts = histogramLines(text).map((l) => Number(l.trim().split(/\s{2,}/)[1].replace(/,/g, '')));
  assert.equal(barCounts.reduce((a, c) => a + c, 0), events);
});

test('the title can be given when formatting, and a run without one gets a generic first line', () => {
  const acc = new SummaryAccumulator();
  acc.add(snap(1000, { read: [b(1, 2, 1)] }), 'lat');
  assert.equal(acc.format().split('\n')[0], 'heat-tracer-tui summary');
  assert.equal(acc.format({ title: 'probe.d (replay)' }).split('\n')[0], 'probe.d (replay)');
});
