//! The text around the heat area, built from a Picture (the renderer's view of the columns): y
//! labels, the x-axis, the legend, the status line with the cursor readout. Pure.

import type { Axis } from '../model/axis';
import { rowOfValue } from '../model/axis';
import type { ColourScale } from '../model/colour-scale';
import type { Column, Heatmap } from '../model/heatmap';
import { clockText, wallClock } from '../model/history';
import { percentile } from '../model/percentiles';
import type { Bucket, Unit } from '../model/snapshot';
import { shareAbove, shareAboveAll, thresholdInUnit } from '../model/threshold';
import { formatValue } from '../model/units';
import { DEFAULT_COLOUR, type Colour, type Style, type TextRun } from './frame';
import { glyphFor, rampForDepth, stepsFor, type RGB } from './palette';
import type { HeatLayout, RenderContext } from './render';
import type { ViewState } from './view-state';

/** Width of the y-axis label column. */
export const LABEL_WIDTH = 9;

export const TEXT: Style = { fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR };
export const DIM: Style = { fg: 0x808080, bg: DEFAULT_COLOUR };
export const TITLE: Style = { fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR, bold: true };
export const WARN: Style = { fg: 0xffff00, bg: DEFAULT_COLOUR, bold: true };
export const ERROR: Style = { fg: 0xff5f5f, bg: DEFAULT_COLOUR, bold: true };

/** Everything derived from the visible columns that the frame and the readouts share. */
export interface Picture {
  layout: HeatLayout;
  columns: (Column | undefined)[];
  endSeq: number;
  axis: Axis;
  /** counts[x][row]: per screen column, per latency row (bottom first). */
  counts: Float64Array[];
  scale: ColourScale;
  unit: Unit | null;
  /** Per screen column: the buckets of the selected keys, and their total. */
  selected: (Bucket[] | undefined)[];
  totals: number[];
  newestSeq: number;
  /** When the data starts (epoch ms), for wall-clock labels when scrolled back; null: unknown. */
  startedMs: number | null;
  /** Trimmed view: drawn row → axis row (counts are on drawn rows); null when not trimmed. */
  rowMap: Int32Array | null;
}

/** The axis row a drawn row shows. */
export function axisRowOf(p: Picture, drawn: number): number {
  return p.rowMap ? p.rowMap[Math.min(drawn, p.rowMap.length - 1)] : drawn;
}

/** Whether the view is scrolled back from the newest column (and wall-clock times are known). */
function showsClock(p: Picture): boolean {
  return p.startedMs !== null && p.endSeq < p.newestSeq;
}

/** A column's time: wall-clock when scrolled back, else seconds before the newest. */
export function columnWhen(p: Picture, col: Column, newestT: number): string {
  if (showsClock(p)) return clockText(wallClock(p.startedMs!, col.t));
  return newestT - col.t > 0 ? `-${secondsText(newestT - col.t)}` : 'now';
}

/** A palette colour as a frame Colour. */
export function rgb([r, g, b]: RGB): Colour {
  return ((r & 255) << 16) | ((g & 255) << 8) | (b & 255);
}



/**
 * The latency row for a percentile marker. rowOfValue gives the first row of a bucket drawn over
 * several rows; inside such a run the value's own position on the axis is the better row, so p50
 * and p90 of one tall bucket do not land on the same row.
 */
export function markerRow(axis: Axis, v: number): number {
  const r0 = rowOfValue(axis, v);
  if (r0 < 0) return r0;
  const { lo, hi } = axis.rows[r0];
  let r1 = r0;
  while (r1 + 1 < axis.rows.length && axis.rows[r1 + 1].lo === lo && axis.rows[r1 + 1].hi === hi) r1++;
  if (r1 === r0) return r0;
  const c = axis.mode === 'log' ? Math.sign(v) * Math.log2(1 + Math.abs(v)) : v;
  const byPosition = Math.floor(((c - axis.c0) / (axis.c1 - axis.c0)) * axis.rows.length);
  return Math.min(r1, Math.max(r0, byPosition));
}

function rangeText(lo: number | null, hi: number | null, unit: Unit | null): string {
  if (lo === null && hi === null) return 'all values';
  if (lo === null) return `< ${formatValue(hi as number, unit)}`;
  if (hi === null) return `≥ ${formatValue(lo, unit)}`;
  return `${formatValue(lo, unit)} – ${formatValue(hi, unit)}`;
}

