//! The fleet source (--prometheus URL --query SELECTOR [--by LABEL]): every interval it asks a
//! Prometheus-compatible server (Prometheus, Thanos, Mimir, Cortex) for the histogram's per-interval
//! bucket counts with `query_range` and emits one Snapshot per interval, keyed by the --by label.
//! A failing or slow server never ends the run: the picture stays, a 'warning' says what failed,
//! and the next tick asks again for every interval not yet fetched.

import fs from 'node:fs';
import { HeatError, usageError } from '../errors';
import type { BucketKind } from '../model/snapshot';
import { aggregationName, bucketQuery, checkByLabel, matrixToSnapshots, parseSelector, stepTimes, type MatrixSeries, type Selector } from './prometheus-query';
import type { Emit, Source, SourceInfo } from './source';

/** Where the bearer token comes from when there is no --bearer-token-file. */
export const TOKEN_ENV = 'HEAT_TRACER_PROMETHEUS_TOKEN';
/** How long after an interval ends before it is asked for: scrapes and remote writes land late. */
export const DEFAULT_LAG_MS = 3000;
/** Intervals fetched in one query after an outage; older ones are skipped (with a warning). */
const MAX_STEPS_PER_QUERY = 120;

export interface PrometheusOptions {
  url: string;
  query: string;
  by: string | null;
  intervalMs: number;
  token: string | null;
  lagMs?: number;
  /** Start with the interval ending after this time (ms since the epoch) instead of now. */
  sinceMs?: number | null;
  /** Per query; default max(5 s, the interval). */
  timeoutMs?: number;
  nowMs?: () => number;
  /** Said once the source has started (e.g. a token file others can read). */
  startWarnings?: string[];
}

