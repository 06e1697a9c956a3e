//! The bpftrace source: runs `bpftrace -f json` on a ProgramPlan as a child process, reads the
//! histograms it prints every interval (cumulative, see bpftrace-program.ts) and emits one
//! per-interval Snapshot each time; the final values at exit become the last partial interval.
//!
//! No orphans: bpftrace is started through util-linux's `setpriv --pdeathsig KILL`, so the kernel
//! kills it when this process dies, even by SIGKILL (PR_SET_PDEATHSIG fires when the *thread* that
//! forked exits: node spawns from its main thread, which lives as long as the process). Without
//! setpriv, bpftrace still dies of SIGPIPE at its next interval print once nobody reads its output.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, HeatError } from '../errors';
import { CumulativeDeltas } from '../model/deltas';
import { parseBpftraceLine, type BpftraceMessage } from './bpftrace-json';
import { buildRunProgram, CPID_MACRO, READY_MARKER, TICK_MARKER, type RunProgram } from './bpftrace-program';
import { BpftraceReadings } from './bpftrace-readings';
import { blockDevName, bpftraceVersion, dryRunStderr, lines, processExists } from './bpftrace-process';
import { bpftraceFailure, parseStderrLine, type ProgramFiles } from './bpftrace-stderr';
import { waitUntilHeld } from './ebpf-command';
import { HeldCommand, resolveExecutable } from './held-command';
import type { ProgramPlan } from './program-plan';
import type { Emit, Source, SourceEvent, SourceInfo } from './source';

export interface BpftraceOptions {
  intervalMs: number;
  pid: number | null;
  command: string | null;
  /** Where the -c command's output goes; default ./heat-tracer-tui-command.log. */
  commandLogFile?: string;
  /** The bpftrace binary (a path, or a name looked up in PATH); default "bpftrace". */
  bpftracePath?: string;
}

/** Map size for the tool's own programs: per-thread start times and [key, bucket] counts outgrow 0.17's 4096. */
const MAP_KEYS_MAX = '16384';
/** After SIGINT, bpftrace prints its final maps and exits; past this it is killed. */
const STOP_GRACE_MS = 3000;
const STDERR_KEEP_LINES = 200;

export class BpftraceSource implements Source {
  readonly info: SourceInfo;
  private emit: Emit = () => undefined;
  private child: ChildProcess | null = null;
  private command: HeldCommand | null = null;
  private dir: string | null = null;
  private run: RunProgram | null = null;
  private files: ProgramFiles | null = null;
  /** How bpftrace was started (binary, arguments), for the dry run that explains a failure. */
  private invocation: { bpftrace: string; args: string[] } | null = null;
  private readonly readings: BpftraceReadings;
  private readonly deltas = new CumulativeDeltas();
  private readonly stderr: string[] = [];
  private t0 = 0;
  private ready = false;
  private interrupted = false;
  private closed = false;
  private stopping: Promise<void> | null = null;
  private endReason: 'command-exited' | null = null;
  private startWaiter: { resolve: () => void; reject: (err: unknown) => void } | null = null;
  private closeWaiters: Array<() => void> = [];
  private pidTimer: NodeJS.Timeout | null = null;
  private readonly onProcessExit = () => this.killNow();

  constructor(
    private readonly plan: ProgramPlan,
    private readonly opts: BpftraceOptions,
  ) {
    const target = opts.pid !== null ? ` of pid ${opts.pid}` : opts.command ? ` of ${path.basename(opts.command.trim().split(/\s+/)[0])}` : '';
    this.info = {
      engine: 'bpftrace',
      title: plan.title + target,
      detail: { origin: plan.origin.kind, preset: plan.origin.preset, script: plan.origin.file, pid: opts.pid, command: opts.command },
    };
    this.readings = new BpftraceReadings(plan, { blockDevName });
  }

  async start(emit: Emit): Promise<void> {
    if (this.child || this.stopping) throw new Error('BpftraceSource.start() called twice');
    this.emit = emit;
    const bpftrace = resolveExecutable(this.opts.bpftracePath ?? 'bpftrace');
    if (!bpftrace) {
      const where = this.opts.bpftracePath?.includes('/') ? `${this.opts.bpftracePath} does not exist` : 'not found in PATH';
      throw new HeatError('bpftrace-missing', `cannot start bpftrace: ${where}`, { hint: 'install it (apt-get install bpftrace), or try --demo' });
    }
    if (process.geteuid?.() !== 0) throw new HeatError('not-root', 'bpftrace needs root to trace', { hint: 'run it with sudo, or try --demo' });
    if (this.opts.pid !== null && !processExists(this.opts.pid)) {
      throw new HeatError('no-such-process', `no process with pid ${this.opts.pid}`, { exitCode: EXIT.usage });
    }
    (this.info.detail as Record<string, unknown>).version = await bpftraceVersion(bpftrace);
    if (this.stopping) throw stoppedError();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-tracer-tui-'));
    try {
      const args = this.prepare();
      // The wrapper's shell start-up (dash calls getppid) must be over before probes exist.
      if (this.command?.pid) await waitUntilHeld(this.command.pid, () => this.command?.exited ?? true);
      if (this.stopping) throw stoppedError();
      this.invocation = { bpftrace, args };
      await this.spawn(bpftrace, args);
    } catch (err) {
      await this.cleanup();
      throw err;
    }
  }

