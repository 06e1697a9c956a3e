//! Test support: a real App on a VirtualTerminal, fed by a ScriptedSource whose snapshots the test
//! pushes by hand, plus the checks the screen tests share (frame vs terminal cells, modes).

import assert from 'node:assert/strict';
import { PassThrough, type Writable } from 'node:stream';
import { App } from '../../src/app';
import { DEFAULT_HISTORY_COLUMNS, type RunConfig } from '../../src/config';
import type { Bucket, Snapshot } from '../../src/model/snapshot';
import type { Emit, Source, SourceInfo } from '../../src/sources/source';
import { DEFAULT_COLOUR, type Colour, type Frame } from '../../src/tui/frame';
import type { ColourDepth } from '../../src/tui/palette';
import { toAnsi16, toXterm256 } from '../../src/tui/palette';
import { VirtualTerminal, type CellView } from './virtual-terminal';

/** A source that emits exactly what the test pushes, when it pushes it. */
export class ScriptedSource implements Source {
  readonly info: SourceInfo = { engine: 'demo', title: 'scripted latency' };
  private emitFn: Emit | null = null;
  stopped = false;

  async start(emit: Emit): Promise<void> {
    this.emitFn = emit;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  push(snapshot: Snapshot): void {
    if (!this.emitFn) throw new Error('ScriptedSource.push before start');
    this.emitFn({ type: 'snapshot', snapshot });
  }
}

/** One interval of a 'read' key with quantize buckets [lo, hi, count], in ns. */
export function quantizeSnapshot(t: number, buckets: Array<[number, number, number]>, lost = 0): Snapshot {
  const b: Bucket[] = buckets.map(([lo, hi, count]) => ({ lo, hi, count }));
  return { t, lost, aggregations: { lat: { kind: 'quantize', unit: 'ns', keys: { read: b } } } };
}

/** A hot bucket (1–2 µs, 100 events) under a cool one (64–128 µs, 3 events). */
export const HOT_AND_COOL: Array<[number, number, number]> = [
  [1024, 2048, 100],
  [65536, 131072, 3],
];

export function testConfig(over: Partial<RunConfig> = {}): RunConfig {
  return {
    source: { kind: 'demo', seed: 1 },
    backend: 'auto',
    intervalMs: 1000,
    durationS: null,
    historyColumns: DEFAULT_HISTORY_COLUMNS,
    recordFile: null,
    palette: 'heat',
    colorScale: 'linear',
    aggregation: null,
    unit: null,
    pid: null,
    command: null,
    scriptArgs: [],
    headless: false,
    ...over,
  };
}

export interface Harness {
  app: App;
  vt: VirtualTerminal;
  source: ScriptedSource;
  depth: ColourDepth;
  running: Promise<number>;
}

export interface HarnessOptions {
  cols?: number;
  rows?: number;
  depth?: ColourDepth;
  config?: Partial<RunConfig>;
  /** Replaces the terminal's output stream (a slow link); the VirtualTerminal then sees nothing. */
  output?: Writable & { isTTY: boolean; columns: number; rows: number };
}

/** Starts an App on a fresh VirtualTerminal and waits for its first frame. */
export async function startApp(opts: HarnessOptions = {}): Promise<Harness> {
  const vt = new VirtualTerminal(opts.cols ?? 80, opts.rows ?? 24);
  const source = new ScriptedSource();
  const depth = opts.depth ?? 'truecolor';
  const app = new App(testConfig(opts.config), source, {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    input: vt.input,
    output: opts.output ?? vt.output,
    terminal: 'xterm-256color',
    depth,
    handleSignals: false,
  });
  const running = app.run();
  await drawn(vt);
  return { app, vt, source, depth, running };
}

/** Lets the app draw what is pending and the terminal parse it. */
export async function drawn(vt: VirtualTerminal): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  await vt.settle();
}

/** Pushes `n` copies of a column at t = (first + i) × 1000 ms and waits for the frame. */
export async function pushColumns(h: Harness, n: number, buckets = HOT_AND_COOL, first = h.app.model.totalPushed + 1): Promise<void> {
  for (let i = 0; i < n; i++) h.source.push(quantizeSnapshot((first + i) * 1000, buckets));
  await drawn(h.vt);
}

/** Quits with 'q' and returns the exit code. */
export async function quit(h: Harness): Promise<number> {
  h.vt.type('q');
  const code = await h.app.done;
  await h.vt.settle();
  return code;
}

export function lastFrame(h: Harness): Frame {
  const f = h.app.screenForTests?.frame;
  assert.ok(f, 'a frame was painted');
  return f;
}

/** What xterm should hold for a frame colour at a depth: mode and value. */
export function expectedColour(c: Colour, depth: ColourDepth): Pick<CellView, 'fg' | 'fgMode'> {
  if (c === DEFAULT_COLOUR || depth === 'none') return { fg: -1, fgMode: 'default' };
  if (depth === 'truecolor') return { fg: c, fgMode: 'rgb' };
  const rgb = [(c >> 16) & 255, (c >> 8) & 255, c & 255] as const;
  return { fg: depth === '256' ? toXterm256(rgb) : toAnsi16(rgb), fgMode: 'palette' };
}

/** Asserts every heat cell on the terminal is the frame's cell, glyph and both colours. */
export function assertHeatMatches(vt: VirtualTerminal, frame: Frame, depth: ColourDepth): void {
  const { x: x0, y: y0, width, height, cells } = frame.heat;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const want = cells[y * width + x];
      const got = vt.cell(x0 + x, y0 + y);
      const fg = expectedColour(want.fg, depth);
      const bg = expectedColour(want.bg, depth);
      const where = `heat cell (${x}, ${y})`;
      assert.equal(got.ch, want.ch, `${where} glyph`);
      // A blank shows no foreground, whatever colour the terminal keeps for it.
      if (want.ch !== ' ') assert.deepEqual([got.fgMode, got.fg], [fg.fgMode, fg.fg], `${where} foreground`);
      assert.deepEqual([got.bgMode, got.bg], [bg.fgMode, bg.fg], `${where} background`);
    }
  }
}

/** Asserts every text run of the frame reads the same on the terminal (help closed). */
export function assertTextMatches(vt: VirtualTerminal, frame: Frame): void {
  for (const run of frame.text) {
    const got = [...vt.line(run.y).padEnd(frame.cols)].slice(run.x, run.x + [...run.text].length).join('');
    assert.equal(got, run.text, `text at (${run.x}, ${run.y})`);
  }
}

/** The terminal's visible state beyond cells: which screen buffer, cursor shown or not. */
export function terminalModes(vt: VirtualTerminal): { alternate: boolean; cursorHidden: boolean } {
  const core = (vt.term as unknown as { _core?: { coreService?: { isCursorHidden?: boolean } } })._core;
  const hidden = core?.coreService?.isCursorHidden;
  assert.equal(typeof hidden, 'boolean', '@xterm/headless still exposes coreService.isCursorHidden');
  return { alternate: vt.term.buffer.active.type === 'alternate', cursorHidden: hidden as boolean };
}

/** The heat area's cells as the terminal shows them (for before/after comparisons). */
export function heatOnTerminal(vt: VirtualTerminal, frame: Frame): CellView[] {
  const out: CellView[] = [];
  for (let y = 0; y < frame.heat.height; y++) for (let x = 0; x < frame.heat.width; x++) out.push(vt.cell(frame.heat.x + x, frame.heat.y + y));
  return out;
}
