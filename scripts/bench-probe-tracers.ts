//! The tracers the probe-effect benchmark compares (bench-probe-effect.ts): how to start each one
//! system-wide and know it is attached, or how to wrap the workload in it, and why it is skipped.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ebpfAvailable } from '../src/sources/ebpf';
import { presetDir } from '../src/sources/presets';

/** A tracer running beside the workload; stop() ends it and resolves when it is gone. */
export interface Running {
  /** Its processes: their BPF programs are ours, not someone else's tracing. */
  pids: number[];
  stop(): Promise<void>;
}

export interface Tracer {
  name: string;
  /** getppid calls per run: slow tracers get fewer, so a run stays within seconds. */
  iterations: number;
  /** Why it cannot run here, or null. */
  skipReason(): string | null;
  /** Starts it system-wide and resolves once its probes are attached (absent: nothing to start). */
  start?(): Promise<Running>;
  /** Wraps the workload's argv (strace, perf trace run the workload themselves). */
  wrap?(argv: string[]): string[];
}

/** The program a bpftrace user would write for per-syscall latency (issue 6). */
export const IDIOMATIC_BT = `tracepoint:raw_syscalls:sys_enter { @ts[tid] = nsecs; }
tracepoint:raw_syscalls:sys_exit /@ts[tid]/ { @[args->id] = hist(nsecs - @ts[tid]); delete(@ts[tid]); }
`;

/** BEGIN fires once every probe is attached: the line that tells us tracing has started. */
const READY = 'heat-bench-ready';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Resolves when `child` prints `marker` on stdout; rejects when it exits or takes too long. */
function waitFor(child: ChildProcess, marker: string, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stderr?.on('data', (d) => (err = (err + String(d)).slice(-2000)));
    child.stdout?.on('data', (d) => {
      out = (out + String(d)).slice(-200);
      if (out.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was attached: ${err.trim().split('\n').slice(-3).join(' / ')}`));
    });
  });
}

/** Sends `signal` and resolves when the process has exited (SIGKILL after 10 s). */
function ending(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

function bpftraceTracer(name: string, program: () => string): Tracer {
  return {
    name,
    iterations: 2_000_000,
    skipReason: () => (onPath('bpftrace') ? null : 'bpftrace is not installed'),
    async start() {
      const child = spawn('bpftrace', ['-e', `${program()}\nBEGIN { printf("${READY}\\n"); }\n`], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.resume();
      await waitFor(child, READY, name);
      return { pids: [child.pid!], stop: () => ending(child, 'SIGINT') };
    },
  };
}

const TRACING_PROG_TYPES = new Set(['tracepoint', 'raw_tracepoint', 'raw_tracepoint_writable', 'tracing', 'kprobe', 'perf_event']);
const TRACER_COMMANDS = new Set(['bpftrace', 'strace', 'perf', 'ltrace', 'sysdig']);

/**
 * Tracing that someone else left running (another user's bpftrace, a libdtrace run, a test): it
 * slows every syscall on the machine, "bare" runs included. Tracing BPF programs (from bpftool,
 * when installed; grouped by the process holding them) and tracer processes by name, except the
 * bench's own tracer (`ownPids`, whose programs are found through /proc/PID/fdinfo).
 */
export function otherTracers(ownPids: readonly number[] = []): string[] {
  const own = new Set(ownPids.flatMap(progIdsOf));
  const progs: Array<{ id: number; type: string }> = [];
  const res = spawnSync('bpftool', ['prog', 'show', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (res.status === 0) {
    try {
      for (const p of JSON.parse(res.stdout) as Array<{ id: number; type: string }>) if (TRACING_PROG_TYPES.has(p.type) && !own.has(p.id)) progs.push(p);
    } catch {
      // an unexpected format: rely on the process names below
    }
  }
  const found: string[] = [];
  const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const unowned = new Set(progs.map((p) => p.id));
  if (unowned.size > 0) {
    for (const pid of pids) {
      const ids = progIdsOf(Number(pid)).filter((id) => unowned.delete(id));
      if (ids.length > 0) found.push(`${ids.length} BPF tracing programs held by ${commOf(pid)} (pid ${pid})`);
    }
    if (unowned.size > 0) found.push(`${unowned.size} BPF tracing programs (${[...new Set(progs.filter((p) => unowned.has(p.id)).map((p) => p.type))].join(', ')}) held by no process (pinned?)`);
  }
  for (const pid of pids) {
    const comm = commOf(pid);
    if (TRACER_COMMANDS.has(comm) && !ownPids.includes(Number(pid)) && !found.some((f) => f.endsWith(`(pid ${pid})`))) found.push(`${comm} (pid ${pid})`);
  }
  return found;
}

function commOf(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?'; // gone meanwhile
  }
}

/** BPF program ids a process holds (program and link fds both name theirs in fdinfo). */
function progIdsOf(pid: number): number[] {
  const ids: number[] = [];
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
      try {
        const m = /^prog_id:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
        if (m) ids.push(Number(m[1]));
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // gone, or not ours to read
  }
  return ids;
}

/** Every tracer, in the order the table shows them. */
export function tracers(): Tracer[] {
  const ebpfSource = path.resolve(__dirname, '..', 'src', 'sources', 'ebpf.js');
  return [
    { name: 'bare', iterations: 2_000_000, skipReason: () => null },
    {
      name: 'native eBPF (syscall preset)',
      iterations: 2_000_000,
      skipReason: () => {
        const a = ebpfAvailable('syscall');
        return a.ok ? null : a.why;
      },
      async start() {
        // A separate process, like the tool: it reads the maps every second as a heatmap would.
        const script = `const { EbpfSource } = require(${JSON.stringify(ebpfSource)});
          const s = new EbpfSource({ preset: 'syscall', intervalMs: 1000 });
          process.on('SIGTERM', () => s.stop().then(() => process.exit(0)));
          s.start(() => {}).then(() => console.log('${READY}'), (e) => { console.error(e.message); process.exit(1); });`;
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        await waitFor(child, READY, 'the native eBPF engine');
        return { pids: [child.pid!], stop: () => ending(child, 'SIGTERM') };
      },
    },
    bpftraceTracer('bpftrace syscall preset', () => fs.readFileSync(path.join(presetDir(), 'syscall.bt'), 'utf8').replace(/^#!.*\n/, '')),
    bpftraceTracer('bpftrace idiomatic', () => IDIOMATIC_BT),
    {
      name: 'strace -c -f',
      iterations: 20_000,
      skipReason: () => (onPath('strace') ? null : 'strace is not installed'),
      wrap: (argv) => ['strace', '-c', '-f', '-o', '/dev/null', ...argv],
    },
    {
      name: 'perf trace -s',
      iterations: 50_000,
      skipReason: () => {
        if (!onPath('perf')) return 'perf is not installed (apt-get install linux-perf)';
        const res = spawnSync('perf', ['trace', '-s', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8', timeout: 30_000 });
        return res.status === 0 ? null : `perf trace does not work here: ${(res.stderr || '').trim().split('\n')[0]}`;
      },
      wrap: (argv) => ['perf', 'trace', '-s', '-o', '/dev/null', '--', ...argv],
    },
  ];
}
