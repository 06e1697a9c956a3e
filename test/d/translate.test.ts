//! Translator one-liners: D text in, facts about the bpftrace program and the plan out, or the
//! diagnostics (code and line:column) for what cannot be translated.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dScriptPlan, type DPlanOptions } from '../../src/d/d-plan';
import { destructiveDiagnostics } from '../../src/d/destructive';
import { HeatError } from '../../src/errors';
import type { ProgramPlan } from '../../src/sources/program-plan';

const BASE: DPlanOptions = { args: [], pid: null, command: false, arch: 'x86_64', wallOffsetNs: 5n };

function plan(text: string, opts: Partial<DPlanOptions> = {}): ProgramPlan {
  return dScriptPlan('t.d', { ...BASE, ...opts, text });
}

/** The errors a script gives, as "line:col code". */
function errors(text: string, opts: Partial<DPlanOptions> = {}): string[] {
  try {
    plan(text, opts);
  } catch (e) {
    assert.ok(e instanceof HeatError, String(e));
    return e.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code}`);
  }
  return [];
}

function warnings(text: string): string[] {
  return plan(text).warnings.filter((d) => d.severity === 'warning').map((d) => `${d.line}:${d.column} ${d.code}`);
}

test("the article's script translates to raw_syscalls with vtimestamp and DTrace's lquantize edges", () => {
  const p = plan('syscall:::entry\n{\nself->syscall_entry_ts[probefunc] = vtimestamp;\n}\nsyscall:::return\n/self->syscall_entry_ts[probefunc]/\n{\n\n@time[probefunc] = lquantize((vtimestamp - self->syscall_entry_ts[probefunc] ) / 1000, 0, 63, 2);\nself->syscall_entry_ts[probefunc] = 0;\n}');
  assert.deepEqual(p.aggregations['@time'], { name: 'time', map: '@time', kind: 'lquantize', unit: 'us', keyDecoders: ['syscall'], linear: { low: 0, high: 62, step: 2 } });
  assert.match(p.program, /^tracepoint:raw_syscalls:sys_enter$/m);
  assert.doesNotMatch(p.program, /tracepoint:syscalls:/);
  assert.match(p.program, /@self_syscall_entry_ts\[tid, args->id\] = \(nsecs - @__vt_off\[tid\]\);/);
  assert.match(p.program, /lhist\(.*, 0, 62, 2\)/);
  assert.match(p.program, /delete\(@self_syscall_entry_ts\[tid, args->id\]\);/);
  assert.match(p.program, /^tracepoint:sched:sched_switch$/m);
  assert.deepEqual(p.warnings, []);
  assert.equal(p.exits, undefined);
});

test('a named syscall is a number test on raw_syscalls; wildcards and lists become sets of numbers', () => {
  assert.match(plan('syscall::read:entry { @ = count(); }').program, /sys_enter \/args->id == 0\//);
  assert.match(plan('syscall::read:return, syscall::write:return { @ = count(); }').program, /sys_exit \/\(args->id == 0 \|\| args->id == 1\)\//);
  assert.match(plan('syscall::*:entry { @ = count(); }').program, /^tracepoint:raw_syscalls:sys_enter$/m);
  const wild = plan('syscall::open*:entry { @ = count(); }').program;
  assert.match(wild, /args->id == 2 \|\| args->id == 257/);
  assert.match(plan('syscall::read:entry, syscall:::entry { @ = count(); }').program, /^tracepoint:raw_syscalls:sys_enter$/m);
});

test('probefunc compared with a string becomes a syscall number comparison', () => {
  const p = plan('syscall:::entry /probefunc == "write" || "read" != probefunc/ { @[probefunc] = count(); }');
  assert.match(p.program, /\/\(args->id == 1 \|\| args->id != 0\)\//);
  assert.deepEqual(warnings('syscall:::entry /probefunc == "nosuchcall"/ { @ = count(); }'), ['1:18 d-probe']);
  assert.deepEqual(errors('syscall:::entry /probefunc == execname/ { @ = count(); }'), ['1:18 d-unsupported']);
});

test('probefunc printed as text goes through a name table holding only the syscalls the clause sees', () => {
  const p = plan('syscall::read:entry { printf("%s\\n", probefunc); }');
  assert.match(p.program, /printf\("%s\\n", @__sysname\[args->id\]\);/);
  assert.match(p.program, /@__sysname\[0\] = "read";/);
  assert.doesNotMatch(p.program, /"write"/);
  const stored = plan('syscall::read:entry { self->f = probefunc; }\nsyscall::write:entry /self->f/ { printf("%s\\n", self->f); }').program;
  assert.match(stored, /printf\("%s\\n", @__sysname\[@self_f\[tid\]\]\);/);
  assert.match(stored, /@__sysname\[0\] = "read";/);
});

test('assigning 0 frees a dynamic variable; a value that may be 0 is checked at run time', () => {
  const p = plan('syscall::read:entry { self->fd = arg0; a[pid] = arg1; g = arg2; }\nsyscall::read:return { self->fd = 0; }');
  assert.match(p.program, /\$__v = args->args\[0\];\n\s*if \(\$__v != 0\) {\n\s*@self_fd\[tid\] = \$__v;\n\s*} else {\n\s*delete\(@self_fd\[tid\]\);/);
  assert.match(p.program, /@g_g = args->args\[2\];/);
  assert.match(p.program, /sys_exit \/args->id == 0\/\n{\n\s*delete\(@self_fd\[tid\]\);/);
});

test('a variable never assigned reads as 0, as in D, instead of an undefined bpftrace map', () => {
  const p = plan('syscall::read:return /self->ts/ { @ = quantize(timestamp - self->ts); self->ts = 0; }');
  assert.match(p.program, /sys_exit \/args->id == 0 && 0\//);
  assert.doesNotMatch(p.program, /@self_ts/);
});

test('clause-local this-> variables are scratch variables shared by the clauses of one probe', () => {
  assert.match(plan('BEGIN { this->x = 3; this->x++; @ = sum(this->x); }').program, /\$this_x = 3;\n\s*\$this_x\+\+;\n\s*@ = sum\(\$this_x\);/);
  assert.match(plan('BEGIN { this->x = 3; }\nBEGIN /this->x > 2/ { @ = sum(this->x); }').program, /if \(\$this_x > 2\) {\n\s*@ = sum\(\$this_x\);/);
  assert.deepEqual(errors('BEGIN { @ = sum(this->y); }'), ['1:17 d-unsupported']);
  assert.deepEqual(errors('BEGIN /this->y/ { }'), ['1:8 d-unsupported']);
  assert.deepEqual(errors('tick-1s { this->y = 1; }\nBEGIN { @ = sum(this->y); }'), ['2:17 d-unsupported']);
});

test('units are inferred from timestamp differences and their scaling', () => {
  const unit = (expr: string): unknown => plan(`syscall::read:entry { self->ts = timestamp; this->t = timestamp; }\nsyscall::read:return { this->t = timestamp; @a = quantize(${expr}); }`).aggregations['@a'].unit;
  assert.equal(unit('timestamp - self->ts'), 'ns');
  assert.equal(unit('(timestamp - self->ts) / 1000'), 'us');
  assert.equal(unit('(vtimestamp - self->ts) / 1000000'), 'ms');
  assert.equal(unit('(timestamp - self->ts) / 1000000000'), 's');
  assert.equal(unit('arg0'), null);
  assert.equal(unit('(timestamp - self->ts) / 3'), null);
  assert.equal(plan('syscall::read:entry { self->ts = timestamp; }\nsyscall::read:return { this->d = timestamp - self->ts; @a = quantize(this->d / 1000); }').aggregations['@a'].unit, 'us');
});

test('lquantize keeps DTrace edges: the top moves down to low + levels*step, the step defaults to 1', () => {
  const p = plan('BEGIN { @a = lquantize(5, 0, 63, 2); @b = lquantize(1, 10, 20); @c = lquantize(2, 0, 100, 7); }');
  assert.deepEqual(p.aggregations['@a'].linear, { low: 0, high: 62, step: 2 });
  assert.deepEqual(p.aggregations['@b'].linear, { low: 10, high: 20, step: 1 });
  assert.deepEqual(p.aggregations['@c'].linear, { low: 0, high: 98, step: 7 });
  assert.match(p.program, /@b = lhist\(1, 10, 20, 1\);/);
  assert.deepEqual(errors('BEGIN { @a = lquantize(1, -10, 10); }'), ['1:14 d-unsupported']);
  assert.deepEqual(errors('BEGIN { @a = lquantize(1, 10, 0, 2); }'), ['1:14 d-semantic']);
  assert.deepEqual(errors('BEGIN { @a = lquantize(1, 0, 10000, 1); }'), ['1:14 d-unsupported']);
});

test('llquantize is emulated: an index chain, a count per [keys, index] and the spec in the plan', () => {
  const p = plan('BEGIN { @l[pid] = llquantize(timestamp, 10, 0, 2, 20); }');
  assert.deepEqual(p.aggregations['@l'].emulated, { kind: 'llquantize', factor: 10, low: 0, high: 2, nsteps: 20 });
  assert.equal(p.aggregations['@l'].kind, 'llquantize');
  assert.match(p.program, /@l\[pid, \$__llq1_i\] = count\(\);/);
  assert.deepEqual(errors('BEGIN { @l = llquantize(1, 10, 0, 6, 25); }'), ['1:14 d-semantic']);
});

test('trunc and clear leave drawn histograms to the tool, and clear other aggregations', () => {
  const text = 'BEGIN { @h = quantize(1); @c = count(); }\ntick-1sec { printa(@h); trunc(@h); trunc(@c); clear(@c); }';
  const p = plan(text);
  assert.match(p.program, /interval:s:1\n{\n\s*print\(@h\);\n\s*clear\(@c\);\n\s*zero\(@c\);\n}/);
  assert.deepEqual(warnings(text), ['2:25 d-ignored']);
});

test('exit() ends the program and marks the plan; a non-zero status is noted', () => {
  const p = plan('tick-5s { exit(0); }');
  assert.match(p.program, /interval:s:5\n{\n\s*exit\(\);/);
  assert.equal(p.exits, true);
  assert.deepEqual(warnings('tick-5s { exit(3); }'), ['1:16 d-ignored']);
});

test('without quiet an empty clause prints the probe; with quiet it prints nothing', () => {
  assert.match(plan('syscall::execve:entry { }').program, /printf\("%3d %s:entry\\n", cpu, @__sysname\[args->id\]\);/);
  assert.match(plan('#pragma D option quiet\nsyscall::execve:entry { }').program, /sys_enter \/args->id == 59\/\n{\n}/);
});

test('buffer and rate options are ignored with a warning; an unknown option is an error', () => {
  assert.deepEqual(warnings('#pragma D option bufsize=16m\n#pragma D option switchrate=10hz\nBEGIN { }'), ['1:1 d-option', '2:1 d-option']);
  assert.deepEqual(errors('#pragma D option nosuchoption\nBEGIN { }'), ['1:1 d-option']);
});

test('$target is the -p pid, the -c command pid (cpid), or an error without either', () => {
  assert.match(plan('syscall:::entry /pid == $target/ { @ = count(); }', { pid: 77 }).program, /\/pid == 77\//);
  assert.match(plan('syscall:::entry /pid == $target/ { @ = count(); }', { command: true }).program, /\/pid == cpid\//);
  assert.deepEqual(errors('syscall:::entry /pid == $target/ { @ = count(); }'), ['1:25 d-semantic']);
});

test('macro arguments are numbers or strings; a missing one is an error unless defaultargs', () => {
  assert.match(plan('BEGIN { x = $1; s = $2; printf("%d %s", x, s); }', { args: ['12', 'abc'] }).program, /@g_x = 12;\n\s*@g_s = "abc";/);
  assert.deepEqual(errors('BEGIN { x = $3; }'), ['1:13 d-semantic']);
  assert.match(plan('#pragma D option defaultargs\nBEGIN { x = $3 + 1; }').program, /@g_x = 0 \+ 1;/);
});

test('vtimestamp adds the sched_switch accounting only to programs that use it', () => {
  assert.doesNotMatch(plan('syscall:::entry { self->t = timestamp; }').program, /__vt_/);
  const p = plan('syscall:::entry { self->t = vtimestamp; }');
  assert.match(p.program, /if \(!@__vt_trk\[tid\]\) {\n\s*@__vt_trk\[tid\] = 1;/);
  assert.match(p.program, /@__vt_off\[args->next_pid\] \+= \$__now - \$__out;/);
  assert.match(p.program, /tracepoint:sched:sched_process_exit\n{[^}]*delete\(@__vt_off\[tid\]\);/);
});

test('sched:::on-cpu speaks for the incoming thread; off-cpu for the outgoing one', () => {
  const p = plan('sched:::off-cpu { self->ts = timestamp; }\nsched:::on-cpu /self->ts && pid != 0/ { @[execname] = quantize(timestamp - self->ts); self->ts = 0; }');
  assert.match(p.program, /@self_ts\[tid\] = nsecs;/);
  assert.match(p.program, /if \(@self_ts\[args->next_pid\] && @__tgid\[args->next_pid\] != 0\) {/);
  assert.match(p.program, /@\[args->next_comm\] = hist/);
  assert.match(p.program, /@__tgid\[tid\] = pid;/);
  assert.deepEqual(errors('sched:::on-cpu { @[uid] = count(); }'), ['1:20 d-unsupported']);
});

test('proc:::exit fires once per process; proc:::exec-success on the new image', () => {
  assert.match(plan('proc:::exit { @ = count(); }').program, /sched_process_exit \/args->group_dead\//);
  assert.match(plan('proc:::exec-success { @[execname] = count(); }').program, /^tracepoint:sched:sched_process_exec$/m);
});

test('tick and profile rates map onto interval and profile probes', () => {
  const attach = (desc: string): string => plan(`${desc} { @ = count(); }`).program.split('\n')[2];
  assert.equal(attach('tick-1sec'), 'interval:s:1');
  assert.equal(attach('tick-100ms'), 'interval:ms:100');
  assert.equal(attach('tick-10hz'), 'interval:hz:10');
  assert.equal(attach('tick-5m'), 'interval:s:300');
  assert.equal(attach('profile-997'), 'profile:hz:997');
  assert.equal(attach('profile:::profile-1ms'), 'profile:ms:1');
  assert.equal(attach('profile-500us'), 'profile:us:500');
});

test('clauses on the same probe merge, in file order, with their predicates as ifs', () => {
  const p = plan('syscall::read:return /self->ts/ { @ = quantize(timestamp - self->ts); }\nsyscall::read:return { self->ts = 0; }\nsyscall::read:entry { self->ts = timestamp; }');
  assert.match(p.program, /sys_exit\n{\n\s*if \(args->id == 0 && @self_ts\[tid\]\) {\n\s*@ = hist[^\n]*\n\s*}\n\s*if \(args->id == 0\) {\n\s*delete\(@self_ts\[tid\]\);/);
});

test('errno and the return value follow DTrace in syscall return probes', () => {
  const p = plan('syscall::open:return { @[errno] = count(); @r = sum(arg0); }');
  assert.match(p.program, /@\[\(args->ret < 0 \? -args->ret : 0\)\] = count\(\);/);
  assert.match(p.program, /@r = sum\(\(args->ret < 0 \? -1 : args->ret\)\);/);
  assert.deepEqual(errors('syscall::open:entry { @[errno] = count(); }'), ['1:25 d-unsupported']);
});

test('printf formats are checked: DTrace-only conversions and argument mismatches are errors', () => {
  assert.deepEqual(errors('BEGIN { printf("%Y %d\\n", walltimestamp, 1); }'), ['1:17 d-unsupported']);
  assert.deepEqual(errors('BEGIN { printf("%d %d\\n", 1); }'), ['1:9 d-semantic']);
  assert.deepEqual(errors('BEGIN { printf("%s\\n", 1); }'), ['1:24 d-semantic']);
  assert.match(plan('BEGIN { printf("%-8s|%5lld|%p|100%%\\n", execname, 1, 2); }').program, /printf\("%-8s\|%5lld\|0x%llx\|100%%\\n", comm, 1, 2\);/);
});

test('refused constructs name themselves, and every one in the file is reported', () => {
  const text = [
    '#include <stdio.h>',                              // 1
    'fbt::vfs_read:entry { @ = count(); }',            // 2
    'pid$target::malloc:entry { @ = count(); }',       // 3
    'BEGIN { self->spec = speculation(); }',           // 4
    'BEGIN { @k[stack()] = count(); ustack(); }',      // 5
    'BEGIN { system("rm -rf /"); raise(9); }',         // 6
    'BEGIN { copyout(arg0, arg1, 4); chill(100); }',   // 7
    'BEGIN { x = curpsinfo->pr_psargs; }',             // 8
    'sched:::enqueue { }',                             // 9
    'BEGIN { @s = stddev(1); y = sizeof(int); }',      // 10
  ].join('\n');
  let err: HeatError | null = null;
  try {
    plan(text);
  } catch (e) {
    err = e as HeatError;
  }
  assert.ok(err instanceof HeatError);
  assert.equal(err.exitCode, 2);
  assert.equal(err.file, 't.d');
  assert.equal(err.source, text);
  const found = err.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.length}`);
  assert.deepEqual(found, [
    '1:1 d-unsupported 18', '2:1 d-unsupported 19', '3:1 d-unsupported 24', '4:22 d-unsupported 11',
    '5:12 d-unsupported 5', '5:32 d-unsupported 6', '6:9 d-destructive 6', '6:29 d-destructive 5',
    '7:9 d-destructive 7', '7:33 d-destructive 5', '8:13 d-unsupported 20', '9:1 d-unsupported 15',
    '10:14 d-unsupported 6', '10:29 d-unsupported 11',
  ]);
  assert.equal(err.code, 'd-unsupported');
  const messages = err.diagnostics.map((d) => d.message).join('\n');
  for (const name of ['#include', "'fbt'", "'pid'", 'speculation()', 'stack()', 'ustack()', 'system()', 'raise()', 'copyout()', 'chill()', 'stddev()', "'sizeof'"]) {
    assert.ok(messages.includes(name), `a diagnostic names ${name}`);
  }
});

test('a script with a syntax error carries the code d-syntax and exit code 2', () => {
  try {
    plan('BEGIN { x = ; }');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof HeatError);
    assert.equal(e.code, 'd-syntax');
    assert.equal(e.exitCode, 2);
    assert.deepEqual(e.diagnostics.map((d) => [d.line, d.column, d.length]), [[1, 13, 1]]);
  }
});

test('destructive actions are found for engines that run D natively', () => {
  const found = destructiveDiagnostics('#pragma D option destructive\nsyscall::open:entry\n{\n  @ = count();\n  system("id");\n  if (1) { raise(9); }\n}\n');
  assert.deepEqual(found.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`), ['1:1 warning d-destructive', '5:3 error d-destructive', '6:12 error d-destructive']);
  assert.deepEqual(destructiveDiagnostics('BEGIN { printf("hi"); exit(0); }'), []);
});
