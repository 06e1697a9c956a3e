//! The translator's pre-pass: before any clause is emitted, learn every variable's type and time
//! kind and every aggregation's function, since D code may use them above where they are assigned.

import type { ClauseItem, Expr, Stmt } from './ast';
import type { ProbeContext } from './probes';
import { BUILTINS, varKey, type DType, type ProgramState } from './program-state';
import { timeKindOf, type TimeKind } from './units';

const STRING_BUILTINS = new Set(['execname', 'probeprov', 'probemod', 'probename', 'cwd', 'root', 'zonename']);
const STRING_FUNCTIONS = new Set(['copyinstr', 'stringof', 'strjoin', 'substr', 'basename', 'dirname', 'lltostr']);

/** The D type of an expression in a clause context, from what the pre-pass knows so far. */
export function staticType(e: Expr, ctx: ProbeContext | null, st: ProgramState): DType {
  switch (e.kind) {
    case 'string': return 'string';
    case 'macro': return e.asString || (e.name !== 'target' && !/^-?[0-9]+$/.test(st.opts.args[Number(e.name) - 1] ?? '0')) ? 'string' : 'int';
    case 'ident':
      if (e.name === 'probefunc') return ctx?.kind === 'syscall' ? 'sysnr' : 'string';
      if (STRING_BUILTINS.has(e.name)) return 'string';
      if (BUILTINS.has(e.name)) return 'int';
      return st.varInfo(varKey(e)!)?.type ?? 'int';
    case 'self': case 'this': case 'index': {
      const key = varKey(e);
      return key === null ? 'int' : st.varInfo(key)?.type ?? 'int';
    }
    case 'call': return STRING_FUNCTIONS.has(e.callee) ? 'string' : 'int';
    case 'ternary': return staticType(e.then, ctx, st);
    case 'assign': return staticType(e.value, ctx, st);
    default: return 'int';
  }
}

function timeOfVar(st: ProgramState, e: Expr): TimeKind {
  const key = varKey(e);
  return key === null ? null : st.varInfo(key)?.time ?? null;
}

/** Records types and time kinds of every assigned variable and registers every aggregation. */
export function analyzeProgram(clauses: readonly { clause: ClauseItem; ctx: ProbeContext | null }[], st: ProgramState): void {
  // Types flow through variables (a = b; b = execname): a few rounds reach the fixed point.
  for (let round = 0; round < 4; round++) {
    let changed = false;
    const visitAssign = (target: Expr, value: Expr | null, ctx: ProbeContext | null): void => {
      if (target.kind === 'agg' || (target.kind === 'index' && target.base.kind === 'agg')) return;
      const key = varKey(target);
      if (key === null) return;
      const zero = value !== null && value.kind === 'int' && value.value === 0n;
      const type = value === null ? 'int' : staticType(value, ctx, st);
      const time = value === null ? null : timeKindOf(value, (v) => timeOfVar(st, v));
      const old = st.vars.get(key);
      if (old === undefined) {
        st.vars.set(key, { type, assigned: !zero, time: zero ? null : time, timeSeen: !zero });
        changed = true;
        return;
      }
      const next = { ...old };
      if (!zero) {
        next.assigned = true;
        next.time = old.timeSeen ? (old.time === time ? time : null) : time;
        next.timeSeen = true;
      }
      if (old.type === 'int' && type !== 'int' && !zero) next.type = type;
      if (next.type !== old.type || next.assigned !== old.assigned || next.time !== old.time) changed = true;
      st.vars.set(key, next);
    };
    for (const { clause, ctx } of clauses) {
      walkStmts(clause.body ?? [], (e) => {
        if (e.kind === 'assign') visitAssign(e.target, e.op === '=' ? e.value : null, ctx);
        else if (e.kind === 'incdec') visitAssign(e.operand, null, ctx);
      });
    }
    if (!changed) break;
  }
  for (const { clause } of clauses) {
    walkStmts(clause.body ?? [], (e) => {
      if (e.kind !== 'assign') return;
      const agg = e.target.kind === 'agg' ? e.target : e.target.kind === 'index' && e.target.base.kind === 'agg' ? e.target.base : null;
      if (agg === null || st.aggs.has(agg.name)) return;
      const fn = e.value.kind === 'call' ? e.value.callee : '';
      const keyCount = e.target.kind === 'index' ? e.target.args.length : 0;
      st.aggs.set(agg.name, { name: agg.name, fn, span: e.span, keyCount, plan: null, params: null });
    });
  }
}

/** Calls `visit` on every expression node in statements, outermost first. */
export function walkStmts(stmts: readonly Stmt[], visit: (e: Expr) => void): void {
  for (const s of stmts) {
    if (s.kind === 'expr') walkExpr(s.expr, visit);
    else if (s.kind === 'if') {
      walkExpr(s.cond, visit);
      walkStmts(s.then, visit);
      if (s.else) walkStmts(s.else, visit);
    }
  }
}

/** Calls `visit` on `e` and every sub-expression. */
export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'index': walkExpr(e.base, visit); e.args.forEach((a) => walkExpr(a, visit)); break;
    case 'call': e.args.forEach((a) => walkExpr(a, visit)); break;
    case 'unary': case 'incdec': walkExpr(e.operand, visit); break;
    case 'binary': walkExpr(e.left, visit); walkExpr(e.right, visit); break;
    case 'assign': walkExpr(e.target, visit); walkExpr(e.value, visit); break;
    case 'ternary': walkExpr(e.cond, visit); walkExpr(e.then, visit); walkExpr(e.else, visit); break;
    case 'cast': walkExpr(e.expr, visit); break;
    case 'member': walkExpr(e.base, visit); break;
    default: break;
  }
}
