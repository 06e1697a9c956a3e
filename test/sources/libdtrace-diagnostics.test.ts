//! Tests for libdtrace compile errors as positioned Diagnostics (messages as Oracle's libdtrace
//! 2.0.1 words them with DTRACE_C_ETAGS) and for splitting -c command lines.

import test from 'node:test';
import assert from 'node:assert/strict';
import { compileDiagnostic, evaltimeFor, locateInLine, parseDtraceError, splitCommand } from '../../src/sources/libdtrace-diagnostics';

const SCRIPT = ['syscall::read:entry', '{', '  @x = count(;', '}', 'foo::bar:baz', '/pid == $1/', '{ @y = quantize(nosuchvar); }'].join('\n');

test('a tagged message splits into tag, line and text', () => {
  assert.deepEqual(parseDtraceError('cannot compile the D program: [D_SYNTAX] line 3: syntax error near ";"'), {
    tag: 'D_SYNTAX',
    line: 3,
    text: 'syntax error near ";"',
  });
});

test('a message without a line keeps its text and has no line', () => {
  assert.deepEqual(parseDtraceError('cannot open libdtrace: DTrace requires additional privileges'), {
    tag: null,
    line: null,
    text: 'cannot open libdtrace: DTrace requires additional privileges',
  });
});

test('a message naming its file still yields the line', () => {
  assert.equal(parseDtraceError('[D_SYNTAX] "x.d", line 7: syntax error near "}"').line, 7);
});

test('a syntax error underlines the token it is near', () => {
  const d = compileDiagnostic('cannot compile the D program: [D_SYNTAX] line 3: syntax error near ";"', SCRIPT);
  assert.deepEqual(d && { code: d.code, line: d.line, column: d.column, length: d.length }, { code: 'D_SYNTAX', line: 3, column: 14, length: 1 });
});

test('a probe description that matches nothing underlines the description', () => {
  const d = compileDiagnostic('[D_PDESC_ZERO] line 5: probe description foo::bar:baz does not match any probes', SCRIPT);
  assert.deepEqual(d && [d.line, d.column, d.length], [5, 1, 12]);
});

test('an undefined macro argument underlines $1', () => {
  const d = compileDiagnostic('[D_MACRO_UNDEF] line 6: macro argument $1 is not defined', SCRIPT);
  assert.deepEqual(d && [d.code, d.column, d.length], ['D_MACRO_UNDEF', 9, 2]);
});

test('an unknown variable underlines its name', () => {
  const d = compileDiagnostic('[D_IDENT_UNDEF] line 7: failed to resolve nosuchvar: Unknown variable name', SCRIPT);
  assert.deepEqual(d && [d.column, d.length], [17, 9]);
});

test('a message with nothing to find underlines the line from its first non-blank', () => {
  assert.deepEqual(locateInLine('  @x = count(;', 'something else entirely'), { column: 3, length: 12 });
});

test('no line in the message gives no diagnostic', () => {
  assert.equal(compileDiagnostic('cannot compile the D program: out of memory', SCRIPT), null);
});

test('a -c command splits on blanks like dtrace(1), with quotes for spaces', () => {
  assert.deepEqual(splitCommand('dd if=/dev/zero of=/dev/null  bs=1'), ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1']);
  assert.deepEqual(splitCommand(`sh -c 'sleep 1; ls'`), ['sh', '-c', 'sleep 1; ls']);
  assert.deepEqual(splitCommand('echo "a \\"b\\"" c\\ d ""'), ['echo', 'a "b"', 'c d', '']);
  assert.throws(() => splitCommand('echo "open'), /unterminated/);
});

test('a -c command is traced from exec, unless the script needs its libraries or says otherwise', () => {
  assert.equal(evaltimeFor('syscall::read:entry /pid == $target/ { @ = count(); }'), 'exec');
  assert.equal(evaltimeFor('pid$target:libc:malloc:entry { @ = count(); }'), 'postinit');
  assert.equal(evaltimeFor('pid1234:a.out:main:entry { @ = count(); }'), 'postinit');
  assert.equal(evaltimeFor('#pragma D option evaltime=main\nsyscall:::entry { @ = count(); }'), 'main');
});
