//! Tests of the `bpftrace -f json` line parser, on lines captured from bpftrace 0.17 (Debian 12)
//! and on the newer shapes as bpftrace's src/output/json.cpp writes them (0.20+).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { aggregationName, parseBpftraceLine, splitKey, type BpftraceMessage } from '../../src/sources/bpftrace-json';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace');

function fixtureLines(name: string): string[] {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8').split('\n');
}

function find<T extends BpftraceMessage['type']>(msgs: BpftraceMessage[], type: T, map?: string): Extract<BpftraceMessage, { type: T }> {
  const m = msgs.find((x) => x.type === type && (map === undefined || ('map' in x && x.map === map)));
  assert.ok(m, `no ${type} ${map ?? ''}`);
  return m as Extract<BpftraceMessage, { type: T }>;
}

test('every line bpftrace 0.17 printed parses, blank lines of the exit dump included', () => {
  const msgs = fixtureLines('017-shapes.ndjson').map(parseBpftraceLine);
  assert.equal(msgs.filter((m) => m.type === 'other').length, 0);
  assert.ok(msgs.filter((m) => m.type === 'blank').length >= 2);
  assert.deepEqual(find(msgs, 'attached_probes'), { type: 'attached_probes', probes: 1 });
});

test('an unkeyed 0.17 hist keeps its underflow bucket without min and the mangled top bucket as printed', () => {
  const msgs = fixtureLines('017-shapes.ndjson').map(parseBpftraceLine);
  const h = find(msgs, 'hist', '@h');
  assert.equal(h.keyed, false);
  const buckets = h.keys[''];
  assert.deepEqual(buckets[0], { max: -1, count: 1 });
  assert.deepEqual(buckets[1], { min: 0, max: 0, count: 1 });
  assert.deepEqual(buckets[buckets.length - 1], { min: -(2 ** 31), max: 0, count: 2 });
});

test('an lhist overflow bucket has a min and no max', () => {
  const msgs = fixtureLines('017-shapes.ndjson').map(parseBpftraceLine);
  const l = find(msgs, 'hist', '@l').keys[''];
  assert.deepEqual(l[l.length - 1], { min: 63, count: 2 });
});

test('keyed hists, count maps with string and tuple keys, scalars and stats keep their keys', () => {
  const msgs = fixtureLines('017-shapes.ndjson').map(parseBpftraceLine);
  const kh = find(msgs, 'hist', '@kh');
  assert.equal(kh.keyed, true);
  assert.deepEqual(Object.keys(kh.keys).sort(), ['1', '22']);
  assert.deepEqual(kh.keys['1'], [{ min: 4, max: 7, count: 2 }]);
  assert.deepEqual(find(msgs, 'map', '@c').keys, { cat: 1, 'a,b': 1 });
  assert.deepEqual(find(msgs, 'map', '@t').keys, { '7,sh': 1 });
  const s = find(msgs, 'map', '@s');
  assert.equal(s.keyed, false);
  assert.deepEqual(s.keys, { '': 42 });
  assert.deepEqual(find(msgs, 'stats', '@st').keys, { '': { count: 2, average: 15, total: 30 } });
  assert.deepEqual(find(msgs, 'stats', '@kst').keys, { x: { count: 1, average: 3, total: 3 } });
});

test('printf and time lines keep their text with escapes decoded', () => {
  const msgs = fixtureLines('017-shapes.ndjson').map(parseBpftraceLine);
  assert.deepEqual(find(msgs, 'text'), { type: 'text', kind: 'printf', text: 'hello "quoted" \t tab\n' });
  assert.ok(msgs.some((m) => m.type === 'text' && m.kind === 'time' && m.text === '2025\n'));
});

test('lost_events lines of 0.17 and of newer versions give the event count', () => {
  const msgs = fixtureLines('017-lost-events.ndjson').map(parseBpftraceLine);
  assert.deepEqual(msgs.filter((m) => m.type === 'lost_events'), [{ type: 'lost_events', events: 946 }, { type: 'lost_events', events: 3 }]);
  assert.deepEqual(parseBpftraceLine('{"type":"lost_events", "count":12}'), { type: 'lost_events', events: 12 });
  assert.deepEqual(parseBpftraceLine('{"type":"attached_probes", "count":3}'), { type: 'attached_probes', probes: 3 });
});

test('newer hist arrays (unspaced, huge integers as strings) parse like 0.17 ones', () => {
  const line = '{"type": "hist", "data": {"@x": [{"max": -1, "count": 2},{"min": 0, "max": 0, "count": 1},{"min": 4611686018427387904, "max": "9223372036854775807", "count": "5"}]}}';
  const m = parseBpftraceLine(line);
  assert.equal(m.type, 'hist');
  if (m.type !== 'hist') return;
  assert.deepEqual(m.keys[''][2], { min: 2 ** 62, max: 2 ** 63, count: 5 });
});

test('newer keyed hists and tuple-keyed maps parse', () => {
  const h = parseBpftraceLine('{"type": "hist", "data": {"@lat": {"read": [{"min": 2, "max": 3, "count": 7}], "write": [{"min": 1024, "max": 2047, "count": 1}]}}}');
  assert.ok(h.type === 'hist' && h.keyed && h.keys.read[0].count === 7);
  const m = parseBpftraceLine('{"type": "map", "data": {"@c": {"1,bash": 3, "2,sh": 4}}}');
  assert.ok(m.type === 'map' && m.keyed);
  if (m.type === 'map') assert.deepEqual(m.keys, { '1,bash': 3, '2,sh': 4 });
});

test('runtime errors of every vintage become one message type', () => {
  const old = parseBpftraceLine('{"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 3, "col": 5}');
  assert.deepEqual(old, { type: 'runtime_error', message: 'helper map_update_elem failed (-7)', line: 3, column: 5 });
  const neu = parseBpftraceLine('{"type": "helper_error", "msg": "Argument list too long", "helper": "map_update_elem", "retcode": -7, "filename": "a.bt", "line": 3, "col": 5}');
  assert.deepEqual(neu, { type: 'runtime_error', message: 'Argument list too long', line: 3, column: 5 });
});

test('non-JSON lines, unknown types and malformed maps are "other", never an exception', () => {
  for (const line of ['Attaching 1 probe...', '{"type": "tseries", "data": {}}', '{"type": "hist", "data": {"@x": [{"min": 1}]}}', '[1,2]', '{"type": 3}']) {
    assert.equal(parseBpftraceLine(line).type, 'other', line);
  }
  assert.equal(parseBpftraceLine('   ').type, 'blank');
});

test('map keys split on commas, giving surplus commas to the last part', () => {
  assert.deepEqual(splitKey('218,cat'), ['218', 'cat']);
  assert.deepEqual(splitKey('7,a,b', 2), ['7', 'a,b']);
  assert.deepEqual(splitKey(''), []);
  assert.equal(aggregationName('@lat'), 'lat');
  assert.equal(aggregationName('@'), '');
});
