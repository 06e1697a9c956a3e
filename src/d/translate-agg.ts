//! D aggregations to bpftrace maps: count/sum/avg/min/max as themselves, quantize as hist,
//! lquantize as lhist with DTrace's bucket edges, llquantize emulated; plus printa/trunc/clear.
//! Histograms are also described in the plan so the engine knows their kind, unit and keys.

import type { Expr, Span } from './ast';
import { llquantizeSpecProblem } from '../model/buckets';
import type { KeyPartDecoder } from '../sources/program-plan';
import type { BucketKind } from '../model/snapshot';
import type { ExprTranslator, TExpr } from './translate-expr';
import type { AggInfo, ProgramState } from './program-state';
import { llquantizeIndexLines } from './llquantize-emit';
import { timeKindOf } from './units';
import { varKey } from './program-state';

export const AGG_FUNCS = new Set(['count', 'sum', 'avg', 'min', 'max', 'quantize', 'lquantize', 'llquantize', 'stddev']);
const HISTOGRAMS: Record<string, BucketKind> = { quantize: 'quantize', lquantize: 'lquantize', llquantize: 'llquantize' };
/** Map-name prefixes the translation uses for variables: an aggregation may not take them. */
const RESERVED = /^(self_|g_|__)/;

/** The bpftrace map of a D aggregation name ("" is the bare `@`). */
export const aggMap = (name: string): string => `@${name}`;

type CallExpr = Extract<Expr, { kind: 'call' }>;

/** Lines for `@name[keys] = fn(args)`. */
export function translateAggregation(xt: ExprTranslator, st: ProgramState, name: string, keyExprs: readonly Expr[], call: CallExpr, span: Span): string[] {
  const { sink } = st;
  const info = st.aggs.get(name)!;
  const fail = (message: string, at: Span = call.span): string[] => {
    sink.error('d-semantic', message, at);
    return [];
  };
  if (RESERVED.test(name)) return fail(`aggregation name '@${name}' is reserved by the translation (variables use @self_, @g_ and @__)`, span);
  if (call.callee === 'stddev') {
    sink.error('d-unsupported', "stddev() is not supported (bpftrace 0.17 has no equivalent)", call.calleeSpan);
    return [];
  }
  if (info.fn !== call.callee) return fail(`@${name} is used with both ${info.fn}() and ${call.callee}()`);
  if (keyExprs.length !== info.keyCount) return fail(`@${name} is used with ${info.keyCount} and ${keyExprs.length} keys`, span);
  const keys = xt.keys(keyExprs);
  for (const k of keys) if (k.constStr !== undefined && k.constStr.length > 63) return fail('key strings are limited to 63 characters');
  const keyList = (extra: string[] = []): string => {
    const all = [...keys.map((k) => k.text), ...extra];
    return all.length === 0 ? '' : `[${all.join(', ')}]`;
  };
  const args = call.args.map((a) => xt.expr(a));
  const lhs = `${aggMap(name)}${keyList()}`;
  const arity = (min: number, max: number): boolean => {
    if (args.length >= min && args.length <= max) return true;
    fail(`${call.callee}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}`);
    return false;
  };
  for (const a of args) if (a.type === 'string') return fail(`${call.callee}() needs numbers, not strings`);
  const signed = (t: TExpr): string => (t.constInt !== undefined ? t.text : `(int64)${t.prec > 1 ? `(${t.text})` : t.text}`);
  switch (call.callee) {
    case 'count':
      return arity(0, 0) ? [`${lhs} = count();`] : [];
    case 'sum': case 'avg': case 'min': case 'max':
      return arity(1, 1) ? [`${lhs} = ${call.callee}(${args[0].text});`] : [];
    case 'quantize': {
      if (!arity(1, 2) || !unitIncrement(st, args[1], call)) return [];
      describeHistogram(st, info, 'quantize', keys, call.args[0], {});
      return [`${lhs} = hist(${signed(args[0])});`];
    }
    case 'lquantize': {
      if (!arity(3, 5) || !unitIncrement(st, args[4], call)) return [];
      const [low, high, step] = [args[1], args[2], args[3] ?? { constInt: 1n }].map((a) => a.constInt);
      if (low === undefined || high === undefined || step === undefined) return fail('lquantize() bounds and step must be integer constants');
      if (step < 1n) return fail('lquantize() step must be a positive integer');
      if (high <= low) return fail('lquantize() high bound must be greater than the low bound');
      if (low < 0n) {
        sink.error('d-unsupported', "lquantize() with a negative low bound is not supported: bpftrace's lhist() starts at 0 or above", call.span);
        return [];
      }
      const levels = (high - low) / step;
      if (levels < 1n) return fail('lquantize() step is larger than the range');
      if (levels > 1000n) {
        sink.error('d-unsupported', `lquantize() with ${levels} levels is not supported: bpftrace's lhist() stops at 1000`, call.span);
        return [];
      }
      // DTrace overflows from low + levels*step (lquantize(x, 0, 63, 2): from 62); bpftrace's lhist
      // labels its overflow from max, so max is moved down to that edge to get the same buckets.
      const top = low + levels * step;
      const params = `${low},${top},${step}`;
      if (!sameParams(st, info, params, call)) return [];
      describeHistogram(st, info, 'lquantize', keys, call.args[0], { linear: { low: Number(low), high: Number(top), step: Number(step) } });
      return [`${lhs} = lhist(${signed(args[0])}, ${low}, ${top}, ${step});`];
    }
    case 'llquantize': {
      if (!arity(5, 6) || !unitIncrement(st, args[5], call)) return [];
      const consts = args.slice(1, 5).map((a) => a.constInt);
      if (consts.some((c) => c === undefined)) return fail('llquantize() factor, magnitudes and steps must be integer constants');
      const [factor, low, high, nsteps] = consts.map(Number);
      const spec = { factor, low, high, nsteps };
      const problem = llquantizeSpecProblem(spec);
      if (problem) return fail(problem.message);
      if (!sameParams(st, info, `${factor},${low},${high},${nsteps}`, call)) return [];
      describeHistogram(st, info, 'llquantize', keys, call.args[0], { emulated: { kind: 'llquantize', ...spec } });
      const n = st.nextTemp();
      const [v, i] = [`$__llq${n}`, `$__llq${n}_i`];
      return [`${v} = ${signed(args[0])};`, ...llquantizeIndexLines(spec, v, i), `${aggMap(name)}${keyList([i])} = count();`];
    }
    default:
      return fail(`'${call.callee}()' is not an aggregating function`);
  }
}

