//! The renderer: heatmap model + view state + screen size + theme → a Frame of cells and text. No
//! blessed, no I/O. A Renderer keeps, from one frame to the next, the axis window and the colour
//! mapping (with hysteresis, so a stable distribution keeps both) and each column's cells, so a
//! tick computes one new column; the screen module then only has to draw that column.

import type { Axis, AxisMode } from '../model/axis';
import { StableWindow, buildAxis, defaultAxisMode, placeSegments, rowCounts, segmentIndex } from '../model/axis';
import { StableColourScale, type ColourScale } from '../model/colour-scale';
import type { Column, Heatmap } from '../model/heatmap';
import { percentile } from '../model/percentiles';
import type { Unit } from '../model/snapshot';
import type { ColourDepth } from './palette';
import { STEPS_FOR_DEPTH, glyphFor, rampForDepth } from './palette';
import { BLANK_CELL, DEFAULT_COLOUR, type Colour, type Frame, type HeatCell, type TextRun } from './frame';
import { DIM, LABEL_WIDTH, TITLE, WARN, legend, markerRow, rgb, statusLine, xAxis, yLabels, type Picture } from './frame-text';
import { FOOTER_HINTS, helpLines } from './keymap';
import { ShapeTally, nearestRankInPlace } from './shape-tally';
import type { ViewState } from './view-state';

export { LABEL_WIDTH };

/** What the renderer needs to know besides the model and the view. */
export interface RenderContext {
  cols: number;
  rows: number;
  depth: ColourDepth;
  /** "syscall latency (bpftrace)". */
  title: string;
  intervalMs: number;
  /** Overrides the model's unit (--unit). */
  unit: Unit | null;
  /** A message for the status line (tracer died, replay finished), shown until replaced. */
  message: string | null;
  messageIsError: boolean;
  /** Lost events since start, for the status line. */
  lostTotal: number;
}

/** Rows used above and below the heat area: title; x-axis, legend, status. */
const TOP_ROWS = 1;
const BOTTOM_ROWS = 3;
const MIN_COLS = 30;
const MIN_ROWS = 8;
/** Percentile marker colours (p50, p90, p99) and the cursor: outside every palette's hues. */
const MARKERS: readonly Colour[] = [0x00d7ff, 0x5fff5f, 0xff5fff];
const CURSOR: Colour = 0xffffff;
/** The colour mapping is kept while the saturation count stays within ±25% (StableColourScale). */
const SCALE_TOLERANCE = 0.25;

/** Steps in the colour ramp for each colour depth. */
export function stepsForDepth(depth: ColourDepth): number {
  return STEPS_FOR_DEPTH[depth];
}

export interface HeatLayout {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Latency rows: two per screen row with colour (▀), one with the glyph ramp. */
  latencyRows: number;
}

/** Where the heat area goes for a screen size. */
export function heatLayout(cols: number, rows: number, depth: ColourDepth): HeatLayout {
  const width = Math.max(1, cols - LABEL_WIDTH);
  const height = Math.max(1, rows - TOP_ROWS - BOTTOM_ROWS);
  return { x: LABEL_WIDTH, y: TOP_ROWS, width, height, latencyRows: depth === 'none' ? height : height * 2 };
}

/** One visible column and what was computed from it, valid while its keys match. */
interface ColumnEntry {
  col: Column;
  counts: Float64Array | null;
  countsAxis: number;
  cells: HeatCell[] | null;
  cellsKey: string;
}

/**
 * The latency rows (bottom first) of one column drawn as screen cells (top first). `over` forces
 * colours on latency rows: percentile markers, the cursor.
 */
function columnCells(counts: Float64Array, colourOf: (n: number) => Colour, glyphOf: (n: number) => string, height: number, none: boolean, over: Map<number, Colour> | null): HeatCell[] {
  const rows = counts.length;
  const cells = new Array<HeatCell>(height);
  for (let sy = 0; sy < height; sy++) {
    if (none) {
      const r = rows - 1 - sy;
      const n = counts[r];
      cells[sy] = over?.has(r) ? { ch: '+', fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR } : n > 0 ? { ch: glyphOf(n), fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR } : BLANK_CELL;
      continue;
    }
    const ru = rows - 1 - 2 * sy;
    const rl = ru - 1;
    const up = over?.get(ru) ?? colourOf(counts[ru]);
    const lo = over?.get(rl) ?? colourOf(counts[rl]);
    // Empty halves stay the terminal background; '▄' keeps a lone lower half visible.
    if (up === DEFAULT_COLOUR && lo === DEFAULT_COLOUR) cells[sy] = BLANK_CELL;
    else if (up === DEFAULT_COLOUR) cells[sy] = { ch: '▄', fg: lo, bg: DEFAULT_COLOUR };
    else cells[sy] = { ch: '▀', fg: up, bg: lo };
  }
  return cells;
}

