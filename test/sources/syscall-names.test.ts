//! Tests of the generated syscall tables and the name/number look-ups.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentArch, syscallLabel, syscallName, syscallNumber } from '../../src/sources/syscall-names';

test('x86_64 numbers match the kernel ABI for well-known syscalls', () => {
  const known: Array<[number, string]> = [[0, 'read'], [1, 'write'], [35, 'nanosleep'], [110, 'getppid'],
    [230, 'clock_nanosleep'], [257, 'openat'], [435, 'clone3']];
  for (const [nr, name] of known) {
    assert.equal(syscallName(nr, 'x86_64'), name);
    assert.equal(syscallNumber(name, 'x86_64'), nr);
  }
});

test('arm64 numbers come from the generic table with the 64-bit names', () => {
  const known: Array<[number, string]> = [[63, 'read'], [64, 'write'], [101, 'nanosleep'], [173, 'getppid'],
    [115, 'clock_nanosleep'], [56, 'openat'], [79, 'newfstatat'], [80, 'fstat'], [222, 'mmap'], [25, 'fcntl']];
  for (const [nr, name] of known) {
    assert.equal(syscallName(nr, 'arm64'), name);
    assert.equal(syscallNumber(name, 'aarch64'), nr);
  }
  assert.equal(syscallNumber('open', 'arm64'), undefined, 'arm64 has openat only');
  assert.equal(syscallNumber('fcntl64', 'arm64'), undefined, '32-bit names are not in a 64-bit table');
});

test('each table maps numbers and names one to one', () => {
  for (const arch of ['x86_64', 'arm64']) {
    for (let nr = 0; nr < 1000; nr++) {
      const name = syscallName(nr, arch);
      if (name !== undefined) assert.equal(syscallNumber(name, arch), nr, `${arch} ${name}`);
    }
  }
});

test('unknown numbers, names and architectures give undefined, and labels fall back to syscall_NNN', () => {
  assert.equal(syscallName(9999, 'x86_64'), undefined);
  assert.equal(syscallName(-1, 'x86_64'), undefined);
  assert.equal(syscallName(1.5, 'x86_64'), undefined);
  assert.equal(syscallName(0, 'mips'), undefined);
  assert.equal(syscallNumber('toString', 'x86_64'), undefined);
  assert.equal(syscallLabel(9999, 'x86_64'), 'syscall_9999');
  assert.equal(syscallLabel(110, 'x86_64'), 'getppid');
});

test('the current architecture is the default table', () => {
  const arch = currentArch();
  assert.equal(arch, process.arch === 'arm64' ? 'arm64' : 'x86_64');
  assert.equal(syscallName(syscallNumber('getppid') as number), 'getppid');
  assert.equal(syscallNumber('getppid'), syscallNumber('getppid', arch));
});
