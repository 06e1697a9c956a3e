import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heatmap } from '../../src/model/heatmap';
import type { Snapshot } from '../../src/model/snapshot';
import { demoSnapshot } from '../../src/sources/demo';
import type { Frame } from '../../src/tui/frame';
import type { ColourDepth } from '../../src/tui/palette';
import { Renderer, heatLayout, type RenderContext } from '../../src/tui/render';
import { Screen } from '../../src/tui/screen';
import { initialViewState, reduce, type ViewState } from '../../src/tui/view-state';
import { VirtualTerminal } from './virtual-terminal';

const COLS = 100;
const ROWS = 30;

function screenOn(vt: VirtualTerminal, depth: ColourDepth): Screen {
  return new Screen({ depth, input: vt.input, output: vt.output, terminal: 'xterm-256color' });
}

/** Every cell of two terminals, glyphs and colours, must agree. */
function assertSameTerminal(a: VirtualTerminal, b: VirtualTerminal, when: string): void {
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLS; x++) {
      const ca = a.cell(x, y);
      const cb = b.cell(x, y);
      // Blanks show no foreground: only their background counts.
      if (ca.ch === ' ' && cb.ch === ' ') assert.deepEqual([ca.bgMode, ca.bg], [cb.bgMode, cb.bg], `${when}: background of blank (${x}, ${y})`);
      else assert.deepEqual(ca, cb, `${when}: cell (${x}, ${y}) differs from a full repaint`);
    }
  }
}

/** A burst of slow calls: a column whose spread outgrows the axis and whose counts outgrow the colours. */
function outlier(t: number): Snapshot {
  const s = demoSnapshot({ seed: 3, intervalMs: 1000 }, 0);
  const keys = { ...s.aggregations.syscall.keys, stall: [{ lo: 2 ** 34, hi: 2 ** 34 + 2 ** 32, count: 90_000 }] };
  return { t, lost: 0, aggregations: { syscall: { ...s.aggregations.syscall, keys } } };
}

/** The demo's interval with every count twenty times larger: same shape, brighter colours. */
function louder(t: number): Snapshot {
  const s = demoSnapshot({ seed: 3, intervalMs: 1000 }, Math.floor(t / 1000));
  const keys = Object.fromEntries(Object.entries(s.aggregations.syscall.keys).map(([k, b]) => [k, b.map((x) => ({ ...x, count: x.count * 20 }))]));
  return { t, lost: 0, aggregations: { syscall: { ...s.aggregations.syscall, keys } } };
}

interface Step {
  name: string;
  /** Snapshots to push before drawing. */
  push: number;
  view?: (v: ViewState, latencyRows: number) => ViewState;
  snapshot?: (t: number) => Snapshot;
}

async function runScript(depth: ColourDepth, steps: Step[]): Promise<{ ticks: number; smallTicks: number; layouts: Set<string>; shifts: number }> {
  const live = new VirtualTerminal(COLS, ROWS);
  const screen = screenOn(live, depth);
  const renderer = new Renderer();
  const model = new Heatmap(500);
  const ctx: RenderContext = { cols: COLS, rows: ROWS, depth, title: 'fast path', intervalMs: 1000, unit: null, message: null, messageIsError: false, lostTotal: 0 };
  const latencyRows = heatLayout(COLS, ROWS, depth).latencyRows;
  let view = initialViewState({ colourScale: 'rank', palette: 'heat' });
  let interval = 0;
  let ticks = 0;
  let smallTicks = 0;
  let lastKey = '';
  const layouts = new Set<string>();
  try {
    for (const step of steps) {
      for (let i = 0; i < Math.max(1, step.push); i++) {
        if (step.push > 0) {
          const t = (interval + 1) * 1000;
          model.push(step.snapshot ? step.snapshot(t) : { ...demoSnapshot({ seed: 3, intervalMs: 1000 }, interval), t });
          interval++;
        }
        if (step.view && i === 0) view = step.view(view, latencyRows);
        const before = live.bytes;
        const frame = renderer.render(model, view, ctx);
        screen.paint(frame);
        screen.flush();
        await live.settle();
        // Painter and blessed agree with the terminal: the same frame again writes nothing.
        const after = live.bytes;
        screen.paint(frame);
        screen.flush();
        await live.settle();
        assert.equal(live.bytes, after, `${step.name}: repainting the same frame writes nothing`);
        ticks++;
        if (frame.layoutKey === lastKey && live.bytes - before < 4096) smallTicks++;
        if (frame.layoutKey !== lastKey) layouts.add(step.name);
        lastKey = frame.layoutKey;
        // The oracle: a renderer with the same mappings and no caches, on a fresh terminal.
        const fresh: Frame = renderer.cloneMappings().render(model, view, ctx);
        assert.equal(fresh.layoutKey, frame.layoutKey, `${step.name}: same layout`);
        assert.deepEqual(fresh.heat.cells, frame.heat.cells, `${step.name}: cached cells equal cells computed afresh`);
        assert.deepEqual(fresh.text, frame.text, `${step.name}: same text`);
        const full = new VirtualTerminal(COLS, ROWS);
        const fullScreen = screenOn(full, depth);
        fullScreen.paint(fresh);
        fullScreen.flush();
        await full.settle();
        assertSameTerminal(live, full, `${step.name} (tick ${ticks})`);
        fullScreen.destroy();
      }
    }
    return { ticks, smallTicks, layouts, shifts: (screen as unknown as { painter: { stats: { shifts: number } } }).painter.stats.shifts };
  } finally {
    screen.destroy();
  }
}

