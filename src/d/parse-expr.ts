//! D expressions: a precedence-climbing parser over the scanner's tokens, with C's operator table
//! plus D's `^^`, `self->`/`this->` and `@aggregations`. The clause/statement parser builds on it.

import { spanFrom, type AssignOp, type BinaryOp, type Expr, type Span } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';
import { Scanner, type Token } from './scanner';

/** Thrown to unwind to the nearest statement or clause boundary after a syntax error. */
export class SyntaxStop extends Error {}

const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'], ['^^'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'],
  ['+', '-'], ['*', '/', '%'],
];

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

/** Words that start a type name (for casts and declarations). */
export const TYPE_WORDS = new Set([
  'int', 'char', 'short', 'long', 'signed', 'unsigned', 'float', 'double', 'void', 'string', 'const',
  'volatile', 'struct', 'union', 'enum', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int8_t',
  'int16_t', 'int32_t', 'int64_t', 'uintptr_t', 'intptr_t', 'size_t', 'ssize_t', 'off_t', 'pid_t',
  'uid_t', 'gid_t', 'id_t', 'hrtime_t', 'uint_t', 'uchar_t', 'ushort_t', 'ulong_t', 'longlong_t',
  'u_longlong_t', 'boolean_t', 'caddr_t', 'dev_t', 'processorid_t', 'zoneid_t', 'projid_t', 'taskid_t',
]);

/** Keywords that are operators on types or translators: parsed only to be refused by name. */
const REFUSED_OPERATORS = new Set(['sizeof', 'offsetof', 'xlate']);

export class ExprParser {
  protected readonly scanner: Scanner;
  /** Offset just after the last consumed token. */
  protected at = 0;
  private cur: Token | null = null;
  private curMode: 'code' | 'probe' = 'code';
  /** Inside `/predicate/`: a `/` followed by `{`, `;`, `/` or the end closes it (DTrace's rule). */
  protected inPredicate = false;

  constructor(protected readonly text: string, protected readonly sink: DiagnosticSink) {
    this.scanner = new Scanner(text, sink);
  }

  protected peek(mode: 'code' | 'probe' = 'code'): Token {
    if (this.cur === null || this.curMode !== mode) {
      this.cur = this.scanner.scan(this.at, mode);
      this.curMode = mode;
    }
    return this.cur;
  }

  protected next(mode: 'code' | 'probe' = 'code'): Token {
    const t = this.peek(mode);
    this.at = t.span.offset + t.span.length;
    this.cur = null;
    return t;
  }

  protected isPunct(text: string, t: Token = this.peek()): boolean {
    return t.kind === 'punct' && t.text === text;
  }

  protected expect(text: string, what = `'${text}'`): Token {
    const t = this.peek();
    if (!this.isPunct(text, t)) this.fail(`expected ${what}, found ${describe(t)}`, t.span);
    return this.next();
  }

  protected fail(message: string, span: Span): never {
    this.sink.error('d-syntax', message, span);
    throw new SyntaxStop(message);
  }

  /** The `/` that closes a predicate, by DTrace's lookahead rule. */
  protected isPredicateEnd(t: Token): boolean {
    if (!this.inPredicate || !this.isPunct('/', t)) return false;
    const after = this.scanner.skipBlank(t.span.offset + 1);
    return after >= this.text.length || ';{/'.includes(this.text[after]);
  }

  parseExpr(): Expr {
    const target = this.parseConditional();
    const t = this.peek();
    if (t.kind === 'punct' && ASSIGN_OPS.has(t.text)) {
      this.next();
      const value = this.parseExpr();
      return { kind: 'assign', op: t.text as AssignOp, target, value, span: spanFrom(target.span, value.span) };
    }
    return target;
  }

  private parseConditional(): Expr {
    const cond = this.parseBinary(0);
    if (!this.isPunct('?')) return cond;
    this.next();
    const then = this.parseExpr();
    this.expect(':');
    const otherwise = this.parseConditional();
    return { kind: 'ternary', cond, then, else: otherwise, span: spanFrom(cond.span, otherwise.span) };
  }

