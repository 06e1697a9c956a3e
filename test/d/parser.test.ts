//! Scanner and parser one-liners: D text in, a compact form of the AST (or the diagnostics with
//! their line:column) out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, Stmt } from '../../src/d/ast';
import { DiagnosticSink } from '../../src/d/diagnostic-sink';
import { parseD } from '../../src/d/parser';

/** An expression as an s-expression: (+ a (* b c)), (index self->ts probefunc). */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'int': return e.value.toString();
    case 'string': return JSON.stringify(e.value);
    case 'ident': return e.name;
    case 'macro': return `${e.asString ? '$$' : '$'}${e.name}`;
    case 'self': return `self->${e.name}`;
    case 'this': return `this->${e.name}`;
    case 'agg': return `@${e.name}`;
    case 'index': return `(index ${[e.base, ...e.args].map(sx).join(' ')})`;
    case 'call': return `(${e.callee}${e.args.map((a) => ' ' + sx(a)).join('')})`;
    case 'unary': return `(${e.op} ${sx(e.operand)})`;
    case 'incdec': return e.prefix ? `(${e.op}pre ${sx(e.operand)})` : `(${e.op}post ${sx(e.operand)})`;
    case 'binary': return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'assign': return `(${e.op} ${sx(e.target)} ${sx(e.value)})`;
    case 'ternary': return `(? ${sx(e.cond)} ${sx(e.then)} ${sx(e.else)})`;
    case 'cast': return `(cast "${e.typeName}" ${sx(e.expr)})`;
    case 'member': return `(${e.arrow ? '->' : '.'} ${sx(e.base)} ${e.name})`;
    case 'refused': return `(refused ${e.construct})`;
  }
}

function stmts(list: readonly Stmt[]): string[] {
  return list.flatMap((s) => {
    if (s.kind === 'expr') return [sx(s.expr)];
    if (s.kind === 'if') return [`(if ${sx(s.cond)} [${stmts(s.then).join(' ')}]${s.else ? ` [${stmts(s.else).join(' ')}]` : ''})`];
    return [];
  });
}

function parse(text: string): { items: ReturnType<typeof parseD>['items']; errors: string[] } {
  const sink = new DiagnosticSink(text);
  const program = parseD(text, sink);
  return { items: program.items, errors: sink.sorted().map((d) => `${d.line}:${d.column} ${d.code}`) };
}

/** The body of the only clause of `BEGIN { <body> }`, as s-expressions. */
function body(code: string): string[] {
  const { items, errors } = parse(`BEGIN { ${code} }`);
  assert.deepEqual(errors, []);
  const clause = items[0];
  assert.equal(clause.kind, 'clause');
  return stmts(clause.kind === 'clause' ? clause.body ?? [] : []);
}

function predicate(text: string): string {
  const { items, errors } = parse(text);
  assert.deepEqual(errors, []);
  const c = items[0];
  assert.ok(c.kind === 'clause' && c.predicate);
  return c.kind === 'clause' && c.predicate ? sx(c.predicate) : '';
}

test('binary operators follow C precedence, with ^^ between || and &&', () => {
  assert.deepEqual(body('x = a + b * c - d;'), ['(= x (- (+ a (* b c)) d))']);
  assert.deepEqual(body('x = a || b ^^ c && d | e ^ f & g == h < i << j;'), ['(= x (|| a (^^ b (&& c (| d (^ e (& f (== g (< h (<< i j))))))))))']);
  assert.deepEqual(body('x = a ? b : c ? d : e;'), ['(= x (? a b (? c d e)))']);
  assert.deepEqual(body('x = y = 1;'), ['(= x (= y 1))']);
});

test('unary operators, casts and postfix forms parse', () => {
  assert.deepEqual(body('x = -a + !b + ~c;'), ['(= x (+ (+ (- a) (! b)) (~ c)))']);
  assert.deepEqual(body('x = (unsigned long long)arg0 / (int)y;'), ['(= x (/ (cast "unsigned long long" arg0) (cast "int" y)))']);
  assert.deepEqual(body('i++; --j; self->n += 2;'), ['(++post i)', '(--pre j)', '(+= self->n 2)']);
  assert.deepEqual(body('x = (a + b) * c;'), ['(= x (* (+ a b) c))']);
});

test('self->, this->, aggregations, associative arrays and calls parse', () => {
  assert.deepEqual(body('self->ts[probefunc] = vtimestamp;'), ['(= (index self->ts probefunc) vtimestamp)']);
  assert.deepEqual(body('@[execname, pid] = count(); @time = quantize(this->d);'), ['(= (index @ execname pid) (count))', '(= @time (quantize this->d))']);
  assert.deepEqual(body('a["x", 1] = copyinstr(arg0, 32);'), ['(= (index a "x" 1) (copyinstr arg0 32))']);
  assert.deepEqual(body('x = curpsinfo->pr_psargs;'), ['(= x (-> curpsinfo pr_psargs))']);
});

