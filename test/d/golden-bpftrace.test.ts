//! Every golden translation is a program real bpftrace accepts and attaches: each one is run with
//! `-c /bin/true`, so it loads, attaches, and ends when true does. Needs root and bpftrace.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { resolveExecutable } from '../../src/sources/held-command';
import { goldenCases, goldenPaths } from './golden-cases';

const bpftrace = resolveExecutable('bpftrace');
const skip = process.geteuid?.() !== 0 ? 'needs root: bpftrace must load programs' : bpftrace === null ? 'needs bpftrace in PATH' : null;

for (const c of goldenCases()) {
  test(`bpftrace accepts and attaches the ${c.name} translation`, (t) => {
    if (skip) return t.skip(skip);
    const file = goldenPaths(c).bt;
    const run = spawnSync(bpftrace as string, ['-c', '/bin/true', file], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, BPFTRACE_MAP_KEYS_MAX: '16384' },
    });
    const errors = run.stderr.split('\n').filter((l) => /ERROR|error:/i.test(l) && !/RLIMIT_MEMLOCK/.test(l));
    assert.deepEqual(errors, [], run.stderr);
    assert.equal(run.status, 0, `${fs.readFileSync(file, 'utf8')}\n${run.stderr}`);
    assert.match(run.stdout, /Attaching \d+ probes?/);
  });
}
