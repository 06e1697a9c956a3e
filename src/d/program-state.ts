//! What the D translator knows about the whole program while it emits clauses: options, variable
//! types and time kinds (from the pre-pass), aggregations, and which emulations the output needs.

import type { Expr, Span } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';
import type { AggregationPlan } from '../sources/program-plan';
import type { SyscallArch } from '../sources/syscall-names';
import type { TimeKind } from './units';

/** D value types as the translator tracks them; 'sysnr' is probefunc in a syscall clause (a number). */
export type DType = 'int' | 'string' | 'sysnr';

export interface TranslateOptions {
  /** Macro arguments: $1 is args[0]. */
  args: string[];
  /** The -p pid ($target), if any. */
  pid: number | null;
  /** True when the tool runs a -c command ($target is its pid: bpftrace's cpid). */
  command: boolean;
  arch: SyscallArch;
  /** walltimestamp - timestamp, in ns (wall clock minus the monotonic clock bpftrace's nsecs reads). */
  wallOffsetNs: bigint;
}

export interface VarInfo {
  type: DType;
  /** Assigned something other than 0 somewhere: reading an unassigned map is a bpftrace error. */
  assigned: boolean;
  time: TimeKind;
  /** Time kind seen yet (to tell "no assignment seen" from "unknown"). */
  timeSeen: boolean;
}

export interface AggInfo {
  name: string;
  fn: string;
  span: Span;
  keyCount: number;
  /** Filled in as uses are translated. */
  plan: AggregationPlan | null;
  /** Constant parameters of the first use (lquantize/llquantize), to check the others agree. */
  params: string | null;
}

/** D built-in variables: never global variables. Those without a translation are refused by name. */
export const BUILTINS = new Set([
  'timestamp', 'vtimestamp', 'walltimestamp', 'pid', 'tid', 'ppid', 'uid', 'gid', 'execname', 'cpu',
  'probeprov', 'probemod', 'probefunc', 'probename', 'arg0', 'arg1', 'arg2', 'arg3', 'arg4', 'arg5',
  'arg6', 'arg7', 'arg8', 'arg9', 'errno', 'args', 'curthread', 'curpsinfo', 'curlwpsinfo', 'curcpu',
  'cwd', 'root', 'zonename', 'ipl', 'epid', 'id', 'stackdepth', 'ustackdepth', 'caller', 'ucaller',
  'uregs', 'projid', 'taskid', 'execargs',
]);

/**
 * The variable an lvalue-shaped expression names, as a key ("self:x", "self[]:x", "this:x",
 * "g:x", "g[]:x"), or null for anything else.
 */
export function varKey(e: Expr): string | null {
  switch (e.kind) {
    case 'self': return `self:${e.name}`;
    case 'this': return `this:${e.name}`;
    case 'ident': return BUILTINS.has(e.name) ? null : `g:${e.name}`;
    case 'index':
      if (e.base.kind === 'self') return `self[]:${e.base.name}`;
      if (e.base.kind === 'ident' && !BUILTINS.has(e.base.name)) return `g[]:${e.base.name}`;
      return null;
    default: return null;
  }
}

/** The bpftrace map (or scratch variable) holding a D variable key. */
export function storageName(key: string): string {
  const [kind, name] = key.split(':');
  switch (kind) {
    case 'self': case 'self[]': return `@self_${name}`;
    case 'this': return `$this_${name}`;
    default: return `@g_${name}`;
  }
}

export class ProgramState {
  quiet = false;
  zdefs = false;
  defaultargs = false;
  exits = false;
  /** Emulations the program needs (each adds probes or a table). */
  uses = { vtimestamp: false, sysname: false, tgid: false };
  /** Syscall numbers whose names printf/trace need; null = all. */
  sysnameFor: Set<number> | null = new Set();
  readonly vars = new Map<string, VarInfo>();
  readonly aggs = new Map<string, AggInfo>();
  /** Histogram aggregations for the plan, by map name. */
  readonly plans: Record<string, AggregationPlan> = {};
  private tmp = 0;

  constructor(readonly sink: DiagnosticSink, readonly opts: TranslateOptions) {}

  /** A fresh scratch-variable suffix, so emulations in one probe never share names. */
  nextTemp(): number {
    return ++this.tmp;
  }

  varInfo(key: string): VarInfo | undefined {
    return this.vars.get(key);
  }
}
