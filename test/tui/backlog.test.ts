import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { VirtualTerminal } from './virtual-terminal';
import { assertHeatMatches, drawn, lastFrame, quantizeSnapshot, quit, startApp } from './app-harness';

/**
 * A terminal behind a link that has stopped moving: writes are accepted but not acknowledged
 * (they count in writableLength) until release(), then everything flows into `vt`.
 */
function stalledLink(vt: VirtualTerminal, cols: number, rows: number) {
  const held: Array<[string, () => void]> = [];
  let flowing = false;
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      const text = chunk.toString();
      if (flowing) {
        vt.output.write(text);
        cb();
      } else held.push([text, cb]);
    },
  });
  return {
    output: Object.assign(stream, { isTTY: true, columns: cols, rows }),
    release(): void {
      flowing = true;
      for (const [text, cb] of held.splice(0)) {
        vt.output.write(text);
        cb();
      }
    },
  };
}

/** An interval with data on many rows, so a palette change recolours much of the screen. */
function busy(i: number) {
  return quantizeSnapshot((i + 1) * 1000, [
    [1024, 2048, 10 + (i % 7)],
    [4096, 8192, 30],
    [65536, 131072, 20 + (i % 3)],
    [1 << 20, 1 << 21, 10],
  ]);
}

test('a stalled terminal makes the loop drop frames, never data, and it catches up once the link moves', { timeout: 30_000 }, async () => {
  const cols = 200;
  const rows = 60;
  const vt = new VirtualTerminal(cols, rows);
  const link = stalledLink(vt, cols, rows);
  const h = await startApp({ cols, rows, output: link.output });
  const screen = h.app.screenForTests!;
  const pushes = 80;
  const paintsAt: number[] = [];
  for (let i = 0; i < pushes; i++) {
    h.source.push(busy(i));
    // A new palette every interval: every frame is a heavy one.
    h.vt.type('c');
    await new Promise((r) => setTimeout(r, 2));
    paintsAt.push(screen.stats.paints);
  }
  assert.equal(h.app.model.totalPushed, pushes, 'every interval reached the model');
  assert.ok(screen.backlog() > 256 * 1024, `the stalled link holds ${screen.backlog()} bytes`);
  const last = paintsAt[paintsAt.length - 1];
  assert.ok(last < pushes, `${last} frames were drawn for ${pushes} intervals`);
  assert.equal(paintsAt[paintsAt.length - 20], last, 'no frame was drawn in the last 20 intervals: the backlog stayed over the bound');
  // The link moves again: the loop draws the newest picture on its next try.
  link.release();
  const deadline = Date.now() + 5000;
  while (screen.stats.paints === last && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(screen.stats.paints > last, 'drawing resumed');
  await drawn(vt);
  await vt.settle();
  assert.equal(lastFrame(h).heat.endSeq, pushes - 1, 'the newest interval is drawn');
  assertHeatMatches(vt, lastFrame(h), 'truecolor');
  // Keys still go in through the harness's input.
  assert.equal(await quit(h), 0);
});
