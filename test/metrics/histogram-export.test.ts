//! Tests for the exposition: names, bucket bounds in seconds, cumulative counts, label escaping,
//! bounded keys, retired layouts, the lost-events counter; and the /metrics server's refusals.

import test from 'node:test';
import assert from 'node:assert/strict';
import { HistogramExport, RETIRE_MS, type ExportOptions } from '../../src/metrics/histogram-export';
import { MetricsServer, parseListenAddress } from '../../src/metrics/metrics-server';
import type { Aggregation, Bucket, Snapshot } from '../../src/model/snapshot';

function exporter(over: Partial<ExportOptions> = {}): { ex: HistogramExport; warnings: string[] } {
  const warnings: string[] = [];
  const ex = new HistogramExport({ topKeys: 50, unitOverride: null, keyLabel: (a) => (a === 'syscall' ? 'syscall' : 'key'), warn: (m) => warnings.push(m), ...over });
  return { ex, warnings };
}

function snap(aggregations: Record<string, Aggregation>, lost = 0): Snapshot {
  return { t: 1000, aggregations, lost };
}

const b = (lo: number | null, hi: number | null, count: number): Bucket => ({ lo, hi, count });

/** The sample lines of the exposition as "name{labels} value". */
async function lines(ex: HistogramExport): Promise<string[]> {
  return (await ex.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/** Value of the sample whose line starts with `prefix` (labels in the exporter's order). */
function value(all: string[], prefix: string): number {
  const line = all.find((l) => l.startsWith(prefix));
  assert.ok(line, `no sample ${prefix}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('bucket bounds become le in seconds and counts are cumulative', async () => {
  const { ex } = exporter();
  ex.add(snap({ syscall: { kind: 'hist', unit: 'us', keys: { read: [b(8, 16, 3), b(16, 32, 5), b(64, 128, 2)] } } }));
  const all = await lines(ex);
  const p = 'heat_tracer_syscall_seconds_bucket{syscall="read",layout="pow2 us <=1024",le=';
  assert.equal(value(all, `${p}"0.000008"}`), 0);
  assert.equal(value(all, `${p}"0.000016"}`), 3);
  assert.equal(value(all, `${p}"0.000032"}`), 8);
  assert.equal(value(all, `${p}"0.000064"}`), 8);
  assert.equal(value(all, `${p}"0.000128"}`), 10);
  assert.equal(value(all, `${p}"+Inf"}`), 10);
  assert.equal(value(all, 'heat_tracer_syscall_seconds_count{syscall="read"'), 10);
  // _sum: bucket middles, in seconds.
  assert.ok(Math.abs(value(all, 'heat_tracer_syscall_seconds_sum{syscall="read"') - (3 * 12 + 5 * 24 + 2 * 96) / 1e6) < 1e-12);
  assert.match(await ex.metrics(), /# TYPE heat_tracer_syscall_seconds histogram/);
});

test('counts add up across intervals, and open-ended buckets count only in +Inf', async () => {
  const { ex } = exporter();
  const agg = (n: number): Aggregation => ({ kind: 'lquantize', unit: 'ms', keys: { '': [b(null, 0, n), b(0, 10, n), b(90, null, n)] } });
  ex.add(snap({ time: agg(1) }));
  ex.add(snap({ time: agg(2) }));
  const all = await lines(ex);
  const p = 'heat_tracer_time_seconds_bucket{layout="lin10+0 ms <=90",le=';
  assert.equal(value(all, `${p}"0"}`), 3);
  assert.equal(value(all, `${p}"0.01"}`), 6);
  assert.equal(value(all, `${p}"0.09"}`), 6);
  assert.equal(value(all, `${p}"+Inf"}`), 9);
});

test('an unknown unit gives a _value metric with the raw bounds', async () => {
  const { ex } = exporter();
  ex.add(snap({ 'sizes!': { kind: 'hist', unit: null, keys: { k: [b(512, 1024, 4)] } } }));
  const all = await lines(ex);
  assert.equal(value(all, 'heat_tracer_sizes__value_bucket{key="k",layout="pow2 raw <=8192",le="1024"}'), 4);
});

test('label values are escaped: quotes, backslashes and newlines', async () => {
  const { ex } = exporter();
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { 'a"b\\c\nd': [b(1, 2, 1)] } } }));
  const text = await ex.metrics();
  assert.ok(text.includes('heat_tracer_time_seconds_count{key="a\\"b\\\\c\\nd",layout="pow2 ns <=16"} 1'), text);
});

test('keys beyond the bound are summed as (other), and keys keep their series', async () => {
  const { ex } = exporter({ topKeys: 2 });
  const one = (n: number) => [b(1, 2, n)];
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { c: one(1), a: one(5), b: one(3) } } }));
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { d: one(100), c: one(1), a: one(1) } } }));
  const counts = (await lines(ex)).filter((l) => l.startsWith('heat_tracer_time_seconds_count'));
  assert.deepEqual(counts.sort(), [
    'heat_tracer_time_seconds_count{key="(other)",layout="pow2 ns <=16"} 102',
    'heat_tracer_time_seconds_count{key="a",layout="pow2 ns <=16"} 6',
    'heat_tracer_time_seconds_count{key="b",layout="pow2 ns <=16"} 3',
  ]);
});

test('a new layout starts from zero and the old series stay, frozen, until they retire', async () => {
  let now = 0;
  const { ex } = exporter({ nowMs: () => now });
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { k: [b(1, 2, 7)] } } }));
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { k: [b(1024, 2048, 2)] } } }));
  let counts = (await lines(ex)).filter((l) => l.startsWith('heat_tracer_time_seconds_count'));
  assert.deepEqual(counts, ['heat_tracer_time_seconds_count{key="k",layout="pow2 ns <=16"} 7', 'heat_tracer_time_seconds_count{key="k",layout="pow2 ns <=16384"} 2']);
  now = RETIRE_MS + 1;
  counts = (await lines(ex)).filter((l) => l.startsWith('heat_tracer_time_seconds_count'));
  assert.deepEqual(counts, ['heat_tracer_time_seconds_count{key="k",layout="pow2 ns <=16384"} 2']);
});

test('lost events are counted, and an aggregation that changes kind is dropped with a warning', async () => {
  const { ex, warnings } = exporter();
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { k: [b(1, 2, 1)] } } }, 5));
  ex.add(snap({ time: { kind: 'lhist', unit: 'ns', keys: { k: [b(1, 2, 1)] } } }, 2));
  const all = await lines(ex);
  assert.equal(value(all, 'heat_tracer_lost_events_total'), 7);
  assert.equal(all.filter((l) => l.startsWith('heat_tracer_time')).length, 0);
  assert.equal(warnings.length, 1);
});

test('a bare port binds loopback; addresses and IPv6 in brackets are kept', () => {
  assert.deepEqual(parseListenAddress('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
  assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  assert.throws(() => parseListenAddress('::1:9464'), { code: 'bad-listen-address' });
  assert.throws(() => parseListenAddress('70000'), { code: 'bad-listen-address' });
});

test('the server answers GET /metrics only: other paths 404, other methods 405, bodies unread', async () => {
  const { ex } = exporter();
  ex.add(snap({ time: { kind: 'hist', unit: 'ns', keys: { k: [b(1, 2, 1)] } } }));
  const server = new MetricsServer(ex);
  const addr = await server.listen({ host: '127.0.0.1', port: 0 });
  try {
    const base = `http://127.0.0.1:${addr.port}`;
    const ok = await fetch(`${base}/metrics`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await ok.text(), /heat_tracer_time_seconds_count\{key="k"/);
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/metrics/../admin`)).status, 404);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'BEGIN { system("id") }' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await fetch(`${base}/metrics`, { method: 'PUT', body: 'x' })).status, 405);
  } finally {
    await server.close();
  }
});
