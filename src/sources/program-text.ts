//! Print-and-exit answers about programs: --list-presets and --print-program.

import type { RunConfig } from '../config';
import { listPresets } from './presets';
import { programPlan } from './create-source';

/** The text of --list-presets: name, unit, description and the script file users can copy. */
export function listPresetsText(): string {
  const presets = listPresets();
  const w = Math.max(...presets.map((p) => p.name.length));
  const lines = presets.map((p) => `${p.name.padEnd(w)}  ${p.description} (${p.unit})\n${' '.repeat(w)}  ${p.file}`);
  return `${lines.join('\n')}\n\nRun one with --preset NAME (syscall is the default); copy its file and edit it to make your own (--script FILE.bt).\n`;
}

/** The program that would run for a configuration, for --print-program. */
export function printProgram(config: RunConfig): string {
  const plan = programPlan(config);
  return plan.program.endsWith('\n') ? plan.program : `${plan.program}\n`;
}
