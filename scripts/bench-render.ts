//! Rendering benchmark: CPU time and terminal bytes per tick, for the app's own path (renderer +
//! Screen with its diffing painters) and for a full repaint of every cell, on a null terminal.

import { PassThrough, Writable } from 'node:stream';
import { DEFAULT_HISTORY_COLUMNS } from '../src/config';
import { Heatmap } from '../src/model/heatmap';
import type { PaletteName } from '../src/config';
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
  /** Process CPU (user + system) per tick: model push, render, paint, write (GC included). */
  cpuMs: number;
  /** Of which the pure renderer. */
  renderMs: number;
  bytes: number;
  /** Ticks where the screen could not take the fast path (a repaint of the heat area). */
  repaints: number;
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

/** Runs `ticks` ticks after filling the window and warming up; figures are per tick. */
export function benchRender(cols: number, rows: number, scenario: Scenario, path: PaintPath, ticks: number): RenderResult {
  const term = nullTerminal(cols, rows);
  const screen = new Screen({ depth: 'truecolor', input: term.input, output: term.output, terminal: 'xterm-256color' });
  const renderer = new Renderer();
  const model = new Heatmap(DEFAULT_HISTORY_COLUMNS);
  const next = workload(scenario);
  let view: ViewState = initialViewState({ colourScale: 'rank', palette: 'heat' });
  const ctx: RenderContext = { cols, rows, depth: 'truecolor', title: 'syscall latency (bench)', intervalMs: INTERVAL_MS, unit: null, message: null, messageIsError: false, lostTotal: 0 };
  const palettes: PaletteName[] = ['heat', 'viridis'];
  let tick = 0;
  const step = (): number => {
    model.push(next(tick));
    // The worst case: a palette change recolours every cell.
    if (scenario === 'every cell changes') view = { ...view, palette: palettes[tick % 2] };
    tick++;
    const t0 = cpuMsNow();
    const frame = renderer.render(model, view, ctx);
    const renderMs = cpuMsNow() - t0;
    if (path === 'full repaint') screen.invalidate(true);
    screen.paint(frame);
    screen.flush();
    return renderMs;
  };
  for (let i = 0; i < cols + 30; i++) step();
  const bytes0 = term.bytes();
  const repaints0 = screen.stats.fullRepaints;
  const cpu0 = cpuMsNow();
  let renderMs = 0;
  for (let i = 0; i < ticks; i++) renderMs += step();
  const cpuMs = cpuMsNow() - cpu0;
  const result: RenderResult = {
    cols,
    rows,
    scenario,
    path,
    ticks,
    cpuMs: cpuMs / ticks,
    renderMs: renderMs / ticks,
    bytes: (term.bytes() - bytes0) / ticks,
    repaints: screen.stats.fullRepaints - repaints0,
  };
  screen.destroy();
  return result;
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
