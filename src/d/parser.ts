//! The D parser: a recursive-descent parser for pragmas, declarations and probe clauses, producing
//! the AST with spans. It recovers at statement and clause boundaries so every error is reported.

import type { ClauseItem, DeclItem, Item, PragmaItem, ProbeDesc, Program, Span, Stmt } from './ast';
import { spanFrom } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';
import { ExprParser, SyntaxStop, TYPE_WORDS, describe } from './parse-expr';
import type { Token } from './scanner';

/** Top-level constructs the front end refuses, with the name the diagnostic uses. */
const REFUSED_TOP: Record<string, string> = {
  translator: 'translator definitions',
  inline: 'inline definitions',
  typedef: 'type declarations (typedef)',
  struct: 'type declarations (struct)',
  union: 'type declarations (union)',
  enum: 'type declarations (enum)',
  provider: 'provider definitions',
};

/** Parses a whole D file; problems go to `sink`, and the AST holds everything that parsed. */
export function parseD(text: string, sink: DiagnosticSink): Program {
  return new DParser(text, sink).parseProgram();
}

class DParser extends ExprParser {
  parseProgram(): Program {
    const items: Item[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return { items };
      const before = this.at;
      try {
        const item = this.parseItem(t);
        if (item) items.push(item);
      } catch (e) {
        if (!(e instanceof SyntaxStop)) throw e;
        this.skipPastClause(before);
      }
    }
  }

  private parseItem(t: Token): Item | null {
    if (t.kind === 'pragma') return this.parsePragma(this.next());
    if (t.kind === 'directive') {
      this.next();
      const word = /^#\s*(\w*)/.exec(t.text)![1];
      this.sink.error('d-unsupported', `C preprocessor directive '#${word}' is not supported (it needs dtrace -C)`, t.span);
      return null;
    }
    if (t.kind === 'ident' && t.text in REFUSED_TOP) {
      this.sink.error('d-unsupported', `${REFUSED_TOP[t.text]} are not supported`, t.span);
      this.skipDeclaration();
      return null;
    }
    if (t.kind === 'ident' && (t.text === 'self' || t.text === 'this' || TYPE_WORDS.has(t.text))) return this.parseDecl();
    if (this.isPunct(';', t)) {
      this.next();
      return null;
    }
    return this.parseClause();
  }

