//! Tests for LibdtraceSource's loop with an addon double (no DTrace needed): pacing from its own
//! timer, lost events, exit(), -c exits, output lines, warnings, compile errors, stop().

import test from 'node:test';
import assert from 'node:assert/strict';
import { formatError, HeatError } from '../../src/errors';
import type { Snapshot } from '../../src/model/snapshot';
import type { CompileInfo, LibdtraceAddon, LibdtraceConsumer, WorkResult } from '../../src/sources/libdtrace-addon';
import type { AggwalkRecord } from '../../src/sources/libdtrace-aggregations';
import { LibdtraceSource } from '../../src/sources/libdtrace';
import { loadLibdtraceAddon, requireLibdtraceAddon } from '../../src/sources/libdtrace-addon';
import type { SourceEvent } from '../../src/sources/source';

const IDLE: WorkResult = { status: 'okay', output: '', drops: 0, faults: 0, messages: [], procsExited: 0, exited: false, exitStatus: 0 };

/** A scripted consumer: work() returns `works` in turn (then idle), aggwalk() counts reads. */
class FakeConsumer implements LibdtraceConsumer {
  calls: string[] = [];
  options: Record<string, string | undefined> = {};
  works: Array<Partial<WorkResult>> = [];
  reads = 0;
  compileError: Error | null = null;
  closed = false;
  async strcompile(program: string, argv?: string[]): Promise<CompileInfo> {
    this.calls.push(`strcompile ${argv?.join(' ')}`);
    if (this.compileError) throw this.compileError;
    return { matches: 2, aggregates: 1, recgens: 1, speculations: 0 };
  }
  setopt(name: string, value?: string): void {
    this.options[name] = value;
  }
  createProcess(argv: string[]): number {
    this.calls.push(`createProcess ${JSON.stringify(argv)}`);
    return 4242;
  }
  grabProcess(pid: number): void {
    this.calls.push(`grabProcess ${pid}`);
  }
  async go(): Promise<void> {
    this.calls.push('go');
  }
  async work(): Promise<WorkResult> {
    this.reads += 10;
    return { ...IDLE, ...(this.works.shift() ?? {}) };
  }
  /** Oracle-style: totals since go(), 10 reads per work() call, all in [1000, 2000). */
  async aggwalk(): Promise<AggwalkRecord[]> {
    return [{ id: 1, name: 'lat', kind: 'quantize', key: ['read'], value: null, buckets: [[[1024, 2047], this.reads]], params: [] }];
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  close(): void {
    this.closed = true;
  }
}

function addonWith(c: FakeConsumer): LibdtraceAddon {
  return { Consumer: function () { return c; } as unknown as new () => LibdtraceConsumer, version: () => 'Fake D 1.0', abi: 'oracle', cumulative: true };
}

function run(c: FakeConsumer, opts: { command?: string; intervalMs?: number } = {}) {
  const events: SourceEvent[] = [];
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const source = new LibdtraceSource({ file: 'x.d', text: 'syscall::read:entry { @lat["read"] = quantize(1500); }', intervalMs: opts.intervalMs ?? 40, workMs: 5, command: opts.command, addon: addonWith(c) });
  const started = source.start((e) => {
    events.push(e);
    if (e.type === 'end') ended();
  });
  return { source, events, started, end };
}

const snapshots = (events: SourceEvent[]): Snapshot[] => events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
const total = (s: Snapshot): number => Object.values(s.aggregations.lat?.keys ?? {}).flat().reduce((n, b) => n + b.count, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('snapshots come from the consumer side timer, per interval, with drops as lost', async () => {
  const c = new FakeConsumer();
  c.works = [{ drops: 2 }, {}, { drops: 1 }];
  const { source, events, started } = run(c, { intervalMs: 40 });
  await started;
  await sleep(150);
  await source.stop();
  const snaps = snapshots(events);
  assert.ok(snaps.length >= 3, `at least 3 snapshots in 150 ms at 40 ms (got ${snaps.length})`);
  // Per-interval counts add up to the consumer's final total; drops are counted once.
  assert.equal(snaps.reduce((n, s) => n + total(s), 0), c.reads);
  assert.equal(snaps.reduce((n, s) => n + s.lost, 0), 3);
  assert.ok(snaps.every((s, i) => i === 0 || s.t >= snaps[i - 1].t));
  assert.deepEqual([c.options.switchrate, c.options.statusrate], ['10ms', '100ms']);
  assert.ok(c.calls.includes('stop') && c.closed);
});

test('exit() ends the source with reason exit, after its output and a last snapshot', async () => {
  const c = new FakeConsumer();
  c.works = [{}, { output: 'bye\n', status: 'done', exited: true }];
  const { events, started, end } = run(c);
  await started;
  await end;
  const kinds = events.map((e) => e.type);
  assert.deepEqual(kinds.slice(-3), ['output', 'snapshot', 'end']);
  assert.deepEqual(events.at(-1), { type: 'end', reason: 'exit' });
  assert.deepEqual(events.find((e) => e.type === 'output'), { type: 'output', text: 'bye' });
  assert.ok(c.closed);
});

test("the -c command runs as dtrace(1) splits it and its exit ends the source", async () => {
  const c = new FakeConsumer();
  c.works = [{}, { procsExited: 1 }];
  const { source, events, started, end } = run(c, { command: "dd if=/dev/zero 'of=/dev/null'" });
  await started;
  await end;
  assert.equal(c.calls[0], 'createProcess ["dd","if=/dev/zero","of=/dev/null"]');
  assert.deepEqual(events.at(-1), { type: 'end', reason: 'command-exited' });
  assert.equal(source.info.detail?.commandPid, 4242);
  assert.ok(c.calls.includes('stop'));
});

test('output is emitted in whole lines, across work() calls', async () => {
  const c = new FakeConsumer();
  c.works = [{ output: 'hel' }, { output: 'lo\nwor' }, { output: 'ld\nlast' }];
  const { source, events, started } = run(c);
  await started;
  await sleep(60);
  await source.stop();
  const lines = events.flatMap((e) => (e.type === 'output' ? [e.text] : []));
  assert.deepEqual(lines, ['hello', 'world', 'last']);
});

test('runtime errors become a few warnings, then a count', async () => {
  const c = new FakeConsumer();
  c.works = Array.from({ length: 8 }, (_, i) => ({ faults: 1, messages: [`error ${i}: invalid address`] }));
  const { source, events, started } = run(c);
  await started;
  await sleep(80);
  await source.stop();
  const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  assert.equal(warnings.length, 6);
  assert.equal(warnings[0], 'dtrace: error 0: invalid address');
  assert.equal(warnings[5], 'dtrace: 3 more runtime errors not shown');
});

test('a compile error is a HeatError pointing at file:line:col, and the handle is closed', async () => {
  const c = new FakeConsumer();
  c.compileError = new Error('cannot compile the D program: [D_SYNTAX] line 1: syntax error near "{"');
  const { started } = run(c);
  const err = await started.then(() => null, (e: unknown) => e);
  assert.ok(err instanceof HeatError);
  assert.equal(err.code, 'libdtrace-compile');
  assert.deepEqual(err.diagnostics.map((d) => [d.code, d.line, d.column]), [['D_SYNTAX', 1, 21]]);
  assert.match(formatError(err), /^x\.d:1:21: error: syntax error near "\{"/);
  assert.ok(c.closed);
});

test('stop() before any interval still gives one last snapshot and releases the consumer', async () => {
  const c = new FakeConsumer();
  const { source, events, started } = run(c, { intervalMs: 10_000 });
  await started;
  await source.stop();
  await source.stop();
  assert.equal(snapshots(events).length, 1);
  assert.ok(c.closed);
});

test('without a built addon the source says why it is unavailable', (t) => {
  if (!('why' in loadLibdtraceAddon())) {
    t.skip('the libdtrace addon is built here; this checks machines without DTrace (CI)');
    return;
  }
  assert.throws(() => requireLibdtraceAddon(), (e: unknown) => e instanceof HeatError && e.code === 'libdtrace-unavailable' && /not built|does not load/.test(e.message));
});
