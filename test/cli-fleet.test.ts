//! Tests for the fleet options on the command line: --serve-metrics (address, headless, key bound)
//! and --prometheus/--query/--by/--bearer-token-file (source, default interval, usage errors).

import test from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../src/cli';
import type { RunConfig } from '../src/config';

const argv = (...args: string[]) => ['node', 'heat-tracer-tui', ...args];
const io = { out: () => {}, isTTY: true };

function config(...args: string[]): RunConfig {
  const req = parseArgs(argv(...args), io);
  assert.equal(req.kind, 'run');
  return (req as { config: RunConfig }).config;
}

test('--serve-metrics with a bare port binds loopback, runs headless and bounds the keys', () => {
  const c = config('--demo', '--serve-metrics', '9464');
  assert.deepEqual(c.serveMetrics, { host: '127.0.0.1', port: 9464, topKeys: 50 });
  assert.equal(c.headless, true);
  assert.deepEqual(config('--replay', 'r.jsonl', '--serve-metrics', '0.0.0.0:9100', '--metrics-keys', '7').serveMetrics, { host: '0.0.0.0', port: 9100, topKeys: 7 });
  assert.equal(config('--demo').serveMetrics ?? null, null);
});

test('--prometheus needs --query; its interval defaults to the usual scrape interval', () => {
  const c = config('--prometheus', 'http://prom:9090', '--query', 'heat_tracer_syscall_seconds{job="heat"}', '--by', 'instance');
  assert.deepEqual(c.source, { kind: 'prometheus', url: 'http://prom:9090', query: 'heat_tracer_syscall_seconds{job="heat"}', by: 'instance', tokenFile: null });
  assert.equal(c.intervalMs, 15_000);
  assert.equal(config('--prometheus', 'http://p', '--query', 'h_seconds', '--interval', '1000').intervalMs, 1000);
  assert.equal(config('--prometheus', 'http://p', '--query', 'h_seconds', '--bearer-token-file', '/etc/tok').source.kind, 'prometheus');
});

test('fleet options in the wrong company are usage errors (exit 2)', () => {
  const cases: Array<[string[], string]> = [
    [['--prometheus', 'http://p'], 'prometheus-without-query'],
    [['--demo', '--query', 'h_seconds'], 'fleet-option-without-prometheus'],
    [['--by', 'instance'], 'fleet-option-without-prometheus'],
    [['--prometheus', 'http://p', '--query', 'h_seconds', '--serve-metrics', '9464'], 'conflicting-sources'],
    [['--prometheus', 'http://p', '--demo', '--query', 'h_seconds'], 'conflicting-sources'],
    [['--prometheus', 'http://p', '--query', 'rate(h[5m])'], 'bad-query'],
    [['--prometheus', 'http://p', '--query', 'h_seconds', '--by', 'le'], 'bad-by'],
    [['--prometheus', 'http://p', '--query', 'h_seconds', '-p', '1'], 'target-without-tracer'],
    [['--demo', '--serve-metrics', 'localhost'], 'bad-listen-address'],
  ];
  for (const [args, code] of cases) {
    assert.throws(() => parseArgs(argv(...args), io), (err: { code: string; exitCode: number }) => err.code === code && err.exitCode === 2, args.join(' '));
  }
});

test('--help lists the fleet options and examples', () => {
  const req = parseArgs(argv('--help'), io);
  assert.equal(req.kind, 'done');
  const text = (req as { text: string }).text;
  for (const flag of ['--serve-metrics', '--metrics-keys', '--prometheus', '--query', '--by', '--bearer-token-file']) assert.ok(text.includes(flag), flag);
  assert.match(text, /--serve-metrics 9464 +# export/);
});