/**
 * The value a y label shows for latency row r: where the row's buckets start when a bucket starts
 * there, else (higher rows of a bucket drawn over several rows) the row's own place on the axis,
 * so labels rise steadily instead of repeating the bucket's lower bound.
 */
function labelValue(axis: Axis, r: number): number {
  const row = axis.rows[r];
  const below = r > 0 ? axis.rows[r - 1] : null;
  if (row.lo !== null && (below === null || below.lo !== row.lo || below.hi !== row.hi)) return row.lo;
  const c = axis.c0 + (r * (axis.c1 - axis.c0)) / axis.rows.length;
  return axis.mode === 'log' ? Math.sign(c) * (Math.pow(2, Math.abs(c)) - 1) : c;
}

export function yLabels(p: Picture, ctx: RenderContext): TextRun[] {
  const out: TextRun[] = [];
  const perScreenRow = ctx.depth === 'none' ? 1 : 2;
  for (let sy = p.layout.height - 1; sy >= 0; sy -= 2) {
    const lower = p.layout.latencyRows - perScreenRow - perScreenRow * sy;
    const r = Math.max(0, lower);
    const ar = axisRowOf(p, r);
    const row = p.axis.rows[ar];
    if (!row) continue;
    // Trimmed, a label is the lower bound of the bucket it sits on: the axis is no longer a scale.
    const text = row.lo === null ? `<${formatValue(row.hi ?? 0, p.unit)}` : formatValue(p.rowMap ? row.lo : labelValue(p.axis, ar), p.unit);
    out.push({ x: 0, y: p.layout.y + sy, text: text.slice(0, LABEL_WIDTH - 1).padStart(LABEL_WIDTH - 1) + ' ', style: DIM });
  }
  return out;
}

export function secondsText(ms: number): string {
  const s = ms / 1000;
  return s >= 100 || Number.isInteger(s) ? `${Math.round(s)}s` : `${s.toFixed(1)}s`;
}

export function xAxis(p: Picture, ctx: RenderContext, newestT: number): TextRun {
  const { width } = p.layout;
  const chars = new Array<string>(width).fill(' ');
  const put = (x: number, s: string) => {
    for (let i = 0; i < s.length && x + i < width; i++) if (x + i >= 0) chars[x + i] = s[i];
  };
  const clock = showsClock(p);
  const every = clock ? 20 : width >= 100 ? 20 : 10;
  for (let back = every; back < width; back += every) {
    const x = width - 1 - back;
    const col = p.columns[x];
    if (clock) {
      if (col && x - 7 >= 0) put(x - 7, clockText(wallClock(p.startedMs!, col.t)));
      continue;
    }
    const ago = col ? newestT - col.t : back * ctx.intervalMs + (newestT - (p.columns[width - 1]?.t ?? newestT));
    // Whole intervals: a source's timer jitter must not rewrite the axis every tick.
    const label = `-${secondsText(ctx.intervalMs > 0 ? Math.round(ago / ctx.intervalMs) * ctx.intervalMs : ago)}`;
    // A label cut at the left edge would read as a different time ('-90s' as 's').
    if (x - label.length + 1 >= 0) put(x - label.length + 1, label);
  }
  const last = p.columns[width - 1];
  const rightLabel = clock && last ? clockText(wallClock(p.startedMs!, last.t)) : last && newestT - last.t > 0 ? `-${secondsText(newestT - last.t)}` : 'now';
  put(width - rightLabel.length, rightLabel);
  return { x: p.layout.x, y: p.layout.y + p.layout.height, text: chars.join(''), style: DIM };
}

