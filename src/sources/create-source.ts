//! Chooses and builds the Source for a run configuration: demo, replay, or a tracing engine
//! (native eBPF for built-in presets where it loads, bpftrace, libdtrace). The only place that
//! knows which engine runs what.

import type { RunConfig } from '../config';
import { HeatError } from '../errors';
import { DemoSource } from './demo';
import { ReplaySource } from './replay';
import type { Source } from './source';

/** Builds the source; throws HeatError when the configuration cannot run here. */
export function createSource(config: RunConfig): Source {
  const s = config.source;
  switch (s.kind) {
    case 'demo':
      return new DemoSource({ seed: s.seed, intervalMs: config.intervalMs });
    case 'replay':
      return new ReplaySource(s.file, { speed: s.speed, realtime: !config.headless || s.speed !== null });
    case 'preset':
    case 'script':
      throw new HeatError('engine-missing', 'tracing needs an engine, which this build does not have yet', { hint: 'try --demo, or --replay FILE' });
  }
}
