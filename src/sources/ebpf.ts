//! The native eBPF source: runs a built-in preset's BPF program through the libbpf addon
//! (src/native/ebpf), reads its cumulative per-CPU histograms every interval and emits
//! per-interval Snapshots, like the bpftrace source does for the same preset, at a fraction of
//! bpftrace's cost per traced event.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeatError } from '../errors';
import { ebpfAvailable, ebpfObjectPath, loadEbpfAddon, type EbpfAddon, type EbpfHandle } from './ebpf-addon';
import { procState, waitUntilHeld } from './ebpf-command';
import { HeldCommand, resolveExecutable } from './held-command';
import { EBPF_PRESETS, EbpfIntervals, type EbpfPreset } from './ebpf-snapshot';
import type { Emit, Source, SourceInfo } from './source';

export { ebpfAvailable } from './ebpf-addon';

export interface EbpfSourceOptions {
  /** A preset with a native program (see EBPF_PRESETS): 'syscall', 'io', 'runq'. */
  preset: string;
  intervalMs: number;
  /** Trace only this process (all its threads). */
  pid?: number | null;
  /** Run this command and trace only it (split and started as held-command.ts does for bpftrace); the source ends when it exits. */
  command?: string | null;
  /** Where the command's stdout and stderr go (default: held-command's DEFAULT_COMMAND_LOG). */
  commandLogFile?: string;
}

/** The native eBPF source; one instance runs once. */
export class EbpfSource implements Source {
  readonly info: SourceInfo;
  private readonly preset: EbpfPreset;
  private addon: EbpfAddon | null = null;
  private handle: EbpfHandle | null = null;
  private command: HeldCommand | null = null;
  private commandDir: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private intervals: EbpfIntervals;
  private emit: Emit | null = null;
  private startedAt = 0;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: EbpfSourceOptions) {
    const preset = EBPF_PRESETS[opts.preset];
    if (preset === undefined) {
      throw new HeatError('ebpf-unavailable', `the preset '${opts.preset}' has no native eBPF program`, { hint: 'use --backend bpftrace' });
    }
    if (opts.pid != null && opts.command != null) throw new HeatError('ebpf-target', 'choose one of -p and -c');
    this.preset = preset;
    this.intervals = new EbpfIntervals(preset, { blockDevName });
    this.info = {
      engine: 'ebpf',
      title: preset.title,
      detail: {
        preset: preset.name,
        entryTime: 'task-local storage',
        ...(opts.pid != null ? { pid: opts.pid } : {}),
        ...(opts.command != null ? { command: opts.command } : {}),
      },
    };
  }

  async start(emit: Emit): Promise<void> {
    if (this.emit) throw new Error('EbpfSource.start() called twice');
    this.emit = emit;
    const available = ebpfAvailable(this.preset.name);
    if (!available.ok) throw new HeatError('ebpf-unavailable', `the native eBPF engine cannot run: ${available.why}`, { hint: 'use --backend bpftrace' });
    const loaded = loadEbpfAddon();
    if ('why' in loaded) throw new HeatError('ebpf-unavailable', loaded.why);
    this.addon = loaded.addon;
    this.info.detail = { ...this.info.detail, libbpf: `${loaded.addon.libbpfVersion >> 16}.${loaded.addon.libbpfVersion & 0xffff}` };

    let tgid = 0;
    if (this.opts.pid != null) {
      if (!Number.isInteger(this.opts.pid) || this.opts.pid <= 0 || !pidAlive(this.opts.pid)) {
        throw new HeatError('pid-not-found', `no process with pid ${this.opts.pid}`);
      }
      tgid = this.opts.pid;
    } else if (this.opts.command != null) {
      tgid = await this.startCommand(this.opts.command);
    }
    try {
      this.handle = this.addon.open(ebpfObjectPath(this.preset.name) as string, tgid);
    } catch (err) {
      await this.stopCommand();
      throw loadError(err);
    }
    this.startedAt = Date.now();
    this.command?.release();
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
  }

  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.release(true);
    return this.stopping;
  }

  /** Starts the -c command held before its exec, and waits until it sits in the wrapper's read. */
  private async startCommand(command: string): Promise<number> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heat-tracer-tui-ebpf-'));
    this.commandDir = dir;
    let held: HeldCommand;
    try {
      held = new HeldCommand({ command, dir, logFile: this.opts.commandLogFile, setpriv: resolveExecutable('setpriv') });
    } catch (err) {
      await this.stopCommand();
      throw err;
    }
    this.command = held;
    const pid = held.start(() => void this.finish('command-exited'));
    try {
      await waitUntilHeld(pid, () => held.exited);
    } catch (err) {
      await this.stopCommand();
      throw err;
    }
    this.info.detail = { ...this.info.detail, commandPid: pid, commandLogFile: held.logFile };
    return pid;
  }

  private async stopCommand(): Promise<void> {
    const cmd = this.command;
    this.command = null;
    if (cmd) await cmd.stop();
    if (this.commandDir) fs.rmSync(this.commandDir, { recursive: true, force: true });
    this.commandDir = null;
  }

  private tick(): void {
    if (this.stopping) return;
    try {
      this.emitSnapshot();
    } catch (err) {
      void this.finish('died', new HeatError('ebpf-read-failed', `reading the eBPF maps failed: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (this.opts.pid != null && !pidAlive(this.opts.pid)) void this.finish('finished');
  }

  private emitSnapshot(): void {
    if (!this.addon || !this.handle || !this.emit) return;
    const rows = this.addon.read(this.handle);
    this.emit({ type: 'snapshot', snapshot: this.intervals.next(rows, Date.now() - this.startedAt) });
  }

  /** The source ends by itself: last partial interval, release, then 'end'. */
  private async finish(reason: 'command-exited' | 'finished' | 'died', error?: HeatError): Promise<void> {
    if (this.stopping || !this.handle) return; // before attach, start() reports the failure
    this.stopping = this.release(reason !== 'died');
    await this.stopping;
    this.emit?.({ type: 'end', reason, ...(error ? { error } : {}) });
  }

  private async release(finalSnapshot: boolean): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (finalSnapshot) {
      try {
        this.emitSnapshot();
      } catch {
        // The last partial interval is lost; the maps go away below either way.
      }
    }
    if (this.addon && this.handle) this.addon.close(this.handle);
    this.handle = null;
    await this.stopCommand();
  }
}

/** A disk's name from the kernel ("vda"), through /sys/dev/block/MAJOR:MINOR. */
function blockDevName(major: number, minor: number): string | undefined {
  try {
    return path.basename(fs.readlinkSync(`/sys/dev/block/${major}:${minor}`));
  } catch {
    return undefined;
  }
}

/** A -p target is gone when /proc has no entry for it, or only a zombie's. */
function pidAlive(pid: number): boolean {
  const state = procState(pid);
  return state !== null && state !== 'Z' && state !== 'X';
}

/** The addon's errno-coded Error as a HeatError with a hint. */
function loadError(err: unknown): HeatError {
  const e = err as Error & { code?: string };
  const [first, ...rest] = String(e.message).split('\n');
  const verdict = rest.filter((l) => l.trim() !== '').slice(-3).join(' / ');
  const perm = e.code === 'EPERM' || e.code === 'EACCES';
  return new HeatError('ebpf-load-failed', `cannot load the native eBPF programs: ${first}${verdict ? ` (${verdict})` : ''}`, {
    hint: perm ? 'run as root, or use --backend bpftrace' : 'use --backend bpftrace, and report this with the output of uname -r',
    cause: err,
  });
}
