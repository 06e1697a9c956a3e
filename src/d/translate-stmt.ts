//! D statements to bpftrace statements: assignments (with D's "assigning 0 frees a dynamic
//! variable"), if/else, aggregations, and the actions printf/trace/printa/trunc/clear/exit.

import type { Expr, Span, Stmt } from './ast';
import { storageName, varKey } from './program-state';
import { bpfString, refusedCall } from './bpf-text';
import { translateFormat } from './printf-format';
import { AGG_FUNCS, translateAggAction, translateAggregation } from './translate-agg';
import { ExprTranslator, wrap, type TExpr } from './translate-expr';

const indent = (lines: string[]): string[] => lines.map((l) => `  ${l}`);

export class StmtTranslator extends ExprTranslator {
  /** bpftrace lines for a statement list (unindented). */
  body(stmts: readonly Stmt[]): string[] {
    const out: string[] = [];
    for (const s of stmts) out.push(...this.stmt(s));
    return out;
  }

  private stmt(s: Stmt): string[] {
    switch (s.kind) {
      case 'empty': return [];
      case 'if': {
        const cond = this.cond(s.cond).text;
        const lines = [`if (${cond}) {`, ...indent(this.body(s.then))];
        if (s.else) lines.push('} else {', ...indent(this.body(s.else)));
        lines.push('}');
        return lines;
      }
      case 'expr': return this.exprStmt(s.expr);
    }
  }

  private exprStmt(e: Expr): string[] {
    switch (e.kind) {
      case 'assign': {
        const aggTarget = e.target.kind === 'agg' ? e.target : e.target.kind === 'index' && e.target.base.kind === 'agg' ? e.target.base : null;
        if (aggTarget) {
          if (e.op !== '=' || e.value.kind !== 'call' || !AGG_FUNCS.has(e.value.callee)) {
            this.st.sink.error('d-semantic', 'an aggregation can only be assigned an aggregating function (count(), quantize(), ...)', e.span);
            return [];
          }
          const keys = e.target.kind === 'index' ? e.target.args : [];
          return translateAggregation(this, this.st, aggTarget.name, keys, e.value, e.span);
        }
        return this.assign(e.target, e.op === '=' ? null : e.op.slice(0, -1), e.value, e.span);
      }
      case 'incdec':
        return this.assign(e.operand, e.op === '++' ? '+' : '-', { kind: 'int', value: 1n, text: '1', span: e.span }, e.span, true);
      case 'call':
        return this.action(e);
      default:
        this.expr(e);
        this.st.sink.warning('d-ignored', 'this expression statement has no effect', e.span);
        return [];
    }
  }

  /** `target = value`, or `target op= value` when `op` is set. */
  private assign(target: Expr, op: string | null, value: Expr, span: Span, incdec = false): string[] {
    const key = varKey(target);
    if (key === null) {
      const what = target.kind === 'ident' ? `built-in variable '${target.name}'` : 'this expression';
      this.st.sink.error('d-semantic', `cannot assign to ${what}`, target.span);
      return [];
    }
    const info = this.st.varInfo(key);
    const keys = target.kind === 'index' ? this.keys(target.args).map((k) => k.text) : [];
    const lead = key.startsWith('self') ? [this.env.tid] : [];
    const all = [...lead, ...keys];
    const lhs = `${storageName(key)}${all.length > 0 ? `[${all.join(', ')}]` : ''}`;
    let rhs: TExpr = this.expr(value);
    const dynamic = !key.startsWith('g:') && !key.startsWith('this:');
    // Plain variables keep bpftrace's own ++ and op=; dynamic ones need the delete-on-zero check.
    if (op !== null && target.kind === 'this' && !this.env.assignedThis.has(key)) {
      return this.fail(`this->${target.name} is updated before this clause assigns it`, span);
    }
    if (op !== null && !dynamic && rhs.type !== 'string') {
      if (incdec) return [`${lhs}${op}${op};`];
      return [`${lhs} ${op}= ${rhs.text};`];
    }
    if (op !== null) {
      if (rhs.type === 'string') return this.fail(`operator '${op}=' needs a number`, span);
      const old = info?.assigned || key.startsWith('this') ? lhs : '0';
      rhs = { text: `${old} ${op} ${wrap(rhs, 2)}`, type: 'int', prec: 3 };
    }
    if (target.kind === 'this') {
      this.env.assignedThis.add(key);
      return [`${lhs} = ${rhs.text};`];
    }
    // `self->path = 0` frees a string thread-local too.
    if (dynamic && info?.assigned && rhs.constInt === 0n) return [`delete(${lhs});`];
    if (info?.type === 'string' && rhs.type !== 'string') return this.fail('cannot assign a number to a string variable', span);
    if (info?.type !== 'string' && rhs.type === 'string') return this.fail('cannot assign a string to a number variable', span);
    // A variable never assigned anything but 0 has no map: its reads are translated to 0.
    if (!info?.assigned) return [];
    if (rhs.constInt !== 0n) this.env.storesPersistent = true;
    if (!dynamic) return [`${lhs} = ${rhs.text};`];
    if (rhs.constInt === 0n) return [`delete(${lhs});`];
    if (rhs.nonZero || rhs.type === 'string') return [`${lhs} = ${rhs.text};`];
    return [`$__v = ${rhs.text};`, `if ($__v != 0) {`, `  ${lhs} = $__v;`, '} else {', `  delete(${lhs});`, '}'];
  }

