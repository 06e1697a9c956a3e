//! The libdtrace source: compiles a D script in-process with libdtrace (our addon), then paces
//! itself with timers: dtrace_work() every few tens of ms for printf output, drops and exit(),
//! and one aggwalk per interval for a Snapshot. Nothing here waits for a tick probe.

import path from 'node:path';
import { dScriptPlan } from '../d/d-plan';
import { EXIT, HeatError } from '../errors';
import type { Unit } from '../model/snapshot';
import { requireLibdtraceAddon, type LibdtraceAddon, type LibdtraceConsumer } from './libdtrace-addon';
import { formatScalarSummary, LibdtraceIntervals } from './libdtrace-aggregations';
import { compileDiagnostic, evaltimeFor, splitCommand } from './libdtrace-diagnostics';
import { WorkTally } from './libdtrace-work';
import type { Emit, Source, SourceEvent, SourceInfo } from './source';

export interface LibdtraceSourceOptions {
  /** The script's path: titles, diagnostics and $0. */
  file: string;
  text: string;
  intervalMs: number;
  /** -p: grab this process; it is $target. */
  pid?: number | null;
  /** -c: run this command line (split like dtrace(1) does, no shell); it is $target. */
  command?: string | null;
  /** Macro arguments: $1 is args[0]. */
  args?: string[];
  /** Units by aggregation name; by default the D front end's inference, when it reads the script. */
  units?: Record<string, Unit | null>;
  /** Pause between dtrace_work() calls; default min(100, intervalMs / 4) ms. */
  workMs?: number;
  /** For tests: an addon double instead of the built one. */
  addon?: LibdtraceAddon;
}

type EndReason = Extract<SourceEvent, { type: 'end' }>['reason'];

/** dtrace_work() calls allowed to drain buffers after dtrace_stop before giving up. */
const MAX_DRAIN_CALLS = 50;

