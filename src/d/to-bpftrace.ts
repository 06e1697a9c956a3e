//! The D-to-bpftrace translator: maps each clause's probes, translates its predicate and body per
//! attach point, and merges clauses sharing an attach point into one bpftrace probe (in file order,
//! predicates as ifs: bpftrace allows one BEGIN/END and does not order programs on one tracepoint).

import type { ClauseItem, Program } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';
import type { AggregationPlan } from '../sources/program-plan';
import { analyzeProgram } from './analyze';
import { applyPragmas } from './d-options';
import { mapProbe, type ProbeTarget } from './probes';
import { ProgramState, type TranslateOptions } from './program-state';
import { StmtTranslator } from './translate-stmt';
import { wrap, type ClauseEnv } from './translate-expr';
import { VT_MAPS, vtExitLines, vtSwitchLines, vtTrackLines } from './vtimestamp';
import { syscallName } from '../sources/syscall-names';
import { bpfString } from './bpf-text';

export interface Translation {
  program: string;
  aggregations: Record<string, AggregationPlan>;
  exits: boolean;
}

interface Part {
  cond: string | null;
  lines: string[];
}

interface Group {
  attach: string;
  pre: string[];
  parts: Part[];
  post: string[];
}

const NO_TARGET: ProbeTarget = { attach: '', ctx: { kind: 'none', prov: '', func: '', name: '' }, syscalls: null, guard: null };

const indent = (lines: readonly string[], by = '  '): string[] => lines.map((l) => (l === '' ? l : by + l));

/** Translates a parsed D program; problems go to `sink` (the text is meaningless if it has errors). */
export function translateProgram(program: Program, sink: DiagnosticSink, opts: TranslateOptions, fileName: string): Translation {
  const st = new ProgramState(sink, opts);
  applyPragmas(program.items, st);
  const clauses = program.items.filter((i): i is ClauseItem => i.kind === 'clause');
  const mapped = clauses.map((clause) => {
    const before = sink.errorCount;
    const targets = mergeTargets(clause.probes.flatMap((p) => mapProbe(p, opts.arch, sink, st.zdefs)));
    return { clause, targets, refused: sink.errorCount > before };
  });
  analyzeProgram(mapped.map((m) => ({ clause: m.clause, ctx: m.targets[0]?.ctx ?? null })), st);

  const groups = new Map<string, Group>();
  const groupFor = (attach: string): Group => {
    let g = groups.get(attach);
    if (!g) groups.set(attach, (g = { attach, pre: [], parts: [], post: [] }));
    return g;
  };
  // this-> variables live for one probe firing: clauses merged onto one attach point share them.
  const thisVars = new Map<string, Set<string>>();
  for (const { clause, targets, refused } of mapped) {
    // Refused probes were reported; still check the body so every error in the file shows.
    // (A clause that only matches nothing under zdefs is dropped, as DTrace drops it.)
    if (targets.length === 0 && refused) translateClause(clause, NO_TARGET, st, new Set());
    for (const target of targets) {
      if (!thisVars.has(target.attach)) thisVars.set(target.attach, new Set());
      groupFor(target.attach).parts.push(translateClause(clause, target, st, thisVars.get(target.attach)!));
    }
  }
  if (clauses.length === 0) sink.error('d-semantic', 'the script has no probe clauses', { offset: 0, length: 1 });
  addMachinery(st, groupFor, groups);
  const header = [`// Translated from ${fileName} by heat-tracer-tui's D front end.`];
  if (st.uses.vtimestamp) header.push('// vtimestamp is emulated: nsecs minus the thread\'s off-CPU time, counted at sched_switch.');
  const text = [...header, '', ...[...groups.values()].map(emitGroup)].join('\n');
  return { program: text.endsWith('\n') ? text : text + '\n', aggregations: st.plans, exits: st.exits };
}

/** One clause's targets with the same attach point merged (their syscall sets united). */
function mergeTargets(targets: ProbeTarget[]): ProbeTarget[] {
  const byAttach = new Map<string, ProbeTarget>();
  for (const t of targets) {
    const old = byAttach.get(t.attach);
    if (!old) byAttach.set(t.attach, { ...t, syscalls: t.syscalls && [...t.syscalls] });
    else if (old.syscalls === null || t.syscalls === null) old.syscalls = null;
    else old.syscalls = [...new Set([...old.syscalls, ...t.syscalls])].sort((a, b) => a - b);
    if (old && old.ctx.func !== t.ctx.func) old.ctx = { ...old.ctx, func: '' };
  }
  return [...byAttach.values()];
}

