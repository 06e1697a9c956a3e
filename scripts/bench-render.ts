//! Rendering benchmark: CPU time and terminal bytes per tick, for the app's own path (renderer +
//! Screen with its diffing painters) and for a full repaint of every cell, on a null terminal.

import { PassThrough, Writable } from 'node:stream';
import { DEFAULT_HISTORY_COLUMNS } from '../src/config';
import { Heatmap } from '../src/model/heatmap';
import type { PaletteName } from '../src/config';
import type { ColourDepth } from '../src/tui/palette';
import { Renderer, type RenderContext } from '../src/tui/render';
import { Screen } from '../src/tui/screen';
import { initialViewState, type ViewState } from '../src/tui/view-state';
import { everyRow, sameSnapshot, stableDistribution, type Workload } from './bench-workloads';

export type Scenario = 'same snapshot' | 'stable distribution' | 'every cell changes';
export type PaintPath = 'ours' | 'full repaint';

export interface RenderResult {
  cols: number;
  rows: number;
  scenario: Scenario;
  path: PaintPath;
  ticks: number;
  /** Process CPU (user + system, GC included) per tick for push + render + paint + write: mean, median. */
  cpuMs: number;
  cpuMedianMs: number;
  /** Of which the pure renderer (mean). */
  renderMs: number;
  /** Terminal output per tick: mean, median, largest. */
  bytes: number;
  bytesMedian: number;
  bytesMax: number;
  /** Ticks whose frame changed layout (axis rows, colour mapping, palette): the picture was redrawn. */
  layoutChanges: number;
}

const INTERVAL_MS = 1000;

/** A terminal that takes everything at once and counts it. */
function nullTerminal(cols: number, rows: number) {
  let bytes = 0;
  const output = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        cb();
      },
    }),
    { isTTY: true, columns: cols, rows },
  );
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  return { output, input, bytes: () => bytes };
}

function workload(s: Scenario): Workload {
  if (s === 'same snapshot') return sameSnapshot(INTERVAL_MS);
  if (s === 'stable distribution') return stableDistribution(INTERVAL_MS);
  return everyRow(INTERVAL_MS);
}

const cpuMsNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Runs `ticks` ticks after a warm-up of twice the window (so the window is full and the axis and
 * colour mapping have settled); figures are per tick. Snapshots are made before timing starts.
 */
export function benchRender(cols: number, rows: number, scenario: Scenario, path: PaintPath, ticks: number, depth: ColourDepth = 'truecolor'): RenderResult {
  const term = nullTerminal(cols, rows);
  const screen = new Screen({ depth, input: term.input, output: term.output, terminal: 'xterm-256color' });
  const renderer = new Renderer();
  const model = new Heatmap(DEFAULT_HISTORY_COLUMNS);
  const warmup = 2 * cols + 100;
  const next = workload(scenario);
  const snapshots = Array.from({ length: warmup + ticks }, (_, i) => next(i));
  let view: ViewState = initialViewState({ colourScale: 'rank', palette: 'heat' });
  const ctx: RenderContext = { cols, rows, depth, title: 'syscall latency (bench)', intervalMs: INTERVAL_MS, unit: null, message: null, messageIsError: false, lostTotal: 0 };
  const palettes: PaletteName[] = ['heat', 'viridis'];
  let layoutKey = '';
  const step = (tick: number) => {
    const cpu0 = cpuMsNow();
    const bytes0 = term.bytes();
    model.push(snapshots[tick]);
    // The worst case: a palette change recolours every cell.
    if (scenario === 'every cell changes') view = { ...view, palette: palettes[tick % 2] };
    const frame = renderer.render(model, view, ctx);
    const cpu1 = cpuMsNow();
    if (path === 'full repaint') screen.invalidate(true);
    screen.paint(frame);
    screen.flush();
    const changed = frame.layoutKey !== layoutKey;
    layoutKey = frame.layoutKey;
    return { cpuMs: cpuMsNow() - cpu0, renderMs: cpu1 - cpu0, bytes: term.bytes() - bytes0, changed };
  };
  for (let i = 0; i < warmup; i++) step(i);
  const samples = Array.from({ length: ticks }, (_, i) => step(warmup + i));
  screen.destroy();
  const mean = (f: (s: (typeof samples)[number]) => number) => samples.reduce((a, s) => a + f(s), 0) / ticks;
  return {
    cols,
    rows,
    scenario,
    path,
    ticks,
    cpuMs: mean((s) => s.cpuMs),
    cpuMedianMs: median(samples.map((s) => s.cpuMs)),
    renderMs: mean((s) => s.renderMs),
    bytes: mean((s) => s.bytes),
    bytesMedian: median(samples.map((s) => s.bytes)),
    bytesMax: Math.max(...samples.map((s) => s.bytes)),
    layoutChanges: samples.filter((s) => s.changed).length,
  };
}

export const SIZES: ReadonlyArray<[number, number]> = [
  [80, 24],
  [160, 48],
  [200, 50],
  [240, 70],
];

/** Every size × scenario × path; ticks per case scale down for the costly cases. */
export function benchRenderAll(ticks: number, log: (s: string) => void): RenderResult[] {
  const out: RenderResult[] = [];
  for (const [cols, rows] of SIZES) {
    for (const scenario of ['same snapshot', 'stable distribution', 'every cell changes'] as const) {
      for (const path of ['ours', 'full repaint'] as const) {
        log(`render ${cols}×${rows} ${scenario} ${path}`);
        out.push(benchRender(cols, rows, scenario, path, scenario === 'every cell changes' ? Math.max(10, ticks >> 2) : ticks));
      }
    }
  }
  return out;
}
