//! The fleet view with the real thing: a Prometheus server on loopback scrapes two exporters of
//! ours (`--replay <recording> --serve-metrics`, two "hosts"; one is restarted, a counter reset),
//! and the heatmap read back through `--prometheus` (the binary, headless, recording) and through
//! PrometheusSource (by syscall) holds exactly the recordings' counts, bucket by bucket.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mergeBuckets } from '../../src/model/buckets';
import type { Bucket, Snapshot } from '../../src/model/snapshot';
import { readRecording } from '../../src/record/recording-reader';
import { PrometheusSource } from '../../src/sources/prometheus';
import { freePorts, prometheusSkipReason, promQuery, startPrometheus, stop, tool, waitFor, waitForScrape, type Child } from './prometheus-server';

const RECORDINGS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const HOST_A = path.join(RECORDINGS, 'demo-syscalls.jsonl');
const HOST_B = path.join(RECORDINGS, 'truncated.jsonl');

/** Per key, the buckets of all the snapshots summed (one aggregation). */
function totalsByKey(snapshots: readonly Snapshot[], aggregation: string): Map<string, Bucket[]> {
  const lists = new Map<string, Bucket[][]>();
  for (const s of snapshots) {
    for (const [key, buckets] of Object.entries(s.aggregations[aggregation]?.keys ?? {})) lists.set(key, [...(lists.get(key) ?? []), buckets]);
  }
  return new Map([...lists].map(([k, l]) => [k, mergeBuckets(l)]));
}

const allKeys = (m: Map<string, Bucket[]>): Bucket[] => mergeBuckets([...m.values()]);
const count = (bs: readonly Bucket[]): number => bs.reduce((n, b) => n + b.count, 0);
const times = (bs: readonly Bucket[], k: number): Bucket[] => bs.map((b) => ({ ...b, count: b.count * k }));

test('a real Prometheus scraping two exporters gives back both recordings exactly, per host and per syscall', { timeout: 60_000 }, async (t) => {
  const skip = prometheusSkipReason();
  if (skip) return t.skip(skip);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-fleet-'));
  const children: Child[] = [];
  const started = <C extends Child>(c: C): C => (children.push(c), c);
  try {
    const [portA, portB, portProm] = await freePorts(3);
    const [hostA, hostB] = [`127.0.0.1:${portA}`, `127.0.0.1:${portB}`];
    const prom = started(await startPrometheus(dir, portProm, [hostA, hostB]));
    // Ready is not scraping: the scrape loops start a few seconds later.
    await waitFor(() => 'the scrape loops to start', async () => (await promQuery(prom.url, 'up{job="heat"}')).length === 2, 15_000);
    const since = Date.now();
    const fleetFile = path.join(dir, 'fleet.jsonl');
    const fleet = started(tool(['--prometheus', prom.url, '--query', 'heat_tracer_syscall_seconds{job="heat"}', '--by', 'instance', '--interval', '1000', '--record', fleetFile], dir));

    // Host A replays 20 s of demo at 2×; host B 5 s at 2×, is stopped once its last counts are
    // scraped, and replays again after a failed scrape: its counters start from zero (a reset).
    const a = started(tool(['--replay', HOST_A, '--speed', '2', '--serve-metrics', hostA], dir));
    let b = started(tool(['--replay', HOST_B, '--speed', '2', '--serve-metrics', hostB], dir));
    const finished = (c: Child) => () => /still serving metrics/.test(c.stderr());
    await waitFor(() => `host B to finish: ${b.stderr()}`, finished(b), 15_000);
    await waitForScrape(prom.url, hostB, Date.now(), 1);
    assert.deepEqual(await stop(b, 'SIGTERM'), { code: 0, signal: null }, 'SIGTERM ends an exporter cleanly');
    await waitForScrape(prom.url, hostB, Date.now(), 0);
    b = started(tool(['--replay', HOST_B, '--speed', '2', '--serve-metrics', hostB], dir));
    await waitFor(() => `both hosts to finish: ${a.stderr()} ${b.stderr()}`, () => finished(a)() && finished(b)(), 20_000);

    const expectedA = allKeys(totalsByKey(readRecording(HOST_A).snapshots, 'syscall'));
    const expectedB = times(allKeys(totalsByKey(readRecording(HOST_B).snapshots, 'syscall')), 2);
    const expectedTotal = count(expectedA) + count(expectedB);

    // The fleet heatmap as a user gets it: wait for the counts to arrive, two intervals more (any
    // double counting would show), then Ctrl-C.
    const fleetTotal = () => (fs.existsSync(fleetFile) ? count(allKeys(totalsByKey(readRecording(fleetFile).snapshots, 'syscall'))) : 0);
    await waitFor(() => `the fleet to count ${expectedTotal} events (has ${fleetTotal()}): ${fleet.stderr()}`, () => fleetTotal() >= expectedTotal, 25_000);
    await new Promise((r) => setTimeout(r, 2200));
    assert.equal((await stop(fleet, 'SIGINT')).code, 0, fleet.stderr());
    const columns = readRecording(fleetFile).snapshots;
    const byHost = totalsByKey(columns, 'syscall');
    assert.deepEqual([...byHost.keys()].sort(), [hostA, hostB].sort());
    assert.deepEqual(byHost.get(hostA), expectedA, 'host A: every bucket as recorded');
    assert.deepEqual(byHost.get(hostB), expectedB, 'host B: both replays, across the reset');
    assert.equal(count(allKeys(byHost)), expectedTotal);
    const busy = columns.filter((s) => Object.keys(s.aggregations.syscall?.keys ?? {}).length > 0).length;
    assert.ok(busy >= 3, `counts spread over the intervals they were scraped in (${busy} columns)`);
    assert.match(fleet.stdout(), /heat_tracer_syscall_seconds\{job="heat"\} by instance \(prometheus\)/);

    // The same data by syscall, through the source itself, from before the hosts started.
    const snapshots: Snapshot[] = [];
    const src = new PrometheusSource({ url: prom.url, query: 'heat_tracer_syscall_seconds', by: 'syscall', intervalMs: 1000, token: null, lagMs: 1000, sinceMs: since });
    await src.start((e) => {
      if (e.type === 'snapshot') snapshots.push(e.snapshot);
    });
    await waitFor(() => 'the backfill', () => snapshots.length > 0, 10_000);
    await src.stop();
    const bySyscall = totalsByKey(snapshots, 'syscall');
    const recA = totalsByKey(readRecording(HOST_A).snapshots, 'syscall');
    const recB = totalsByKey(readRecording(HOST_B).snapshots, 'syscall');
    for (const key of new Set([...recA.keys(), ...recB.keys()])) {
      assert.equal(count(bySyscall.get(key) ?? []), count(recA.get(key) ?? []) + 2 * count(recB.get(key) ?? []), `syscall ${key}`);
    }
    assert.equal(count(allKeys(bySyscall)), expectedTotal);

    assert.equal((await stop(a, 'SIGINT')).code, 0, 'SIGINT ends an exporter cleanly');
  } finally {
    await Promise.all(children.map((c) => stop(c, 'SIGKILL')));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