/** The bearer token: from the file when given, else from $HEAT_TRACER_PROMETHEUS_TOKEN, else none. */
export function readBearerToken(file: string | null, env: NodeJS.ProcessEnv): { token: string | null; warning: string | null } {
  if (file === null) return { token: env[TOKEN_ENV]?.trim() || null, warning: null };
  let text: string;
  let mode = 0;
  try {
    text = fs.readFileSync(file, 'utf8');
    mode = fs.statSync(file).mode;
  } catch (err) {
    throw usageError('token-file', `cannot read --bearer-token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const token = text.trim();
  if (token === '') throw usageError('token-file', `--bearer-token-file ${file} is empty`);
  return { token, warning: mode & 0o004 ? `${file} is readable by every user: chmod 600 it` : null };
}

/** Checks the server URL: http(s), no credentials in it (other users can read command lines). */
export function parseServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError('bad-url', `--prometheus needs a URL such as http://prometheus:9090, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError('bad-url', `--prometheus needs an http or https URL, got '${text}'`);
  if (url.username || url.password) throw usageError('credentials-in-url', '--prometheus URL must not carry credentials: other users can read command lines', `put a bearer token in a file (--bearer-token-file) or in $${TOKEN_ENV}`);
  url.search = '';
  url.hash = '';
  return url;
}

class QueryFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** A fleet heatmap read back from Prometheus. */
export class PrometheusSource implements Source {
  readonly info: SourceInfo;
  private readonly base: string;
  private readonly selector: Selector;
  private readonly stepMs: number;
  private readonly lagMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private emit: Emit | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inflight: AbortController | null = null;
  private stopped = false;
  private nextStepMs = 0;
  private originMs = 0;
  private kind: BucketKind = 'hist';
  private lastFailure: string | null = null;
  /** The probe found no series: say so again (replacing that message) once some arrive. */
  private waitingForSeries = false;
  private readonly seenWarnings = new Set<string>();

  constructor(private readonly opts: PrometheusOptions) {
    this.base = parseServerUrl(opts.url).href.replace(/\/+$/, '');
    this.selector = parseSelector(opts.query);
    if (opts.by !== null) checkByLabel(opts.by);
    this.stepMs = opts.intervalMs;
    this.lagMs = opts.lagMs ?? DEFAULT_LAG_MS;
    this.timeoutMs = opts.timeoutMs ?? Math.max(5000, opts.intervalMs);
    this.now = opts.nowMs ?? Date.now;
    const what = `${this.selector.metric}${this.selector.matchers}`;
    this.info = { engine: 'prometheus', title: opts.by === null ? what : `${what} by ${opts.by}`, detail: { url: this.base, query: what, by: opts.by, intervalMs: this.stepMs } };
  }

  /** Checks server, auth and selector with one instant query, then starts the interval ticks. */
  async start(emit: Emit): Promise<void> {
    if (this.emit !== null) throw new Error('PrometheusSource started twice');
    const probe = `count(${this.selector.metric}_bucket${this.selector.matchers})`;
    let result: MatrixSeries[];
    try {
      result = await this.request('/api/v1/query', { query: probe });
    } catch (err) {
      throw this.startError(err);
    }
    this.emit = emit;
    for (const message of this.opts.startWarnings ?? []) emit({ type: 'warning', message });
    this.waitingForSeries = result.length === 0;
    if (this.waitingForSeries) emit({ type: 'warning', message: `no series match ${this.selector.metric}_bucket${this.selector.matchers} yet on ${this.base}; waiting for them` });
    const lastComplete = this.alignedEnd();
    this.nextStepMs = this.opts.sinceMs != null ? Math.ceil(this.opts.sinceMs / this.stepMs) * this.stepMs : lastComplete;
    this.originMs = this.nextStepMs - this.stepMs;
    void this.tick();
  }

  private startError(err: unknown): HeatError {
    if (err instanceof HeatError) return err;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof QueryFailure && (err.status === 401 || err.status === 403)) {
      return new HeatError('prometheus-auth', `${this.base} refused the query: ${message}`, { hint: `give a bearer token with --bearer-token-file FILE or $${TOKEN_ENV}` });
    }
    if (err instanceof QueryFailure && err.status === 400) return usageError('bad-query', `${this.base} refused --query: ${message}`);
    return new HeatError('prometheus-unreachable', `cannot query ${this.base}: ${message}`, { hint: 'check the URL (it is the Prometheus server, e.g. http://prometheus:9090) and that it is up' });
  }

  /** The end of the newest interval old enough to have all its samples. */
  private alignedEnd(): number {
    return Math.floor((this.now() - this.lagMs) / this.stepMs) * this.stepMs;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, delayMs));
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.stopped || this.inflight !== null) return;
    const end = this.alignedEnd();
    if (end < this.nextStepMs) return this.schedule(this.nextStepMs + this.lagMs - this.now());
    let first = this.nextStepMs;
    const skipped = Math.max(0, Math.floor((end - first) / this.stepMs) + 1 - MAX_STEPS_PER_QUERY);
    if (skipped > 0) {
      first += skipped * this.stepMs;
      this.warn(`${skipped} intervals were not fetched (the server was unreachable for longer than ${MAX_STEPS_PER_QUERY} intervals)`);
    }
    const steps = stepTimes(first, end, this.stepMs);
    try {
      const series = await this.request('/api/v1/query_range', {
        query: bucketQuery(this.selector, this.opts.by, this.stepMs),
        start: String(first / 1000),
        end: String(end / 1000),
        step: String(this.stepMs / 1000),
      });
      if (this.stopped || this.emit === null) return;
      const out = matrixToSnapshots(series, steps, { aggregation: aggregationName(this.selector.metric), by: this.opts.by, seconds: this.selector.metric.endsWith('_seconds'), originMs: this.originMs, kind: this.kind });
      this.kind = out.kind;
      if (this.lastFailure !== null) this.emit({ type: 'warning', message: `${this.base} answers again` });
      this.lastFailure = null;
      if (this.waitingForSeries && series.length > 0) {
        this.waitingForSeries = false;
        this.emit({ type: 'warning', message: `series of ${this.selector.metric} arrived` });
      }
      if (out.inconsistent > 0) this.warn(`${out.inconsistent} buckets had counts lower than the bucket below them (mixed bucket bounds in one layout?) and were dropped`);
      for (const snapshot of out.snapshots) this.emit({ type: 'snapshot', snapshot });
      this.nextStepMs = end + this.stepMs;
      this.schedule(this.nextStepMs + this.lagMs - this.now());
    } catch (err) {
      if (this.stopped || this.emit === null) return;
      const message = `query to ${this.base} failed: ${err instanceof Error ? err.message : String(err)}; keeping the picture, retrying`;
      if (message !== this.lastFailure) this.emit({ type: 'warning', message });
      this.lastFailure = message;
      this.schedule(this.opts.intervalMs);
    }
  }

  private warn(message: string): void {
    if (this.seenWarnings.has(message) || this.emit === null) return;
    this.seenWarnings.add(message);
    this.emit({ type: 'warning', message });
  }

  /** One API call (POST, form-encoded); resolves with the result series, rejects with a QueryFailure. */
  private async request(path: string, params: Record<string, string>): Promise<MatrixSeries[]> {
    const controller = new AbortController();
    this.inflight = controller;
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };
      if (this.opts.token !== null) headers.Authorization = `Bearer ${this.opts.token}`;
      const body = new URLSearchParams({ ...params, timeout: `${Math.ceil(this.timeoutMs / 1000)}s` });
      let res: Response;
      try {
        res = await fetch(this.base + path, { method: 'POST', headers, body, signal: controller.signal, redirect: 'error' });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new QueryFailure(controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message), null);
      }
      const text = await res.text();
      let json: { status?: string; error?: string; data?: { resultType?: string; result?: unknown }; warnings?: string[] } = {};
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok) throw new QueryFailure(`HTTP ${res.status} with a body that is not JSON`, res.status);
      }
      if (!res.ok || json.status !== 'success') throw new QueryFailure(`HTTP ${res.status}${json.error ? `: ${json.error}` : text.trim() ? `: ${text.trim().slice(0, 200)}` : ''}`, res.status);
      for (const w of json.warnings ?? []) this.warn(`${this.base}: ${w}`);
      const result = json.data?.result;
      if (json.data?.resultType === 'scalar' || !Array.isArray(result)) return [];
      return (result as Array<{ metric?: Record<string, string>; values?: Array<[number, string]>; value?: [number, string] }>).map((r) => ({
        metric: r.metric ?? {},
        values: r.values ?? (r.value ? [r.value] : []),
      }));
    } finally {
      clearTimeout(timer);
      if (this.inflight === controller) this.inflight = null;
    }
  }

  /** Stops the ticks and abandons a query in flight; nothing is emitted afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.inflight?.abort();
  }
}