test('literals: hex, octal, characters, escapes and adjacent strings', () => {
  assert.deepEqual(body('x = 0x1F + 010 + \'A\';'), ['(= x (+ (+ 31 8) 65))']);
  assert.deepEqual(body('printf("a\\tb\\n" "c%d", 1);'), ['(printf "a\\tb\\nc%d" 1)']);
  assert.deepEqual(body('x = 10ULL;'), ['(= x 10)']);
});

test('macros: $1, $$1 and $target', () => {
  assert.deepEqual(body('x = $1 + $target; s = $$2;'), ['(= x (+ $1 $target))', '(= s $$2)']);
});

test('sizeof, offsetof and xlate parse as refused constructs', () => {
  assert.deepEqual(body('x = sizeof (int) + 1;'), ['(= x (+ (refused sizeof) 1))']);
  assert.deepEqual(body('x = xlate<psinfo_t *>(curthread);'), ['(= x (refused xlate))']);
});

test('if/else and a last statement without its semicolon', () => {
  assert.deepEqual(body('if (a) { b = 1; } else if (c) d = 2; else { e = 3 }'), ['(if a [(= b 1)] [(if c [(= d 2)] [(= e 3)])])']);
  assert.deepEqual(body('x = 1; y = 2'), ['(= x 1)', '(= y 2)']);
});

test('a predicate ends at the / that precedes {, ;, / or the end; others divide', () => {
  assert.equal(predicate('syscall:::entry /a / 2 > 1/ { }'), '(> (/ a 2) 1)');
  assert.equal(predicate('syscall:::entry /(a / 2)/ { }'), '(/ a 2)');
  assert.equal(predicate('syscall:::entry\n/self->ts/\n{ }'), 'self->ts');
});

test('probe descriptions are right-aligned and may be listed', () => {
  const { items, errors } = parse('syscall::read:entry, read:return, BEGIN, tick-1sec, profile:::profile-997\n{ }');
  assert.deepEqual(errors, []);
  const c = items[0];
  assert.ok(c.kind === 'clause');
  if (c.kind !== 'clause') return;
  assert.deepEqual(c.probes.map((p) => [p.provider, p.module, p.func, p.name]), [
    ['syscall', '', 'read', 'entry'], ['', '', 'read', 'return'], ['', '', '', 'BEGIN'],
    ['', '', '', 'tick-1sec'], ['profile', '', '', 'profile-997'],
  ]);
});

test('#! line, comments and pragmas are accepted; the pragma keeps its name and value', () => {
  const { items, errors } = parse('#!/usr/sbin/dtrace -s\n/* c */ // d\n#pragma D option quiet\n#pragma D option bufsize=16m\nBEGIN { }');
  assert.deepEqual(errors, []);
  assert.deepEqual(items.filter((i) => i.kind === 'pragma').map((p) => p.kind === 'pragma' && [p.name, p.value]), [['quiet', null], ['bufsize', '16m']]);
});

test('declarations of plain variables are accepted and change nothing', () => {
  const { items, errors } = parse('self int ts;\nthis string s;\nint counts[int];\nBEGIN { }');
  assert.deepEqual(errors, []);
  assert.deepEqual(items.map((i) => i.kind), ['decl', 'decl', 'decl', 'clause']);
});

test('a missing semicolon is reported at the next token', () => {
  assert.deepEqual(parse('BEGIN {\n  x = 1\n  y = 2;\n}').errors, ['3:3 d-syntax']);
});

test('an unterminated string and an unterminated comment are reported where they start', () => {
  assert.deepEqual(parse('BEGIN { printf("abc); }').errors.slice(0, 1), ['1:16 d-syntax']);
  assert.deepEqual(parse('BEGIN { }\n/* never closed').errors, ['2:1 d-syntax']);
});

test('every syntax error in a file is reported, not only the first', () => {
  const text = 'BEGIN { x = ; }\nsyscall::read:entry { y = 1 +; }\ntick-1s /a +/ { }\nEND { z = 3; }';
  const { items, errors } = parse(text);
  assert.deepEqual(errors, ['1:13 d-syntax', '2:30 d-syntax', '3:13 d-syntax']);
  // Recovery keeps the clauses after each error.
  assert.ok(items.some((i) => i.kind === 'clause' && i.probes[0].name === 'END'));
});

test('preprocessor directives and type definitions are refused where they stand', () => {
  const { errors } = parse('#include <sys/x.h>\n#define N 3\ntypedef int foo_t;\nstruct s { int a; };\ninline int x = 3;\ntranslator a < b *B > { c = 1; };\nBEGIN { }');
  assert.deepEqual(errors, ['1:1 d-unsupported', '2:1 d-unsupported', '3:1 d-unsupported', '4:1 d-unsupported', '5:1 d-unsupported', '6:1 d-unsupported']);
});

test('a bad character and a probe description with five fields are errors', () => {
  assert.deepEqual(parse('BEGIN { x = 1 # 2; }').errors, ['1:15 d-syntax', '1:17 d-syntax']);
  assert.deepEqual(parse('a:b:c:d:e { }').errors, ['1:1 d-syntax']);
});

test('a kernel symbol reference is refused by name and parsing goes on', () => {
  assert.deepEqual(parse('BEGIN { x = `max_ncpus + 1; y = 2 +; }').errors, ['1:13 d-unsupported', '1:36 d-syntax']);
});
