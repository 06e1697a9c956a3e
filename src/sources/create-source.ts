//! Chooses and builds the Source for a run configuration: demo, replay, Prometheus, or a tracing engine
//! (native eBPF for built-in presets where it loads, bpftrace, libdtrace). The only place that
//! knows which engine runs what.

import fs from 'node:fs';
import type { RunConfig } from '../config';
import { HeatError, usageError } from '../errors';
import { dScriptPlan } from '../d/d-plan';
import { BpftraceSource } from './bpftrace';
import { btScriptPlan } from './bt-plan';
import { DemoSource } from './demo';
import { EbpfSource, ebpfAvailable } from './ebpf';
import { presetPlan } from './presets';
import { PrometheusSource, readBearerToken } from './prometheus';
import type { ProgramPlan } from './program-plan';
import { ReplaySource } from './replay';
import type { Source } from './source';

/** The bpftrace program plan a preset or script config runs (also what --print-program shows). */
export function programPlan(config: RunConfig): ProgramPlan {
  const s = config.source;
  const target = { pid: config.pid, command: config.command !== null };
  if (s.kind === 'preset') return presetPlan(s.preset, target);
  if (s.kind !== 'script') throw usageError('no-program', 'only presets and scripts have a program');
  if (s.lang === 'bt') return btScriptPlan(s.file);
  return dScriptPlan(s.file, { args: config.scriptArgs, ...target });
}

/** Where DTrace is the system's tracer, libdtrace runs D scripts; on Linux, bpftrace does. */
function dtraceIsNative(): boolean {
  return process.platform !== 'linux';
}

interface LibdtraceModule {
  LibdtraceSource: new (opts: { file: string; text: string; intervalMs: number; pid: number | null; command: string | null; args: string[] }) => Source;
}

function libdtraceSource(config: RunConfig, file: string): Source {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError('script-open', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  // Loaded lazily: the module loads the optional native addon, absent on most machines.
  const mod = require('./libdtrace') as LibdtraceModule;
  return new mod.LibdtraceSource({ file, text, intervalMs: config.intervalMs, pid: config.pid, command: config.command, args: config.scriptArgs });
}

function bpftrace(config: RunConfig): Source {
  return new BpftraceSource(programPlan(config), { intervalMs: config.intervalMs, pid: config.pid, command: config.command });
}

/**
 * `--backend auto` for a preset: the native engine, and bpftrace when the kernel refuses the
 * native programs at load (ebpfAvailable() can only check that they could be loaded).
 */
class NativeOrBpftrace implements Source {
  private active: Source;
  constructor(
    native: Source,
    private readonly fallback: () => Source,
  ) {
    this.active = native;
  }
  get info() {
    return this.active.info;
  }
  async start(emit: Parameters<Source['start']>[0]): Promise<void> {
    try {
      await this.active.start(emit);
    } catch (err) {
      if (!(err instanceof HeatError) || err.code !== 'ebpf-load-failed') throw err;
      emit({ type: 'warning', message: `native eBPF engine refused (${err.message}); using bpftrace` });
      this.active = this.fallback();
      await this.active.start(emit);
    }
  }
  stop(): Promise<void> {
    return this.active.stop();
  }
}

/** Builds the source; throws HeatError when the configuration cannot run here. */
export function createSource(config: RunConfig): Source {
  const s = config.source;
  const backend = config.backend;
  switch (s.kind) {
    case 'demo':
      return new DemoSource({ seed: s.seed, intervalMs: config.intervalMs });
    case 'replay':
      return new ReplaySource(s.file, { speed: s.speed, realtime: !config.headless || s.speed !== null });
    case 'prometheus': {
      const { token, warning } = readBearerToken(s.tokenFile, process.env);
      return new PrometheusSource({ url: s.url, query: s.query, by: s.by, intervalMs: config.intervalMs, token, startWarnings: warning === null ? [] : [warning] });
    }
    case 'preset': {
      if (backend === 'libdtrace') throw usageError('backend-mismatch', 'the built-in presets run on the native eBPF engine or bpftrace, not libdtrace', 'give libdtrace a D script: --script file.d --backend libdtrace');
      const native = ebpfAvailable(s.preset);
      if (backend === 'ebpf') {
        if (!native.ok) throw new HeatError('ebpf-unavailable', `the native eBPF engine cannot run: ${native.why}`, { hint: 'use --backend bpftrace (or auto)' });
        return new EbpfSource({ preset: s.preset, intervalMs: config.intervalMs, pid: config.pid, command: config.command });
      }
      if (backend === 'auto' && native.ok) {
        const ebpf = new EbpfSource({ preset: s.preset, intervalMs: config.intervalMs, pid: config.pid, command: config.command });
        return new NativeOrBpftrace(ebpf, () => bpftrace(config));
      }
      return bpftrace(config);
    }
    case 'script': {
      if (backend === 'ebpf') throw usageError('backend-mismatch', 'the native eBPF engine runs only the built-in presets', 'scripts run on bpftrace (or libdtrace for D): drop --backend ebpf');
      if (s.lang === 'bt') {
        if (backend === 'libdtrace') throw usageError('backend-mismatch', 'libdtrace runs D scripts, not bpftrace scripts');
        return bpftrace(config);
      }
      if (backend === 'libdtrace' || (backend === 'auto' && dtraceIsNative())) return libdtraceSource(config, s.file);
      return bpftrace(config);
    }
  }
}
