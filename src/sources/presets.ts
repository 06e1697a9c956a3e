//! The built-in programs (--preset syscall|io|runq, --list-presets): plain bpftrace scripts under
//! scripts/presets/ that users can copy, plus how to read them (log-linear buckets computed in the
//! program, rebuilt by the engine) and how to narrow them to one process (-p PID, -c CMD).

import fs from 'node:fs';
import path from 'node:path';
import { usageError } from '../errors';
import type { Unit } from '../model/snapshot';
import type { AggregationPlan, KeyPartDecoder, ProgramPlan } from './program-plan';

/** The layout the preset scripts compute: DTrace's llquantize(ns, 2, 0, 35, 8), 4 buckets per power of two. */
export const PRESET_LLQUANTIZE = { kind: 'llquantize', factor: 2, low: 0, high: 35, nsteps: 8 } as const;

export interface PresetInfo {
  name: string;
  description: string;
  /** Absolute path of the script. */
  file: string;
  unit: Unit;
}

interface PresetDef {
  name: string;
  title: string;
  description: string;
  map: string;
  aggregation: string;
  keyDecoders: KeyPartDecoder[];
  /** Adds the predicates that keep only process `who` (a pid literal, or `cpid` for -c). */
  target(program: string, who: string): string;
}

const PRESETS: readonly PresetDef[] = [
  {
    name: 'syscall',
    title: 'syscall latency',
    description: 'syscall latency (entry to return, wall time) per syscall',
    map: '@syscall_ns',
    aggregation: 'syscall',
    keyDecoders: ['syscall'],
    target: (p, who) => addPredicate(addPredicate(p, 'tracepoint:raw_syscalls:sys_enter', `pid == ${who}`), 'tracepoint:raw_syscalls:sys_exit', `pid == ${who}`),
  },
  {
    name: 'io',
    title: 'block I/O latency',
    description: 'block I/O latency (issue to completion) per disk',
    map: '@io_ns',
    aggregation: 'io',
    keyDecoders: ['blockdev'],
    target: (p, who) => addPredicate(p, 'tracepoint:block:block_rq_issue', `pid == ${who}`),
  },
  {
    name: 'runq',
    title: 'run queue latency',
    description: 'run queue latency (wakeup or preemption to switch-in), all CPUs',
    map: '@runq_ns',
    aggregation: 'runq',
    keyDecoders: [],
    // sched tracepoints name threads, and a wakeup runs in the waker's context: learn the target's
    // thread ids as they switch out, then time only those.
    target: (p, who) =>
      addProbe(
        addPredicate(addPredicate(p, 'tracepoint:sched:sched_wakeup_new', '@target_tid[args->pid]'), 'tracepoint:sched:sched_switch', `pid == ${who}`, /prev_state/),
        `tracepoint:sched:sched_switch\n/pid == ${who}/\n{\n\t@target_tid[args->prev_pid] = 1;\n}\n`,
      ),
  },
];

/** Where the preset scripts live: scripts/presets/ of the package, found from this file upwards. */
export function presetDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'scripts', 'presets');
    if (fs.existsSync(path.join(candidate, 'syscall.bt'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..', 'scripts', 'presets');
}

/** The built-in programs, in the order --list-presets shows them. */
export function listPresets(): PresetInfo[] {
  const dir = presetDir();
  return PRESETS.map((p) => ({ name: p.name, description: p.description, file: path.join(dir, `${p.name}.bt`), unit: 'ns' as const }));
}

/** The plan for preset `name`, narrowed to a pid or to the -c command (`cpid`) when asked. */
export function presetPlan(name: string, target: { pid: number | null; command: boolean }): ProgramPlan {
  const def = PRESETS.find((p) => p.name === name);
  if (!def) throw usageError('unknown-preset', `unknown preset '${name}'`, `presets: ${PRESETS.map((p) => p.name).join(', ')} (see --list-presets)`);
  const file = path.join(presetDir(), `${def.name}.bt`);
  let program = fs.readFileSync(file, 'utf8');
  if (target.pid !== null) program = def.target(program, String(target.pid));
  else if (target.command) program = def.target(program, 'cpid');
  const aggregation: AggregationPlan = {
    name: def.aggregation,
    map: def.map,
    kind: 'llquantize',
    unit: 'ns',
    keyDecoders: def.keyDecoders,
    emulated: { ...PRESET_LLQUANTIZE },
  };
  return { program, origin: { kind: 'preset', preset: def.name, file }, title: def.title, aggregations: { [def.map]: aggregation }, warnings: [] };
}

/**
 * Adds `cond` to the predicate of every probe whose (last) header line is `header` and, when
 * `only` is given, whose existing predicate matches it: `/a/` becomes `/cond && (a)/`.
 */
export function addPredicate(program: string, header: string, cond: string, only?: RegExp): string {
  const lines = program.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== header) continue;
    const next = lines[i + 1]?.trim() ?? '';
    const pred = /^\/(.*)\/$/.exec(next);
    if (only && !(pred && only.test(pred[1]))) continue;
    if (pred) lines[i + 1] = `/${cond} && (${pred[1]})/`;
    else lines.splice(i + 1, 0, `/${cond}/`);
  }
  return lines.join('\n');
}

/** Inserts a probe before the first one (after the header comment). */
function addProbe(program: string, probe: string): string {
  const at = program.search(/^tracepoint:/m);
  return at < 0 ? `${program}\n${probe}` : `${program.slice(0, at)}${probe}\n${program.slice(at)}`;
}
