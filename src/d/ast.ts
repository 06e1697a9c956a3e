//! The D syntax tree the parser builds and the translator walks. Every node keeps its source span
//! (offset and length in the file text) so later stages can point diagnostics at it.

/** Where a node sits in the source: a UTF-16 offset into the file text and a length. */
export interface Span {
  offset: number;
  length: number;
}

export interface Program {
  items: Item[];
}

export type Item = PragmaItem | ClauseItem | DeclItem;

/** `#pragma D option name[=value]` (other `#pragma D` kinds keep their kind in `directive`). */
export interface PragmaItem {
  kind: 'pragma';
  directive: string;
  name: string;
  value: string | null;
  span: Span;
}

/** A variable declaration (`self int x;`, `this string s;`, `int n;`): accepted, changes nothing. */
export interface DeclItem {
  kind: 'decl';
  scope: 'global' | 'self' | 'this';
  typeName: string;
  name: string;
  span: Span;
}

/**
 * One probe description, fields right-aligned as in D: `entry` is name only, `read:entry` is
 * function and name. Missing fields are empty strings (which match anything in DTrace).
 */
export interface ProbeDesc {
  provider: string;
  module: string;
  func: string;
  name: string;
  text: string;
  span: Span;
}

export interface ClauseItem {
  kind: 'clause';
  probes: ProbeDesc[];
  predicate: Expr | null;
  /** null when the clause has no braces at all (DTrace's default action). */
  body: Stmt[] | null;
  span: Span;
}

export type Stmt =
  | { kind: 'expr'; expr: Expr; span: Span }
  | { kind: 'if'; cond: Expr; then: Stmt[]; else: Stmt[] | null; span: Span }
  | { kind: 'empty'; span: Span };

export type BinaryOp =
  | '||' | '^^' | '&&' | '|' | '^' | '&' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '<<' | '>>' | '+' | '-' | '*' | '/' | '%';

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

export type Expr =
  /** Integer literal; `text` is the literal as written, `value` its 64-bit value. */
  | { kind: 'int'; value: bigint; text: string; span: Span }
  | { kind: 'string'; value: string; span: Span }
  /** A built-in variable or a global D variable. */
  | { kind: 'ident'; name: string; span: Span }
  /** `$1`, `$$1`, `$target`, `$pid`...: `name` without the dollars; `asString` for `$$`. */
  | { kind: 'macro'; name: string; asString: boolean; span: Span }
  /** `self->x`. */
  | { kind: 'self'; name: string; span: Span }
  /** `this->x`. */
  | { kind: 'this'; name: string; span: Span }
  /** `@name`, or `@` (name ""). */
  | { kind: 'agg'; name: string; span: Span }
  /** `base[args]`: an associative array, an aggregation key, `self->x[k]`, `args[0]`. */
  | { kind: 'index'; base: Expr; args: Expr[]; span: Span }
  | { kind: 'call'; callee: string; calleeSpan: Span; args: Expr[]; span: Span }
  | { kind: 'unary'; op: '!' | '~' | '-' | '+' | '*' | '&'; operand: Expr; span: Span }
  | { kind: 'incdec'; op: '++' | '--'; prefix: boolean; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'assign'; op: AssignOp; target: Expr; value: Expr; span: Span }
  | { kind: 'ternary'; cond: Expr; then: Expr; else: Expr; span: Span }
  | { kind: 'cast'; typeName: string; expr: Expr; span: Span }
  /** `a.b` or `a->b` on anything other than self/this (struct access: refused later). */
  | { kind: 'member'; base: Expr; arrow: boolean; name: string; span: Span }
  /** `sizeof`, `offsetof`, `xlate` and friends: parsed so they can be refused by name. */
  | { kind: 'refused'; construct: string; span: Span };

/** A span covering `a` through `b`. */
export function spanFrom(a: Span, b: Span): Span {
  return { offset: a.offset, length: Math.max(1, b.offset + b.length - a.offset) };
}
