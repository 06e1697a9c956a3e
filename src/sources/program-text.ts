//! Print-and-exit answers about programs: --list-presets and --print-program.

import type { RunConfig } from '../config';
import { HeatError } from '../errors';

/** The text of --list-presets. */
export function listPresetsText(): string {
  throw new HeatError('engine-missing', 'presets need the bpftrace engine, which this build does not have yet');
}

/** The program that would run for a configuration, for --print-program. */
export function printProgram(_config: RunConfig): string {
  throw new HeatError('engine-missing', 'printing programs needs the bpftrace engine, which this build does not have yet');
}
