//! Tests for the Prometheus source against a scripted stand-in of the HTTP API on loopback:
//! failing and slow queries (a warning, the picture kept, missed intervals fetched later), bearer
//! tokens, and the errors that stop the start (refused token, bad selector, no server).

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { PrometheusSource, parseServerUrl, readBearerToken } from '../../src/sources/prometheus';
import type { SourceEvent } from '../../src/sources/source';

interface Call {
  path: string;
  params: URLSearchParams;
  authorization: string | undefined;
}

type Answer = { status: number; body: unknown; delayMs?: number };

/** A loopback HTTP server answering each call with `answer(call, n)`; records the calls. */
async function fakePrometheus(answer: (call: Call, n: number) => Answer): Promise<{ url: string; calls: Call[]; close: () => Promise<void> }> {
  const calls: Call[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const call: Call = { path: (req.url ?? '').split('?')[0], params: new URLSearchParams(body), authorization: req.headers.authorization };
      calls.push(call);
      const a = answer(call, calls.length);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(a.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(a.body));
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const OK_PROBE: Answer = { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '3'] }] } } };

/** A matrix with one event in [0.5, 1) s on host h at every step asked for. */
function oneEventPerStep(call: Call): Answer {
  const start = Number(call.params.get('start'));
  const end = Number(call.params.get('end'));
  const step = Number(call.params.get('step'));
  const values: Array<[number, string]> = [];
  for (let t = start; t <= end + 1e-9; t += step) values.push([Math.round(t * 1000) / 1000, '1']);
  const s = (le: string, v: string) => ({ metric: { instance: 'h', layout: 'pow2 s <=8', le }, values: values.map(([t]) => [t, v]) });
  return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [s('0.5', '0'), s('1', '1'), s('+Inf', '1')] } } };
}

function collect(events: SourceEvent[]) {
  return {
    snapshots: events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])),
    warnings: events.flatMap((e) => (e.type === 'warning' ? [e.message] : [])),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('failing queries keep the picture: one warning, then every missed interval is fetched', async () => {
  const fake = await fakePrometheus((call, n) => {
    if (call.path === '/api/v1/query') return OK_PROBE;
    return n <= 4 ? { status: 503, body: { status: 'error', errorType: 'unavailable', error: 'overloaded' } } : oneEventPerStep(call);
  });
  const events: SourceEvent[] = [];
  const src = new PrometheusSource({ url: fake.url, query: 'heat_tracer_syscall_seconds', by: 'instance', intervalMs: 100, token: null, lagMs: 0 });
  try {
    await src.start((e) => events.push(e));
    await sleep(900);
  } finally {
    await src.stop();
    await fake.close();
  }
  const { snapshots, warnings } = collect(events);
  assert.equal(warnings.filter((w) => /HTTP 503: overloaded/.test(w)).length, 1, warnings.join('\n'));
  assert.ok(warnings.some((w) => /answers again/.test(w)), warnings.join('\n'));
  assert.ok(snapshots.length >= 5, `${snapshots.length} snapshots`);
  snapshots.forEach((s, i) => {
    assert.equal(s.t, (i + 1) * 100, 'no interval skipped or repeated');
    assert.deepEqual(s.aggregations.syscall.keys, { h: [{ lo: 5e8, hi: 1e9, count: 1 }] });
  });
});

test('a slow query is abandoned after its timeout with a warning, and asked again', async () => {
  const fake = await fakePrometheus((call, n) => (call.path === '/api/v1/query' ? OK_PROBE : { ...oneEventPerStep(call), delayMs: n === 2 ? 1000 : 0 }));
  const events: SourceEvent[] = [];
  const src = new PrometheusSource({ url: fake.url, query: 'heat_tracer_syscall_seconds', by: null, intervalMs: 100, token: null, lagMs: 0, timeoutMs: 200 });
  try {
    await src.start((e) => events.push(e));
    await sleep(700);
  } finally {
    await src.stop();
    await fake.close();
  }
  const { snapshots, warnings } = collect(events);
  assert.ok(warnings.some((w) => /no answer within 200 ms/.test(w)), warnings.join('\n'));
  assert.ok(snapshots.length >= 2);
  snapshots.forEach((s, i) => assert.equal(s.t, (i + 1) * 100));
});

test('the bearer token is sent in a header, and comes from a file or the environment', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-prom-'));
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 's3cret\n', { mode: 0o600 });
  try {
    assert.deepEqual(readBearerToken(file, {}), { token: 's3cret', warning: null });
    assert.deepEqual(readBearerToken(null, { HEAT_TRACER_PROMETHEUS_TOKEN: 'from-env' }), { token: 'from-env', warning: null });
    assert.deepEqual(readBearerToken(null, {}), { token: null, warning: null });
    fs.chmodSync(file, 0o644);
    assert.match(readBearerToken(file, {}).warning ?? '', /readable by every user/);
    assert.throws(() => readBearerToken(path.join(dir, 'missing'), {}), { code: 'token-file' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const fake = await fakePrometheus((call) => (call.authorization === 'Bearer s3cret' ? OK_PROBE : { status: 401, body: { status: 'error', error: 'unauthorized' } }));
  try {
    const src = new PrometheusSource({ url: fake.url, query: 'x_seconds', by: null, intervalMs: 1000, token: 's3cret' });
    await src.start(() => {});
    await src.stop();
    assert.ok(fake.calls.every((c) => !c.path.includes('s3cret') && !String(c.params).includes('s3cret')));
    const refused = new PrometheusSource({ url: fake.url, query: 'x_seconds', by: null, intervalMs: 1000, token: 'wrong' });
    await assert.rejects(refused.start(() => {}), { code: 'prometheus-auth' });
  } finally {
    await fake.close();
  }
});

test('a selector the server refuses is a usage error; no server is a runtime error; credentials in the URL are refused', async () => {
  const fake = await fakePrometheus(() => ({ status: 400, body: { status: 'error', errorType: 'bad_data', error: '1:10: parse error: unexpected "}"' } }));
  try {
    await assert.rejects(new PrometheusSource({ url: fake.url, query: 'x_seconds{a="b"}', by: null, intervalMs: 1000, token: null }).start(() => {}), (err: { code: string; exitCode: number; message: string }) => {
      assert.equal(err.code, 'bad-query');
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /parse error/);
      return true;
    });
  } finally {
    await fake.close();
  }
  const closed = await fakePrometheus(() => OK_PROBE);
  await closed.close();
  await assert.rejects(new PrometheusSource({ url: closed.url, query: 'x_seconds', by: null, intervalMs: 1000, token: null }).start(() => {}), { code: 'prometheus-unreachable' });
  assert.throws(() => parseServerUrl('http://user:pw@prom:9090'), { code: 'credentials-in-url' });
  assert.throws(() => parseServerUrl('ftp://prom'), { code: 'bad-url' });
});
