//! D expressions to bpftrace expressions, in one clause's context: operators (string equality of a
//! syscall's probefunc becomes a number test), variables to maps, casts, copyinstr and stringof.

import type { Expr, Span } from './ast';
import { BUILTINS, storageName, varKey, type ProgramState } from './program-state';
import { castFor, refusedCall } from './bpf-text';
import { syscallNumber } from '../sources/syscall-names';
import { translateBuiltin, translateMacro } from './translate-builtins';
import { int, str, wrap, type ClauseEnv, type TExpr } from './texpr';

export { wrap, type ClauseEnv, type TExpr } from './texpr';

const PREC: Record<string, number> = {
  '*': 2, '/': 2, '%': 2, '+': 3, '-': 3, '<<': 4, '>>': 4, '<': 5, '<=': 5, '>': 5, '>=': 5,
  '==': 6, '!=': 6, '&': 7, '^': 8, '|': 9, '&&': 10, '||': 11,
};

export class ExprTranslator {
  constructor(protected readonly st: ProgramState, protected readonly env: ClauseEnv) {}

  protected error(code: 'd-unsupported' | 'd-semantic' | 'd-destructive', message: string, span: Span): TExpr {
    this.st.sink.error(code, message, span);
    return int('0');
  }

  /** A condition (predicate, if): must be a number. */
  cond(e: Expr): TExpr {
    const t = this.expr(e);
    if (t.type === 'string') this.error('d-semantic', 'a condition must be a number, not a string', e.span);
    return t;
  }

  expr(e: Expr): TExpr {
    switch (e.kind) {
      case 'int': return int(e.value.toString(), 0, { constInt: e.value, nonZero: e.value !== 0n });
      case 'string': return str(e.value);
      case 'macro': return translateMacro(this.st, e);
      case 'ident': return BUILTINS.has(e.name) ? translateBuiltin(this.st, this.env, e.name, e.span) : this.variable(e);
      case 'self': case 'this': return this.variable(e);
      case 'index': return this.index(e);
      case 'agg': return this.error('d-semantic', 'aggregations cannot be read in expressions', e.span);
      case 'call': return this.call(e);
      case 'unary': return this.unary(e);
      case 'binary': return this.binary(e);
      case 'ternary': {
        const c = this.cond(e.cond);
        const a = this.expr(e.then);
        const b = this.expr(e.else);
        if ((a.type === 'string') !== (b.type === 'string')) this.error('d-semantic', 'both branches of ?: must have the same type', e.span);
        return { text: `${wrap(c, 11)} ? ${wrap(a, 11)} : ${wrap(b, 12)}`, type: a.type, prec: 12 };
      }
      case 'cast': return this.cast(e);
      case 'assign': case 'incdec':
        return this.error('d-unsupported', 'assignments inside expressions are not supported; make them separate statements', e.span);
      case 'member':
        return this.error('d-unsupported', `struct member access ('${e.arrow ? '->' : '.'}${e.name}') is not supported: there are no D types or translators on Linux`, e.span);
      case 'refused':
        return this.error('d-unsupported', `'${e.construct}' is not supported`, e.span);
    }
  }

  /** A value printed with %s: syscall numbers become names through a table filled in BEGIN. */
  asText(t: TExpr): string {
    if (t.type !== 'sysnr') return t.text;
    this.st.uses.sysname = true;
    // A number stored in a variable may come from any clause: then the table needs every name.
    const ids = t.text === 'args->id' ? this.env.target.syscalls : null;
    if (ids === null) this.st.sysnameFor = null;
    else if (this.st.sysnameFor !== null) ids.forEach((n) => this.st.sysnameFor!.add(n));
    return `@__sysname[${t.text}]`;
  }

  /** Reads a D variable; one never assigned a non-zero value reads as 0, as in D. */
  private variable(e: Expr): TExpr {
    const key = varKey(e)!;
    const info = this.st.varInfo(key);
    if (e.kind === 'this') {
      if (!this.env.assignedThis.has(key)) return this.error('d-unsupported', `this->${e.name} is read before any clause of this probe assigns it`, e.span);
      return { text: storageName(key), type: info?.type ?? 'int', prec: 0 };
    }
    if (info === undefined || !info.assigned) return int('0');
    const name = storageName(key);
    const text = e.kind === 'self' ? `${name}[${this.env.tid}]` : name;
    return { text, type: info.type, prec: 0 };
  }

  private index(e: Extract<Expr, { kind: 'index' }>): TExpr {
    const key = varKey(e);
    if (key === null) {
      if (e.base.kind === 'ident' && e.base.name === 'args') return translateBuiltin(this.st, this.env, 'args', e.span);
      return this.error('d-unsupported', 'indexing is only supported on associative arrays', e.span);
    }
    const keys = this.keys(e.args);
    const info = this.st.varInfo(key);
    if (info === undefined || !info.assigned) return int('0');
    const lead = e.base.kind === 'self' ? [this.env.tid] : [];
    return { text: `${storageName(key)}[${[...lead, ...keys.map((k) => k.text)].join(', ')}]`, type: info.type, prec: 0 };
  }

