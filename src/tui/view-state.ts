//! What the user has asked the view to be (paused, zoom, scale, palette, cursor, overlays) and the
//! one reducer that applies named actions to it. Pure: keys become actions in keymap.ts.

import type { ColorScaleName, PaletteName } from '../config';
import { COLOR_SCALES, PALETTES } from '../config';
import type { AxisMode } from '../model/axis';
import { DEFAULT_SATURATION_PCT, saturationDown, saturationUp } from '../model/colour-scale';
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
}

export function initialViewState(opts: { colourScale: ColorScaleName; palette: PaletteName }): ViewState {
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
  };
}

/** Facts from outside the view the reducer needs: the newest seq, the heatmap's size. */
export interface ReduceContext {
  newestSeq: number;
  heatColumns: number;
  latencyRows: number;
  defaultAxisMode: AxisMode;
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

/** Applies one named action. */
export function reduce(s: ViewState, action: ActionName, ctx: ReduceContext): ViewState {
  switch (action) {
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
      return moveCursor(s, ctx, 1, 0);
    case 'cursorRight':
      return moveCursor(s, ctx, -1, 0);
    case 'cursorUp':
      return moveCursor(s, ctx, 0, 1);
    case 'cursorDown':
      return moveCursor(s, ctx, 0, -1);
    case 'cursorOff':
      return s.showHelp ? { ...s, showHelp: false } : { ...s, cursor: null };
    case 'togglePercentiles':
      return { ...s, showPercentiles: !s.showPercentiles };
    case 'toggleHelp':
      return { ...s, showHelp: !s.showHelp };
    case 'quit':
      return { ...s, quit: true };
  }
}