  private fail(message: string, span: Span): string[] {
    this.st.sink.error('d-semantic', message, span);
    return [];
  }

  private action(call: Extract<Expr, { kind: 'call' }>): string[] {
    const refused = refusedCall(call.callee);
    if (refused) {
      this.st.sink.error(refused.code, refused.message, call.calleeSpan);
      return [];
    }
    switch (call.callee) {
      case 'printf': return this.printf(call);
      case 'trace': {
        if (call.args.length !== 1) return this.fail('trace() takes one argument', call.span);
        const t = this.expr(call.args[0]);
        return t.type === 'int' ? [`printf("%d\\n", ${t.text});`] : [`printf("%s\\n", ${this.asText(t)});`];
      }
      case 'printa': case 'trunc': case 'clear':
        return translateAggAction(this.st, call);
      case 'exit': {
        if (call.args.length !== 1) return this.fail('exit() takes the exit status', call.span);
        const status = this.expr(call.args[0]);
        if (status.constInt !== 0n) this.st.sink.warning('d-ignored', 'the exit status is not passed on: bpftrace exit() takes none', call.args[0].span);
        this.st.exits = true;
        return ['exit();'];
      }
      default:
        if (AGG_FUNCS.has(call.callee)) return this.fail(`${call.callee}() must be assigned to an aggregation`, call.span);
        this.st.sink.error('d-unsupported', `action '${call.callee}()' is not supported`, call.calleeSpan);
        return [];
    }
  }

  private printf(call: Extract<Expr, { kind: 'call' }>): string[] {
    const [fmt, ...rest] = call.args;
    if (fmt?.kind !== 'string') return this.fail('printf() needs a format string in quotes first', fmt?.span ?? call.span);
    const args = rest.map((a) => this.expr(a));
    const f = translateFormat(fmt.value, fmt.span, this.st.sink);
    if (f === null) return [];
    if (f.pieces.length !== args.length) {
      return this.fail(`the format has ${f.pieces.length} conversion${f.pieces.length === 1 ? '' : 's'} but printf() has ${args.length} argument${args.length === 1 ? '' : 's'}`, call.span);
    }
    const texts: string[] = [];
    for (const [i, p] of f.pieces.entries()) {
      const a = args[i];
      const isString = a.type === 'string' || (a.type === 'sysnr' && p.kind === 'string');
      if (p.kind === 'string' && !isString) return this.fail(`'${p.spec}' needs a string, argument ${i + 1} is a number`, rest[i].span);
      if (p.kind === 'int' && a.type === 'string') return this.fail(`'${p.spec}' needs a number, argument ${i + 1} is a string`, rest[i].span);
      texts.push(p.kind === 'string' ? this.asText(a) : a.text);
    }
    return [`printf(${[bpfString(f.format), ...texts].join(', ')});`];
  }
}
