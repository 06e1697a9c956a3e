//! Tests of planning a user's .bt script: what it draws, what it is told when there is nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeatError } from '../../src/errors';
import { btProgramPlan, btScriptPlan, unitFromName } from '../../src/sources/bt-plan';
import { blankCommentsAndStrings, callsExit, findCpid, findMapAssignments, hasBeginProbe } from '../../src/sources/bt-scan';

function planError(text: string): HeatError {
  try {
    btProgramPlan(text, 'x.bt');
  } catch (err) {
    assert.ok(err instanceof HeatError);
    return err;
  }
  assert.fail('no error');
}

test('hist and lhist maps are found with their kinds, lhist bounds and name-given units', () => {
  const plan = btProgramPlan('#!/usr/bin/env bpftrace\nk:f { @usecs[comm, pid] = hist($x); @ = lhist($y, 0, 100, 0x10); @n = count(); }\n', 'a.bt');
  assert.deepEqual(Object.keys(plan.aggregations), ['@usecs', '@']);
  assert.equal(plan.aggregations['@usecs'].unit, 'us');
  assert.equal(plan.aggregations['@usecs'].kind, 'hist');
  assert.deepEqual(plan.aggregations['@'].linear, { low: 0, high: 100, step: 16 });
  assert.equal(plan.aggregations['@'].unit, null);
  assert.deepEqual(plan.warnings.map((w) => [w.code, w.line, w.column]), [['unit-from-name', 2, 7]]);
  assert.equal(plan.title, 'a.bt');
  assert.equal(plan.program.startsWith('#!'), true, 'the program runs unchanged');
});

test('an empty script, or one of comments only, is script-empty', () => {
  assert.equal(planError('').code, 'script-empty');
  assert.equal(planError('  // nothing\n/* at all */\n').code, 'script-empty');
});

test('a script without a histogram names the maps it found', () => {
  const err = planError('BEGIN { @calls[probe] = count(); @start[tid] = nsecs; @total++; }');
  assert.equal(err.code, 'script-no-histogram');
  assert.match(err.message, /@calls = count\(\)/);
  assert.match(err.message, /@start \(plain map\)/);
  assert.equal(planError('BEGIN { printf("@x = hist(1)"); }').code, 'script-no-histogram', 'strings are not code');
});

test('a missing file is a usage error', () => {
  assert.throws(() => btScriptPlan('/nonexistent/probe.bt'), (e: unknown) => e instanceof HeatError && e.code === 'script-not-found' && e.exitCode === 2);
});

test('the scanner sees BEGIN, exit(), cpid and assignments outside comments and strings', () => {
  const text = 'BEGIN { printf("cpid exit()"); } // cpid\nt:a:b /pid == cpid/ { @x[$cpid] = hist(1); exit(); }';
  const b = blankCommentsAndStrings(text);
  assert.equal(b.length, text.length);
  assert.equal(hasBeginProbe(b), true);
  assert.equal(hasBeginProbe(blankCommentsAndStrings('t:a:b { @x = hist(1); } // BEGIN {')), false);
  assert.equal(callsExit(b), true);
  assert.deepEqual(findCpid(b), [text.indexOf('cpid/')]);
  assert.deepEqual(findMapAssignments(b).map((u) => [u.map, u.func]), [['@x', 'hist']]);
  assert.equal(findMapAssignments(blankCommentsAndStrings('k:f { @a[@b[1]] = hist(2); if (@c == 1) {} }')).map((u) => u.map).join(), '@a');
});

test('units come from conventional map names only', () => {
  assert.deepEqual(['@ns', '@usecs', '@lat_ms', '@secs', '@bytes', '@status'].map(unitFromName), ['ns', 'us', 'ms', 's', null, null]);
});
