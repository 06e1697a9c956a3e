//! The bpftrace source against the real bpftrace, as root: exact counts of a known workload run
//! with -c, the ways a run ends, and the errors people meet. Skipped (with the reason) when not
//! root or bpftrace is missing. Each test is bounded to a few seconds.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { HeatError } from '../../src/errors';
import { llquantizeIndexOf } from '../../src/model/buckets';
import { BpftraceSource } from '../../src/sources/bpftrace';
import { btProgramPlan, btScriptPlan } from '../../src/sources/bt-plan';
import { listPresets, PRESET_LLQUANTIZE, presetPlan } from '../../src/sources/presets';
import { alive, bpftraceSkipReason, buildWorkload, childBpftracePids, collect, keyTotal } from './bpftrace-real';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace');
const skip = bpftraceSkipReason();

async function startError(source: BpftraceSource): Promise<HeatError> {
  try {
    await source.start(() => undefined);
  } catch (err) {
    await source.stop();
    assert.ok(err instanceof HeatError, String(err));
    return err;
  }
  await source.stop();
  assert.fail('start() succeeded');
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-tracer-test-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

function tempScript(text: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'script-'));
  const file = path.join(dir, 'probe.bt');
  fs.writeFileSync(file, text);
  return file;
}

test('a -c workload of N 2 ms sleeps and M getppid calls shows exactly N sleeps of 2 ms or more and M getppid', { timeout: 30000 }, async (t) => {
  if (skip) return t.skip(skip);
  const workload = buildWorkload();
  if (!workload) return t.skip('needs a C compiler (cc) for the workload');
  const N = 150;
  const M = 6000;
  const log = path.join(workload.dir, 'command.log');
  const source = new BpftraceSource(presetPlan('syscall', { pid: null, command: true }), { intervalMs: 100, pid: null, command: `${workload.bin} ${N} ${M}`, commandLogFile: log });
  const run = await collect(source);
  assert.equal(run.end?.reason, 'command-exited');
  assert.ok(run.snapshots.length >= 3, `counts spread over several intervals (${run.snapshots.length})`);
  const sleepKey = keyTotal(run.snapshots, 'syscall', 'clock_nanosleep') > 0 ? 'clock_nanosleep' : 'nanosleep';
  // The bucket holding 2 ms starts at 1.835 ms: count the buckets that can hold values >= 2 ms.
  assert.equal(keyTotal(run.snapshots, 'syscall', sleepKey, (_lo, hi) => hi === null || hi > 2_000_000), N);
  assert.equal(keyTotal(run.snapshots, 'syscall', sleepKey), N, 'no other sleeps');
  assert.equal(keyTotal(run.snapshots, 'syscall', 'getppid'), M);
  assert.equal(fs.readFileSync(log, 'utf8'), `done ${N} ${M}\n`, 'the command\'s output went to its log');
  assert.ok(run.events.some((e) => e.type === 'warning' && e.message.includes(log)), 'the log is named in a status message');
  fs.rmSync(workload.dir, { recursive: true, force: true });
});

test('a user script using cpid runs with -c; a script\'s exit() ends the run with reason exit', { timeout: 20000 }, async (t) => {
  if (skip) return t.skip(skip);
  const file = tempScript('tracepoint:raw_syscalls:sys_enter\n/pid == cpid/\n{\n\t@ids = lhist(args->id, 0, 500, 1);\n}\n');
  const withCommand = await collect(new BpftraceSource(btScriptPlan(file), { intervalMs: 200, pid: null, command: '/bin/sh -c "exit 3"', commandLogFile: path.join(path.dirname(file), 'c.log') }));
  assert.equal(withCommand.end?.reason, 'command-exited');
  const keys = withCommand.snapshots.flatMap((s) => Object.values(s.aggregations.ids?.keys ?? {}));
  assert.ok(keys.length > 0, 'the command\'s syscalls were traced');
  const exiting = tempScript('BEGIN { @h = hist(5); }\ninterval:ms:300 { exit(); }\n');
  const run = await collect(new BpftraceSource(btScriptPlan(exiting), { intervalMs: 1000, pid: null, command: null }));
  assert.equal(run.end?.reason, 'exit');
  assert.deepEqual(run.snapshots.at(-1)?.aggregations.h.keys[''], [{ lo: 4, hi: 8, count: 1 }], 'the final values arrive as the last snapshot');
});

test('-p traces one process and ends when it exits', { timeout: 20000 }, async (t) => {
  if (skip) return t.skip(skip);
  const workload = buildWorkload();
  if (!workload) return t.skip('needs a C compiler (cc) for the workload');
  // About 1.7 s of 2 ms sleeps with getppid calls between them: running before, during and after attach.
  const target = spawn(workload.bin, ['800', '8000'], { stdio: 'ignore' });
  const pid = target.pid as number;
  const run = await collect(new BpftraceSource(presetPlan('syscall', { pid, command: false }), { intervalMs: 200, pid, command: null }), { timeoutMs: 8000 });
  assert.equal(run.end?.reason, 'command-exited');
  const keys = new Set(run.snapshots.flatMap((s) => Object.keys(s.aggregations.syscall?.keys ?? {})));
  const getppid = keyTotal(run.snapshots, 'syscall', 'getppid');
  assert.ok(getppid > 0 && getppid < 8000, `only part of the run was traced (${getppid})`);
  assert.ok(keys.has('clock_nanosleep') || keys.has('nanosleep'), [...keys].join());
  assert.equal(keys.has('epoll_wait') || keys.has('futex'), false, `other processes are not traced: ${[...keys].join()}`);
  fs.rmSync(workload.dir, { recursive: true, force: true });
  const gone = await startError(new BpftraceSource(presetPlan('syscall', { pid: 999999, command: false }), { intervalMs: 200, pid: 999999, command: null }));
  assert.equal(gone.code, 'no-such-process');
});

