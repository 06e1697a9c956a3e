//! The D front end as a user meets it through the CLI: --print-program shows the translation and
//! exits 0; a script with refused constructs exits 2 with compiler-style diagnostics on stderr.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { dScriptPlan } from '../../src/d/d-plan';
import { CORPUS_DIR, ROOT } from './golden-cases';

const BIN = path.join(ROOT, 'bin', 'heat-tracer-tui');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("--print-program prints the article script's bpftrace translation and exits 0", () => {
  const file = path.join(CORPUS_DIR, 'article.d');
  const run = cli('--script', file, '--print-program');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, dScriptPlan(file, { args: [], pid: null, command: false }).program);
});

test('a script with refused constructs exits 2 and points at each of them', () => {
  const file = path.join(ROOT, 'test', 'fixtures', 'd-refused', 'speculation-and-system.d');
  const run = cli('--script', file, '--print-program');
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  const located = run.stderr.split('\n').filter((l) => l.startsWith(`${file}:`)).map((l) => l.slice(file.length + 1).split(': ')[0]);
  assert.deepEqual(located, ['4:15', '5:2', '6:2', '9:1', '11:4']);
  assert.match(run.stderr, /speculations \('speculation\(\)'\) are not supported/);
  assert.match(run.stderr, /destructive action 'system\(\)' is refused/);
  assert.match(run.stderr, /the 'fbt' provider is not supported/);
  assert.match(run.stderr, /\n {4} *\^~+\n/);
  assert.match(run.stderr, /stack traces \('stack\(\)'\) are not supported/);
  assert.match(run.stderr, /\(5 errors\)/);
});
