//! Colour ramps for the heat cells (heat, viridis, grey) and their fit to the terminal's colour
//! depth: truecolor, xterm-256, the 16 ANSI colours, or a glyph ramp when colour is off. Pure
//! data and arithmetic; the renderer picks colours by step, the screen writes the escapes.

import type { PaletteName } from '../config';

/** A colour as 0..255 channels (a tuple, so `[r, g, b]` literals fit). */
export type RGB = readonly [r: number, g: number, b: number];

/** What the terminal can show; 'none' draws the glyph ramp instead of colours. */
export type ColourDepth = 'truecolor' | '256' | '16' | 'none';
export const COLOUR_DEPTHS: readonly ColourDepth[] = ['truecolor', '256', '16', 'none'];

/**
 * Colour steps (above the background) that stay distinguishable at each depth. The 16 ANSI
 * colours hold only 5 that brighten steadily in a heat hue (red, bright red, yellow, bright
 * yellow, white). With no colour the glyph ramp has 5 characters, but the blank one is the
 * background, leaving 4 steps.
 */
export const STEPS_FOR_DEPTH: Readonly<Record<ColourDepth, number>> = { truecolor: 16, '256': 16, '16': 5, none: 4 };

/**
 * Steps for a palette at a depth, each with a colour of its own: STEPS_FOR_DEPTH, except where
 * the depth has fewer colours for the palette (the 16 ANSI colours hold three greys above black).
 */
export function stepsFor(depth: ColourDepth, palette: PaletteName): number {
  return depth === '16' ? Math.min(STEPS_FOR_DEPTH['16'], ANSI16_RAMPS[palette].length) : STEPS_FOR_DEPTH[depth];
}

/** The NO_COLOR ramp: index 0 (blank) is the background, then lightest to densest. */
export const GLYPH_RAMP = ' ░▒▓█';

/** Stops each ramp interpolates through, dimmest first; none is black (the background). */
const STOPS: Readonly<Record<PaletteName, readonly RGB[]>> = {
  // Dark red through orange and yellow to near white: a glowing-metal ramp.
  heat: [[96, 0, 0], [176, 24, 0], [232, 80, 0], [255, 146, 0], [255, 206, 48], [255, 242, 160], [255, 255, 240]],
  // matplotlib's viridis at ten points: colour-blind safe, lightness rises monotonically.
  viridis: [[68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37]],
  grey: [[72, 72, 72], [255, 255, 255]],
};