/** The libdtrace source; one instance runs once (and one per process: see LibdtraceConsumer). */
export class LibdtraceSource implements Source {
  readonly info: SourceInfo;
  private consumer: LibdtraceConsumer | null = null;
  private intervals: LibdtraceIntervals | null = null;
  private emit: Emit | null = null;
  private readonly workMs: number;
  private readonly tally = new WorkTally();
  private startedAt = 0;
  private targets = 0;
  private ending = false;
  private died: HeatError | null = null;
  private wake: (() => void) | null = null;
  private starting: Promise<void> | null = null;
  private loopDone: Promise<EndReason | null> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: LibdtraceSourceOptions) {
    if (opts.pid != null && opts.command != null) throw new HeatError('libdtrace-target', 'choose one of -p and -c');
    this.workMs = opts.workMs ?? Math.max(10, Math.min(100, Math.floor(opts.intervalMs / 4)));
    const target = opts.pid != null ? ` of pid ${opts.pid}` : opts.command ? ` of ${path.basename(opts.command.trim().split(/\s+/)[0])}` : '';
    this.info = {
      engine: 'libdtrace',
      title: `${path.basename(opts.file)}${target}`,
      detail: { script: opts.file, ...(opts.pid != null ? { pid: opts.pid } : {}), ...(opts.command != null ? { command: opts.command } : {}) },
    };
  }

  start(emit: Emit): Promise<void> {
    if (this.emit) throw new Error('LibdtraceSource.start() called twice');
    this.emit = emit;
    this.starting = this.open();
    return this.starting;
  }

  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.release();
    return this.stopping;
  }

  private async open(): Promise<void> {
    const addon = this.opts.addon ?? requireLibdtraceAddon();
    this.info.detail = { ...this.info.detail, abi: addon.abi, libdtrace: addon.version() };
    let c: LibdtraceConsumer;
    try {
      c = new addon.Consumer();
    } catch (err) {
      throw new HeatError('libdtrace-open', (err as Error).message, { hint: 'DTrace needs root: run with sudo', cause: err });
    }
    this.consumer = c;
    try {
      this.setDefaults(c);
      this.target(c);
      await this.compile(c);
      await c.go();
    } catch (err) {
      this.close();
      throw err;
    }
    // stop() arrived while probes were attaching: release() closes once this returns.
    if (this.ending) return;
    this.intervals = new LibdtraceIntervals({ cumulative: addon.cumulative, units: this.opts.units ?? this.inferUnits() });
    this.startedAt = Date.now();
    this.loopDone = this.loop(c);
    void this.loopDone.then((reason) => (reason ? this.finish(reason) : undefined));
  }

  /**
   * Rates for a consumer that polls every workMs: switchrate also bounds how long one Oracle
   * dtrace_work() waits for data (epoll), so it stays short. A script's #pragma D option wins.
   */
  private setDefaults(c: LibdtraceConsumer): void {
    const aggrateMs = Math.max(10, Math.min(100, Math.floor(this.opts.intervalMs / 10)));
    c.setopt('switchrate', '10ms');
    c.setopt('aggrate', `${aggrateMs}ms`);
    c.setopt('statusrate', '100ms');
  }

  private target(c: LibdtraceConsumer): void {
    const fail = (code: string, err: unknown, exitCode: number = EXIT.runtime) => new HeatError(code, (err as Error).message, { cause: err, exitCode });
    if (this.opts.command != null) {
      let argv: string[];
      try {
        argv = splitCommand(this.opts.command);
        if (argv.length === 0) throw new Error('the -c command is empty');
      } catch (err) {
        throw fail('libdtrace-command', err, EXIT.usage);
      }
      try {
        c.setopt('evaltime', evaltimeFor(this.opts.text));
        const pid = c.createProcess(argv);
        if (pid > 0) this.info.detail = { ...this.info.detail, commandPid: pid };
      } catch (err) {
        throw fail('libdtrace-command', err);
      }
      this.targets++;
    } else if (this.opts.pid != null) {
      try {
        c.grabProcess(this.opts.pid);
      } catch (err) {
        throw fail('pid-not-found', err);
      }
      this.targets++;
    }
  }

  private async compile(c: LibdtraceConsumer): Promise<void> {
    try {
      const info = await c.strcompile(this.opts.text, [this.opts.file, ...(this.opts.args ?? [])]);
      this.info.detail = { ...this.info.detail, probes: info.matches };
    } catch (err) {
      const message = (err as Error).message;
      const diag = compileDiagnostic(message, this.opts.text);
      throw new HeatError('libdtrace-compile', diag ? `cannot compile ${this.opts.file}` : message, {
        exitCode: EXIT.usage,
        file: this.opts.file,
        source: this.opts.text,
        diagnostics: diag ? [diag] : [],
        cause: err,
      });
    }
  }

  /** Units the D front end infers (timestamp deltas divided by 1000 are µs); {} when it cannot read the script. */
  private inferUnits(): Record<string, Unit | null> {
    try {
      const plan = dScriptPlan(this.opts.file, { args: this.opts.args ?? [], pid: this.opts.pid ?? null, command: this.opts.command != null, text: this.opts.text });
      const units: Record<string, Unit | null> = {};
      for (const agg of Object.values(plan.aggregations)) units[agg.name] = agg.unit;
      return units;
    } catch {
      return {};
    }
  }

  /** work() every workMs, one Snapshot every intervalMs; returns why tracing ended by itself. */
  private async loop(c: LibdtraceConsumer): Promise<EndReason | null> {
    let nextAt = this.startedAt + this.opts.intervalMs;
    while (!this.ending) {
      try {
        const w = await c.work();
        this.send(this.tally.take(w));
        if (w.status === 'done') return this.tally.sawExit ? 'exit' : this.targets > 0 ? this.targetGone() : 'finished';
        if (this.targets > 0 && this.tally.procsExited >= this.targets) return this.targetGone();
        if (Date.now() >= nextAt) {
          await this.interval(c);
          nextAt += this.opts.intervalMs;
          // After a stall, skip the missed intervals rather than emit them back to back.
          if (nextAt <= Date.now()) nextAt = Date.now() + this.opts.intervalMs;
        }
      } catch (err) {
        this.died = new HeatError('libdtrace-died', `libdtrace failed: ${(err as Error).message}`, { cause: err });
        return 'died';
      }
      if (!this.ending) await this.sleep(Math.max(0, Math.min(this.workMs, nextAt - Date.now())));
    }
    return null;
  }

  private targetGone(): EndReason {
    return this.opts.command != null ? 'command-exited' : 'finished';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private send(events: SourceEvent[]): void {
    for (const e of events) this.emit?.(e);
  }

  private async interval(c: LibdtraceConsumer): Promise<void> {
    const records = await c.aggwalk();
    const { snapshot } = (this.intervals as LibdtraceIntervals).next(records, Date.now() - this.startedAt, this.tally.takeLost());
    this.emit?.({ type: 'snapshot', snapshot });
  }

  /** Tracing ended by itself (exit(), the command exited, an error): release, then 'end'. */
  private async finish(reason: EndReason): Promise<void> {
    if (!this.stopping) this.stopping = this.release();
    await this.stopping;
    const error = reason === 'died' ? (this.died ?? undefined) : undefined;
    this.emit?.({ type: 'end', reason, ...(error ? { error } : {}) });
  }

  /** Stops tracing, drains (END output), emits the last partial interval and the scalar summary, closes. */
  private async release(): Promise<void> {
    this.ending = true;
    this.wake?.();
    await this.starting?.catch(() => undefined);
    if (this.loopDone) await this.loopDone;
    const c = this.consumer;
    if (c && this.intervals) {
      try {
        await c.stop();
        for (let i = 0; i < MAX_DRAIN_CALLS; i++) {
          const w = await c.work();
          this.send(this.tally.take(w));
          if (w.status === 'done') break;
        }
        await this.interval(c);
      } catch {
        // The last partial interval is lost; the handle is closed below either way.
      }
      this.send(this.tally.flush());
      const summary = formatScalarSummary(this.intervals.summary());
      if (summary !== '') this.send(this.tally.lines(`${summary}\n`));
    }
    this.close();
  }

  private close(): void {
    try {
      this.consumer?.close();
    } catch {
      // Closing twice or while busy: the handle dies with the process anyway.
    }
    this.consumer = null;
  }
}
