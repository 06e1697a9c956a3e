//! Tests for the Prometheus source's pure half: selectors, the PromQL sent, and query results
//! turned into Snapshots (bounds, layouts merged, gaps, series coming and going, inconsistencies).

import test from 'node:test';
import assert from 'node:assert/strict';
import { aggregationName, bucketQuery, checkByLabel, cumulativeToBuckets, matrixToSnapshots, parseSelector, type MatrixSeries } from '../../src/sources/prometheus-query';

test('a selector keeps its matchers and loses a _bucket suffix', () => {
  assert.deepEqual(parseSelector('heat_tracer_syscall_seconds_bucket{job="heat", instance=~"db.*"}'), { metric: 'heat_tracer_syscall_seconds', matchers: '{job="heat", instance=~"db.*"}' });
  assert.throws(() => parseSelector('rate(x[5m])'), { code: 'bad-query' });
  assert.throws(() => checkByLabel('le'), { code: 'bad-by' });
  assert.equal(aggregationName('heat_tracer_syscall_seconds'), 'syscall');
  assert.equal(aggregationName('http_request_duration_seconds'), 'http_request_duration');
});

test('the query takes each series\' change over one step, or its whole value when it is new or was reset', () => {
  assert.equal(
    bucketQuery(parseSelector('h_seconds{job="a"}'), 'instance', 15000),
    'sum by (le, layout, instance) ((h_seconds_bucket{job="a"} - h_seconds_bucket{job="a"} offset 15000ms) >= 0 or h_seconds_bucket{job="a"})',
  );
  assert.match(bucketQuery(parseSelector('h_seconds'), null, 1000), /^sum by \(le, layout\) /);
});

test('cumulative counts by le become half-open buckets in ns', () => {
  const byLe = new Map([
    [6.4e-7, 0],
    [7.68e-7, 3],
    [8.96e-7, 3],
    [1.024e-6, 10],
    [Infinity, 12],
  ]);
  const r = cumulativeToBuckets(byLe, (le) => Math.round(le * 1e12) / 1e3);
  assert.deepEqual(r.buckets, [
    { lo: 640, hi: 768, count: 3 },
    { lo: 896, hi: 1024, count: 7 },
    { lo: 1024, hi: null, count: 2 },
  ]);
  assert.equal(r.inconsistent, 0);
});

const series = (labels: Record<string, string>, values: Array<[number, number]>): MatrixSeries => ({ metric: labels, values: values.map(([t, v]) => [t, String(v)]) });

test('each step becomes a column keyed by the --by label; layouts of one key are merged; a step without samples is empty', () => {
  const steps = [1000_000, 1001_000, 1002_000];
  const m: MatrixSeries[] = [
    // host a, one layout: 2 events in [1, 2) s at the first step, none at the second, gone at the third.
    series({ instance: 'a', layout: 'pow2 s <=16', le: '1' }, [[1000, 0], [1001, 0]]),
    series({ instance: 'a', layout: 'pow2 s <=16', le: '2' }, [[1000, 2], [1001, 0]]),
    series({ instance: 'a', layout: 'pow2 s <=16', le: '+Inf' }, [[1000, 2], [1001, 0]]),
    // host b comes in at the second step with two layouts (one retired, one new).
    series({ instance: 'b', layout: 'pow2 s <=16', le: '2' }, [[1001, 1]]),
    series({ instance: 'b', layout: 'pow2 s <=16', le: '+Inf' }, [[1001, 1]]),
    series({ instance: 'b', layout: 'pow2 s <=64', le: '2' }, [[1001, 4]]),
    series({ instance: 'b', layout: 'pow2 s <=64', le: '32' }, [[1001, 5]]),
    series({ instance: 'b', layout: 'pow2 s <=64', le: '+Inf' }, [[1001, 5]]),
  ];
  const out = matrixToSnapshots(m, steps, { aggregation: 'syscall', by: 'instance', seconds: true, originMs: 999_000, kind: 'hist' });
  assert.equal(out.snapshots.length, 3);
  assert.deepEqual(out.snapshots.map((s) => s.t), [1000, 2000, 3000]);
  assert.deepEqual(out.snapshots[0].aggregations.syscall, { kind: 'hist', unit: 'ns', keys: { a: [{ lo: 1e9, hi: 2e9, count: 2 }] } });
  assert.deepEqual(out.snapshots[1].aggregations.syscall.keys, {
    b: [
      { lo: null, hi: 2e9, count: 5 },
      { lo: 2e9, hi: 32e9, count: 1 },
    ],
  });
  assert.deepEqual(out.snapshots[2].aggregations.syscall.keys, {});
});

test('a bucket whose count would be negative is dropped and reported, never drawn', () => {
  const out = matrixToSnapshots(
    [series({ le: '1' }, [[10, 5]]), series({ le: '2' }, [[10, 3]]), series({ le: '+Inf' }, [[10, 6]])],
    [10_000],
    { aggregation: 'x', by: null, seconds: false, originMs: 9000, kind: 'lhist' },
  );
  assert.equal(out.inconsistent, 1);
  assert.deepEqual(out.snapshots[0].aggregations.x, { kind: 'lhist', unit: null, keys: { '': [{ lo: null, hi: 1, count: 5 }, { lo: 2, hi: null, count: 1 }] } });
});
