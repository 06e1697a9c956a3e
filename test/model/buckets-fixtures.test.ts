//! Real bpftrace 0.17 `-f json` hist/lhist lines (test/fixtures/bpftrace/buckets-*.json, captured
//! from the .bt files beside them) converted to our buckets, compared with the *BucketOf functions
//! applied to the very values the capture printed before counting them.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  type BpftraceJsonBucket,
  type BucketBounds,
  fromBpftraceBuckets,
  fromInclusive,
  histBucketOf,
  lhistBucketOf,
  mergeBuckets,
  normalizeBuckets,
} from '../../src/model/buckets';
import type { Bucket } from '../../src/model/snapshot';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/bpftrace');

type Linear = { low: number; high: number; step: number };
/** How each captured map was declared in its .bt file. */
const MAPS: Record<string, { kind: 'hist' | 'lhist'; linear?: Linear }> = {
  h: { kind: 'hist' },
  a: { kind: 'lhist', linear: { low: 0, high: 63, step: 2 } },
  b: { kind: 'lhist', linear: { low: 10, high: 40, step: 10 } },
  c: { kind: 'lhist', linear: { low: 1, high: 10, step: 4 } },
  l: { kind: 'lhist', linear: { low: 0, high: 100, step: 10 } },
};

interface Capture {
  /** Values printed before counting: map → key → values. */
  inputs: Map<string, Map<string, number[]>>;
  /** The hist lines' arrays: map → key → entries ("" for a map without keys). */
  outputs: Map<string, Map<string, BpftraceJsonBucket[]>>;
}

/** Reads one fixture: printf lines "map [key] value" and the hist lines that follow. */
function parseCapture(text: string): Capture {
  const inputs = new Map<string, Map<string, number[]>>();
  const outputs = new Map<string, Map<string, BpftraceJsonBucket[]>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const msg = JSON.parse(line) as { type: string; data: unknown };
    if (msg.type === 'printf') {
      const parts = (msg.data as string).split(' ');
      const map = parts[0];
      const key = parts.length > 2 ? parts[1] : '';
      const keys = inputs.get(map) ?? new Map<string, number[]>();
      inputs.set(map, keys);
      keys.set(key, [...(keys.get(key) ?? []), Number(parts[parts.length - 1])]);
    } else if (msg.type === 'hist') {
      for (const [name, value] of Object.entries(msg.data as Record<string, unknown>)) {
        const byKey = Array.isArray(value) ? { '': value } : (value as Record<string, BpftraceJsonBucket[]>);
        outputs.set(name.replace(/^@/, ''), new Map(Object.entries(byKey) as [string, BpftraceJsonBucket[]][]));
      }
    }
  }
  return { inputs, outputs };
}

function bucketOf(map: string, v: number): BucketBounds {
  const m = MAPS[map];
  if (m.kind === 'hist') return histBucketOf(v);
  const { low, high, step } = m.linear as Linear;
  return lhistBucketOf(v, low, high, step);
}

function expected(map: string, values: number[]): Bucket[] {
  return normalizeBuckets(values.map((v) => ({ ...bucketOf(map, v), count: 1 })));
}

function load(name: string): Capture {
  return parseCapture(fs.readFileSync(path.join(FIXTURES, `buckets-${name}.json`), 'utf8'));
}

for (const name of ['hist', 'lhist', 'keyed']) {
  test(`bpftrace 0.17 ${name} lines convert to the buckets the *BucketOf functions give for the captured values`, () => {
    const cap = load(name);
    assert.ok(cap.outputs.size > 0, 'fixture has no hist lines');
    for (const [map, keys] of cap.inputs) {
      for (const [key, values] of keys) {
        const entries = cap.outputs.get(map)?.get(key);
        assert.ok(entries, `no output for @${map}[${key}]`);
        assert.deepEqual(fromBpftraceBuckets(MAPS[map].kind, entries, MAPS[map].linear), expected(map, values), `@${map}[${key}]`);
      }
    }
  });
}

test('bpftrace 0.17 lhist overflow edges are recovered from the bucket printed before them when the arguments are unknown', () => {
  const cap = load('lhist');
  for (const map of ['a', 'b', 'c']) {
    const entries = cap.outputs.get(map)?.get('') as BpftraceJsonBucket[];
    const values = cap.inputs.get(map)?.get('') as number[];
    assert.deepEqual(fromBpftraceBuckets('lhist', entries), expected(map, values), `@${map}`);
  }
});

test('bpftrace 0.17 mislabels its top hist bucket as {min: -2^31, max: 0} and its lhist overflow from max', () => {
  const top = load('hist').outputs.get('h')?.get('')?.at(-1);
  assert.deepEqual(top, { min: -(2 ** 31), max: 0, count: 3 });
  assert.deepEqual(fromBpftraceBuckets('hist', [top as BpftraceJsonBucket]), [{ lo: 2 ** 31, hi: null, count: 3 }]);
  const overflow = load('lhist').outputs.get('a')?.get('')?.at(-1);
  assert.deepEqual(overflow, { min: 63, count: 4 }, 'lhist(v, 0, 63, 2) overflow holds 62, 63, 64 and 1000');
  assert.deepEqual(lhistBucketOf(62, 0, 63, 2), { lo: 62, hi: null });
});

test('fromInclusive alone converts every correctly labelled bucket of the captures, empty ones included', () => {
  let checked = 0;
  for (const name of ['hist', 'lhist', 'keyed']) {
    for (const [map, keys] of load(name).outputs) {
      for (const entries of keys.values()) {
        entries.forEach((e, i) => {
          const isOverflow = e.max === undefined;
          const mislabelled = (MAPS[map].kind === 'hist' && e.min === -(2 ** 31)) || (MAPS[map].kind === 'lhist' && isOverflow);
          if (mislabelled) return;
          const got = fromInclusive(e.min ?? null, e.max ?? null, e.count);
          const edge = e.min ?? (e.max as number);
          assert.deepEqual({ lo: got.lo, hi: got.hi }, bucketOf(map, edge), `@${map} entry ${i}`);
          checked++;
        });
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} buckets checked`);
});

test('keyed captures merge across keys into the buckets of all their values', () => {
  const cap = load('keyed');
  for (const [map, keys] of cap.inputs) {
    const perKey = [...(cap.outputs.get(map) as Map<string, BpftraceJsonBucket[]>).values()].map((e) => fromBpftraceBuckets(MAPS[map].kind, e, MAPS[map].linear));
    assert.equal(perKey.length, keys.size);
    assert.deepEqual(mergeBuckets(perKey), expected(map, [...keys.values()].flat()), `@${map}`);
  }
});
