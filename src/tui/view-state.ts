//! What the user has asked the view to be (paused, zoom, scale, palette, cursor, overlays) and the
//! one reducer that applies named actions to it. Pure: keys become actions in keymap.ts.

import type { ColorScaleName, PaletteName } from '../config';
import { COLOR_SCALES, PALETTES } from '../config';
import type { AxisMode } from '../model/axis';
import { DEFAULT_SATURATION_PCT, saturationDown, saturationUp } from '../model/colour-scale';
import { scrollBy } from '../model/history';
import { ALL_KEYS, toggleExcluded, toggleIsolated, type KeySelection } from '../model/key-selection';
import type { ActionName } from './keymap';


export interface Cursor {
  /** Columns back from the right edge of the heatmap (0 = newest drawn column). */
  back: number;
  /** Latency row from the bottom (0 = lowest row). */
  row: number;
}

export interface ViewState {
  /** When paused: the newest column seq that stays on screen; null when live. */
  pausedAtSeq: number | null;
  /** null: the default axis for the bucket family. */
  axisMode: AxisMode | null;
  /** 1 = fitted to the data; >1 zoomed in, <1 zoomed out. */
  zoom: number;
  colourScale: ColorScaleName;
  saturationPct: number;
  palette: PaletteName;
  cursor: Cursor | null;
  showPercentiles: boolean;
  showHelp: boolean;
  quit: boolean;
  /** Which keys are drawn. */
  keys: KeySelection;
  /** The key panel: open, its selected line, its filter and whether the filter is being typed. */
  panel: { open: boolean; index: number; filter: string; typing: boolean };
  showBreakdown: boolean;
  /** Side histogram: off, of the cursor's column, or of everything in view. */
  histogram: 'off' | 'column' | 'view';
  /** The threshold line (--slo or `t`), in ns; null: none. */
  sloNs: number | null;
  /** Hide latency rows empty across the view. */
  trimEmpty: boolean;
  /** Set by `s`; the app writes the SVG and clears it. */
  exportRequested: boolean;
}

export function initialViewState(opts: { colourScale: ColorScaleName; palette: PaletteName; sloNs?: number | null }): ViewState {
  return {
    pausedAtSeq: null,
    axisMode: null,
    zoom: 1,
    colourScale: opts.colourScale,
    saturationPct: DEFAULT_SATURATION_PCT,
    palette: opts.palette,
    cursor: null,
    showPercentiles: false,
    showHelp: false,
    quit: false,
    keys: ALL_KEYS,
    panel: { open: false, index: 0, filter: '', typing: false },
    showBreakdown: false,
    histogram: 'off',
    sloNs: opts.sloNs ?? null,
    trimEmpty: false,
    exportRequested: false,
  };
}

/** Facts from outside the view the reducer needs: the newest seq, the heatmap's size. */
export interface ReduceContext {
  newestSeq: number;
  heatColumns: number;
  latencyRows: number;
  defaultAxisMode: AxisMode;
  /** Oldest seq still held (history scrolling stops there). */
  firstSeq?: number;
  /** The key panel's lines now (filtered, sorted), for isolate/exclude. */
  panelKeys?: readonly string[];
  /** The cursor row's lower bound in ns, for `t`; null when unknown. */
  cursorValueNs?: number | null;
}

function cycle<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length];
}


const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

function moveCursor(s: ViewState, ctx: ReduceContext, dBack: number, dRow: number): ViewState {
  const cur = s.cursor ?? { back: 0, row: Math.floor(ctx.latencyRows / 2) };
  const started = s.cursor === null;
  return {
    ...s,
    cursor: {
      back: clamp(cur.back + (started ? 0 : dBack), 0, Math.max(0, ctx.heatColumns - 1)),
      row: clamp(cur.row + (started ? 0 : dRow), 0, Math.max(0, ctx.latencyRows - 1)),
    },
  };
}

/** Paused view scrolled by delta columns (pausing first when live), within the retained ring. */
function scroll(s: ViewState, ctx: ReduceContext, delta: number): ViewState {
  const end = s.pausedAtSeq ?? ctx.newestSeq;
  return { ...s, pausedAtSeq: scrollBy(end, delta, ctx.firstSeq ?? 0, ctx.newestSeq, ctx.heatColumns) };
}

/** ←/→: the cursor moves; paused without a cursor, or at the cursor's edge, the view scrolls. */
function horizontal(s: ViewState, ctx: ReduceContext, dBack: number): ViewState {
  if (s.pausedAtSeq === null) return moveCursor(s, ctx, dBack, 0);
  const back = s.cursor?.back ?? -1;
  const atEdge = s.cursor === null || (dBack > 0 && back >= ctx.heatColumns - 1) || (dBack < 0 && back <= 0);
  return atEdge ? scroll(s, ctx, -dBack) : moveCursor(s, ctx, dBack, 0);
}

function panelKey(s: ViewState, ctx: ReduceContext): string | null {
  const keys = ctx.panelKeys ?? [];
  return keys.length > 0 ? keys[clamp(s.panel.index, 0, keys.length - 1)] : null;
}