/** Renders one frame with no memory of earlier ones. */
export function render(model: Heatmap, view: ViewState, ctx: RenderContext): Frame {
  return new Renderer().render(model, view, ctx);
}

/** Renders the frames of one screen, keeping what carries over from one frame to the next. */
export class Renderer {
  private stableWindow = new StableWindow();
  private stableScale = new StableColourScale(SCALE_TOLERANCE);
  /** Bucket shapes in view, and those the axis was built from (in view since the last refit). */
  private inView = new ShapeTally();
  private known = new ShapeTally();
  private axis: { axis: Axis; index: Map<string, number>; id: number; key: string } | null = null;
  private scale: { scale: ColourScale; id: number } | null = null;
  private nextId = 1;
  private entries = new Map<number, ColumnEntry>();
  private scratch = new Float64Array(0);

  /** A renderer with the same axis window and colour mapping but nothing cached: a full redraw. */
  cloneMappings(): Renderer {
    const r = new Renderer();
    r.stableWindow = this.stableWindow.clone();
    r.known = this.known.clone();
    r.axis = this.axis;
    r.scale = this.scale;
    r.nextId = this.nextId;
    return r;
  }

  /** The frame for the model and view now. */
  render(model: Heatmap, view: ViewState, ctx: RenderContext): Frame {
    if (ctx.cols < MIN_COLS || ctx.rows < MIN_ROWS) {
      return {
        cols: ctx.cols,
        rows: ctx.rows,
        heat: { x: 0, y: 0, width: 0, height: 0, cells: [] },
        text: [{ x: 0, y: 0, text: `terminal too small (${ctx.cols}×${ctx.rows}; need ${MIN_COLS}×${MIN_ROWS})`.slice(0, ctx.cols), style: WARN }],
        help: null,
        layoutKey: 'small',
      };
    }
    const layout = heatLayout(ctx.cols, ctx.rows, ctx.depth);
    const endSeq = view.pausedAtSeq ?? model.totalPushed - 1;
    const columns = model.window(endSeq, layout.width);
    const entries = this.track(columns, endSeq);
    const axis = this.axisFor(view.axisMode ?? defaultAxisMode(model.kind), view.zoom, layout.latencyRows);
    const empty = new Float64Array(layout.latencyRows);
    const counts = entries.map((e) => {
      if (!e) return empty;
      if (e.countsAxis !== axis.id || e.counts === null) {
        e.counts = rowCounts(axis.axis, e.col.merged, axis.index);
        e.countsAxis = axis.id;
      }
      return e.counts;
    });
    const scale = this.scaleFor(view, ctx, counts);
    const p: Picture = { layout, columns, endSeq, axis: axis.axis, counts, scale: scale.scale, unit: ctx.unit ?? model.unit };
    const newestT = model.newest()?.t ?? 0;
    const agg = model.aggregation ? ` @${model.aggregation}` : '';
    const title = `heat-tracer-tui — ${ctx.title}${agg}`;
    const text: TextRun[] = [
      { x: 0, y: 0, text: title.slice(0, ctx.cols), style: TITLE },
      ...yLabels(p, ctx),
      xAxis(p, ctx, newestT),
      ...legend(p, view, ctx),
      ...statusLine(p, model, view, ctx),
    ];
    if (title.length + FOOTER_HINTS.length + 3 <= ctx.cols) text.push({ x: ctx.cols - FOOTER_HINTS.length, y: 0, text: FOOTER_HINTS, style: DIM });
    return {
      cols: ctx.cols,
      rows: ctx.rows,
      heat: { x: layout.x, y: layout.y, width: layout.width, height: layout.height, cells: this.heatCells(p, entries, view, ctx), endSeq },
      text,
      help: view.showHelp ? helpLines() : null,
      layoutKey: `${ctx.cols}x${ctx.rows}|${ctx.depth}|${view.palette}|axis ${axis.id}|scale ${scale.id}`,
    };
  }

  /** Brings the cache and the tally of shapes in view to the visible columns. */
  private track(columns: (Column | undefined)[], endSeq: number): (ColumnEntry | undefined)[] {
    const start = endSeq - columns.length + 1;
    const out = columns.map((col, x) => {
      const seq = start + x;
      let e = this.entries.get(seq);
      if (e && e.col !== col) {
        this.inView.remove(e.col.merged);
        this.entries.delete(seq);
        e = undefined;
      }
      if (!e && col) {
        e = { col, counts: null, countsAxis: 0, cells: null, cellsKey: '' };
        this.entries.set(seq, e);
        this.inView.add(col.merged);
      }
      return e;
    });
    for (const [seq, e] of this.entries) {
      if (seq >= start && seq <= endSeq) continue;
      this.inView.remove(e.col.merged);
      this.entries.delete(seq);
    }
    return out;
  }

