//! Tests of the built-in programs: listed with their files, narrowed to a process by predicates,
//! and of the program the engine runs (the tool's probes appended, cpid kept in its columns).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { HeatError } from '../../src/errors';
import { buildRunProgram, CPID_MACRO, READY_MARKER, TICK_MARKER } from '../../src/sources/bpftrace-program';
import { btProgramPlan } from '../../src/sources/bt-plan';
import { addPredicate, listPresets, presetPlan } from '../../src/sources/presets';

test('three presets are listed, each a script file that exists and opens with a header comment', () => {
  const presets = listPresets();
  assert.deepEqual(presets.map((p) => p.name), ['syscall', 'io', 'runq']);
  for (const p of presets) {
    const text = fs.readFileSync(p.file, 'utf8');
    assert.match(text, new RegExp(`^#!/usr/bin/env bpftrace\\n/\\*\\n \\* ${p.name}\\.bt\\t`));
    assert.equal(p.unit, 'ns');
  }
});

test('the syscall preset reads raw_syscalls, never the syscalls:* wildcard, and decodes syscall keys', () => {
  const plan = presetPlan('syscall', { pid: null, command: false });
  assert.equal(plan.title, 'syscall latency');
  assert.match(plan.program, /tracepoint:raw_syscalls:sys_enter/);
  assert.doesNotMatch(plan.program, /^tracepoint:syscalls:/m);
  const agg = plan.aggregations['@syscall_ns'];
  assert.deepEqual(agg.emulated, { kind: 'llquantize', factor: 2, low: 0, high: 35, nsteps: 8 });
  assert.deepEqual(agg.keyDecoders, ['syscall']);
  assert.equal(agg.unit, 'ns');
});

test('-p adds a pid predicate to both syscall probes; -c uses cpid', () => {
  const p = presetPlan('syscall', { pid: 4242, command: false }).program;
  assert.match(p, /tracepoint:raw_syscalls:sys_enter\n\/pid == 4242\/\n\{/);
  assert.match(p, /tracepoint:raw_syscalls:sys_exit\n\/pid == 4242 && \(@start_ns\[tid\]\)\/\n\{/);
  assert.match(presetPlan('io', { pid: null, command: true }).program, /block_rq_issue\n\/pid == cpid\//);
});

test('runq narrowed to a process learns its threads at switch-out and times only those', () => {
  const p = presetPlan('runq', { pid: 7, command: false }).program;
  assert.match(p, /sched_switch\n\/pid == 7\/\n\{\n\t@target_tid\[args->prev_pid\] = 1;/);
  assert.match(p, /sched_wakeup_new\n\/@target_tid\[args->pid\]\/\n\{/);
  assert.match(p, /\/pid == 7 && \(\(args->prev_state & 0xff\) == 0/);
  assert.match(p, /sched_switch\n\/@qtime_ns\[args->next_pid\]\//, 'the switch-in probe is unchanged');
});

test('an unknown preset is a usage error that lists the presets', () => {
  assert.throws(() => presetPlan('disk', { pid: null, command: false }), (e: unknown) => e instanceof HeatError && e.code === 'unknown-preset' && e.exitCode === 2 && /syscall, io, runq/.test(e.hint ?? ''));
});

test('addPredicate ANDs into an existing predicate or inserts one', () => {
  assert.equal(addPredicate('a:b\n{ x }', 'a:b', 'c'), 'a:b\n/c/\n{ x }');
  assert.equal(addPredicate('a:b\n/d/\n{ x }', 'a:b', 'c'), 'a:b\n/c && (d)/\n{ x }');
  assert.equal(addPredicate('a:b\n/d/\n{ x }', 'a:b', 'c', /e/), 'a:b\n/d/\n{ x }');
});

test('the run program keeps the plan\'s lines, adds a ready BEGIN only when there is none, prints every interval', () => {
  const plan = presetPlan('syscall', { pid: null, command: false });
  const run = buildRunProgram(plan, 250, false);
  assert.ok(run.text.startsWith(plan.program));
  assert.equal(run.sourceLines, plan.program.split('\n').length);
  assert.ok(run.readyProbe);
  assert.match(run.text, /interval:ms:250\n\{\n\tprint\(@syscall_ns\);\n\tprintf\("heat-tracer-tui:tick\\n"\);\n\}\n$/);
  assert.ok(run.text.includes(JSON.stringify(READY_MARKER)) && run.text.includes(JSON.stringify(TICK_MARKER)));
  assert.doesNotMatch(run.text, /clear\(@syscall_ns\)/);
  const withBegin = buildRunProgram(btProgramPlan('BEGIN { @x = hist(1); }', 'b.bt'), 1000, false);
  assert.equal(withBegin.readyProbe, false);
  assert.equal(withBegin.text.match(/BEGIN/g)?.length, 1);
});

test('cpid becomes a same-length macro only when the tool runs the command', () => {
  const plan = presetPlan('syscall', { pid: null, command: true });
  const kept = buildRunProgram(plan, 1000, false);
  assert.ok(kept.usesCpid);
  assert.match(kept.text, /pid == cpid/);
  const rewritten = buildRunProgram(plan, 1000, true);
  assert.match(rewritten.text, new RegExp(`pid == ${CPID_MACRO}/`));
  assert.doesNotMatch(rewritten.text, /\bcpid\b/);
  assert.equal(rewritten.text.length, kept.text.length);
});
