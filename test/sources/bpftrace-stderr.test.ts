//! Tests of turning bpftrace 0.17's stderr (captured from real failures) into HeatErrors that
//! point at the user's file: codes and positions, not wording.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bpftraceFailure, classify, parseStderrLine, type ProgramFiles } from '../../src/sources/bpftrace-stderr';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace');

function failure(name: string, script: string, died = false) {
  const stderr = fs.readFileSync(path.join(FIXTURES, `017-stderr-${name}.txt`), 'utf8').split('\n');
  const source = fs.readFileSync(path.join(FIXTURES, script), 'utf8');
  // bpftrace was given the script by its fixture name; the user knows it as ~/probes/<name>.
  const files: ProgramFiles = { programPath: script, displayFile: `probes/${script}`, source, sourceLines: source.split('\n').length };
  return bpftraceFailure(stderr, files, { code: 1, signal: null }, died);
}

test('a syntax error points at its line and column in the user\'s file', () => {
  const err = failure('syntax-error', 'syntax-error.bt');
  assert.equal(err.code, 'bpftrace-script');
  assert.equal(err.file, 'probes/syntax-error.bt');
  assert.deepEqual(err.diagnostics.map((d) => [d.line, d.column, d.length]), [[2, 1, 1]]);
  assert.match(err.diagnostics[0].message, /syntax error/);
});

test('a tracepoint that does not exist is probe-not-found, underlining the probe', () => {
  const err = failure('missing-tracepoint', 'missing-tracepoint.bt');
  assert.equal(err.code, 'probe-not-found');
  assert.deepEqual(err.diagnostics.map((d) => [d.line, d.column, d.length]), [[1, 1, 23]]);
  assert.ok(err.hint);
});

test('every error is reported, with tabs counted as one column', () => {
  const err = failure('two-errors', 'two-errors.bt');
  assert.deepEqual(err.diagnostics.map((d) => [d.line, d.column]), [[4, 7], [5, 7]]);
  const field = failure('unknown-field', 'unknown-field.bt');
  assert.deepEqual(field.diagnostics.map((d) => [d.line, d.column, d.length]), [[3, 7, 15]]);
});

test('not being root and a failed kprobe attach have their own codes and hints', () => {
  const root = failure('not-root', 'syntax-error.bt');
  assert.equal(root.code, 'not-root');
  assert.equal(root.diagnostics.length, 0);
  const kprobe = failure('kprobe-attach', 'syntax-error.bt');
  assert.equal(kprobe.code, 'probe-attach-failed');
  assert.match(kprobe.message, /kprobe:no_such_function_xyz/);
  assert.match(kprobe.hint ?? '', /kprobe/);
});

test('the RLIMIT_MEMLOCK complaint of 0.17 is not an error; the source echo and ~~~ lines are skipped', () => {
  assert.equal(parseStderrLine('ERROR: Unknown error -1: couldn\'t set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try "ulimit -l 8192" to fix the problem'), null);
  assert.equal(parseStderrLine('tracepoint:nope:nothing { @x = hist(1); }'), null);
  assert.equal(parseStderrLine('~~~~~~~'), null);
  assert.deepEqual(parseStderrLine('d.bt:1-2: ERROR: More than one BEGIN probe defined'), { severity: 'error', message: 'More than one BEGIN probe defined', file: 'd.bt', line: 1, column: 1, length: 1 });
  assert.equal(parseStderrLine('stdin:1:1-28: WARNING: x is not traceable')?.severity, 'warning');
});

test('errors in the lines the tool appended, or without any error line, still explain the exit', () => {
  const files: ProgramFiles = { programPath: '/tmp/x/a.bt', displayFile: 'a.bt', source: 'BEGIN { }\n', sourceLines: 2 };
  const appended = bpftraceFailure(['/tmp/x/a.bt:9:2-10: ERROR: Undefined map: @x'], files, { code: 1, signal: null });
  assert.equal(appended.diagnostics.length, 0);
  assert.match(appended.message, /Undefined map/);
  const killed = bpftraceFailure(['some noise'], files, { code: null, signal: 'SIGKILL' }, true);
  assert.equal(killed.code, 'bpftrace-died');
  assert.match(killed.message, /SIGKILL.*some noise/);
  assert.equal(classify('Failed to fork child: path \'x\' does not exist or is not executable'), 'command-not-found');
});
