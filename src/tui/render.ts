//! The renderer: heatmap model + view state + screen size + theme → a Frame of cells and text. No
//! blessed, no I/O. A Renderer keeps, from one frame to the next, the axis window and the colour
//! mapping (with hysteresis, so a stable distribution keeps both) and each column's cells, so a
//! tick computes one new column; the screen module then only has to draw that column.

import type { PaletteName } from '../config';
import type { Axis, AxisMode } from '../model/axis';
import { StableWindow, buildAxis, defaultAxisMode, placeSegments, rowCounts, segmentIndex } from '../model/axis';
import { StableColourScale, type ColourScale } from '../model/colour-scale';
import { cellBreakdown } from '../model/cell-breakdown';
import type { Column, Heatmap } from '../model/heatmap';
import { bucketTotal, keyStats, selectedBuckets, selectionId, selectionTitle, type KeyStat } from '../model/key-selection';
import { percentile } from '../model/percentiles';
import type { Bucket, Unit } from '../model/snapshot';
import { thresholdInUnit } from '../model/threshold';
import type { ColourDepth } from './palette';
import { glyphFor, rampForDepth, stepsFor } from './palette';
import { BLANK_CELL, DEFAULT_COLOUR, type Colour, type Frame, type HeatCell, type TextRun } from './frame';
import { DIM, LABEL_WIDTH, TITLE, WARN, axisRowOf, columnWhen, legend, markerRow, rgb, statusLine, xAxis, yLabels, type Picture } from './frame-text';
import { drawnRowOf, remapCounts, trimmedRowMap } from '../model/row-trim';
import { breakdownLines, filteredKeys, histogramRuns, keyPanelRuns, sideColumns } from './side-panels';
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
  /** When the source's data starts (epoch ms): the x-axis shows wall-clock times when scrolled back. */
  startedMs?: number | null;
  /** The probe effect for the status line ("12k ev/s · 95 ns/ev · 1.1% CPU"), or null. */
  probe?: string | null;
}

/** Rows used above and below the heat area: title; x-axis, legend, status. */
const TOP_ROWS = 1;
const BOTTOM_ROWS = 3;
const MIN_COLS = 30;
const MIN_ROWS = 8;
/** Percentile marker colours (p50, p90, p99) and the cursor: outside every palette's hues. */
const MARKERS: readonly Colour[] = [0x00d7ff, 0x5fff5f, 0xff5fff];
const CURSOR: Colour = 0xffffff;
/** The threshold (--slo) line. */
const SLO_COLOUR: Colour = 0xff0000;
/** The colour mapping is kept while the saturation count stays within ±25% (StableColourScale). */
const SCALE_TOLERANCE = 0.25;

/** Steps in the colour ramp for each colour depth. */
export function stepsForDepth(depth: ColourDepth, palette: PaletteName): number {
  return stepsFor(depth, palette);
}

export interface HeatLayout {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Latency rows: two per screen row with colour (▀), one with the glyph ramp. */
  latencyRows: number;
}

/** Where the heat area goes for a screen size; `sideCols` are taken on the right by panels. */
export function heatLayout(cols: number, rows: number, depth: ColourDepth, sideCols = 0): HeatLayout {
  const width = Math.max(1, cols - LABEL_WIDTH - sideCols);
  const height = Math.max(1, rows - TOP_ROWS - BOTTOM_ROWS);
  return { x: LABEL_WIDTH, y: TOP_ROWS, width, height, latencyRows: depth === 'none' ? height : height * 2 };
}

