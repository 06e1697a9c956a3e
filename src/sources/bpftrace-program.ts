//! The program the bpftrace source actually runs: the plan's text, unchanged line for line, plus
//! the tool's own probes appended at the end (a BEGIN that says "attached" when the program has
//! none, and an interval probe that prints the histograms every interval without clearing them).
//!
//! Why an interval probe rather than SIGUSR1: on 0.17 SIGUSR1 prints every map (including big
//! per-thread start-time maps), with nothing that marks where the dump ends, paced by a timer in
//! node. The interval probe prints only the histograms, ends with a marker line, and is paced by
//! the kernel. Why not clear(): print() is asynchronous (bpftrace issues #718, #3924), so events
//! landing between print and clear would be lost; cumulative prints and deltas lose nothing.

import { blankCommentsAndStrings, findCpid, hasBeginProbe, usesUsdt } from './bt-scan';
import type { ProgramPlan } from './program-plan';

/** printf lines the tool's probes emit; a user's program printing these exact lines would confuse it. */
export const TICK_MARKER = 'heat-tracer-tui:tick\n';
export const READY_MARKER = 'heat-tracer-tui:ready\n';

/** The macro that stands for `cpid` when the tool, not bpftrace, starts the -c command. */
export const CPID_MACRO = 'CPID';

export interface RunProgram {
  text: string;
  /** Lines of the plan's own text: positions beyond are in the tool's additions. */
  sourceLines: number;
  /** True when the tool added a BEGIN that prints READY_MARKER (else the first tick means ready). */
  readyProbe: boolean;
  /** True when the program used `cpid` (rewritten to CPID_MACRO when `commandPid` was given). */
  usesCpid: boolean;
  usesUsdt: boolean;
  /** The maps printed each interval. */
  printed: string[];
}

/**
 * Builds the program text for `plan`. With `rewriteCpid`, every `cpid` becomes CPID_MACRO (same
 * length: bpftrace's columns still match the user's file), defined by the caller via --include.
 */
export function buildRunProgram(plan: ProgramPlan, intervalMs: number, rewriteCpid: boolean): RunProgram {
  let text = plan.program;
  const blanked = blankCommentsAndStrings(text.replace(/^#![^\n]*/, (s) => ' '.repeat(s.length)));
  const cpidAt = findCpid(blanked);
  if (rewriteCpid) {
    for (const at of cpidAt) text = text.slice(0, at) + CPID_MACRO + text.slice(at + 4);
  }
  const printed = Object.values(plan.aggregations).map((a) => a.map);
  const readyProbe = !hasBeginProbe(blanked);
  const sourceLines = text.split('\n').length;
  const add: string[] = [text.endsWith('\n') ? '' : '\n', '\n// Added by heat-tracer-tui: read the histograms every interval, never clear them.\n'];
  if (readyProbe) add.push(`BEGIN\n{\n\tprintf(${JSON.stringify(READY_MARKER)});\n}\n\n`);
  add.push(`interval:ms:${Math.max(1, Math.round(intervalMs))}\n{\n`);
  for (const map of printed) add.push(`\tprint(${map});\n`);
  add.push(`\tprintf(${JSON.stringify(TICK_MARKER)});\n}\n`);
  return { text: text + add.join(''), sourceLines, readyProbe, usesCpid: cpidAt.length > 0, usesUsdt: usesUsdt(blanked), printed };
}
