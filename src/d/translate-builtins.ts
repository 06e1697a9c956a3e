//! D built-in variables and macro variables to bpftrace, by probe: a syscall's probefunc is its
//! number, arg0 of a return is DTrace's result (-1 on failure), on-cpu speaks for the incoming
//! thread, vtimestamp is the emulated on-CPU clock (vtimestamp.ts), walltimestamp is nsecs + offset.

import type { Expr, Span } from './ast';
import type { ProgramState } from './program-state';
import { int, str, type ClauseEnv, type TExpr } from './texpr';

function fail(st: ProgramState, code: 'd-unsupported' | 'd-semantic', message: string, span: Span): TExpr {
  st.sink.error(code, message, span);
  return int('0');
}

/** `$target`, `$1`, `$$1`: the -p/-c pid or the macro arguments, as constants. */
export function translateMacro(st: ProgramState, e: Extract<Expr, { kind: 'macro' }>): TExpr {
  const { opts } = st;
  if (e.name === 'target') {
    if (opts.command) return int('cpid');
    if (opts.pid !== null) return int(String(opts.pid), 0, { nonZero: true });
    return fail(st, 'd-semantic', '$target needs a process: run with -p PID or -c COMMAND', e.span);
  }
  if (!/^[0-9]+$/.test(e.name)) return fail(st, 'd-unsupported', `macro variable '$${e.name}' is not supported`, e.span);
  const n = Number(e.name);
  if (n === 0) return str('script');
  const value = opts.args[n - 1];
  if (value === undefined) {
    if (st.defaultargs) return e.asString ? str('') : int('0');
    return fail(st, 'd-semantic', `macro argument $${n} is not given (the script needs ${n} argument${n > 1 ? 's' : ''})`, e.span);
  }
  if (!e.asString && /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) {
    const v = BigInt(value.replace(/^-/, '')) * (value.startsWith('-') ? -1n : 1n);
    return int(v.toString(), v < 0n ? 1 : 0, { constInt: v, nonZero: v !== 0n });
  }
  return str(value);
}

/** A D built-in variable in the clause's probe context (refused with a diagnostic when it has no translation). */
export function translateBuiltin(st: ProgramState, env: ClauseEnv, name: string, span: Span): TExpr {
  const { ctx } = env.target;
  const onCpu = ctx.kind === 'on-cpu';
  // Probe-dependent built-ins of a clause whose probes were refused: already reported there.
  if (ctx.kind === 'none' && (/^arg[0-9]$/.test(name) || name === 'errno' || name === 'args')) return int('0');
  switch (name) {
    case 'timestamp': return int('nsecs', 0, { nonZero: true });
    case 'vtimestamp':
      st.uses.vtimestamp = true;
      env.usesVtimestamp = true;
      return int(`(nsecs - @__vt_off[${env.tid}])`, 0, { nonZero: true });
    case 'walltimestamp': return int(`(nsecs + ${st.opts.wallOffsetNs})`, 0, { nonZero: true });
    case 'tid': return int(env.tid);
    case 'execname': return { text: onCpu ? 'args->next_comm' : 'comm', type: 'string', prec: 0 };
    case 'cpu': return int('cpu');
    case 'pid':
      if (!onCpu) return int('pid');
      st.uses.tgid = true;
      return int(`@__tgid[${env.tid}]`);
    case 'ppid': case 'uid': case 'gid':
      if (onCpu) return fail(st, 'd-unsupported', `'${name}' is not known in sched:::on-cpu on Linux (it runs in the outgoing thread); use tid, pid or execname`, span);
      return int(name === 'ppid' ? 'curtask->real_parent->tgid' : name);
    case 'probeprov': return str(ctx.prov);
    case 'probemod': return str('');
    case 'probename': return str(ctx.name);
    case 'probefunc':
      return ctx.kind === 'syscall' ? { text: 'args->id', type: 'sysnr', prec: 0 } : str(ctx.func);
    case 'errno':
      if (ctx.kind === 'syscall' && ctx.phase === 'return') return int('(args->ret < 0 ? -args->ret : 0)');
      return fail(st, 'd-unsupported', 'errno is only known in syscall return probes here', span);
    default:
      break;
  }
  const arg = /^arg([0-9])$/.exec(name);
  if (arg && ctx.kind === 'syscall') {
    const n = Number(arg[1]);
    // DTrace's return probes give the user-visible result in arg0 and arg1: -1 on failure.
    if (ctx.phase === 'return') return n <= 1 ? int('(args->ret < 0 ? -1 : args->ret)') : int('0');
    if (n < 6) return int(`args->args[${n}]`);
    return int('0');
  }
  if (arg) return fail(st, 'd-unsupported', `'${name}' is only translated in syscall probes`, span);
  if (name === 'args') return fail(st, 'd-unsupported', "typed arguments 'args[]' are not supported; use arg0..arg5", span);
  return fail(st, 'd-unsupported', `built-in variable '${name}' is not supported`, span);
}