const reduceCtx = (latencyRows: number) => ({ newestSeq: 0, heatColumns: COLS, latencyRows, defaultAxisMode: 'log' as const });

const SCRIPT: Step[] = [
  { name: 'filling the window', push: 100 },
  { name: 'live, window full', push: 15 },
  { name: 'cursor placed', push: 0, view: (v, r) => reduce(reduce(v, 'cursorLeft', reduceCtx(r)), 'cursorLeft', reduceCtx(r)) },
  { name: 'live under the cursor', push: 5 },
  { name: 'cursor moved up', push: 1, view: (v, r) => reduce(reduce(v, 'cursorUp', reduceCtx(r)), 'cursorUp', reduceCtx(r)) },
  { name: 'cursor off, percentile markers on', push: 4, view: (v) => ({ ...v, cursor: null, showPercentiles: true }) },
  { name: 'paused', push: 6, view: (v) => ({ ...v, pausedAtSeq: 117 }) },
  { name: 'resumed: several columns at once', push: 1, view: (v) => ({ ...v, pausedAtSeq: null }) },
  { name: 'an outlier rescales axis and colours', push: 1, snapshot: outlier },
  { name: 'live after the rescale', push: 6 },
  { name: 'help open while data arrives', push: 3, view: (v) => ({ ...v, showHelp: true }) },
  { name: 'help closed', push: 3, view: (v) => ({ ...v, showHelp: false }) },
  { name: 'palette changed', push: 2, view: (v) => ({ ...v, palette: 'viridis' }) },
  { name: 'linear colour scale', push: 2, view: (v) => ({ ...v, colourScale: 'linear' }) },
  { name: 'counts grow: the saturation moves, old columns recolour', push: 4, snapshot: louder },
  { name: 'zoomed in', push: 3, view: (v) => ({ ...v, zoom: 2 }) },
  { name: 'one key isolated', push: 3, view: (v) => ({ ...v, zoom: 1, keys: { mode: 'only', keys: ['futex'] } }) },
  { name: 'a key excluded, threshold line on', push: 3, view: (v) => ({ ...v, keys: { mode: 'except', keys: ['read'] }, sloNs: 100_000 }) },
  { name: 'key panel open while data arrives', push: 4, view: (v) => ({ ...v, panel: { ...v.panel, open: true, index: 2 } }) },
  { name: 'side histogram beside the panel', push: 3, view: (v) => ({ ...v, histogram: 'view' }) },
  { name: 'cell breakdown open', push: 3, view: (v, r) => ({ ...v, cursor: { back: 3, row: Math.floor(r / 3) }, showBreakdown: true }) },
  { name: 'breakdown closed, % of column', push: 3, view: (v) => ({ ...v, showBreakdown: false, colourScale: 'column' }) },
  { name: 'panels closed, all keys', push: 3, view: (v) => ({ ...v, cursor: null, panel: { ...v.panel, open: false }, histogram: 'off', keys: { mode: 'all', keys: [] }, sloNs: null }) },
  { name: 'empty rows trimmed', push: 3, view: (v) => ({ ...v, trimEmpty: true, sloNs: 50_000, showPercentiles: true }) },
  { name: 'trimmed, an outlier adds a row', push: 1, snapshot: outlier },
  { name: 'trim off', push: 2, view: (v) => ({ ...v, trimEmpty: false, sloNs: null }) },
  { name: 'paused and scrolled back', push: 2, view: (v) => ({ ...v, pausedAtSeq: 120 }) },
];

for (const depth of ['truecolor', '256', 'none'] as const) {
  test(`at depth ${depth}, ticks drawn incrementally give exactly the picture a full repaint of the same model gives`, { timeout: 120_000 }, async () => {
    const { ticks, smallTicks, layouts, shifts } = await runScript(depth, SCRIPT);
    for (const name of ['an outlier rescales axis and colours', 'palette changed', 'counts grow: the saturation moves, old columns recolour']) {
      assert.ok(layouts.has(name), `'${name}' changed the layout: ${[...layouts].join('; ')}`);
    }
    assert.ok(shifts > 0, 'the fast path (rows shifted on the terminal) was taken');
    // Most live ticks with an unchanged layout cost under 4 KiB at 100×30.
    assert.ok(smallTicks > ticks / 2, `${smallTicks} of ${ticks} ticks were small`);
  });
}
