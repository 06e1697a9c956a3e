//! The D front end's entry point: a .d file in, a ProgramPlan out (the bpftrace translation and
//! how the engine reads its histograms), or a HeatError carrying every positioned diagnostic.

import fs from 'node:fs';
import path from 'node:path';
import { EXIT, HeatError } from '../errors';
import type { ProgramPlan } from '../sources/program-plan';
import { currentArch, type SyscallArch } from '../sources/syscall-names';
import { DiagnosticSink } from './diagnostic-sink';
import { parseD } from './parser';
import { translateProgram } from './to-bpftrace';

export interface DPlanOptions {
  /** Macro arguments: $1 is args[0]. */
  args: string[];
  /** -p PID: what $target means. */
  pid: number | null;
  /** True when the tool runs a -c command: $target is its pid (bpftrace's cpid). */
  command: boolean;
  /** The script text, when already read (otherwise `file` is read). */
  text?: string;
  /** Syscall table to translate names with (default: this machine's). */
  arch?: SyscallArch;
  /** walltimestamp − timestamp in ns (default: measured now); fixed by tests for stable output. */
  wallOffsetNs?: bigint;
}

/** Wall clock minus CLOCK_MONOTONIC (Node's hrtime and bpftrace's nsecs both read the latter). */
function measureWallOffsetNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
}

/**
 * Translates the D script `file` to a bpftrace program plan. Throws a HeatError (exit code 2) with
 * all diagnostics when the script has errors; warnings travel in `plan.warnings`.
 */
export function dScriptPlan(file: string, opts: DPlanOptions): ProgramPlan {
  let text = opts.text;
  if (text === undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      throw new HeatError('d-read', `cannot read D script ${file}: ${why}`, { exitCode: EXIT.usage, cause: e });
    }
  }
  const sink = new DiagnosticSink(text);
  const program = parseD(text, sink);
  const translation = translateProgram(program, sink, {
    args: opts.args,
    pid: opts.pid,
    command: opts.command,
    arch: opts.arch ?? currentArch(),
    wallOffsetNs: opts.wallOffsetNs ?? measureWallOffsetNs(),
  }, path.basename(file));
  const diagnostics = sink.sorted();
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new HeatError(errors[0].code, `cannot translate D script ${file}`, {
      exitCode: EXIT.usage,
      file,
      source: text,
      diagnostics,
      hint: errors.some((d) => d.code === 'd-unsupported' || d.code === 'd-destructive')
        ? 'on Linux D scripts are translated to bpftrace, and the constructs above have no translation'
        : undefined,
    });
  }
  return {
    program: translation.program,
    origin: { kind: 'd', file },
    title: path.basename(file),
    aggregations: translation.aggregations,
    warnings: diagnostics,
    ...(translation.exits ? { exits: true } : {}),
  };
}