/** The 16 ANSI colours as xterm draws them by default. */
export const ANSI16_RGB: readonly RGB[] = [
  [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
  [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255], [255, 255, 255],
];

/**
 * Hand-picked ANSI colours per palette, each brighter than the one before (quantizing a smooth
 * ramp instead would turn its dim end black). Grey has only three greys above black.
 */
const ANSI16_RAMPS: Readonly<Record<PaletteName, readonly number[]>> = {
  heat: [1, 9, 3, 11, 15],
  viridis: [4, 12, 2, 10, 11],
  grey: [8, 7, 15],
};

/**
 * The palette's colours for steps 1..steps, dimmest first: element s − 1 is step s. Step 0 is
 * the background and has no colour (the terminal's own background shows).
 */
export function rampColours(palette: PaletteName, steps: number): RGB[] {
  const stops = STOPS[palette];
  const out: RGB[] = [];
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 1 : i / (steps - 1);
    const x = t * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const f = x - k;
    const [a, b] = [stops[k], stops[k + 1]];
    out.push([0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as unknown as RGB);
  }
  return out;
}

/**
 * Step colours that survive the depth: the smooth ramp for truecolor; for '256' the nearest
 * xterm-256 colours that keep every step distinct (up to 30 steps for grey, more for the others);
 * for '16' the palette's hand-picked ANSI colours (exact xterm RGB, so `toAnsi16` returns them
 * unchanged); [] for 'none' (use `glyphFor`).
 */
export function rampForDepth(palette: PaletteName, depth: ColourDepth, steps = STEPS_FOR_DEPTH[depth]): RGB[] {
  if (depth === 'none') return [];
  if (depth === '16') {
    const picks = ANSI16_RAMPS[palette];
    return Array.from({ length: steps }, (_, i) => ANSI16_RGB[picks[Math.min(picks.length - 1, Math.floor((i * picks.length) / steps))]]);
  }
  const ramp = rampColours(palette, steps);
  return depth === 'truecolor' ? ramp : distinct256(palette, steps, ramp).map(xterm256Rgb);
}

/**
 * The ramp in xterm-256 colours with every step its own colour, each brighter than the one
 * before: of all such choices, the one nearest the smooth ramp (least summed squared CIELAB
 * distance), by dynamic programming over the candidates sorted by luminance. Snapping each step to
 * its nearest colour instead merged neighbours (heat kept 12 colours of 16, viridis 11): steps
 * that look the same hide the detail a heatmap is for. Candidates: the greys for an all-grey
 * palette, the 6×6×6 cube for the others (the grey ramp's near-greys read as holes in viridis).
 * Memoized: the renderer asks every frame.
 */
function distinct256(palette: PaletteName, steps: number, ramp: readonly RGB[]): number[] {
  const cacheKey = `${palette}|${steps}`;
  const cached = distinct256Cache.get(cacheKey);
  if (cached) return cached;
  const grey = STOPS[palette].every(([r, g, b]) => r === g && g === b);
  const cands = candidates256(grey);
  const target = ramp.map(toLab);
  const m = cands.length;
  let prev = new Float64Array(m);
  const parents: Int32Array[] = [];
  for (let s = 0; s < steps; s++) {
    const cost = new Float64Array(m).fill(Infinity);
    const parent = new Int32Array(m).fill(-1);
    // Cheapest path ending on a colour strictly dimmer than j: a running minimum that admits a
    // group of equal luminance only once j has passed it.
    let bestPrev = s === 0 ? 0 : Infinity;
    let bestAt = -1;
    for (let j = 0, admitted = 0; j < m; j++) {
      for (; s > 0 && cands[admitted].lab[0] < cands[j].lab[0]; admitted++) {
        if (prev[admitted] < bestPrev) [bestPrev, bestAt] = [prev[admitted], admitted];
      }
      if (bestPrev === Infinity) continue;
      cost[j] = bestPrev + dist2(target[s], cands[j].lab);
      parent[j] = bestAt;
    }
    parents.push(parent);
    prev = cost;
  }
  let end = -1;
  for (let j = 0; j < m; j++) if (prev[j] < Infinity && (end < 0 || prev[j] < prev[end])) end = j;
  // More steps than the candidates have brightness levels: nearest colours, merged steps.
  if (end < 0) return ramp.map(toXterm256);
  const out = new Array<number>(steps);
  for (let s = steps - 1, j = end; s >= 0; j = parents[s][j], s--) out[s] = cands[j].index;
  distinct256Cache.set(cacheKey, out);
  return out;
}

const distinct256Cache = new Map<string, number[]>();

/** xterm-256 colours from 16 up (0..15 follow the terminal's theme), dimmest first. */
function candidates256(grey: boolean): Array<{ index: number; lab: RGB }> {
  const out: Array<{ index: number; lab: RGB }> = [];
  for (let index = 16; index < 256; index++) {
    const [r, g, b] = xterm256Rgb(index);
    if (grey ? r === g && g === b : index < 232) out.push({ index, lab: toLab([r, g, b]) });
  }
  return out.sort((a, b) => a.lab[0] - b.lab[0] || a.index - b.index);
}

/** CIELAB (D65) of an sRGB colour: distances there follow what the eye sees better than RGB's. */
function toLab([r, g, b]: RGB): RGB {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [lr, lg, lb] = [lin(r), lin(g), lin(b)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047);
  const y = f(0.2126 * lr + 0.7152 * lg + 0.0722 * lb);
  const z = f((0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/**
 * The colour depth to draw with: NO_COLOR set to anything non-empty → 'none'; COLORTERM
 * truecolor or 24bit → 'truecolor'; TERM=dumb → 'none'; TERM ending in -256color, or terminfo
 * reporting 256 colours or more, → '256' (2^24 colours, as xterm-direct reports: 'truecolor');
 * otherwise '16'. Terminfo can only raise the depth: a missing entry must not turn colour off.
 */
export function detectColourDepth(env: NodeJS.ProcessEnv, terminfoColours?: number): ColourDepth {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'none';
  const colorterm = (env.COLORTERM ?? '').toLowerCase();
  if (colorterm === 'truecolor' || colorterm === '24bit') return 'truecolor';
  const term = env.TERM ?? '';
  if (term === 'dumb') return 'none';
  if (terminfoColours !== undefined && terminfoColours >= 2 ** 24) return 'truecolor';
  if (term.endsWith('-256color') || (terminfoColours !== undefined && terminfoColours >= 256)) return '256';
  return '16';
}

const CUBE = [0, 95, 135, 175, 215, 255];

const dist2 = (a: RGB, b: RGB) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

/** Nearest cube level index (0..5) for a channel: midpoints between 0, 95, 135, ... 255. */
function cubeLevel(v: number): number {
  return v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40));
}

/** The xterm-256 colour (16..255) nearest rgb: the 6×6×6 cube or the 24-step grey ramp. */
export function toXterm256(rgb: RGB): number {
  const [r, g, b] = [cubeLevel(rgb[0]), cubeLevel(rgb[1]), cubeLevel(rgb[2])];
  const cube = 16 + 36 * r + 6 * g + b;
  const avg = (rgb[0] + rgb[1] + rgb[2]) / 3;
  const greyIndex = Math.max(0, Math.min(23, Math.round((avg - 8) / 10)));
  const grey = 232 + greyIndex;
  return dist2(xterm256Rgb(grey), rgb) < dist2(xterm256Rgb(cube), rgb) ? grey : cube;
}

/** The RGB xterm shows for a 256-colour index (16..255; 0..15 are the ANSI colours). */
export function xterm256Rgb(index: number): RGB {
  if (index < 16) return ANSI16_RGB[Math.max(0, index)];
  if (index >= 232) {
    const v = 8 + 10 * (index - 232);
    return [v, v, v];
  }
  const i = index - 16;
  return [CUBE[Math.floor(i / 36)], CUBE[Math.floor(i / 6) % 6], CUBE[i % 6]];
}

/** The ANSI colour (0..15) nearest rgb, by xterm's default palette. */
export function toAnsi16(rgb: RGB): number {
  let best = 0;
  for (let i = 1; i < 16; i++) if (dist2(ANSI16_RGB[i], rgb) < dist2(ANSI16_RGB[best], rgb)) best = i;
  return best;
}

/** The glyph for a step when colour is off: ' ' for 0 (background), then ░ ▒ ▓ █ spread over 1..steps. */
export function glyphFor(step: number, steps: number): string {
  if (step <= 0) return GLYPH_RAMP[0];
  const n = GLYPH_RAMP.length - 1;
  return GLYPH_RAMP[Math.min(n, Math.max(1, Math.ceil((step / Math.max(1, steps)) * n)))];
}

/** '#rrggbb' for a colour (blessed and the recording's legend take this form). */
export function rgbToHex(rgb: RGB): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}