  /** Writes the program (and the -c wrapper), starts the held command; returns bpftrace's arguments. */
  private prepare(): string[] {
    const dir = this.dir as string;
    const origin = this.plan.origin;
    // bpftrace's positions refer to the program it ran: for a D script that is the translation.
    const displayFile = origin.kind === 'd' ? `${origin.file ?? 'script.d'} (as bpftrace)` : (origin.file ?? `${origin.preset ?? 'program'}.bt`);
    const programPath = path.join(dir, path.basename(origin.file ?? displayFile).replace(/\.d$/, '.bt'));
    const args = ['-f', 'json'];
    let commandPid: number | null = null;
    if (this.opts.command !== null) {
      this.command = new HeldCommand({ command: this.opts.command, dir, logFile: this.opts.commandLogFile, setpriv: resolveExecutable('setpriv') });
      commandPid = this.command.start((code, signal) => this.onCommandExit(code, signal));
      this.emit({ type: 'warning', message: `command output goes to ${this.command.logFile}` });
    }
    this.run = buildRunProgram(this.plan, this.opts.intervalMs, commandPid !== null);
    if (this.run.usesCpid && commandPid !== null) {
      const header = path.join(dir, 'heat-tracer-tui-target.h');
      fs.writeFileSync(header, `#define ${CPID_MACRO} ${commandPid}\n`, { mode: 0o600 });
      args.push('--include', header);
    }
    if (this.plan.origin.kind === 'bt' && this.plan.origin.file) args.push('-I', path.dirname(path.resolve(this.plan.origin.file)));
    if (this.run.usesUsdt && this.opts.pid !== null) args.push('-p', String(this.opts.pid));
    fs.writeFileSync(programPath, this.run.text, { mode: 0o600 });
    args.push(programPath);
    this.files = { programPath, displayFile, source: this.plan.program, sourceLines: this.run.sourceLines };
    // The plan's warnings are positioned in the file the user wrote (the .d, the .bt).
    for (const w of this.plan.warnings) this.emit({ type: 'warning', message: `${origin.file ?? displayFile}:${w.line}:${w.column}: ${w.message}` });
    if (origin.kind === 'bt' && this.opts.pid !== null) this.emit({ type: 'warning', message: `-p ${this.opts.pid}: ${displayFile} runs unchanged, so it traces what it filters itself` });
    if (origin.kind === 'bt' && commandPid !== null && !this.run.usesCpid) this.emit({ type: 'warning', message: `${displayFile} does not filter on cpid: it traces every process while the command runs` });
    return args;
  }