  /** The axis: refitted (StableWindow) when the data outgrows it, rebuilt when it learns a shape. */
  private axisFor(mode: AxisMode, zoom: number, latencyRows: number): NonNullable<Renderer['axis']> {
    const [c0, c1] = this.stableWindow.fit(placeSegments(this.inView.shapes(), mode), mode, zoom);
    const key = `${mode}|${c0}|${c1}|${latencyRows}`;
    let learned = false;
    if (this.axis === null || this.axis.key !== key) this.known = this.inView.clone();
    else learned = this.known.addAll(this.inView);
    if (this.axis === null || this.axis.key !== key || learned) {
      const axis = buildAxis(placeSegments(this.known.shapes(), mode), mode, c0, c1, latencyRows);
      this.axis = { axis, index: segmentIndex(axis), id: this.nextId++, key };
    }
    return this.axis;
  }

  /** The colour mapping: the kept one while the saturation count stays within tolerance. */
  private scaleFor(view: ViewState, ctx: RenderContext, counts: Float64Array[]): NonNullable<Renderer['scale']> {
    let n = 0;
    for (const c of counts) n += c.length;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    n = 0;
    for (const c of counts) for (let i = 0; i < c.length; i++) if (c[i] > 0) this.scratch[n++] = c[i];
    const steps = stepsForDepth(ctx.depth);
    const kept = this.scale?.scale;
    // StableColourScale's own rule, checked first without sorting every count of the view.
    if (kept && kept.name === view.colourScale && kept.steps === steps && kept.saturationPct === view.saturationPct) {
      const saturation = nearestRankInPlace(this.scratch, n, view.saturationPct);
      if (Math.abs(saturation - kept.saturation) <= SCALE_TOLERANCE * kept.saturation) return this.scale!;
    }
    const next = this.stableScale.update(view.colourScale, Array.from(this.scratch.subarray(0, n)), { steps, saturationPct: view.saturationPct });
    if (next !== kept) this.scale = { scale: next, id: this.nextId++ };
    return this.scale!;
  }

  /** Heat cells, row-major; each column's cells come from the cache unless its mapping changed. */
  private heatCells(p: Picture, entries: (ColumnEntry | undefined)[], view: ViewState, ctx: RenderContext): HeatCell[] {
    const { width, height, latencyRows } = p.layout;
    const none = ctx.depth === 'none';
    const steps = stepsForDepth(ctx.depth);
    const ramp = none ? [] : rampForDepth(view.palette, ctx.depth, steps).map(rgb);
    const scale = p.scale;
    const key = `${this.axis!.id}|${this.scale!.id}|${view.palette}|${ctx.depth}|${view.showPercentiles}|${height}`;
    const blankColumn = new Array<HeatCell>(height).fill(BLANK_CELL);
    const cursorX = view.cursor ? width - 1 - view.cursor.back : -1;
    const columnsCells = entries.map((e, x) => {
      if (!e) return blankColumn;
      const total = e.col.total;
      const colourOf = (n: number): Colour => (n > 0 ? ramp[scale.step(n, total) - 1] ?? DEFAULT_COLOUR : DEFAULT_COLOUR);
      const glyphOf = (n: number) => glyphFor(scale.step(n, total), steps);
      if (x !== cursorX && e.cellsKey === key && e.cells) return e.cells;
      const over = new Map<number, Colour>();
      if (view.showPercentiles && total > 0) {
        [50, 90, 99].forEach((pct, i) => {
          const v = percentile(e.col.merged, pct);
          const r = v === null ? -1 : markerRow(p.axis, v);
          if (r >= 0) over.set(r, MARKERS[i]);
        });
      }
      if (x !== cursorX) {
        e.cells = columnCells(p.counts[x], colourOf, glyphOf, height, none, over);
        e.cellsKey = key;
        return e.cells;
      }
      over.set(Math.min(view.cursor!.row, latencyRows - 1), CURSOR);
      return columnCells(p.counts[x], colourOf, glyphOf, height, none, over);
    });
    if (cursorX >= 0 && !entries[cursorX]) {
      const over = new Map([[Math.min(view.cursor!.row, latencyRows - 1), CURSOR]]);
      columnsCells[cursorX] = columnCells(new Float64Array(latencyRows), () => DEFAULT_COLOUR, () => ' ', height, none, over);
    }
    const cells = new Array<HeatCell>(width * height);
    for (let x = 0; x < width; x++) {
      const col = columnsCells[x];
      for (let y = 0; y < height; y++) cells[y * width + x] = col[y];
    }
    return cells;
  }
}