function translateClause(clause: ClauseItem, target: ProbeTarget, st: ProgramState, assignedThis: Set<string>): Part {
  const env: ClauseEnv = {
    target,
    tid: target.ctx.kind === 'on-cpu' ? 'args->next_pid' : 'tid',
    usesVtimestamp: false,
    storesPersistent: false,
    assignedThis,
  };
  const xt = new StmtTranslator(st, env);
  const conds: string[] = [];
  if (target.syscalls !== null) conds.push(syscallFilter(target.syscalls));
  if (target.guard !== null) conds.push(target.guard);
  if (clause.predicate) conds.push(wrap(xt.cond(clause.predicate), 10));
  let lines: string[];
  if (clause.body === null || clause.body.length === 0) lines = st.quiet ? [] : defaultAction(target, xt);
  else lines = xt.body(clause.body);
  // Only a vtimestamp kept past this firing can be subtracted from later: track from here on.
  if (env.usesVtimestamp && env.storesPersistent) lines.unshift(...vtTrackLines(env.tid));
  // Each piece binds at least as tightly as &&: the filter is parenthesised, the predicate wrapped.
  const cond = conds.length === 0 ? null : conds.join(' && ');
  return { cond, lines };
}

/** DTrace's action for a clause without one (when not quiet): a line naming the CPU and probe. */
function defaultAction(target: ProbeTarget, xt: StmtTranslator): string[] {
  const { ctx } = target;
  if (ctx.kind === 'syscall') {
    const func = xt.asText({ text: 'args->id', type: 'sysnr', prec: 0 });
    return [`printf(${bpfString(`%3d %s:${ctx.name}\n`)}, cpu, ${func});`];
  }
  return [`printf(${bpfString(`%3d ${ctx.func}:${ctx.name}\n`)}, cpu);`];
}

/** `args->id == N`, or ranges of numbers joined by ||. */
export function syscallFilter(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j - i >= 2) parts.push(`(args->id >= ${sorted[i]} && args->id <= ${sorted[j]})`);
    else for (let k = i; k <= j; k++) parts.push(`args->id == ${sorted[k]}`);
    i = j + 1;
  }
  return parts.length === 1 ? parts[0].replace(/^\((.*)\)$/, '$1') : `(${parts.join(' || ')})`;
}

/** Adds the emulations' probes and the END cleanup of maps that are not aggregations. */
function addMachinery(st: ProgramState, groupFor: (attach: string) => Group, groups: Map<string, Group>): void {
  const perThread = [...st.vars.entries()].filter(([k, v]) => k.startsWith('self:') && v.assigned).map(([k]) => `@self_${k.slice(5)}`);
  if (st.uses.vtimestamp || st.uses.tgid) {
    const sw = groupFor('tracepoint:sched:sched_switch');
    if (st.uses.vtimestamp) sw.pre.push(...vtSwitchLines());
    // sched:::on-cpu's pid: the incoming thread's tgid, remembered from when it last went off CPU.
    if (st.uses.tgid) sw.pre.push('@__tgid[tid] = pid;');
  }
  if (st.uses.vtimestamp || st.uses.tgid || perThread.length > 0) {
    const ex = groupFor('tracepoint:sched:sched_process_exit');
    ex.post.push('// free the exiting thread\'s thread-local entries');
    if (st.uses.vtimestamp) ex.post.push(...vtExitLines());
    if (st.uses.tgid) ex.post.push('delete(@__tgid[tid]);');
    ex.post.push(...perThread.map((m) => `delete(${m}[tid]);`));
  }
  if (st.uses.sysname) {
    const begin = groupFor('BEGIN');
    const ids = st.sysnameFor === null ? [...Array(1024).keys()] : [...st.sysnameFor].sort((a, b) => a - b);
    begin.pre.push('// syscall names for printing probefunc (the kernel only has numbers)');
    for (const nr of ids) {
      const name = syscallName(nr, st.opts.arch);
      if (name !== undefined) begin.pre.push(`@__sysname[${nr}] = ${bpfString(name)};`);
    }
  }
  const internal = [...st.vars.entries()].filter(([k, v]) => !k.startsWith('this') && v.assigned).map(([k]) => `@${k.startsWith('self') ? 'self' : 'g'}_${k.split(':')[1]}`);
  if (st.uses.vtimestamp) internal.push(...VT_MAPS);
  if (st.uses.tgid) internal.push('@__tgid');
  if (st.uses.sysname) internal.push('@__sysname');
  if (internal.length > 0) {
    const end = groupFor('END');
    end.post.push('// variables are not aggregations: keep them out of the final print');
    end.post.push(...[...new Set(internal)].map((m) => `clear(${m});`));
  }
  // END goes last, so its cleanup reads as the program's final word.
  const endGroup = groups.get('END');
  if (endGroup) {
    groups.delete('END');
    groups.set('END', endGroup);
  }
}

function emitGroup(g: Group): string {
  const simple = g.pre.length === 0 && g.post.length === 0 && g.parts.length === 1;
  if (simple) {
    const [p] = g.parts;
    return `${g.attach}${p.cond ? ` /${p.cond}/` : ''}\n{\n${indent(p.lines).join('\n')}${p.lines.length ? '\n' : ''}}\n`;
  }
  const body: string[] = [...g.pre];
  for (const p of g.parts) {
    if (p.cond === null) body.push(...p.lines);
    else body.push(`if (${p.cond}) {`, ...indent(p.lines), '}');
  }
  body.push(...g.post);
  return `${g.attach}\n{\n${indent(body).join('\n')}\n}\n`;
}