  private parseBinary(level: number): Expr {
    if (level >= BINARY_LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !(BINARY_LEVELS[level] as readonly string[]).includes(t.text)) return left;
      if (this.isPredicateEnd(t)) return left;
      this.next();
      const right = this.parseBinary(level + 1);
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, span: spanFrom(left.span, right.span) };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && ['!', '~', '-', '+', '*', '&'].includes(t.text)) {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'unary', op: t.text as '!', operand, span: spanFrom(t.span, operand.span) };
    }
    if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'incdec', op: t.text, prefix: true, operand, span: spanFrom(t.span, operand.span) };
    }
    if (t.kind === 'ident' && REFUSED_OPERATORS.has(t.text)) return this.parseRefusedOperator();
    if (t.kind === 'ident' && t.text === 'stringof' && !this.isPunct('(', this.scanner.scan(t.span.offset + t.span.length, 'code'))) {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'call', callee: 'stringof', calleeSpan: t.span, args: [operand], span: spanFrom(t.span, operand.span) };
    }
    if (this.isPunct('(', t)) {
      const inner = this.scanner.scan(t.span.offset + 1, 'code');
      if (inner.kind === 'ident' && TYPE_WORDS.has(inner.text)) {
        this.next();
        const typeName = this.parseTypeName();
        this.expect(')');
        const expr = this.parseUnary();
        return { kind: 'cast', typeName, expr, span: spanFrom(t.span, expr.span) };
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** `sizeof (x)`, `offsetof(t, m)`, `xlate<T>(x)`: skipped with balanced brackets. */
  private parseRefusedOperator(): Expr {
    const kw = this.next();
    let end = kw.span;
    const skipGroup = (open: string, close: string): void => {
      let depth = 0;
      do {
        const t = this.peek();
        if (t.kind === 'eof') return;
        if (this.isPunct(open, t)) depth++;
        else if (this.isPunct(close, t)) depth--;
        end = this.next().span;
      } while (depth > 0);
    };
    if (this.isPunct('<')) skipGroup('<', '>');
    if (this.isPunct('(')) skipGroup('(', ')');
    else if (kw.text === 'sizeof') end = this.parseUnary().span;
    return { kind: 'refused', construct: kw.text, span: spanFrom(kw.span, end) };
  }

  /** Type words and trailing `*`s, as one normalised string ("unsigned long", "struct foo *"). */
  protected parseTypeName(): string {
    const words: string[] = [];
    while (this.peek().kind === 'ident' && (TYPE_WORDS.has(this.peek().text) || words.at(-1) === 'struct' || words.at(-1) === 'union' || words.at(-1) === 'enum')) {
      words.push(this.next().text);
    }
    if (words.length === 0) this.fail(`expected a type name, found ${describe(this.peek())}`, this.peek().span);
    let stars = '';
    while (this.isPunct('*')) {
      this.next();
      stars += '*';
    }
    return words.join(' ') + (stars ? ' ' + stars : '');
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'int':
        return { kind: 'int', value: t.value!, text: t.text, span: t.span };
      case 'string': {
        let value = t.text;
        let span = t.span;
        // Adjacent string literals concatenate, as in C.
        while (this.peek().kind === 'string') {
          const s = this.next();
          value += s.text;
          span = spanFrom(span, s.span);
        }
        return { kind: 'string', value, span };
      }
      case 'agg':
        return { kind: 'agg', name: t.text, span: t.span };
      case 'macro':
        return { kind: 'macro', name: t.text, asString: t.asString === true, span: t.span };
      case 'ident':
        if (t.text === 'self' || t.text === 'this') {
          this.expect('->', `'->' after '${t.text}'`);
          const name = this.next();
          if (name.kind !== 'ident') this.fail(`expected a variable name after '${t.text}->'`, name.span);
          return { kind: t.text, name: name.text, span: spanFrom(t.span, name.span) };
        }
        return { kind: 'ident', name: t.text, span: t.span };
      case 'punct':
        if (t.text === '(') {
          const saved = this.inPredicate;
          this.inPredicate = false;
          const inner = this.parseExpr();
          this.inPredicate = saved;
          const close = this.expect(')');
          return { ...inner, span: spanFrom(t.span, close.span) } as Expr;
        }
        break;
      default:
        break;
    }
    this.fail(`expected an expression, found ${describe(t)}`, t.span);
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (this.isPunct('[', t)) {
        this.next();
        const args = this.parseArgs(']');
        const close = this.expect(']');
        expr = { kind: 'index', base: expr, args, span: spanFrom(expr.span, close.span) };
      } else if (this.isPunct('(', t) && expr.kind === 'ident') {
        this.next();
        const args = this.parseArgs(')');
        const close = this.expect(')');
        expr = { kind: 'call', callee: expr.name, calleeSpan: expr.span, args, span: spanFrom(expr.span, close.span) };
      } else if (this.isPunct('.', t) || this.isPunct('->', t)) {
        this.next();
        const name = this.next();
        if (name.kind !== 'ident') this.fail(`expected a member name, found ${describe(name)}`, name.span);
        expr = { kind: 'member', base: expr, arrow: t.text === '->', name: name.text, span: spanFrom(expr.span, name.span) };
      } else if (this.isPunct('++', t) || this.isPunct('--', t)) {
        this.next();
        expr = { kind: 'incdec', op: t.text as '++', prefix: false, operand: expr, span: spanFrom(expr.span, t.span) };
      } else {
        return expr;
      }
    }
  }

  private parseArgs(close: string): Expr[] {
    const args: Expr[] = [];
    if (this.isPunct(close)) return args;
    const saved = this.inPredicate;
    this.inPredicate = false;
    try {
      for (;;) {
        args.push(this.parseExpr());
        if (!this.isPunct(',')) return args;
        this.next();
      }
    } finally {
      this.inPredicate = saved;
    }
  }
}

/** A token as named in messages: "'}'", "identifier 'foo'", "end of file". */
export function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of file';
    case 'ident': return `'${t.text}'`;
    case 'int': return `number ${t.text}`;
    case 'string': return 'a string';
    case 'agg': return `'@${t.text}'`;
    case 'macro': return `'$${t.text}'`;
    default: return `'${t.text}'`;
  }
}