function unitIncrement(st: ProgramState, incr: TExpr | undefined, call: CallExpr): boolean {
  if (incr === undefined || incr.constInt === 1n) return true;
  st.sink.error('d-unsupported', `the increment argument of ${call.callee}() is not supported`, call.span);
  return false;
}

function sameParams(st: ProgramState, info: AggInfo, params: string, call: CallExpr): boolean {
  if (info.params === null) info.params = params;
  if (info.params === params) return true;
  st.sink.error('d-semantic', `@${info.name} is used with different ${call.callee}() parameters`, call.span);
  return false;
}

/** Records (or checks) the plan entry the engine reads a histogram aggregation with. */
function describeHistogram(st: ProgramState, info: AggInfo, kind: BucketKind, keys: readonly TExpr[], value: Expr, extra: { linear?: { low: number; high: number; step: number }; emulated?: { kind: 'llquantize'; factor: number; low: number; high: number; nsteps: number } }): void {
  const map = aggMap(info.name);
  const decoders: KeyPartDecoder[] = keys.map((k) => (k.type === 'sysnr' ? 'syscall' : 'plain'));
  const time = timeKindOf(value, (e) => {
    const key = varKey(e);
    return key === null ? null : st.varInfo(key)?.time ?? null;
  });
  const unit = time === 'abs' ? null : time;
  const old = st.plans[map];
  if (old === undefined) {
    st.plans[map] = { name: info.name, map, kind, unit, ...(decoders.includes('syscall') ? { keyDecoders: decoders } : {}), ...extra };
    return;
  }
  if (old.unit !== unit) old.unit = null;
  const oldDecoders = old.keyDecoders ?? decoders.map(() => 'plain' as const);
  if (oldDecoders.some((d, i) => d !== decoders[i])) {
    st.sink.error('d-semantic', `@${info.name} mixes syscall names (probefunc in a syscall probe) and other values in the same key`, info.span);
  }
}

/** Lines for printa/trunc/clear on aggregations; histograms the tool draws are never cleared. */
export function translateAggAction(st: ProgramState, call: CallExpr): string[] {
  const { sink } = st;
  const args = call.args;
  const aggOf = (e: Expr | undefined): AggInfo | null => {
    if (e?.kind !== 'agg') return null;
    const info = st.aggs.get(e.name);
    if (!info) sink.error('d-semantic', `@${e.name} is never assigned`, e.span);
    return info ?? null;
  };
  const isHistogram = (info: AggInfo): boolean => info.fn in HISTOGRAMS;
  if (call.callee === 'printa') {
    let list = args;
    if (args[0]?.kind === 'string') {
      sink.warning('d-ignored', 'the printa() format is ignored: bpftrace prints the map in its own format', args[0].span);
      list = args.slice(1);
    }
    if (list.length === 0) sink.error('d-semantic', 'printa() needs an aggregation', call.span);
    const out: string[] = [];
    for (const a of list) {
      if (a.kind !== 'agg') sink.error('d-semantic', 'printa() takes aggregations', a.span);
      else if (aggOf(a)) out.push(`print(${aggMap(a.name)});`);
    }
    return out;
  }
  // trunc or clear
  const info = aggOf(args[0]);
  if (args[0]?.kind !== 'agg' || args.length > 2 || (call.callee === 'clear' && args.length > 1)) {
    sink.error('d-semantic', `${call.callee}() takes an aggregation${call.callee === 'trunc' ? ' and an optional count' : ''}`, call.span);
    return [];
  }
  if (info === null) return [];
  if (isHistogram(info)) {
    sink.warning('d-ignored', `${call.callee}(@${info.name}) is left to the tool: it reads per-interval columns itself, so the map stays cumulative (printed copies are cumulative too)`, call.span);
    return [];
  }
  if (args.length === 2) {
    sink.warning('d-ignored', `trunc(@${info.name}, N) keeps every key here (bpftrace cannot keep the top N)`, call.span);
    return [];
  }
  // D's trunc drops the keys (bpftrace clear); D's clear zeroes the values (bpftrace zero).
  return [`${call.callee === 'trunc' ? 'clear' : 'zero'}(${aggMap(info.name)});`];
}
