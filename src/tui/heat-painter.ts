//! Paints the heat area of a Frame straight to the terminal, bypassing blessed's 256-colour cell
//! buffer so truecolor works, and writing only the cells that changed since the last paint.

import type { Colour, HeatArea, HeatCell } from './frame';
import { DEFAULT_COLOUR } from './frame';
import type { ColourDepth } from './palette';
import { toAnsi16, toXterm256, type RGB } from './palette';

function sgrColour(c: Colour, depth: ColourDepth, background: boolean): string {
  if (c === DEFAULT_COLOUR || depth === 'none') return background ? '49' : '39';
  const r = (c >> 16) & 255;
  const g = (c >> 8) & 255;
  const b = c & 255;
  if (depth === 'truecolor') return `${background ? 48 : 38};2;${r};${g};${b}`;
  if (depth === '256') return `${background ? 48 : 38};5;${toXterm256([r, g, b])}`;
  const n = toAnsi16([r, g, b]);
  return `${(n < 8 ? 30 : 82) + n + (background ? 10 : 0)}`;
}

/** Keeps what is on the terminal's heat area, to write only differences. */
export class HeatPainter {
  private prev: HeatCell[] | null = null;
  private prevKey = '';

  constructor(private readonly depth: ColourDepth) {}

  /** Forget what is on screen: the next paint writes every cell (after resize, overlays, clears). */
  invalidate(): void {
    this.prev = null;
  }

  /** Escape sequences that bring the terminal from the last painted heat area to `area`. */
  paint(area: HeatArea): string {
    const key = `${area.x},${area.y},${area.width},${area.height}`;
    if (key !== this.prevKey) {
      this.prev = null;
      this.prevKey = key;
    }
    const prev = this.prev;
    let out = '';
    let lastFg = NaN;
    let lastBg = NaN;
    for (let y = 0; y < area.height; y++) {
      let cursorX = -1;
      for (let x = 0; x < area.width; x++) {
        const i = y * area.width + x;
        const c = area.cells[i];
        const p = prev?.[i];
        if (p && p.ch === c.ch && p.fg === c.fg && p.bg === c.bg) continue;
        if (cursorX !== x) out += `\x1b[${area.y + y + 1};${area.x + x + 1}H`;
        if (c.fg !== lastFg || c.bg !== lastBg) {
          out += `\x1b[${sgrColour(c.fg, this.depth, false)};${sgrColour(c.bg, this.depth, true)}m`;
          lastFg = c.fg;
          lastBg = c.bg;
        }
        out += c.ch;
        cursorX = x + 1;
      }
    }
    this.prev = area.cells.slice();
    // Save/restore the cursor and reset attributes, as blessed's own draw does.
    return out === '' ? '' : `\x1b7${out}\x1b[0m\x1b8`;
  }
}
