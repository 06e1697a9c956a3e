//! No orphans: a node process running a BpftraceSource is killed (SIGKILL, or SIGTERM/SIGHUP with
//! no handler, which end node without any cleanup) and its bpftrace, and a -c command, must be
//! gone within 2 s. With handlers that call stop(), bpftrace ends in order. Real bpftrace, as root.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bpftraceSkipReason, childBpftracePids, goneWithin } from './bpftrace-real';

const CHILD = path.join(__dirname, 'bpftrace-child.js');
const skip = bpftraceSkipReason();

/** Starts the child program and resolves once its source has started, with its output so far. */
function startChild(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${out} ${err}`)), 10000);
    child.stdout!.on('data', () => {
      if (out.includes('"started"')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.on('exit', () => reject(new Error(`child exited early: ${out} ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.on('exit', () => resolve()));
}

for (const signal of ['SIGKILL', 'SIGTERM', 'SIGHUP'] as const) {
  test(`bpftrace is gone within 2 s after ${signal} kills the node process that ran it`, { timeout: 20000 }, async (t) => {
    if (skip) return t.skip(skip);
    // A 10 s interval: bpftrace writes nothing meanwhile, so no SIGPIPE; only the parent-death signal can end it.
    const { child } = await startChild(['syscall', '10000']);
    const bpftrace = childBpftracePids(child.pid);
    assert.equal(bpftrace.length, 1, 'bpftrace runs as the child of the node process');
    child.kill(signal);
    await exited(child);
    const ms = await goneWithin(bpftrace[0], 2000);
    assert.ok(ms >= 0, `bpftrace ${bpftrace[0]} still runs 2 s after ${signal}`);
  });
}

test('a -c command and its bpftrace both die with a SIGKILLed node process', { timeout: 20000 }, async (t) => {
  if (skip) return t.skip(skip);
  const { child } = await startChild(['syscall', '10000', '/bin/sleep 30']);
  const bpftrace = childBpftracePids(child.pid);
  const { execFileSync } = await import('node:child_process');
  const sleeper = Number(execFileSync('pgrep', ['-P', String(child.pid), '-x', 'sleep'], { encoding: 'utf8' }).trim());
  assert.ok(sleeper > 0 && bpftrace.length === 1);
  child.kill('SIGKILL');
  await exited(child);
  assert.ok((await goneWithin(bpftrace[0], 2000)) >= 0, 'bpftrace survived');
  assert.ok((await goneWithin(sleeper, 2000)) >= 0, 'the command survived');
  fs.rmSync(path.join(os.tmpdir(), `heat-tracer-test-child-${child.pid}.log`), { force: true });
});

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  test(`a handler for ${signal} that calls stop() ends bpftrace in order`, { timeout: 20000 }, async (t) => {
    if (skip) return t.skip(skip);
    const { child, output } = await startChild(['syscall', '200'], { STOP_ON_SIGNAL: '1' });
    const bpftrace = childBpftracePids(child.pid);
    child.kill(signal);
    await exited(child);
    assert.equal(child.exitCode, 0);
    assert.match(output(), new RegExp(`"stopped","signal":"${signal}"`));
    assert.ok((await goneWithin(bpftrace[0], 500)) >= 0, 'stop() resolved while bpftrace ran');
  });
}
