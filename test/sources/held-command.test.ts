//! Tests of the -c command's word splitting and lookup (no process is started here).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeatError } from '../../src/errors';
import { HeldCommand, resolveExecutable, splitCommandLine } from '../../src/sources/held-command';

test('commands split like sh words: quotes, escapes, no expansion', () => {
  assert.deepEqual(splitCommandLine(`sh -c 'echo a  b; exit 3' "x \\"y\\"" z\\ w $HOME`), ['sh', '-c', 'echo a  b; exit 3', 'x "y"', 'z w', '$HOME']);
  assert.deepEqual(splitCommandLine('  ls  '), ['ls']);
  assert.deepEqual(splitCommandLine(`''`), ['']);
  assert.throws(() => splitCommandLine(`echo 'oops`), (e: unknown) => e instanceof HeatError && e.code === 'command-syntax');
});

test('executables are found in PATH or as paths, and only when executable', () => {
  assert.equal(resolveExecutable('sh', '/nonexistent:/bin'), '/bin/sh');
  assert.equal(resolveExecutable('sh', '/nonexistent'), null);
  assert.equal(resolveExecutable('/etc/passwd'), null, 'not executable');
  assert.equal(resolveExecutable('/bin'), null, 'a directory');
});

test('a command that does not exist is a clear usage error before anything starts', () => {
  for (const cmd of ['/nonexistent/cmd --flag', 'no-such-command-heat-tracer', '   ']) {
    assert.throws(() => new HeldCommand({ command: cmd, dir: '/nonexistent', setpriv: null }), (e: unknown) => e instanceof HeatError && /command-(not-found|empty)/.test(e.code) && e.exitCode === 2);
  }
});