function panelMove(s: ViewState, ctx: ReduceContext, d: number): ViewState {
  const n = ctx.panelKeys?.length ?? 0;
  return { ...s, panel: { ...s.panel, index: clamp(s.panel.index + d, 0, Math.max(0, n - 1)) } };
}

/** A key typed while the key panel's filter is being edited; true when it was consumed. */
export function typeIntoFilter(s: ViewState, full: string): ViewState | null {
  if (!s.panel.typing) return null;
  // blessed reports '\r' as 'return' and then again as 'enter': the second one ends the filter.
  if (full === 'return') return s;
  if (full === 'enter' || full === 'escape') return { ...s, panel: { ...s.panel, typing: false, filter: full === 'escape' ? '' : s.panel.filter } };
  if (full === 'backspace') return { ...s, panel: { ...s.panel, filter: s.panel.filter.slice(0, -1), index: 0 } };
  if ([...full].length === 1) return { ...s, panel: { ...s.panel, filter: s.panel.filter + full, index: 0 } };
  return s;
}

/** Applies one named action. */
export function reduce(s: ViewState, action: ActionName, ctx: ReduceContext): ViewState {
  switch (action) {
    case 'pageBack':
      return scroll(s, ctx, -ctx.heatColumns);
    case 'pageForward':
      return scroll(s, ctx, ctx.heatColumns);
    case 'historyStart':
      return scroll(s, ctx, -Infinity);
    case 'historyEnd':
      return { ...s, pausedAtSeq: null };
    case 'toggleKeyPanel':
      return { ...s, panel: { ...s.panel, open: !s.panel.open, typing: false } };
    case 'isolateKey': {
      const key = s.panel.open ? panelKey(s, ctx) : null;
      return key === null ? s : { ...s, keys: toggleIsolated(s.keys, key) };
    }
    case 'excludeKey': {
      const key = s.panel.open ? panelKey(s, ctx) : null;
      return key === null ? s : { ...s, keys: toggleExcluded(s.keys, key) };
    }
    case 'allKeys':
      return { ...s, keys: ALL_KEYS };
    case 'filterKeys':
      return { ...s, panel: { ...s.panel, open: true, typing: true, filter: '', index: 0 } };
    case 'toggleBreakdown':
      return s.showBreakdown ? { ...s, showBreakdown: false } : { ...moveCursor(s, ctx, 0, 0), showBreakdown: true };
    case 'toggleHistogram':
      return { ...s, histogram: s.histogram === 'off' ? 'column' : 'off' };
    case 'histogramScope':
      return { ...s, histogram: s.histogram === 'view' ? 'column' : 'view' };
    case 'sloAtCursor':
      if (s.sloNs !== null) return { ...s, sloNs: null };
      return ctx.cursorValueNs == null ? s : { ...s, sloNs: ctx.cursorValueNs };
    case 'toggleTrim':
      return { ...s, trimEmpty: !s.trimEmpty };
    case 'exportSvg':
      return { ...s, exportRequested: true };
    case 'pause':
      return { ...s, pausedAtSeq: s.pausedAtSeq === null ? ctx.newestSeq : null };
    case 'zoomIn':
      return { ...s, zoom: Math.min(s.zoom * 2, 64) };
    case 'zoomOut':
      return { ...s, zoom: Math.max(s.zoom / 2, 1 / 16) };
    case 'autoFit':
      return { ...s, zoom: 1 };
    case 'toggleAxisMode': {
      const now = s.axisMode ?? ctx.defaultAxisMode;
      return { ...s, axisMode: now === 'log' ? 'linear' : 'log', zoom: 1 };
    }
    case 'cycleColourScale':
      return { ...s, colourScale: cycle(COLOR_SCALES, s.colourScale) };
    case 'saturationDown':
      return { ...s, saturationPct: saturationDown(s.saturationPct) };
    case 'saturationUp':
      return { ...s, saturationPct: saturationUp(s.saturationPct) };
    case 'cyclePalette':
      return { ...s, palette: cycle(PALETTES, s.palette) };
    case 'cursorLeft':
      return horizontal(s, ctx, 1);
    case 'cursorRight':
      return horizontal(s, ctx, -1);
    case 'cursorUp':
      return s.panel.open ? panelMove(s, ctx, -1) : moveCursor(s, ctx, 0, 1);
    case 'cursorDown':
      return s.panel.open ? panelMove(s, ctx, 1) : moveCursor(s, ctx, 0, -1);
    case 'cursorOff':
      if (s.showHelp) return { ...s, showHelp: false };
      if (s.showBreakdown) return { ...s, showBreakdown: false };
      if (s.panel.open) return { ...s, panel: { ...s.panel, open: false } };
      return { ...s, cursor: null };
    case 'togglePercentiles':
      return { ...s, showPercentiles: !s.showPercentiles };
    case 'toggleHelp':
      return { ...s, showHelp: !s.showHelp };
    case 'quit':
      return { ...s, quit: true };
  }
}
