import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../src/cli';
import { HeatError } from '../src/errors';

const io = { out: () => {}, isTTY: true };
const argv = (...a: string[]) => ['node', 'heat-tracer-tui', ...a];

function usage(args: string[]): HeatError {
  try {
    parseArgs(argv(...args), io);
  } catch (err) {
    assert.ok(err instanceof HeatError, `expected HeatError, got ${err}`);
    return err;
  }
  assert.fail(`no error for ${args.join(' ')}`);
}

test('no options runs the syscall preset with the default interval and history', () => {
  const r = parseArgs(argv(), io);
  assert.equal(r.kind, 'run');
  if (r.kind !== 'run') return;
  assert.deepEqual(r.config.source, { kind: 'preset', preset: 'syscall' });
  assert.equal(r.config.intervalMs, 1000);
  assert.equal(r.config.headless, false);
  assert.equal(r.config.colorScale, 'rank');
});

test('demo, replay and scripts become their source modes', () => {
  const d = parseArgs(argv('--demo', '--seed', '7'), io);
  assert.ok(d.kind === 'run' && d.config.source.kind === 'demo' && d.config.source.seed === 7);
  const r = parseArgs(argv('--replay', 'x.jsonl', '--speed', '4'), io);
  assert.ok(r.kind === 'run' && r.config.source.kind === 'replay' && r.config.source.speed === 4);
  const s = parseArgs(argv('-s', 'probe.d', 'foo', '42'), io);
  assert.ok(s.kind === 'run' && s.config.source.kind === 'script' && s.config.source.lang === 'd');
  assert.ok(s.kind === 'run' && s.config.scriptArgs.join(' ') === 'foo 42');
  const b = parseArgs(argv('--script', 'x.txt', '--lang', 'bt'), io);
  assert.ok(b.kind === 'run' && b.config.source.kind === 'script' && b.config.source.lang === 'bt');
});

test('stdout that is not a terminal means headless', () => {
  const r = parseArgs(argv('--demo'), { ...io, isTTY: false });
  assert.ok(r.kind === 'run' && r.config.headless);
});

test('usage errors exit 2 and name the flag', () => {
  const cases: Array<[string[], string, RegExp]> = [
    [['--interval', 'abc'], 'bad-interval', /--interval/],
    [['--interval', '5'], 'bad-interval', /--interval/],
    [['--duration', '-1'], 'bad-number', /--duration/],
    [['--history', '0'], 'bad-number', /--history/],
    [['--palette', 'pink'], 'bad-choice', /--palette/],
    [['--color-scale', 'cubic'], 'bad-choice', /--color-scale/],
    [['--unit', 'hours'], 'bad-choice', /--unit/],
    [['--bogus'], 'unknownOption', /--bogus/],
    [['--demo', '--replay', 'x'], 'conflicting-sources', /--demo and --replay/],
    [['--script', 'noext'], 'unknown-language', /noext/],
    [['--demo', '-p', '12'], 'target-without-tracer', /--pid/],
    [['-p', '1', '-c', 'ls'], 'conflicting-targets', /--pid/],
    [['--speed', '2'], 'speed-without-replay', /--speed/],
    [['--demo', 'extra'], 'unexpected-argument', /extra/],
    [['--demo', '--print-program'], 'print-program-without-program', /--print-program/],
  ];
  for (const [args, code, re] of cases) {
    const err = usage(args);
    assert.equal(err.exitCode, 2, args.join(' '));
    assert.equal(err.code, code, args.join(' '));
    assert.match(err.message, re);
  }
});

test('help and version are answered without running anything', () => {
  const h = parseArgs(argv('--help'), io);
  assert.equal(h.kind, 'done');
  assert.ok(h.kind === 'done' && /Examples:/.test(h.text) && /--script <file>/.test(h.text));
  const v = parseArgs(argv('-V'), io);
  assert.ok(v.kind === 'done' && /^\d+\.\d+\.\d+/.test(v.text));
});

test('aggregation names are accepted with or without the @', () => {
  const r = parseArgs(argv('--demo', '--aggregation', '@time'), io);
  assert.ok(r.kind === 'run' && r.config.aggregation === 'time');
});
