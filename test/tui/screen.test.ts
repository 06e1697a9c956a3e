import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAnsi16, toXterm256, rampForDepth, type ColourDepth, type RGB } from '../../src/tui/palette';
import {
  assertHeatMatches,
  assertTextMatches,
  drawn,
  heatOnTerminal,
  lastFrame,
  pushColumns,
  quit,
  startApp,
  terminalModes,
  type Harness,
} from './app-harness';
import type { CellView } from './virtual-terminal';

const hex = ([r, g, b]: RGB) => (r << 16) | (g << 8) | b;

/** The colours (as xterm reports them at a depth) of steps 1..16 of a palette. */
function rampOnTerminal(palette: 'heat' | 'viridis' | 'grey', depth: ColourDepth): number[] {
  const ramp = rampForDepth(palette, depth);
  if (depth === 'truecolor') return ramp.map(hex);
  return ramp.map((c) => (depth === '256' ? toXterm256(c) : toAnsi16(c)));
}

/** Cells of one heat column, top to bottom, as the terminal shows them. */
function heatColumn(h: Harness, back: number): CellView[] {
  const f = lastFrame(h);
  const x = f.heat.x + f.heat.width - 1 - back;
  return Array.from({ length: f.heat.height }, (_, y) => h.vt.cell(x, f.heat.y + y));
}

/** Colours a column shows (▀: fg upper half, bg lower half; ▄: fg lower half), top first. */
function halfColours(cells: CellView[]): number[] {
  const out: number[] = [];
  for (const c of cells) {
    if (c.ch === '▀') out.push(c.fg, c.bg);
    else if (c.ch === '▄') out.push(-1, c.fg);
    else out.push(-1, -1);
  }
  return out;
}

const statusLine = (h: Harness) => h.vt.line(lastFrame(h).rows - 1);
const legendLine = (h: Harness) => h.vt.line(lastFrame(h).rows - 2);
const labelColumn = (h: Harness) => Array.from({ length: lastFrame(h).heat.height }, (_, y) => h.vt.line(1 + y).slice(0, 9)).join('|');

for (const depth of ['truecolor', '256', '16'] as const) {
  test(`at colour depth ${depth} heat cells are half blocks in the ramp's colours and empty cells keep the default background`, async () => {
    const h = await startApp({ depth });
    await pushColumns(h, 5);
    const f = lastFrame(h);
    assertHeatMatches(h.vt, f, depth);
    const ramp = rampOnTerminal('heat', depth);
    const mode = depth === 'truecolor' ? 'rgb' : 'palette';
    const newest = heatColumn(h, 0);
    for (const c of newest) {
      if (c.ch === ' ') assert.equal(c.bgMode, 'default');
      else assert.match(c.ch, /^[▀▄]$/);
      if (c.ch !== ' ') assert.equal(c.fgMode, mode);
    }
    // Top to bottom: the cool bucket (lowest step) from the top row, where the fitted axis ends
    // (no empty octave above data ending on a power of two), background, then the hot one (top
    // step) down to the bottom row, where the fitted axis starts.
    const halves = halfColours(newest).filter((c, i, all) => i === 0 || c !== all[i - 1]);
    assert.deepEqual(halves, [ramp[0], -1, ramp[ramp.length - 1]]);
    // Before the first column there is no data: blank cells on the default background.
    for (const c of heatColumn(h, 5)) assert.deepEqual([c.ch, c.bgMode], [' ', 'default']);
    assert.equal(await quit(h), 0);
  });
}

test('NO_COLOR draws the glyph ramp with no colour at all', async () => {
  const h = await startApp({ depth: 'none' });
  await pushColumns(h, 3);
  assertHeatMatches(h.vt, lastFrame(h), 'none');
  const newest = heatColumn(h, 0);
  const glyphs = newest.map((c) => c.ch).filter((c, i, all) => i === 0 || c !== all[i - 1]);
  assert.deepEqual(glyphs, ['░', ' ', '█']);
  for (let y = 0; y < h.vt.term.rows; y++) {
    for (let x = 0; x < h.vt.term.cols; x++) {
      const c = h.vt.cell(x, y);
      assert.deepEqual([c.fgMode, c.bgMode], ['default', 'default'], `cell (${x}, ${y}) has no colour`);
    }
  }
  assert.equal(await quit(h), 0);
});