  private spawn(bpftrace: string, args: string[]): Promise<void> {
    const setpriv = resolveExecutable('setpriv');
    const argv = setpriv ? [setpriv, '--pdeathsig', 'KILL', '--', bpftrace, ...args] : [bpftrace, ...args];
    const env = { ...process.env };
    if (this.plan.origin.kind !== 'bt' && env.BPFTRACE_MAP_KEYS_MAX === undefined) env.BPFTRACE_MAP_KEYS_MAX = MAP_KEYS_MAX;
    return new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject };
      // Own process group: a terminal's Ctrl-C reaches only us, and we stop bpftrace in order.
      const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
      this.child = child;
      process.on('exit', this.onProcessExit);
      lines(child.stdout!, (line) => this.onStdout(line));
      lines(child.stderr!, (line) => this.onStderr(line));
      child.on('error', (err) => this.settleStart(new HeatError('bpftrace-missing', `cannot start bpftrace: ${err.message}`, { hint: 'install it (apt-get install bpftrace), or try --demo', cause: err })));
      child.on('close', (code, signal) => void this.onClose(code, signal));
    });
  }

  private settleStart(err?: unknown): void {
    const waiter = this.startWaiter;
    this.startWaiter = null;
    if (!waiter) return;
    if (err) waiter.reject(err);
    else waiter.resolve();
  }

  private onStdout(line: string): void {
    const msg: BpftraceMessage = parseBpftraceLine(line);
    switch (msg.type) {
      case 'text':
        if (msg.kind === 'printf' && msg.text === READY_MARKER) return this.onReady();
        if (msg.kind === 'printf' && msg.text === TICK_MARKER) return this.onTick();
        return this.emit({ type: 'output', text: msg.text.replace(/\n$/, '') });
      case 'lost_events':
        this.readings.accept(msg);
        return this.emit({ type: 'warning', message: `bpftrace lost ${msg.events} events (${this.readings.lost} in all)` });
      case 'runtime_error':
        return this.emit({ type: 'warning', message: `bpftrace: ${msg.message}${msg.line ? ` (line ${msg.line})` : ''}` });
      case 'other':
        return this.emit({ type: 'output', text: msg.raw });
      default:
        return this.readings.accept(msg);
    }
  }

  private onStderr(line: string): void {
    this.stderr.push(line);
    if (this.stderr.length > STDERR_KEEP_LINES) this.stderr.shift();
    const msg = parseStderrLine(line);
    if (msg?.severity === 'warning' && this.ready) this.emit({ type: 'warning', message: `bpftrace: ${msg.message}` });
  }

  private onReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.t0 = Date.now();
    this.command?.release();
    // bpftrace has read the program and the header, the wrapper has read its script: nothing of
    // ours needs the directory any more, and a SIGKILL from now on leaves nothing behind in /tmp.
    this.removeDir();
    if (this.opts.pid !== null) {
      const pid = this.opts.pid;
      this.pidTimer = setInterval(() => {
        if (!processExists(pid)) this.endWith('command-exited');
      }, Math.min(1000, this.opts.intervalMs));
    }
    this.settleStart();
  }

  private onTick(): void {
    if (!this.ready) this.onReady();
    this.emit({ type: 'snapshot', snapshot: this.deltas.next(this.readings.snapshot(Date.now() - this.t0)) });
  }

  private onCommandExit(code: number | null, signal: string | null): void {
    if (!this.ready && !this.closed) {
      this.settleStart(new HeatError('command-failed', `the command ended before tracing started (${signal ?? `code ${code}`})`));
      this.killNow();
      return;
    }
    this.endWith('command-exited');
  }

  /** The traced process is gone: let bpftrace print its final values, then end. */
  private endWith(reason: 'command-exited'): void {
    if (this.endReason || this.stopping || this.closed) return;
    this.endReason = reason;
    this.interrupt();
  }

  /** SIGINT, once: bpftrace runs END, prints every map and exits (a second one could cut that short). */
  private interrupt(): void {
    if (!this.child || this.closed || this.interrupted) return;
    this.interrupted = true;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.killNow(), STOP_GRACE_MS);
    this.closeWaiters.push(() => clearTimeout(timer));
  }

  private killNow(): void {
    if (this.child && !this.closed) this.child.kill('SIGKILL');
    if (this.command && !this.command.exited) void this.command.stop(0);
  }

  private async onClose(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.closed = true;
    process.off('exit', this.onProcessExit);
    if (this.pidTimer) clearInterval(this.pidTimer);
    const files = this.files as ProgramFiles;
    const wasReady = this.ready;
    if (!wasReady && code === 0 && !this.stopping && !this.command?.exited) {
      // The program ended on its own before saying it was attached (exit() in its BEGIN).
      this.ready = true;
      this.t0 = Date.now();
      this.settleStart();
    } else if (!wasReady) {
      this.settleStart(await this.explainFailure({ code, signal }));
    }
    let end: SourceEvent | null = null;
    if (this.ready) {
      this.emit({ type: 'snapshot', snapshot: this.deltas.next(this.readings.snapshot(Date.now() - this.t0)) });
      if (this.endReason) end = { type: 'end', reason: this.endReason };
      else if (!this.stopping && code === 0) end = { type: 'end', reason: 'exit' };
      else if (!this.stopping) end = { type: 'end', reason: 'died', error: bpftraceFailure(this.stderr, files, { code, signal }, true) };
    }
    await this.cleanup();
    for (const w of this.closeWaiters.splice(0)) w();
    if (end) this.emit(end);
  }

  /**
   * The error for a bpftrace that failed to start. When bpftrace blames the lines the tool
   * appended, the user's text is most likely unfinished (an unclosed brace swallows what follows):
   * bpftrace's dry run (-d) of the text alone then says what is wrong, where (about 0.2 s).
   */
  private async explainFailure(exit: { code: number | null; signal: string | null }): Promise<HeatError> {
    const files = this.files as ProgramFiles;
    const err = bpftraceFailure(this.stderr, files, exit);
    const pastSource = this.stderr.map(parseStderrLine).some((m) => m?.severity === 'error' && m.file === files.programPath && (m.line ?? 0) > files.sourceLines);
    if (err.diagnostics.length > 0 || !pastSource || !this.invocation || !this.dir || !this.run) return err;
    const alone = path.join(this.dir, 'alone');
    fs.mkdirSync(alone);
    const programPath = path.join(alone, path.basename(files.programPath));
    fs.writeFileSync(programPath, this.run.text.split('\n').slice(0, files.sourceLines).join('\n'), { mode: 0o600 });
    const args = [...this.invocation.args.slice(0, -1), '-d', programPath];
    const dry = bpftraceFailure(await dryRunStderr(this.invocation.bpftrace, args), { ...files, programPath }, exit);
    return dry.diagnostics.length > 0 ? dry : err;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.settleStart(stoppedError());
    if (!this.child || this.closed) return this.cleanup();
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.interrupt();
    await closed;
  }

  private async cleanup(): Promise<void> {
    if (this.command && !this.command.exited) await this.command.stop();
    this.removeDir();
  }

  private removeDir(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

function stoppedError(): HeatError {
  return new HeatError('stopped', 'stopped before bpftrace attached', { exitCode: EXIT.interrupted });
}
