//! Maps D probe descriptions onto bpftrace attach points: syscalls onto raw_syscalls (one probe,
//! filtered by number, instead of 700+ per-syscall tracepoints), profile/tick, sched, proc, BEGIN/END.

import type { ProbeDesc } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';
import { syscallName, syscallNumber, type SyscallArch } from '../sources/syscall-names';

/**
 * What a clause's code may assume about the probe that fired. `probefunc`/`probename` are the
 * DTrace names (constant per attach point, except a syscall's function, which is its number).
 */
export type ProbeContext =
  | { kind: 'begin' | 'end' | 'tick' | 'profile' | 'exec' | 'exit' | 'off-cpu' | 'on-cpu'; prov: string; func: string; name: string }
  /** A clause whose probes were refused: its body is still checked, but nothing is emitted. */
  | { kind: 'none'; prov: string; func: string; name: string }
  | { kind: 'syscall'; phase: 'entry' | 'return'; prov: string; func: string; name: string };

/** One bpftrace attach point a D clause runs at, with the condition that narrows it to the D probes. */
export interface ProbeTarget {
  attach: string;
  ctx: ProbeContext;
  /** Syscall numbers the clause is enabled for; null = every syscall (or not a syscall probe). */
  syscalls: number[] | null;
  /** Extra condition on the attach point (proc:::exit fires once per process, not per thread). */
  guard: string | null;
}

const TIME_UNITS: Record<string, { unit: 'hz' | 's' | 'ms' | 'us'; mult: number } | undefined> = {
  '': { unit: 'hz', mult: 1 }, hz: { unit: 'hz', mult: 1 },
  ns: { unit: 'us', mult: 1e-3 }, nsec: { unit: 'us', mult: 1e-3 },
  us: { unit: 'us', mult: 1 }, usec: { unit: 'us', mult: 1 },
  ms: { unit: 'ms', mult: 1 }, msec: { unit: 'ms', mult: 1 },
  s: { unit: 's', mult: 1 }, sec: { unit: 's', mult: 1 },
  m: { unit: 's', mult: 60 }, min: { unit: 's', mult: 60 },
  h: { unit: 's', mult: 3600 }, hour: { unit: 's', mult: 3600 },
  d: { unit: 's', mult: 86400 }, day: { unit: 's', mult: 86400 },
};

/** Providers people use that we refuse, with why (named in the diagnostic). */
const REFUSED_PROVIDERS: Record<string, string> = {
  fbt: 'kernel function tracing needs kprobes',
  pid: 'user function tracing (uprobes) is not translated',
  usdt: 'user static probes are not translated',
  fasttrap: 'user function tracing (uprobes) is not translated',
  lockstat: 'lock statistics need kprobes',
  plockstat: 'user lock statistics are not translated',
  io: 'the io provider is not translated (use a bpftrace block preset)',
  ip: 'the ip provider is not translated', tcp: 'the tcp provider is not translated',
  udp: 'the udp provider is not translated', sdt: 'kernel static probes are not translated',
  vminfo: 'the vminfo provider is not translated', sysinfo: 'the sysinfo provider is not translated',
};