/** One visible column and what was computed from it, valid while its keys match. */
interface ColumnEntry {
  col: Column;
  /** The column's buckets under the key selection `selId`, and their total. */
  sel: Bucket[];
  selTotal: number;
  selId: string;
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
    const side = sideColumns(view, ctx.cols);
    const layout = heatLayout(ctx.cols, ctx.rows, ctx.depth, side.panel + side.histogram);
    const endSeq = view.pausedAtSeq ?? model.totalPushed - 1;
    const columns = model.window(endSeq, layout.width);
    const entries = this.track(columns, endSeq);
    const selId = selectionId(view.keys);
    for (const e of entries) {
      if (!e || e.selId === selId) continue;
      e.sel = selectedBuckets(e.col, view.keys);
      e.selTotal = bucketTotal(e.sel);
      e.selId = selId;
      e.counts = null;
    }
    const axis = this.axisFor(view.axisMode ?? defaultAxisMode(model.kind), view.zoom, layout.latencyRows);
    const empty = new Float64Array(layout.latencyRows);
    const axisCounts = entries.map((e) => {
      if (!e) return empty;
      if (e.countsAxis !== axis.id || e.counts === null) {
        e.counts = rowCounts(axis.axis, e.sel, axis.index);
        e.countsAxis = axis.id;
      }
      return e.counts;
    });
    const rowMap = view.trimEmpty ? trimmedRowMap(axisCounts, layout.latencyRows) : null;
    this.rowMap = rowMap;
    const counts = rowMap ? axisCounts.map((c) => remapCounts(c, rowMap)) : axisCounts;
    const scale = this.scaleFor(view, ctx, counts);
    const unit = ctx.unit ?? model.unit;
    const p: Picture = {
      layout, columns, endSeq, axis: axis.axis, counts, scale: scale.scale, unit,
      selected: entries.map((e) => e?.sel), totals: entries.map((e) => e?.selTotal ?? 0),
      newestSeq: model.totalPushed - 1, startedMs: ctx.startedMs ?? null, rowMap,
    };
    const newestT = model.newest()?.t ?? 0;
    const agg = model.aggregation ? ` @${model.aggregation}` : '';
    const stats = view.panel.open || view.keys.mode !== 'all' ? this.keyStatsFor(columns, endSeq) : null;
    this.panelKeys = stats ? filteredKeys(stats, view.panel.filter).map((k) => k.key) : [];
    const base = `heat-tracer-tui — ${ctx.title}${agg}`;
    const title = stats ? selectionTitle(base, view.keys, stats.map((k) => k.key)) : base;
    const text: TextRun[] = [
      { x: 0, y: 0, text: title.slice(0, ctx.cols), style: TITLE },
      ...yLabels(p, ctx),
      xAxis(p, ctx, newestT),
      ...legend(p, view, ctx),
      ...statusLine(p, model, view, ctx),
    ];
    if (title.length + FOOTER_HINTS.length + 3 <= ctx.cols) text.push({ x: ctx.cols - FOOTER_HINTS.length, y: 0, text: FOOTER_HINTS, style: DIM });
    const sideX = layout.x + layout.width;
    if (side.histogram > 0) text.push(...this.histogram(p, view, ctx, sideX, side.histogram));
    if (side.panel > 0 && stats) text.push(...keyPanelRuns(stats, view.keys, view, unit, sideX + side.histogram, layout.y, side.panel, layout.height));
    const box = this.box(p, view, ctx, newestT);
    return {
      cols: ctx.cols,
      rows: ctx.rows,
      heat: { x: layout.x, y: layout.y, width: layout.width, height: layout.height, cells: this.heatCells(p, entries, view, ctx), endSeq },
      text,
      help: box?.lines ?? null,
      helpTitle: box?.title,
      layoutKey: `${ctx.cols}x${ctx.rows}|${ctx.depth}|${view.palette}|axis ${axis.id}|scale ${scale.id}|keys ${selId}|slo ${view.sloNs}|side ${side.panel},${side.histogram}|trim ${rowMap ? rowMap.join(',') : '-'}`,
    };
  }

  /** The lower bound of the cursor's latency row in ns, on the last frame's axis (for `t`). */
  cursorValueNs(view: ViewState, unit: Unit | null): number | null {
    const drawn = view.cursor ? Math.min(view.cursor.row, (this.axis?.axis.rows.length ?? 1) - 1) : 0;
    const row = view.cursor && this.axis ? this.axis.axis.rows[this.rowMap ? this.rowMap[drawn] : drawn] : undefined;
    const v = row ? row.lo ?? row.hi : null;
    if (v === null || v === undefined) return null;
    return thresholdInUnit(1, unit) === 0 ? null : v / thresholdInUnit(1, unit);
  }

  /** The last frame's trimmed rows (drawn row → axis row), or null. */
  private rowMap: Int32Array | null = null;

  /** The key panel's lines in the last frame (filtered, sorted): what isolate/exclude act on. */
  panelKeys: string[] = [];
  private statsCache: { key: string; stats: KeyStat[] } | null = null;

  private keyStatsFor(columns: (Column | undefined)[], endSeq: number): KeyStat[] {
    const first = columns.find((c) => c !== undefined);
    const key = `${endSeq}|${columns.length}|${first?.seq}`;
    if (this.statsCache?.key !== key) this.statsCache = { key, stats: keyStats(columns) };
    return this.statsCache.stats;
  }

  /** The side histogram: the cursor's column, or everything in view. */
  private histogram(p: Picture, view: ViewState, ctx: RenderContext, x: number, width: number): TextRun[] {
    const rows = p.layout.latencyRows;
    const totals = new Float64Array(rows);
    const cursorX = view.cursor ? p.layout.width - 1 - view.cursor.back : p.layout.width - 1;
    const xs = view.histogram === 'view' ? p.counts.map((_, i) => i) : [cursorX];
    for (const i of xs) {
      const c = p.counts[i];
      if (!c) continue;
      for (let r = 0; r < rows; r++) totals[r] += c[r];
    }
    const perScreenRow = ctx.depth === 'none' ? 1 : 2;
    return histogramRuns(totals, perScreenRow, view.histogram === 'view' ? ' hist: view' : ' hist: column', x, p.layout.y, width, p.layout.height);
  }

  /** The overlay box, if any: help, else the cursor cell's breakdown. */
  private box(p: Picture, view: ViewState, ctx: RenderContext, newestT: number): { title: string; lines: string[] } | null {
    if (view.showHelp) return { title: 'keys', lines: helpLines(ctx.rows - 2, ctx.cols - 4) };
    if (!view.showBreakdown || !view.cursor) return null;
    const x = p.layout.width - 1 - view.cursor.back;
    const col = p.columns[x];
    if (!col) return { title: 'cell', lines: ['no data in this column'] };
    const cell = cellBreakdown(col, p.axis, this.axis!.index, axisRowOf(p, Math.min(view.cursor.row, p.axis.rows.length - 1)), view.keys);
    if (!cell) return null;
    return { title: 'cell', lines: breakdownLines(cell, p.unit, columnWhen(p, col, newestT), Math.max(1, p.layout.height - 8)) };
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
        e = { col, sel: col.merged, selTotal: col.total, selId: 'all', counts: null, countsAxis: 0, cells: null, cellsKey: '' };
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
    const steps = stepsForDepth(ctx.depth, view.palette);
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
    const steps = stepsForDepth(ctx.depth, view.palette);
    const ramp = none ? [] : rampForDepth(view.palette, ctx.depth, steps).map(rgb);
    const scale = p.scale;
    const toDrawn = (r: number) => (r < 0 || !p.rowMap ? r : drawnRowOf(p.rowMap, r));
    const sloRow = view.sloNs === null ? -1 : toDrawn(markerRow(p.axis, thresholdInUnit(view.sloNs, p.unit)));
    const key = `${this.axis!.id}|${this.scale!.id}|${view.palette}|${ctx.depth}|${view.showPercentiles}|${height}|${selectionId(view.keys)}|${sloRow}|${p.rowMap ? p.rowMap.join(',') : '-'}`;
    const blankColumn = sloRow >= 0 ? columnCells(new Float64Array(latencyRows), () => DEFAULT_COLOUR, () => ' ', height, none, new Map([[sloRow, SLO_COLOUR]])) : new Array<HeatCell>(height).fill(BLANK_CELL);
    const cursorX = view.cursor ? width - 1 - view.cursor.back : -1;
    const columnsCells = entries.map((e, x) => {
      if (!e) return blankColumn;
      const total = e.selTotal;
      const colourOf = (n: number): Colour => (n > 0 ? ramp[scale.step(n, total) - 1] ?? DEFAULT_COLOUR : DEFAULT_COLOUR);
      const glyphOf = (n: number) => glyphFor(scale.step(n, total), steps);
      if (x !== cursorX && e.cellsKey === key && e.cells) return e.cells;
      const over = new Map<number, Colour>();
      if (sloRow >= 0) over.set(sloRow, SLO_COLOUR);
      if (view.showPercentiles && total > 0) {
        [50, 90, 99].forEach((pct, i) => {
          const v = percentile(e.sel, pct);
          const r = v === null ? -1 : toDrawn(markerRow(p.axis, v));
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
      if (sloRow >= 0 && sloRow !== view.cursor!.row) over.set(sloRow, SLO_COLOUR);
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
