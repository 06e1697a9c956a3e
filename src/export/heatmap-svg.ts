//! Writes columns of the heatmap model as an SVG heatmap in the manner of Brendan Gregg's
//! trace2heatmap: time across, latency up, a <title> tooltip per cell (time, range, count, % of
//! column), axes with units and a legend. Pure: columns in, SVG text out; the app writes the file.

import { buildAxis, collectShapes, fitWindow, placeSegments, rowCounts, rowOfValue, segmentIndex, type AxisMode } from '../model/axis';
import type { Column } from '../model/heatmap';
import { bucketTotal, selectedBuckets, type KeySelection } from '../model/key-selection';
import type { Unit } from '../model/snapshot';
import { thresholdInUnit } from '../model/threshold';
import { formatValue } from '../model/units';

export interface SvgOptions {
  title: string;
  /** Shown under the title: what is drawn, the keys, the time range. */
  subtitle?: string;
  unit: Unit | null;
  axisMode: AxisMode;
  keys: KeySelection;
  intervalMs: number;
  /** Epoch ms the data starts at: tooltips and the x-axis give wall-clock times; null: seconds. */
  startedMs: number | null;
  /** Latency rows (trace2heatmap's default is 50). */
  rows?: number;
  sloNs?: number | null;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** trace2heatmap's ramp: light yellow for few events, through orange, to dark red for many. */
function colourFor(count: number, max: number): string {
  const f = max > 0 ? Math.min(1, count / max) : 0;
  const r = Math.round(255 - 55 * f);
  const g = Math.round(230 - 230 * f);
  const b = Math.round(150 - 150 * f);
  return `rgb(${r},${g},${b})`;
}

function timeText(startedMs: number | null, tMs: number): string {
  if (startedMs === null) return `${(tMs / 1000).toFixed(tMs % 1000 === 0 ? 0 : 1)}s`;
  return new Date(startedMs + tMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function rangeText(lo: number | null, hi: number | null, unit: Unit | null): string {
  if (lo === null) return `< ${formatValue(hi ?? 0, unit)}`;
  if (hi === null) return `≥ ${formatValue(lo, unit)}`;
  return `${formatValue(lo, unit)} – ${formatValue(hi, unit)}`;
}

/** The SVG document for these columns (oldest first; missing columns stay blank). */
export function heatmapSvg(columns: ReadonlyArray<Column | undefined>, opts: SvgOptions): string {
  const rows = opts.rows ?? 50;
  const buckets = columns.map((c) => (c ? selectedBuckets(c, opts.keys) : undefined));
  const segments = placeSegments(collectShapes(buckets), opts.axisMode);
  const [c0, c1] = segments.length > 0 ? fitWindow(segments, opts.axisMode, 1) : [0, 1];
  const axis = buildAxis(segments, opts.axisMode, c0, c1, rows);
  const index = segmentIndex(axis);
  const counts = buckets.map((b) => rowCounts(axis, b, index));
  const totals = buckets.map((b) => (b ? bucketTotal(b) : 0));
  let max = 0;
  for (const c of counts) for (const v of c) max = Math.max(max, v);
  const n = Math.max(1, columns.length);
  const cellW = Math.max(1, Math.min(30, Math.floor(1000 / n)));
  const cellH = 8;
  const left = 80;
  const top = 60;
  const plotW = n * cellW;
  const plotH = rows * cellH;
  const width = Math.max(left + plotW + 90, 640);
  const height = top + plotH + 110;
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Verdana, sans-serif" font-size="11">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="16">${esc(opts.title)}</text>`);
  if (opts.subtitle) out.push(`<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">${esc(opts.subtitle)}</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#f8f8f8" stroke="#999"/>`);
  out.push(`<g id="cells">`);
  columns.forEach((col, x) => {
    if (!col) return;
    for (let r = 0; r < rows; r++) {
      const v = counts[x][r];
      if (!(v > 0)) continue;
      const row = axis.rows[r];
      // One bucket drawn over several rows is one cell: one rectangle, one tooltip.
      let r1 = r;
      while (r1 + 1 < rows && axis.rows[r1 + 1].lo === row.lo && axis.rows[r1 + 1].hi === row.hi && counts[x][r1 + 1] === v) r1++;
      const pct = totals[x] > 0 ? (100 * v) / totals[x] : 0;
      const tip = `time ${timeText(opts.startedMs, col.t)}\nrange ${rangeText(row.lo, row.hi, opts.unit)}\ncount ${v.toLocaleString('en-US')}\n${pct.toFixed(1)}% of column`;
      out.push(`<rect x="${left + x * cellW}" y="${top + plotH - (r1 + 1) * cellH}" width="${cellW}" height="${(r1 - r + 1) * cellH}" fill="${colourFor(v, max)}"><title>${esc(tip)}</title></rect>`);
      r = r1;
    }
  });
  out.push(`</g>`);
  // Y axis: a label every fifth row, at the row's lower bound.
  for (let r = 0; r < rows; r += 5) {
    const row = axis.rows[r];
    const v = row.lo ?? row.hi;
    if (v === null) continue;
    const y = top + plotH - r * cellH;
    out.push(`<text x="${left - 6}" y="${y}" text-anchor="end" class="ylabel">${esc(formatValue(v, opts.unit))}</text>`);
  }
  out.push(`<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">latency${opts.unit ? '' : ' (raw values)'}</text>`);
  // X axis: about eight labels.
  // Labels at least 70 px apart, so wall-clock times never overlap.
  const every = Math.max(1, Math.ceil(n / 8), Math.ceil(70 / cellW));
  for (let x = 0; x < columns.length; x += every) {
    const col = columns[x];
    if (!col) continue;
    const label = opts.startedMs === null ? timeText(null, col.t) : new Date(opts.startedMs + col.t).toISOString().slice(11, 19);
    out.push(`<text x="${left + x * cellW}" y="${top + plotH + 16}" class="xlabel">${esc(label)}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle">time (${opts.startedMs === null ? 'seconds since start' : 'UTC'}), ${opts.intervalMs} ms per column</text>`);
  if (opts.sloNs != null) {
    const t = thresholdInUnit(opts.sloNs, opts.unit);
    const r = rowOfValue(axis, t);
    if (r >= 0) {
      const y = top + plotH - r * cellH;
      out.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#0050ff" stroke-dasharray="4,3"/><text x="${left + plotW + 2}" y="${y + 4}" fill="#0050ff">SLO ${esc(formatValue(opts.sloNs, 'ns'))}</text>`);
    }
  }
  // Legend: the ramp from 1 event to the busiest cell.
  const ly = top + plotH + 56;
  out.push(`<text x="${left}" y="${ly}">events per cell:</text>`);
  for (let i = 0; i < 10; i++) {
    const v = Math.max(1, Math.round((max * (i + 1)) / 10));
    out.push(`<rect x="${left + 110 + i * 44}" y="${ly - 10}" width="44" height="12" fill="${colourFor(v, max)}" class="legend"/><text x="${left + 110 + i * 44}" y="${ly + 14}" font-size="9">${v.toLocaleString('en-US')}</text>`);
  }
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