  private parsePragma(t: Token): PragmaItem | null {
    const words = t.text.replace(/^#\s*pragma\s*/, '').split(/\s+/).filter((w) => w !== '');
    if (words[0] !== 'D') {
      this.sink.warning('d-option', `'#pragma ${words[0] ?? ''}' is not a D pragma: ignored`, t.span);
      return null;
    }
    const directive = words[1] ?? '';
    if (directive !== 'option') return { kind: 'pragma', directive, name: words.slice(2).join(' '), value: null, span: t.span };
    const setting = words.slice(2).join(' ');
    if (setting === '') {
      this.sink.error('d-syntax', "'#pragma D option' needs an option name", t.span);
      return null;
    }
    const eq = setting.indexOf('=');
    const name = eq < 0 ? setting : setting.slice(0, eq).trim();
    const value = eq < 0 ? null : setting.slice(eq + 1).trim();
    return { kind: 'pragma', directive, name, value, span: t.span };
  }

  /** `[self|this] type name[ [keytypes] ];` */
  private parseDecl(): DeclItem {
    const first = this.peek();
    let scope: DeclItem['scope'] = 'global';
    if (first.text === 'self' || first.text === 'this') {
      scope = first.text;
      this.next();
    }
    const typeStart = this.peek();
    if (typeStart.kind === 'ident' && ['struct', 'union', 'enum'].includes(typeStart.text)) {
      this.sink.error('d-unsupported', `variables of ${typeStart.text} types are not supported`, typeStart.span);
      this.skipDeclaration();
      return { kind: 'decl', scope, typeName: typeStart.text, name: '', span: typeStart.span };
    }
    const typeName = this.parseTypeName();
    const name = this.next();
    if (name.kind !== 'ident') this.fail(`expected a variable name, found ${describe(name)}`, name.span);
    if (this.isPunct('[')) {
      while (!this.isPunct(']') && this.peek().kind !== 'eof') this.next();
      this.expect(']');
    }
    const semi = this.expect(';');
    return { kind: 'decl', scope, typeName, name: name.text, span: spanFrom(first.span, semi.span) };
  }

  private parseClause(): ClauseItem {
    const probes: ProbeDesc[] = [this.parseProbeDesc()];
    while (this.isPunct(',')) {
      this.next();
      probes.push(this.parseProbeDesc());
    }
    let predicate = null;
    let end: Span = probes[probes.length - 1].span;
    if (this.isPunct('/')) {
      this.next();
      this.inPredicate = true;
      try {
        predicate = this.parseExpr();
      } finally {
        this.inPredicate = false;
      }
      end = this.expect('/', "'/' to close the predicate").span;
    }
    let body: Stmt[] | null = null;
    if (this.isPunct('{')) {
      const block = this.parseBlock();
      body = block.stmts;
      end = block.close;
    } else if (predicate === null && this.peek().kind !== 'eof' && this.peek('probe').kind !== 'probe') {
      this.fail(`expected '{', '/' or ',' after the probe description, found ${describe(this.peek())}`, this.peek().span);
    }
    return { kind: 'clause', probes, predicate, body, span: spanFrom(probes[0].span, end) };
  }

  private parseProbeDesc(): ProbeDesc {
    const t = this.peek('probe');
    if (t.kind !== 'probe') this.fail(`expected a probe description, found ${describe(t)}`, t.span);
    this.next('probe');
    const fields = t.text.split(':');
    if (fields.length > 4) this.fail(`probe description '${t.text}' has more than four fields`, t.span);
    while (fields.length < 4) fields.unshift('');
    const [provider, module, func, name] = fields;
    return { provider, module, func, name, text: t.text, span: t.span };
  }

  private parseBlock(): { stmts: Stmt[]; close: Span } {
    this.expect('{');
    const stmts: Stmt[] = [];
    for (;;) {
      const t = this.peek();
      if (this.isPunct('}', t)) return { stmts, close: this.next().span };
      if (t.kind === 'eof') this.fail("expected '}' before the end of the file", t.span);
      try {
        stmts.push(...this.parseStatement());
      } catch (e) {
        if (!(e instanceof SyntaxStop)) throw e;
        this.skipStatement();
      }
    }
  }

  private parseStatement(): Stmt[] {
    const t = this.peek();
    if (this.isPunct(';', t)) return [{ kind: 'empty', span: this.next().span }];
    if (this.isPunct('{', t)) return this.parseBlock().stmts;
    if (t.kind === 'ident' && t.text === 'if') {
      this.next();
      this.expect('(', "'(' after 'if'");
      const cond = this.parseExpr();
      const close = this.expect(')');
      const then = this.parseStatement();
      let otherwise: Stmt[] | null = null;
      if (this.peek().kind === 'ident' && this.peek().text === 'else') {
        this.next();
        otherwise = this.parseStatement();
      }
      return [{ kind: 'if', cond, then, else: otherwise, span: spanFrom(t.span, close.span) }];
    }
    const expr = this.parseExpr();
    // D lets the last statement of a block go without its ';'.
    if (!this.isPunct('}')) this.expect(';', "';' after the statement");
    else if (this.isPunct(';')) this.next();
    return [{ kind: 'expr', expr, span: expr.span }];
  }

  /** After an error inside a block: skip to just after the next `;`, or to the block's `}`. */
  private skipStatement(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (this.isPunct('}', t) && depth === 0) return;
      this.next();
      if (this.isPunct('{', t)) depth++;
      else if (this.isPunct('}', t)) depth--;
      else if (this.isPunct(';', t) && depth === 0) return;
    }
  }

  /** After an error at clause level: skip past the clause's closing brace (or to the end). */
  private skipPastClause(from: number): void {
    if (this.at === from) this.next();
    let depth = 0;
    let sawBrace = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'pragma' || t.kind === 'directive') {
        if (depth === 0) return;
      }
      this.next();
      if (this.isPunct('{', t)) {
        depth++;
        sawBrace = true;
      } else if (this.isPunct('}', t)) {
        depth--;
        if (depth <= 0 && sawBrace) return;
      }
    }
  }

  /** Skips a refused top-level construct: through its braces to the `;` that ends it. */
  private skipDeclaration(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      this.next();
      if (this.isPunct('{', t)) depth++;
      else if (this.isPunct('}', t)) depth--;
      else if (this.isPunct(';', t) && depth <= 0) return;
    }
  }
}
