//! The real binary on the real bpftrace, as root: headless runs (stdout is a pipe), every way of
//! ending one leaves no bpftrace behind, errors are short and positioned, and a run in tmux draws
//! live coloured cells. `--backend bpftrace` because auto may pick the native engine for presets.

import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bpftraceSkipReason, buildWorkload, childBpftracePids, goneWithin } from '../sources/bpftrace-real';
import { BIN, TmuxSession, tmuxAvailable, withExitCode } from './tmux-session';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace');
const skip = bpftraceSkipReason();

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function tool(args: string[], env: NodeJS.ProcessEnv = process.env, argv0: string[] = [], cwd = os.tmpdir()): Run {
  const [cmd, ...pre] = argv0.length > 0 ? argv0 : [process.execPath];
  const child = spawn(cmd, [...pre, ...(argv0.length > 0 ? [process.execPath] : []), BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, done };
}

/** Waits until the tool's bpftrace runs (it is the tool's child); returns its pid. */
async function bpftraceOf(run: Run, timeoutMs = 10000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const [pid] = childBpftracePids(run.child.pid);
    if (pid) return pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no bpftrace under the tool: ${run.stderr()}`);
}

test('--duration 3 runs headless, prints the summary and exits 0 with no bpftrace left', { timeout: 30000 }, async (t) => {
  if (skip) return t.skip(skip);
  const run = tool(['--backend', 'bpftrace', '--duration', '3']);
  const bpftrace = await bpftraceOf(run);
  const { code } = await run.done;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stdout(), /syscall latency \(bpftrace\)/);
  assert.ok((await goneWithin(bpftrace, 2000)) >= 0);
});

for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGKILL'] as const) {
  test(`${signal} to the tool leaves no bpftrace after 2 s`, { timeout: 30000 }, async (t) => {
    if (skip) return t.skip(skip);
    const run = tool(['--backend', 'bpftrace', '--interval', '500']);
    const bpftrace = await bpftraceOf(run);
    await new Promise((r) => setTimeout(r, 1200));
    run.child.kill(signal);
    const { code } = await run.done;
    if (signal !== 'SIGKILL') {
      assert.notEqual(code, null, `exits by itself after ${signal}`);
      assert.match(run.stdout(), /syscall latency/, 'the summary of what was collected is printed');
    }
    assert.ok((await goneWithin(bpftrace, 2000)) >= 0, `bpftrace ${bpftrace} survived ${signal}`);
  });
}

test('-c runs the command, counts its syscalls exactly, exits 0 when it exits', { timeout: 30000 }, async (t) => {
  if (skip) return t.skip(skip);
  const workload = buildWorkload();
  if (!workload) return t.skip('needs a C compiler (cc) for the workload');
  // Run in the workload's directory: the command's log goes to ./heat-tracer-tui-command.log.
  const run = tool(['--backend', 'bpftrace', '--interval', '200', '-c', `${workload.bin} 60 1234`], process.env, [], workload.dir);
  const { code } = await run.done;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stdout(), /^\s+getppid\s+1,234\s/m);
  assert.doesNotMatch(run.stdout(), /done 60/);
  assert.equal(fs.readFileSync(path.join(workload.dir, 'heat-tracer-tui-command.log'), 'utf8'), 'done 60 1234\n', 'the command\'s output is in its log, not on stdout');
  fs.rmSync(workload.dir, { recursive: true, force: true });
});

test('errors are one short message with the position, the right exit code and no stack trace', { timeout: 30000 }, async (t) => {
  if (skip) return t.skip(skip);
  const syntax = tool(['--script', path.join(FIXTURES, 'syntax-error.bt')]);
  assert.equal((await syntax.done).code, 1);
  assert.match(syntax.stderr(), /syntax-error\.bt:2:1: error: syntax error/);
  const probe = tool(['--script', path.join(FIXTURES, 'missing-tracepoint.bt')]);
  assert.equal((await probe.done).code, 1);
  assert.match(probe.stderr(), /missing-tracepoint\.bt:1:1: error: tracepoint not found: nope:nothing/);
  const command = tool(['--backend', 'bpftrace', '-c', '/nonexistent/cmd']);
  assert.equal((await command.done).code, 2);
  assert.match(command.stderr(), /cannot run the command: \/nonexistent\/cmd/);
  const missing = tool(['--backend', 'bpftrace', '--duration', '1'], { ...process.env, PATH: '/nonexistent' });
  assert.equal((await missing.done).code, 1);
  assert.match(missing.stderr(), /cannot start bpftrace: not found in PATH\nhint: install it \(apt-get install bpftrace\), or try --demo/);
  const notRoot = tool(['--backend', 'bpftrace', '--duration', '1'], process.env, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
  assert.equal((await notRoot.done).code, 1);
  assert.match(notRoot.stderr(), /root/);
  for (const r of [syntax, probe, command, missing, notRoot]) assert.doesNotMatch(r.stderr(), /^\s+at /m, 'no stack trace');
});

test('a live run in tmux draws coloured cells from bpftrace and exits 0 after --duration', { timeout: 60000 }, async (t) => {
  if (skip) return t.skip(skip);
  if (!tmuxAvailable()) return t.skip('needs tmux (apt-get install tmux)');
  const s = new TmuxSession(withExitCode(`cd ${os.tmpdir()} && node ${BIN} --backend bpftrace --interval 500 --duration 6`));
  try {
    await s.waitFor((scr) => /\x1b\[[0-9;]*38;[25];[0-9;]+m[▀▄]/.test(scr) && (scr.match(/[▀▄]/g) ?? []).length > 10, 20000, true);
    assert.match(s.capture(), /syscall latency/);
    const toolPid = Number(execFileSync('pgrep', ['-P', s.query('#{pane_pid}'), '-f', 'heat-tracer-tui'], { encoding: 'utf8' }).trim());
    const [bpftrace] = childBpftracePids(toolPid);
    assert.ok(bpftrace > 0, 'bpftrace runs under the tool');
    assert.equal(await s.waitForExit(20000), 0);
    assert.equal(s.query('#{alternate_on}'), '0', 'the terminal is restored');
    assert.ok((await goneWithin(bpftrace, 2000)) >= 0);
  } finally {
    s.kill();
  }
});