export function legend(p: Picture, view: ViewState, ctx: RenderContext): TextRun[] {
  const steps = stepsFor(ctx.depth, view.palette);
  const ramp = ctx.depth === 'none' ? [] : rampForDepth(view.palette, ctx.depth, steps).map(rgb);
  const runs: TextRun[] = [];
  const y = p.layout.y + p.layout.height + 1;
  let x = 0;
  const share = view.colourScale === 'column';
  const head = share ? '% of column ' : `${view.colourScale} ≤p${view.saturationPct} `;
  runs.push({ x, y, text: head, style: DIM });
  x += head.length;
  const items = p.scale.legend();
  const texts = items.map((it) => (share ? `≤${Math.round(it.hi * 100)}%` : it.lo === it.hi ? `${it.lo}` : `${it.lo}-${it.hi}`));
  const width = (i: number) => 2 + texts[i].length + 1;
  // As many swatches as fit, spread evenly, always the first and the top (saturated) step.
  let picks = items.map((_, i) => i);
  for (let m = items.length; m > 1; m--) {
    picks = Array.from({ length: m }, (_, k) => Math.round((k * (items.length - 1)) / (m - 1)));
    if (x + picks.reduce((s, i) => s + width(i), 0) <= ctx.cols) break;
  }
  for (const i of picks) {
    const swatch = ctx.depth === 'none' ? glyphFor(items[i].step, steps).repeat(2) : '██';
    if (x + swatch.length + texts[i].length + 1 > ctx.cols) break;
    runs.push({ x, y, text: swatch, style: { fg: ctx.depth === 'none' ? DEFAULT_COLOUR : ramp[items[i].step - 1] ?? DEFAULT_COLOUR, bg: DEFAULT_COLOUR } });
    x += swatch.length;
    runs.push({ x, y, text: `${texts[i]} `, style: TEXT });
    x += texts[i].length + 1;
  }
  if (items.length === 0) runs.push({ x, y, text: 'no events in view', style: DIM });
  return runs;
}

/** The cursor's readout: time, bucket range, count and share of its column. */
export function cursorReadout(p: Picture, view: ViewState, newestT: number): string | null {
  if (!view.cursor) return null;
  const x = p.layout.width - 1 - view.cursor.back;
  const col = p.columns[x];
  const row = p.axis.rows[axisRowOf(p, Math.min(view.cursor.row, p.axis.rows.length - 1))];
  if (!col || !row) return `cursor: no data at this column`;
  const n = p.counts[x][Math.min(view.cursor.row, p.axis.rows.length - 1)];
  const share = p.totals[x] > 0 ? (100 * n) / p.totals[x] : 0;
  const cont = row.owned.length === 0 && row.within >= 0 ? ' (part of one bucket)' : '';
  const when = columnWhen(p, col, newestT);
  return `cursor ${when}  ${rangeText(row.lo, row.hi, p.unit)}${cont}  count ${n.toLocaleString('en-US')} (${share.toFixed(1)}% of column)`;
}

export function statusLine(p: Picture, model: Heatmap, view: ViewState, ctx: RenderContext): TextRun[] {
  const y = ctx.rows - 1;
  const newest = p.columns[p.layout.width - 1];
  const newestBuckets = p.selected[p.layout.width - 1] ?? [];
  const newestT = model.newest()?.t ?? 0;
  const parts: string[] = [];
  if (view.pausedAtSeq !== null) parts.push(`PAUSED (+${model.totalPushed - 1 - view.pausedAtSeq} new)`);
  parts.push(`every ${secondsText(ctx.intervalMs)}`);
  if (newest) {
    parts.push(`${p.totals[p.layout.width - 1].toLocaleString('en-US')} events`);
    const p50 = percentile(newestBuckets, 50);
    const p99 = percentile(newestBuckets, 99);
    if (p50 !== null && p99 !== null) parts.push(`p50 ${formatValue(p50, p.unit)} p99 ${formatValue(p99, p.unit)}`);
  }
  if (view.sloNs !== null) {
    const threshold = thresholdInUnit(view.sloNs, p.unit);
    const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(v < 0.001 && v > 0 ? 3 : 1)}%`);
    const now = shareAbove(newestBuckets, threshold);
    const inView = shareAboveAll(p.selected.filter((b): b is Bucket[] => b !== undefined), threshold);
    parts.push(`>${formatValue(view.sloNs, 'ns')}: ${pct(now)} now, ${pct(inView)} in view`);
  }
  if (ctx.probe) parts.push(ctx.probe);
  parts.push(`lost ${ctx.lostTotal.toLocaleString('en-US')}`);
  if (view.zoom !== 1) parts.push(`zoom ×${view.zoom}`);
  if (p.unit === null && model.kind !== null) parts.push('raw values (unit unknown)');
  const readout = cursorReadout(p, view, newestT);
  const runs: TextRun[] = [];
  let line = readout ?? parts.join(' │ ');
  let style = view.pausedAtSeq !== null ? WARN : TEXT;
  if (ctx.message) {
    line = `${ctx.message} │ ${line}`;
    style = ctx.messageIsError ? ERROR : WARN;
  }
  runs.push({ x: 0, y, text: line.slice(0, ctx.cols), style });
  const hint = `? help`;
  if (line.length + hint.length + 2 <= ctx.cols) runs.push({ x: ctx.cols - hint.length, y, text: hint, style: DIM });
  return runs;
}
