//! What the renderer draws beside and over the heat area when asked: the key panel (keys by
//! events in view), the side histogram (aligned with the heat rows) and the cell breakdown box.
//! Pure: plain text runs and lines.

import type { CellBreakdown } from '../model/cell-breakdown';
import { isShown, type KeySelection, type KeyStat } from '../model/key-selection';
import type { Unit } from '../model/snapshot';
import { formatValue } from '../model/units';
import { DEFAULT_COLOUR, type Style, type TextRun } from './frame';
import type { ViewState } from './view-state';

/** Columns the key panel takes on the right, border included. */
export const KEY_PANEL_WIDTH = 36;
/** Columns the side histogram takes. */
export const HISTOGRAM_WIDTH = 14;

const HEAD: Style = { fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR, bold: true };
const ROW: Style = { fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR };
const HIDDEN: Style = { fg: 0x808080, bg: DEFAULT_COLOUR };
const SELECTED: Style = { fg: 0x000000, bg: 0xd0d0d0 };
const BAR: Style = { fg: 0x5fafd7, bg: DEFAULT_COLOUR };

/** Columns taken right of the heat area by the panels the view has open, at a screen width. */
export function sideColumns(view: ViewState, cols: number): { panel: number; histogram: number } {
  // The heat area keeps at least 30 columns: a panel that leaves less is not drawn.
  let room = cols - 9 - 30;
  const panel = view.panel.open && room >= KEY_PANEL_WIDTH ? KEY_PANEL_WIDTH : 0;
  room -= panel;
  const histogram = view.histogram !== 'off' && room >= HISTOGRAM_WIDTH ? HISTOGRAM_WIDTH : 0;
  return { panel, histogram };
}

/** The key panel's lines after the filter: what ↑/↓, i and x act on. */
export function filteredKeys(stats: readonly KeyStat[], filter: string): KeyStat[] {
  const f = filter.toLowerCase();
  return f === '' ? [...stats] : stats.filter((s) => s.key.toLowerCase().includes(f));
}

const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s.padEnd(w));

function compact(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 10_000_000) return `${Math.round(n / 1000)}k`;
  return `${Math.round(n / 1e6)}M`;
}

/** The key panel: a header, then one line per key (marked when shown), scrolled to keep the selection visible. */
export function keyPanelRuns(stats: readonly KeyStat[], sel: KeySelection, view: ViewState, unit: Unit | null, x: number, y: number, width: number, height: number): TextRun[] {
  const keys = filteredKeys(stats, view.panel.filter);
  const inner = width - 2;
  const runs: TextRun[] = [];
  const title = view.panel.typing || view.panel.filter ? `/${view.panel.filter}${view.panel.typing ? '▏' : ''}` : `keys ${keys.length}`;
  runs.push({ x, y, text: '│' + fit(` ${title}`, inner), style: HEAD });
  runs.push({ x, y: y + 1, text: '│' + fit('   key          events share   p99', inner), style: HEAD });
  const rows = Math.max(0, height - 2);
  const index = Math.min(view.panel.index, Math.max(0, keys.length - 1));
  const first = Math.max(0, Math.min(index - Math.floor(rows / 2), keys.length - rows));
  for (let i = 0; i < rows; i++) {
    const k = keys[first + i];
    const yy = y + 2 + i;
    if (!k) {
      runs.push({ x, y: yy, text: '│' + ' '.repeat(inner), style: ROW });
      continue;
    }
    const shown = isShown(sel, k.key);
    const mark = sel.mode === 'only' && shown ? '●' : sel.mode === 'except' && !shown ? '✗' : ' ';
    const p99 = k.p99 === null ? '-' : formatValue(k.p99, unit);
    const line = ` ${mark} ${fit(k.key, 12)} ${compact(k.count).padStart(6)} ${`${Math.round(k.share * 100)}%`.padStart(4)} ${p99.padStart(6)}`;
    const style = view.panel.open && first + i === index ? SELECTED : shown ? ROW : HIDDEN;
    runs.push({ x, y: yy, text: '│' + fit(line, inner), style });
  }
  if (keys.length > rows && rows > 0) runs.push({ x: x + width - 1, y: y + 2 + (first + rows < keys.length ? rows - 1 : 0), text: first + rows < keys.length ? '↓' : '↑', style: HEAD });
  return runs;
}

/**
 * Horizontal bars, one per screen row, aligned with the heat rows: `perScreenRow` latency rows
 * (bottom first) summed per screen row, scaled to the widest.
 */
export function histogramRuns(rowTotals: Float64Array, perScreenRow: number, label: string, x: number, y: number, width: number, height: number): TextRun[] {
  const sums = new Float64Array(height);
  for (let sy = 0; sy < height; sy++) {
    for (let k = 0; k < perScreenRow; k++) sums[sy] += rowTotals[rowTotals.length - 1 - sy * perScreenRow - k] ?? 0;
  }
  let max = 0;
  for (const v of sums) max = Math.max(max, v);
  // The label goes under the bars, on the x-axis row, which is free beside the heat area.
  const runs: TextRun[] = [{ x, y: y + height, text: fit(label, width), style: HIDDEN }];
  const room = width - 1;
  for (let sy = 0; sy < height; sy++) {
    const eighths = max > 0 ? Math.round((sums[sy] / max) * room * 8) : 0;
    const bar = '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? '▏▎▍▌▋▊▉'[(eighths % 8) - 1] : '');
    runs.push({ x, y: y + sy, text: ' ' + bar.padEnd(room), style: BAR });
  }
  return runs;
}

/** The breakdown box's lines: when, range, count, share, then the keys. */
export function breakdownLines(cell: CellBreakdown, unit: Unit | null, when: string, maxKeys: number): string[] {
  const range = cell.lo === null ? `< ${formatValue(cell.hi ?? 0, unit)}` : cell.hi === null ? `≥ ${formatValue(cell.lo, unit)}` : `${formatValue(cell.lo, unit)} – ${formatValue(cell.hi, unit)}`;
  const lines = [
    `time      ${when} (column ${cell.seq})`,
    `range     ${range}`,
    `count     ${cell.count.toLocaleString('en-US')} of ${cell.columnTotal.toLocaleString('en-US')}`,
    `share     ${cell.pctOfColumn.toFixed(1)}% of column`,
    cell.keys.length > 0 ? 'keys' : 'keys      none',
  ];
  for (const k of cell.keys.slice(0, maxKeys)) lines.push(`  ${fit(k.key, 16)} ${k.count.toLocaleString('en-US').padStart(9)}  ${k.pctOfCell.toFixed(1).padStart(5)}%`);
  if (cell.keys.length > maxKeys) lines.push(`  … ${cell.keys.length - maxKeys} more`);
  return lines;
}