const hasGlob = (s: string): boolean => /[*?[]/.test(s);

/** DTrace's glob (`*`, `?`, `[...]`, `[!...]`) as a whole-string regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const matches = (pattern: string, value: string): boolean => pattern === '' || globToRegExp(pattern).test(value);

/** Every syscall name of `arch`, by number. */
function allSyscalls(arch: SyscallArch): { nr: number; name: string }[] {
  const out: { nr: number; name: string }[] = [];
  for (let nr = 0; nr < 1024; nr++) {
    const name = syscallName(nr, arch);
    if (name !== undefined) out.push({ nr, name });
  }
  return out;
}

/**
 * The attach points one probe description stands for, or [] after reporting why it cannot run.
 * `zdefs` (the D option) lets a description match nothing without an error.
 */
export function mapProbe(desc: ProbeDesc, arch: SyscallArch, sink: DiagnosticSink, zdefs: boolean): ProbeTarget[] {
  let { provider, module, func, name } = desc;
  // A bare name is unambiguous for these: DTrace finds them in exactly one provider.
  if (provider === '' && module === '' && func === '') {
    if (name === 'BEGIN' || name === 'END' || name === 'ERROR') provider = 'dtrace';
    else if (/^(profile|tick)-/.test(name)) provider = 'profile';
  }
  // pid1234, pid$target, usdt$1: the provider's name without its process part.
  const base = provider.replace(/(\$\$?\w+|[0-9]+)$/, '');
  if (provider === '' || hasGlob(provider)) {
    sink.error('d-unsupported', `probe description '${desc.text}' needs a provider (it would match kernel function probes too); write e.g. 'syscall::${func || '*'}:${name || 'entry'}'`, desc.span);
    return [];
  }
  if (base in REFUSED_PROVIDERS) {
    sink.error('d-unsupported', `the '${base}' provider is not supported: ${REFUSED_PROVIDERS[base]}`, desc.span);
    return [];
  }
  if (/\$/.test(desc.text)) {
    sink.error('d-unsupported', `macro variables in probe descriptions ('${desc.text}') are not supported`, desc.span);
    return [];
  }
  const noMatch = (why: string): ProbeTarget[] => {
    if (!zdefs) sink.error('d-probe', `probe description '${desc.text}' does not match any probe: ${why}`, desc.span);
    return [];
  };
  const unsupported = (what: string): ProbeTarget[] => {
    sink.error('d-unsupported', `probe '${desc.text}' is not supported: ${what}`, desc.span);
    return [];
  };
  switch (provider) {
    case 'dtrace': {
      if (module !== '' || func !== '') return noMatch('dtrace probes have no module or function');
      if (name === 'ERROR') return unsupported('there is no ERROR probe on bpftrace');
      if (name === 'BEGIN') return [{ attach: 'BEGIN', ctx: { kind: 'begin', prov: 'dtrace', func: '', name }, syscalls: null, guard: null }];
      if (name === 'END') return [{ attach: 'END', ctx: { kind: 'end', prov: 'dtrace', func: '', name }, syscalls: null, guard: null }];
      return noMatch(`dtrace has BEGIN, END and ERROR`);
    }
    case 'syscall':
      return mapSyscall(desc, module, func, name, arch, noMatch);
    case 'profile':
      return mapProfile(desc, module, func, name, noMatch, unsupported);
    case 'sched': {
      if (name === 'on-cpu' || name === 'off-cpu') {
        const kind = name;
        return [{ attach: 'tracepoint:sched:sched_switch', ctx: { kind, prov: 'sched', func: '', name }, syscalls: null, guard: null }];
      }
      return unsupported(`only sched:::on-cpu and sched:::off-cpu are translated`);
    }
    case 'proc': {
      if (name === 'exec-success') return [{ attach: 'tracepoint:sched:sched_process_exec', ctx: { kind: 'exec', prov: 'proc', func: '', name }, syscalls: null, guard: null }];
      // sched_process_exit fires per thread; group_dead marks the last one, which is when DTrace's fires.
      if (name === 'exit') return [{ attach: 'tracepoint:sched:sched_process_exit', ctx: { kind: 'exit', prov: 'proc', func: '', name }, syscalls: null, guard: 'args->group_dead' }];
      return unsupported(`only proc:::exec-success and proc:::exit are translated`);
    }
    default:
      return unsupported(`the '${provider}' provider is not translated`);
  }
}

function mapSyscall(desc: ProbeDesc, module: string, func: string, name: string, arch: SyscallArch, noMatch: (why: string) => ProbeTarget[]): ProbeTarget[] {
  if (module !== '' && !matches(module, 'vmlinux')) return noMatch(`syscall probes have no module '${module}'`);
  const phases = (['entry', 'return'] as const).filter((p) => matches(name, p));
  if (phases.length === 0) return noMatch(`syscall probes are named entry and return`);
  let syscalls: number[] | null = null;
  if (func !== '' && func !== '*') {
    if (hasGlob(func)) {
      const re = globToRegExp(func);
      syscalls = allSyscalls(arch).filter((s) => re.test(s.name)).map((s) => s.nr);
      if (syscalls.length === 0) return noMatch(`no ${arch} syscall matches '${func}'`);
    } else {
      const nr = syscallNumber(func, arch);
      if (nr === undefined) return noMatch(`${arch} has no syscall named '${func}'`);
      syscalls = [nr];
    }
  }
  const constFunc = syscalls !== null && syscalls.length === 1 ? func : '';
  return phases.map((phase) => ({
    attach: phase === 'entry' ? 'tracepoint:raw_syscalls:sys_enter' : 'tracepoint:raw_syscalls:sys_exit',
    ctx: { kind: 'syscall' as const, phase, prov: 'syscall', func: constFunc, name: phase },
    syscalls,
    guard: null,
  }));
}

function mapProfile(desc: ProbeDesc, module: string, func: string, name: string, noMatch: (why: string) => ProbeTarget[], unsupported: (what: string) => ProbeTarget[]): ProbeTarget[] {
  if (module !== '' || func !== '') return noMatch('profile probes have no module or function');
  const m = /^(profile|tick)-([0-9]+)([a-z]*)$/.exec(name);
  if (!m) return hasGlob(name) ? unsupported('wildcards in profile probe names') : noMatch(`expected profile-N or tick-N with an optional unit`);
  const unit = TIME_UNITS[m[3]];
  const n = Number(m[2]);
  if (unit === undefined) return noMatch(`unknown time unit '${m[3]}'`);
  let value = n * unit.mult;
  let bpfUnit = unit.unit;
  if (!Number.isInteger(value)) return unsupported(`periods below a microsecond`);
  if (bpfUnit === 'us' && value % 1000 === 0) {
    value /= 1000;
    bpfUnit = 'ms';
  }
  if (value <= 0) return noMatch('the rate must be positive');
  const kind = m[1] === 'tick' ? 'tick' : 'profile';
  const attach = kind === 'tick' ? `interval:${bpfUnit}:${value}` : `profile:${bpfUnit}:${value}`;
  void desc;
  return [{ attach, ctx: { kind, prov: 'profile', func: '', name }, syscalls: null, guard: null }];
}
