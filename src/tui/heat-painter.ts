//! Paints the heat area of a Frame straight to the terminal, bypassing blessed's 256-colour cell
//! buffer so truecolor works, and writing only the cells that changed since the last paint.

import type { Colour, HeatArea, HeatCell } from './frame';
import { BLANK_CELL, DEFAULT_COLOUR } from './frame';
import type { ColourDepth } from './palette';
import { toAnsi16, toXterm256 } from './palette';

/** A screen rectangle (columns x..x+width-1, rows y..y+height-1). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the painter does not know is on the terminal: never equal to any cell, so it is repainted. */
const UNKNOWN: HeatCell = { ch: '\0', fg: NaN, bg: NaN };

/** The SGR parameters for a colour at a depth: direct RGB, an xterm-256 index, or an ANSI colour. */
export function sgrColour(c: Colour, depth: ColourDepth, background: boolean): string {
  if (c === DEFAULT_COLOUR || depth === 'none') return background ? '49' : '39';
  const r = (c >> 16) & 255;
  const g = (c >> 8) & 255;
  const b = c & 255;
  if (depth === 'truecolor') return `${background ? 48 : 38};2;${r};${g};${b}`;
  if (depth === '256') return `${background ? 48 : 38};5;${toXterm256([r, g, b])}`;
  const n = toAnsi16([r, g, b]);
  return `${(n < 8 ? 30 : 82) + n + (background ? 10 : 0)}`;
}

// Frames reuse cell objects from column to column, so identity settles most comparisons.
const sameCell = (a: HeatCell, b: HeatCell) => a === b || (a.ch === b.ch && a.fg === b.fg && a.bg === b.bg);

/** Keeps what is on the terminal's heat area, to write only differences. */
export class HeatPainter {
  private prev: HeatCell[] | null = null;
  private prevKey = '';
  private prevEndSeq: number | undefined;
  private readonly sgrCache = new Map<string, string>();
  /** Paints so far; how many rewrote every cell (nothing known on screen); how many shifted rows. */
  readonly stats = { paints: 0, fullRepaints: 0, shifts: 0 };

  constructor(private readonly depth: ColourDepth) {}

  /** Forget what is on screen: the next paint writes every cell (after resize, overlays, clears). */
  invalidate(): void {
    this.prev = null;
  }

  /**
   * Escape sequences that bring the terminal from the last painted heat area to `area`. Cells
   * under `mask` (an overlay drawn by someone else) are left alone and repainted once uncovered.
   * When the area's columns moved left (a later endSeq) and nothing lies right of the area
   * (`atRightEdge`), rows are first shifted on the terminal itself, so a tick costs the new
   * column rather than the whole area.
   */
  paint(area: HeatArea, mask: Rect | null = null, atRightEdge = false): string {
    const key = `${area.x},${area.y},${area.width},${area.height}`;
    if (key !== this.prevKey) {
      this.prev = null;
      this.prevKey = key;
    }
    this.stats.paints++;
    if (this.prev === null) this.stats.fullRepaints++;
    const prev = this.prev ?? new Array<HeatCell>(area.cells.length).fill(UNKNOWN);
    const shift = this.prev !== null && atRightEdge && mask === null && area.endSeq !== undefined && this.prevEndSeq !== undefined ? area.endSeq - this.prevEndSeq : 0;
    this.prevEndSeq = area.endSeq;
    let out = shift > 0 && shift < area.width ? this.shiftRows(area, prev, shift) : '';
    let lastFg = out === '' ? NaN : DEFAULT_COLOUR;
    let lastBg = lastFg;
    for (let y = 0; y < area.height; y++) {
      const sy = area.y + y;
      const masked = mask !== null && sy >= mask.y && sy < mask.y + mask.height;
      let cursorX = -1;
      for (let x = 0; x < area.width; x++) {
        const i = y * area.width + x;
        const c = area.cells[i];
        if (masked && area.x + x >= mask.x && area.x + x < mask.x + mask.width) {
          prev[i] = UNKNOWN;
          continue;
        }
        if (sameCell(prev[i], c)) continue;
        prev[i] = c;
        if (cursorX !== x) out += `\x1b[${sy + 1};${area.x + x + 1}H`;
        if (c.fg !== lastFg || c.bg !== lastBg) {
          out += this.sgr(c.fg, c.bg);
          lastFg = c.fg;
          lastBg = c.bg;
        }
        out += c.ch;
        cursorX = x + 1;
      }
    }
    this.prev = prev;
    // Save/restore the cursor and reset attributes, as blessed's own draw does.
    return out === '' ? '' : `\x1b7${out}\x1b[0m\x1b8`;
  }

  /**
   * Deletes `k` cells at the left edge of each row where that leaves fewer cells to write
   * (DCH, `CSI k P`: every terminal has it; nothing lies right of the heat area, so the row's
   * tail moves left and blanks enter at the right margin), and shifts `prev` to match.
   */
  private shiftRows(area: HeatArea, prev: HeatCell[], k: number): string {
    const w = area.width;
    // Blanks that DCH brings in take the current background: reset it to the default first.
    let out = '\x1b[m';
    for (let y = 0; y < area.height; y++) {
      const row = y * w;
      let moved = 0;
      for (let x = 0; x < w; x++) if (!sameCell(x + k < w ? prev[row + x + k] : BLANK_CELL, area.cells[row + x])) moved++;
      // A shifted row costs its DCH too (about one cell's worth of bytes): shift when more than
      // moved + 1 cells would differ in place.
      let stay = 0;
      for (let x = 0; x < w && stay <= moved + 1; x++) if (!sameCell(prev[row + x], area.cells[row + x])) stay++;
      if (stay <= moved + 1) continue;
      out += `\x1b[${area.y + y + 1};${area.x + 1}H\x1b[${k}P`;
      // A plain loop: copyWithin on an object array takes V8's slow generic path.
      for (let x = 0; x < w - k; x++) prev[row + x] = prev[row + x + k];
      for (let x = w - k; x < w; x++) prev[row + x] = BLANK_CELL;
      this.stats.shifts++;
    }
    return out === '\x1b[m' ? '' : out;
  }

  private sgr(fg: Colour, bg: Colour): string {
    const k = `${fg},${bg}`;
    let s = this.sgrCache.get(k);
    if (s === undefined) {
      s = `\x1b[${sgrColour(fg, this.depth, false)};${sgrColour(bg, this.depth, true)}m`;
      if (this.sgrCache.size > 4096) this.sgrCache.clear();
      this.sgrCache.set(k, s);
    }
    return s;
  }
}