test('the frame around the heat area shows unit labels, seconds ago, legend swatches and the status line', async () => {
  const h = await startApp({ depth: '256', cols: 100, rows: 30 });
  await pushColumns(h, 12);
  const f = lastFrame(h);
  assertTextMatches(h.vt, f);
  assert.equal(h.vt.line(0), 'heat-tracer-tui — scripted latency @lat', 'the key hints need 123 columns');
  // y-axis: a value with a unit on every other row, rising towards the top.
  const labels = labelColumn(h).split('|').map((s) => s.trim()).filter((s) => s !== '');
  assert.ok(labels.length >= f.heat.height / 2 - 1);
  const ns = labels.map((l) => {
    const m = /^([\d.]+)(ns|µs|ms|s)$/.exec(l);
    assert.ok(m, `label ${JSON.stringify(l)} has a unit`);
    return Number(m[1]) * { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns'];
  });
  for (let i = 1; i < ns.length; i++) assert.ok(ns[i] < ns[i - 1], `labels fall downwards: ${labels.join(' ')}`);
  // x-axis: 'now' ends at the right edge, '-10s' ends at the column ten intervals back.
  const xAxis = h.vt.line(f.heat.y + f.heat.height);
  assert.ok(xAxis.endsWith('now'));
  const tenBack = f.heat.x + f.heat.width - 1 - 10;
  assert.equal(xAxis.slice(tenBack - 3, tenBack + 1), '-10s');
  // Legend: linear scale at p99, each swatch in its step's colour (blessed's 256 colours), ranges rising.
  const legend = legendLine(h);
  assert.match(legend, /^linear ≤p99 ██\d+(-\d+)? /);
  const ramp = rampOnTerminal('heat', '256');
  const swatches: number[] = [];
  for (let x = 0; x < legend.length; x++) if (legend[x] === '█' && legend[x + 1] === '█') swatches.push(h.vt.cell(x, f.rows - 2).fg);
  assert.ok(swatches.length >= 4, 'several swatches fit in 100 columns');
  assert.deepEqual([swatches[0], swatches[swatches.length - 1]], [ramp[0], ramp[15]], 'the first and the saturated step are shown');
  let at = 0;
  for (const s of swatches) {
    at = ramp.indexOf(s, at);
    assert.ok(at >= 0, `swatches follow the ramp in order: ${swatches.join(',')}`);
  }
  assert.match(legend, /██94-100$/, 'the top step runs up to the largest count');
  // Status: interval, events in the newest column, its percentiles, lost events.
  assert.match(statusLine(h), /^every 1s │ 103 events │ p50 [\d.]+µs p99 [\d.]+µs │ 103 ev\/s │ lost 0 +\? help$/);
  assert.equal(await quit(h), 0);
});

test('in truecolor the legend swatches have the exact colours of the heat cells, not 256-colour neighbours', async () => {
  const h = await startApp({ depth: 'truecolor', cols: 160, rows: 30 });
  await pushColumns(h, 3);
  const f = lastFrame(h);
  const legend = legendLine(h);
  const ramp = rampOnTerminal('heat', 'truecolor');
  const swatches: CellView[] = [];
  for (let x = 0; x < legend.length; x++) if (legend[x] === '█' && legend[x + 1] === '█') swatches.push(h.vt.cell(x, f.rows - 2));
  assert.equal(swatches.length, 16, 'one swatch per step at 160 columns');
  assert.deepEqual(swatches.map((c) => [c.fgMode, c.fg]), ramp.map((c) => ['rgb', c]));
  assertTextMatches(h.vt, f);
  // The same row survives the help box opening and closing over it.
  h.vt.resize(160, 18);
  await drawn(h.vt);
  h.vt.type('?');
  await drawn(h.vt);
  h.vt.type('?');
  await drawn(h.vt);
  assertTextMatches(h.vt, lastFrame(h));
  assertHeatMatches(h.vt, lastFrame(h), 'truecolor');
  assert.equal(await quit(h), 0);
});

test('p freezes the heat area while data keeps arriving, and p again shows everything that came', async () => {
  const h = await startApp();
  await pushColumns(h, 4);
  h.vt.type('p');
  await drawn(h.vt);
  const frozen = heatOnTerminal(h.vt, lastFrame(h));
  await pushColumns(h, 3, [[1 << 20, 1 << 21, 50]]);
  assert.match(statusLine(h), /^PAUSED \(\+3 new\)/);
  assert.deepEqual(heatOnTerminal(h.vt, lastFrame(h)), frozen);
  h.vt.type('p');
  await drawn(h.vt);
  assert.doesNotMatch(statusLine(h), /PAUSED/);
  assert.notDeepEqual(heatOnTerminal(h.vt, lastFrame(h)), frozen);
  assertHeatMatches(h.vt, lastFrame(h), 'truecolor');
  assert.equal(h.app.model.totalPushed, 7, 'nothing was dropped');
  assert.equal(await quit(h), 0);
});

test('+ and - zoom the latency axis around the data, and a fits it again', async () => {
  const h = await startApp();
  await pushColumns(h, 4);
  const fitted = labelColumn(h);
  const press = async (k: string) => {
    h.vt.type(k);
    await drawn(h.vt);
  };
  await press('+');
  assert.notEqual(labelColumn(h), fitted);
  assert.match(statusLine(h), /zoom ×2/);
  assertHeatMatches(h.vt, lastFrame(h), 'truecolor');
  await press('-');
  assert.equal(labelColumn(h), fitted);
  await press('-');
  assert.match(statusLine(h), /zoom ×0\.5/);
  await press('a');
  assert.equal(labelColumn(h), fitted);
  assert.doesNotMatch(statusLine(h), /zoom/);
  assert.equal(await quit(h), 0);
});

test('l cycles the colour scale, [ and ] move the saturation percentile, c changes the palette', async () => {
  const h = await startApp();
  await pushColumns(h, 4);
  const press = async (k: string) => {
    h.vt.type(k);
    await drawn(h.vt);
  };
  await press('l');
  assert.match(legendLine(h), /^log ≤p99 /);
  await press('l');
  assert.match(legendLine(h), /^rank ≤p99 /);
  await press('l');
  assert.match(legendLine(h), /^% of column /);
  await press('l');
  assert.match(legendLine(h), /^linear ≤p99 /);
  await press('[');
  assert.match(legendLine(h), /^linear ≤p98 /);
  await press(']');
  await press(']');
  assert.match(legendLine(h), /^linear ≤p99\.5 /);
  const heat = rampOnTerminal('heat', 'truecolor');
  const viridis = rampOnTerminal('viridis', 'truecolor');
  assert.ok(halfColours(heatColumn(h, 0)).includes(heat[15]));
  await press('c');
  const colours = halfColours(heatColumn(h, 0));
  assert.ok(colours.includes(viridis[15]) && colours.includes(viridis[0]), 'viridis top and bottom steps');
  assert.ok(!colours.includes(heat[15]));
  assertHeatMatches(h.vt, lastFrame(h), 'truecolor');
  assert.equal(await quit(h), 0);
});

test('the left arrow puts a cursor on the heat area with a readout, and % draws percentile markers', async () => {
  const h = await startApp();
  await pushColumns(h, 4);
  h.vt.type('\x1b[D');
  await drawn(h.vt);
  assert.match(statusLine(h), /^cursor now /);
  h.vt.type('\x1b[D');
  await drawn(h.vt);
  assert.match(statusLine(h), /^cursor -1s .* count \d+ \([\d.]+% of column\)/);
  const cursorCells = halfColours(heatColumn(h, 1)).filter((c) => c === 0xffffff);
  assert.equal(cursorCells.length, 1, 'one white half cell one column back');
  assert.ok(!halfColours(heatColumn(h, 0)).includes(0xffffff));
  h.vt.type('%');
  await drawn(h.vt);
  const newest = halfColours(heatColumn(h, 0));
  assert.ok(newest.includes(0x00d7ff), 'p50 marker');
  assert.ok(newest.includes(0xff5fff), 'p99 marker');
  assertHeatMatches(h.vt, lastFrame(h), 'truecolor');
  assert.equal(await quit(h), 0);
});

test('? shows the help overlay over the heat area, and closing it repaints the heat area exactly', async () => {
  const h = await startApp({ cols: 100, rows: 30 });
  await pushColumns(h, 60);
  h.vt.type('?');
  await drawn(h.vt);
  const screen = h.vt.text();
  assert.match(screen, /│ p, space +pause \/ resume the display/);
  assert.match(screen, /│ q, Ctrl-C +quit/);
  // Data arriving under the overlay is drawn once it closes.
  await pushColumns(h, 2, [[1 << 20, 1 << 21, 50]]);
  h.vt.type('?');
  await drawn(h.vt);
  assert.doesNotMatch(h.vt.text(), /pause \/ resume/);
  assertHeatMatches(h.vt, lastFrame(h), 'truecolor');
  assertTextMatches(h.vt, lastFrame(h));
  assert.equal(await quit(h), 0);
});

test('a resize redraws everything at the new size with nothing left over', async () => {
  const h = await startApp({ cols: 80, rows: 24 });
  await pushColumns(h, 30);
  for (const [cols, rows] of [[120, 36], [60, 16]] as const) {
    h.vt.resize(cols, rows);
    await drawn(h.vt);
    const f = lastFrame(h);
    assert.deepEqual([f.cols, f.rows], [cols, rows]);
    assertHeatMatches(h.vt, f, 'truecolor');
    assertTextMatches(h.vt, f);
    // Every cell that neither the heat area nor a text run covers is blank.
    const covered = new Set<string>();
    for (const r of f.text) for (let i = 0; i < [...r.text].length; i++) covered.add(`${r.x + i},${r.y}`);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const inHeat = x >= f.heat.x && x < f.heat.x + f.heat.width && y >= f.heat.y && y < f.heat.y + f.heat.height;
        if (!inHeat && !covered.has(`${x},${y}`)) assert.equal(h.vt.cell(x, y).ch, ' ', `cell (${x}, ${y}) is blank`);
      }
    }
  }
  assert.equal(await quit(h), 0);
});

test('q ends the run with exit 0, stops the source and restores the terminal', async () => {
  const h = await startApp();
  await pushColumns(h, 2);
  assert.deepEqual(terminalModes(h.vt), { alternate: true, cursorHidden: true });
  assert.equal(await quit(h), 0);
  assert.equal(await h.running, 0);
  assert.ok(h.source.stopped);
  assert.deepEqual(terminalModes(h.vt), { alternate: false, cursorHidden: false });
  assert.equal(h.vt.input.isRaw, false, 'raw mode off');
});

test('Ctrl-C quits like q', async () => {
  const h = await startApp();
  h.vt.type('\x03');
  assert.equal(await h.app.done, 0);
  await h.vt.settle();
  assert.deepEqual(terminalModes(h.vt), { alternate: false, cursorHidden: false });
});
