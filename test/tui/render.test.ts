import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heatmap } from '../../src/model/heatmap';
import type { Snapshot } from '../../src/model/snapshot';
import { heatLayout, render, type RenderContext } from '../../src/tui/render';
import { initialViewState, reduce } from '../../src/tui/view-state';

const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  cols: 80,
  rows: 24,
  depth: 'truecolor',
  title: 'test latency',
  intervalMs: 1000,
  unit: null,
  message: null,
  messageIsError: false,
  lostTotal: 0,
  ...over,
});

function snapshot(t: number, buckets: Array<[number, number, number]>): Snapshot {
  return { t, lost: 0, aggregations: { lat: { kind: 'quantize', unit: 'ns', keys: { k: buckets.map(([lo, hi, count]) => ({ lo, hi, count })) } } } };
}

function model(columns: number): Heatmap {
  const h = new Heatmap(1000);
  for (let i = 0; i < columns; i++) h.push(snapshot((i + 1) * 1000, [[1024, 2048, 10 + i], [1 << 20, 1 << 21, 1]]));
  return h;
}

const textAt = (f: ReturnType<typeof render>, y: number) => f.text.filter((r) => r.y === y).map((r) => r.text).join('');

test('the newest column is drawn at the right edge and empty history stays blank', () => {
  const f = render(model(3), initialViewState({ colourScale: 'rank', palette: 'heat' }), ctx());
  const { width, height } = f.heat;
  const colHasInk = (x: number) => {
    for (let y = 0; y < height; y++) if (f.heat.cells[y * width + x].ch !== ' ') return true;
    return false;
  };
  assert.ok(colHasInk(width - 1) && colHasInk(width - 3));
  assert.ok(!colHasInk(width - 4));
  assert.ok(!colHasInk(0));
});

test('a cell is an upper half block whose colours are the two latency rows', () => {
  const f = render(model(1), initialViewState({ colourScale: 'rank', palette: 'heat' }), ctx());
  const inked = f.heat.cells.filter((c) => c.ch !== ' ');
  assert.ok(inked.length >= 2);
  for (const c of inked) {
    assert.ok(c.ch === '▀' || c.ch === '▄');
    if (c.ch === '▀') assert.notEqual(c.fg, -1);
    if (c.ch === '▄') assert.equal(c.bg, -1);
  }
});

test('NO_COLOR draws a glyph ramp, one latency row per screen row', () => {
  const f = render(model(2), initialViewState({ colourScale: 'rank', palette: 'heat' }), ctx({ depth: 'none' }));
  const glyphs = new Set(f.heat.cells.map((c) => c.ch));
  for (const g of glyphs) assert.match(g, /^[ ░▒▓█]$/);
  assert.ok(glyphs.size > 1);
  assert.equal(heatLayout(80, 24, 'none').latencyRows, heatLayout(80, 24, 'none').height);
});

test('the title, y-axis labels with units, legend and status line are all there', () => {
  const f = render(model(5), initialViewState({ colourScale: 'rank', palette: 'heat' }), ctx({ lostTotal: 3 }));
  assert.match(textAt(f, 0), /test latency @lat/);
  const labels = f.text.filter((r) => r.x === 0 && r.y > 0 && r.y < f.rows - 3).map((r) => r.text.trim());
  assert.ok(labels.some((l) => /µs$/.test(l)), labels.join(','));
  assert.match(textAt(f, f.rows - 2), /rank/);
  const status = textAt(f, f.rows - 1);
  assert.match(status, /every 1s/);
  assert.match(status, /15 events/);
  assert.match(status, /lost 3/);
  assert.match(status, /p50 .*µs p99 /);
});

test('pausing shows PAUSED with the count of columns arrived since', () => {
  const h = model(5);
  const v = reduce(initialViewState({ colourScale: 'rank', palette: 'heat' }), 'pause', { newestSeq: 4, heatColumns: 71, latencyRows: 40, defaultAxisMode: 'log' });
  const frozen = render(h, v, ctx());
  h.push(snapshot(6000, [[1 << 25, 1 << 26, 100]]));
  h.push(snapshot(7000, [[1 << 25, 1 << 26, 100]]));
  const after = render(h, v, ctx());
  assert.match(textAt(after, after.rows - 1), /PAUSED \(\+2 new\)/);
  assert.deepEqual(after.heat.cells, frozen.heat.cells);
});

test('the cursor readout says the time, the range, the count and its share of the column', () => {
  let v = initialViewState({ colourScale: 'rank', palette: 'heat' });
  const layout = heatLayout(80, 24, 'truecolor');
  const c = { newestSeq: 2, heatColumns: layout.width, latencyRows: layout.latencyRows, defaultAxisMode: 'log' as const };
  v = reduce(v, 'cursorLeft', c);
  const h = model(3);
  // Walk the cursor down until it sits on a counted row.
  let status = '';
  for (let i = 0; i < layout.latencyRows; i++) {
    status = textAt(render(h, v, ctx()), 23);
    if (/count [1-9]/.test(status)) break;
    v = reduce(v, 'cursorDown', c);
  }
  assert.match(status, /cursor now .* – .* count \d+ \(\d+\.\d% of column\)/);
});

test('a terminal too small for a heatmap says so instead of drawing garbage', () => {
  const f = render(model(1), initialViewState({ colourScale: 'rank', palette: 'heat' }), ctx({ cols: 20, rows: 5 }));
  assert.match(f.text[0].text, /too small/);
  assert.equal(f.heat.cells.length, 0);
});

test('help is generated from the key table when asked for', () => {
  const v = { ...initialViewState({ colourScale: 'rank', palette: 'heat' }), showHelp: true };
  const f = render(model(1), v, ctx());
  assert.ok(f.help && f.help.some((l) => /pause/.test(l)));
});
