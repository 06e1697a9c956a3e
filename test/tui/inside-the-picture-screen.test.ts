import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '../../src/model/snapshot';
import { assertHeatMatches, assertTextMatches, drawn, lastFrame, pushColumns, quit, startApp, type Harness } from './app-harness';

/** Three keys: read (fast, many), write (fast, fewer), open (slow, few). */
function keyed(t: number): Snapshot {
  return {
    t,
    lost: 0,
    aggregations: {
      lat: {
        kind: 'quantize',
        unit: 'ns',
        keys: {
          read: [{ lo: 1024, hi: 2048, count: 100 }],
          write: [{ lo: 1024, hi: 2048, count: 40 }, { lo: 2048, hi: 4096, count: 10 }],
          open: [{ lo: 65536, hi: 131072, count: 5 }],
        },
      },
    },
  };
}

async function pushKeyed(h: Harness, n: number): Promise<void> {
  const first = h.app.model.totalPushed + 1;
  for (let i = 0; i < n; i++) h.source.push(keyed((first + i) * 1000));
  await drawn(h.vt);
}

const press = async (h: Harness, ...keys: string[]) => {
  for (const k of keys) {
    h.vt.type(k);
    await drawn(h.vt);
  }
};
const screenText = (h: Harness) => Array.from({ length: lastFrame(h).rows }, (_, y) => h.vt.line(y)).join('\n');
const ESC = '\x1b';
const DOWN = '\x1b[B';
const LEFT = '\x1b[D';

test('the key panel lists keys by events in view, and isolating one redraws only its events', async () => {
  const h = await startApp({ cols: 100, rows: 24 });
  await pushKeyed(h, 5);
  await press(h, 'k');
  const lines = screenText(h).split('\n');
  const order = ['read', 'write', 'open'].map((k) => lines.findIndex((l) => new RegExp(`│ +${k} +\\d`).test(l)));
  assert.ok(order.every((i) => i > 0) && order[0] < order[1] && order[1] < order[2], `keys sorted by events: ${order}`);
  assert.match(lines.find((l) => /│ +read /.test(l))!, /read +500 +65%/);
  await press(h, DOWN, 'i');
  assert.match(h.vt.line(0), /— write \(1 of 3 keys\)/);
  assert.match(h.vt.line(23), /^every 1s │ 50 events/);
  assertHeatMatches(h.vt, lastFrame(h), h.depth);
  assertTextMatches(h.vt, lastFrame(h));
  // Exclude open instead: all but open.
  await press(h, '*', DOWN, 'x');
  assert.match(h.vt.line(0), /— all but open \(2 of 3 keys\)/);
  assert.match(h.vt.line(23), /^every 1s │ 150 events/);
  await press(h, '/', 'o', 'p');
  assert.match(screenText(h), /\/op/);
  assert.doesNotMatch(screenText(h), /│ +read +\d/);
  assert.match(screenText(h), /│ ✗ open +\d/);
  await press(h, '\r', '*');
  assert.doesNotMatch(h.vt.line(0), /keys\)/);
  assert.equal(await quit(h), 0);
});

test('enter opens the cell breakdown with range, count, share and keys; esc restores the heat area exactly', async () => {
  const h = await startApp({ cols: 100, rows: 24 });
  await pushKeyed(h, 5);
  const before = lastFrame(h);
  // Put the cursor on the fast bucket's row: the lowest latency row of the fitted axis.
  await press(h, LEFT);
  for (let i = 0; i < 40; i++) h.vt.type('\x1b[B');
  await drawn(h.vt);
  await press(h, '\r');
  const text = screenText(h);
  assert.match(text, /─ cell /);
  assert.match(text, /range +1.02µs – 2.05µs/);
  assert.match(text, /count +140 of 155/);
  assert.match(text, /share +90\.3% of column/);
  assert.match(text, /read +100 +71\.4%/);
  assert.match(text, /write +40 +28\.6%/);
  await press(h, ESC, ESC);
  assertHeatMatches(h.vt, lastFrame(h), h.depth);
  assert.equal(lastFrame(h).help, null);
  assert.equal(before.heat.width, lastFrame(h).heat.width);
  assert.equal(await quit(h), 0);
});

test('--slo draws a red line across the heat area and the status line gives the share above it', async () => {
  const h = await startApp({ cols: 100, rows: 24, config: { sloNs: 10_000 } });
  await pushColumns(h, 6);
  const f = lastFrame(h);
  assertHeatMatches(h.vt, f, h.depth);
  const red = (c: { fg: number; bg: number; fgMode: string; bgMode: string; ch: string }) => (c.fgMode === 'rgb' && c.fg === 0xff0000) || (c.bgMode === 'rgb' && c.bg === 0xff0000);
  const redRows = new Set<number>();
  for (let y = 0; y < f.heat.height; y++) {
    let n = 0;
    for (let x = 0; x < f.heat.width; x++) if (red(h.vt.cell(f.heat.x + x, f.heat.y + y))) n++;
    if (n > 0) {
      assert.equal(n, f.heat.width, 'the line spans every column, with or without data');
      redRows.add(y);
    }
  }
  assert.equal(redRows.size, 1);
  // HOT_AND_COOL: 100 events at 1–2 µs, 3 at 64–128 µs: 3 of 103 lie above 10 µs.
  assert.match(h.vt.line(23), />10µs: 2\.9% now, 2\.9% in view/);
  await press(h, 't');
  assert.doesNotMatch(h.vt.line(23), />10µs/);
  assert.equal(await quit(h), 0);
});

test('paused, PgUp and Home scroll back through the whole ring and the x-axis shows wall-clock times', async () => {
  const h = await startApp({ cols: 80, rows: 24 });
  await pushColumns(h, 300);
  await press(h, 'p');
  const width = lastFrame(h).heat.width;
  assert.equal(lastFrame(h).heat.endSeq, 299);
  await press(h, '\x1b[5~');
  assert.equal(lastFrame(h).heat.endSeq, 299 - width);
  assert.match(h.vt.line(lastFrame(h).heat.y + lastFrame(h).heat.height), /\d\d:\d\d:\d\d/);
  await press(h, '\x1b[1~');
  assert.equal(lastFrame(h).heat.endSeq, width - 1);
  await press(h, LEFT);
  assert.equal(lastFrame(h).heat.endSeq, width - 1, 'no further back than the oldest column');
  await press(h, '\x1b[4~');
  assert.equal(lastFrame(h).heat.endSeq, 299);
  assert.match(h.vt.line(lastFrame(h).heat.y + lastFrame(h).heat.height), /now/);
  assert.equal(await quit(h), 0);
});
