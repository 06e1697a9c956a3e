//! Tests for value formatting with time units and duration parsing (model/units.ts).

import test from 'node:test';
import assert from 'node:assert/strict';
import { formatValue, parseDuration } from '../../src/model/units';
import { HeatError } from '../../src/errors';

test('nanosecond values pick the unit that keeps them at or above one', () => {
  assert.equal(formatValue(512, 'ns'), '512ns');
  assert.equal(formatValue(1500, 'ns'), '1.5µs');
  assert.equal(formatValue(12e6, 'ns'), '12ms');
  assert.equal(formatValue(2.1e9, 'ns'), '2.1s');
});

test('values keep three significant digits and drop trailing zeros', () => {
  assert.equal(formatValue(1024, 'ns'), '1.02µs');
  assert.equal(formatValue(2048, 'ns'), '2.05µs');
  assert.equal(formatValue(2000, 'ns'), '2µs');
  assert.equal(formatValue(123456, 'ns'), '123µs');
});

test('a value that rounds up to a thousand moves to the next unit', () => {
  assert.equal(formatValue(999.7, 'ns'), '1µs');
  assert.equal(formatValue(999.7, 'us'), '1ms');
});

test('values in other units are converted before choosing', () => {
  assert.equal(formatValue(1500, 'us'), '1.5ms');
  assert.equal(formatValue(0.25, 'ms'), '250µs');
  assert.equal(formatValue(90, 's'), '90s');
  assert.equal(formatValue(3600, 's'), '3600s');
});

test('zero keeps its unit and values below a nanosecond stay in nanoseconds', () => {
  assert.equal(formatValue(0, 'us'), '0µs');
  assert.equal(formatValue(0, 'ns'), '0ns');
  assert.equal(formatValue(0.5, 'ns'), '0.5ns');
});

test('values without a unit are raw numbers, with SI suffixes when large', () => {
  assert.equal(formatValue(63, null), '63');
  assert.equal(formatValue(-8, null), '-8');
  assert.equal(formatValue(9999, null), '9999');
  assert.equal(formatValue(12345, null), '12.3k');
  assert.equal(formatValue(1048576, null), '1.05M');
  assert.equal(formatValue(999999, null), '1M');
});

test('durations parse into nanoseconds for every unit spelling', () => {
  assert.equal(parseDuration('10ms'), 10e6);
  assert.equal(parseDuration('1.5us'), 1500);
  assert.equal(parseDuration('250µs'), 250e3);
  assert.equal(parseDuration('250μs'), 250e3);
  assert.equal(parseDuration('2s'), 2e9);
  assert.equal(parseDuration('500ns'), 500);
  assert.equal(parseDuration(' 3 ms '), 3e6);
});

test('a duration without a unit or with garbage is a usage error', () => {
  for (const bad of ['10', 'ms', '10 parsecs', '-5ms', '', '1e3ns']) {
    assert.throws(
      () => parseDuration(bad),
      (err: unknown) => err instanceof HeatError && err.code === 'bad-duration' && err.exitCode === 2,
      bad,
    );
  }
});