test('bpftrace dying mid-run ends with reason died and keeps what was collected', { timeout: 20000 }, async (t) => {
  if (skip) return t.skip(skip);
  const before = new Set(childBpftracePids());
  const source = new BpftraceSource(btProgramPlan('interval:ms:50 { @h = hist(100); }\n', 'probe.bt'), { intervalMs: 200, pid: null, command: null });
  const run = await collect(source, {
    timeoutMs: 8000,
    onStarted: () => setTimeout(() => {
      for (const pid of childBpftracePids()) if (!before.has(pid)) process.kill(pid, 'SIGKILL');
    }, 700),
  });
  assert.equal(run.end?.reason, 'died');
  assert.equal(run.end?.error?.code, 'bpftrace-died');
  assert.match(run.end?.error?.message ?? '', /SIGKILL/);
  assert.ok(run.snapshots.some((s) => (s.aggregations.h?.keys['']?.length ?? 0) > 0), 'snapshots before the death are kept');
});

test('stop() gives the last partial interval, resolves after bpftrace is gone, and is idempotent', { timeout: 20000 }, async (t) => {
  if (skip) return t.skip(skip);
  const source = new BpftraceSource(btProgramPlan('interval:ms:20 { @h = hist(7); }\n', 'probe.bt'), { intervalMs: 5000, pid: null, command: null });
  const snaps: number[] = [];
  await source.start((e) => {
    if (e.type === 'snapshot') snaps.push(e.snapshot.aggregations.h?.keys['']?.[0]?.count ?? 0);
  });
  const pids = childBpftracePids();
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all([source.stop(), source.stop()]);
  await source.stop();
  assert.equal(snaps.length, 1, 'one snapshot: the partial interval, before the 5 s tick');
  assert.ok(snaps[0] >= 10, `${snaps[0]} events in ~0.5 s at 50/s`);
  for (const pid of pids) assert.equal(alive(pid), false);
});

test('bpftrace missing, syntax errors, missing probes and bad -c commands are clear errors', { timeout: 30000 }, async (t) => {
  const preset = presetPlan('syscall', { pid: null, command: false });
  const missing = await startError(new BpftraceSource(preset, { intervalMs: 1000, pid: null, command: null, bpftracePath: '/nonexistent/bpftrace' }));
  assert.equal(missing.code, 'bpftrace-missing');
  assert.match(missing.hint ?? '', /apt-get install bpftrace.*--demo/);
  if (skip) return t.skip(skip);
  const syntax = await startError(new BpftraceSource(btScriptPlan(path.join(FIXTURES, 'syntax-error.bt')), { intervalMs: 1000, pid: null, command: null }));
  assert.equal(syntax.code, 'bpftrace-script');
  assert.equal(syntax.file, path.join(FIXTURES, 'syntax-error.bt'), 'positions refer to the user\'s file, not the temp copy');
  assert.deepEqual(syntax.diagnostics.map((d) => [d.line, d.column]), [[2, 1]]);
  const probe = await startError(new BpftraceSource(btScriptPlan(path.join(FIXTURES, 'missing-tracepoint.bt')), { intervalMs: 1000, pid: null, command: null }));
  assert.equal(probe.code, 'probe-not-found');
  assert.deepEqual(probe.diagnostics.map((d) => [d.line, d.column, d.length]), [[1, 1, 23]]);
  const before = childBpftracePids().length;
  const command = await startError(new BpftraceSource(presetPlan('syscall', { pid: null, command: true }), { intervalMs: 1000, pid: null, command: '/nonexistent/cmd --x' }));
  assert.equal(command.code, 'command-not-found');
  assert.equal(childBpftracePids().length, before, 'bpftrace was not started');
  assert.throws(() => btScriptPlan(tempScript('')), (e: unknown) => e instanceof HeatError && e.code === 'script-empty');
  assert.throws(() => btScriptPlan(tempScript('BEGIN { @n = count(); }')), (e: unknown) => e instanceof HeatError && e.code === 'script-no-histogram');
});

test('the presets\' in-program bucket index is DTrace\'s llquantize(ns, 2, 0, 35, 8) filing, run on bpftrace', { timeout: 20000 }, async (t) => {
  // The index code of each preset file, from "$x = $ns;" to the line that caps it.
  const blocks = listPresets().map((p) => /\t\$x = \$ns;\n[\s\S]*?\t\$b = \$p > 35 \? 140 : \$b;\n/.exec(fs.readFileSync(p.file, 'utf8'))?.[0]);
  assert.ok(blocks[0]);
  assert.ok(blocks.every((b) => b === blocks[0]), 'the three presets compute buckets the same way');
  if (skip) return t.skip(skip);
  const values = [0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 15, 16, 100, 999, 1000, 1023, 1024, 1_000_000, 2_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, 2 ** 35, 2 ** 36 - 1, 2 ** 36, 2 ** 40, 2 ** 52];
  for (let v = 3; v < 2 ** 37; v = Math.floor(v * 1.37) + 1) values.push(v);
  const program = `BEGIN\n{\n${values.map((v) => `\t$ns = (int64)${v};\n${blocks[0]}\tprintf("%lld %lld\\n", $ns, $b);\n`).join('')}\texit();\n}\n`;
  const out = execFileSync('bpftrace', ['-f', 'json', '-e', program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const pairs = out.split('\n').filter((l) => l.includes('"printf"')).map((l) => (JSON.parse(l).data as string).trim().split(' ').map(Number));
  assert.equal(pairs.length, values.length);
  for (const [v, index] of pairs) assert.equal(index, llquantizeIndexOf(v, PRESET_LLQUANTIZE), `value ${v}`);
});