  /** Translated keys of an array or aggregation. */
  keys(args: readonly Expr[]): TExpr[] {
    return args.map((a) => this.expr(a));
  }

  private call(e: Extract<Expr, { kind: 'call' }>): TExpr {
    const refused = refusedCall(e.callee);
    if (refused) return this.error(refused.code, refused.message, e.calleeSpan);
    const args = e.args.map((a) => this.expr(a));
    switch (e.callee) {
      case 'copyinstr':
        if (args.length < 1 || args.length > 2) return this.error('d-semantic', 'copyinstr() takes an address and an optional length', e.span);
        return { text: `str(uptr(${args[0].text})${args.length === 2 ? `, ${args[1].text}` : ''})`, type: 'string', prec: 0 };
      case 'stringof':
        if (args.length !== 1) return this.error('d-semantic', 'stringof takes one operand', e.span);
        if (args[0].type === 'sysnr') return { text: this.asText(args[0]), type: 'string', prec: 0 };
        if (args[0].type !== 'string') return this.error('d-unsupported', 'stringof of a number is not supported', e.span);
        return args[0];
      case 'rand':
        return int('rand');
      default:
        return this.error('d-unsupported', `function '${e.callee}()' is not supported`, e.calleeSpan);
    }
  }

  private unary(e: Extract<Expr, { kind: 'unary' }>): TExpr {
    if (e.op === '*' || e.op === '&') return this.error('d-unsupported', `pointer operator '${e.op}' is not supported`, e.span);
    const t = this.expr(e.operand);
    if (t.type === 'string') return this.error('d-semantic', `operator '${e.op}' needs a number`, e.span);
    if (e.op === '+') return t;
    if (e.op === '-' && t.constInt !== undefined) return int(`-${t.text}`, 1, { constInt: -t.constInt, nonZero: t.nonZero });
    return int(`${e.op}${wrap(t, 1)}`, 1, { bool: e.op === '!' });
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): TExpr {
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    if (e.op === '==' || e.op === '!=') {
      const eq = this.equality(l, r, e.op, e.span);
      if (eq) return eq;
    } else if (l.type === 'string' || r.type === 'string') {
      return this.error('d-unsupported', `operator '${e.op}' on strings is not supported`, e.span);
    }
    if (e.op === '^^') {
      const truth = (t: TExpr): string => (t.bool ? wrap(t, 5) : `(${wrap(t, 5)} != 0)`);
      return int(`${truth(l)} != ${truth(r)}`, 6, { bool: true });
    }
    const p = PREC[e.op];
    return int(`${wrap(l, p)} ${e.op} ${wrap(r, p - 1)}`, p, { bool: p >= 5 && p <= 6 || p >= 10 });
  }

  /** String equality, with syscall names compared as numbers and constants folded. */
  private equality(l: TExpr, r: TExpr, op: '==' | '!=', span: Span): TExpr | null {
    const truth = (b: boolean): TExpr => int((b === (op === '==')) ? '1' : '0');
    if (l.constStr !== undefined && r.constStr !== undefined) return truth(l.constStr === r.constStr);
    const [nr, name] = l.type === 'sysnr' ? [l, r] : r.type === 'sysnr' ? [r, l] : [null, null];
    if (nr !== null && name !== null && name.type === 'string') {
      if (name.constStr === undefined) return this.error('d-unsupported', 'probefunc is a syscall number here: compare it only with a syscall name in quotes', span);
      const num = syscallNumberOf(this.st, name.constStr);
      if (num === undefined) {
        this.st.sink.warning('d-probe', `${this.st.opts.arch} has no syscall named '${name.constStr}': this comparison is always ${op === '!='}`, span);
        return truth(false);
      }
      return int(`${nr.text} ${op} ${num}`, 6, { bool: true });
    }
    if ((l.type === 'string') !== (r.type === 'string')) return this.error('d-semantic', `cannot compare a string with a number`, span);
    return null;
  }

  private cast(e: Extract<Expr, { kind: 'cast' }>): TExpr {
    const t = this.expr(e.expr);
    const to = castFor(e.typeName);
    if (to === 'refused') return this.error('d-unsupported', `casts to '${e.typeName}' are not supported`, e.span);
    if (t.type === 'string') return this.error('d-semantic', `cannot cast a string to '${e.typeName}'`, e.span);
    if (to === '') return t;
    return int(`(${to})${wrap(t, 1)}`, 1);
  }
}

function syscallNumberOf(st: ProgramState, name: string): number | undefined {
  return syscallNumber(name, st.opts.arch);
}
