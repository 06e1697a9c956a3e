//! What the screen draws around the Frame's cells, as plain data: blessed's attribute words, the
//! help box, and the text rows blessed cannot colour faithfully (drawn by painters instead).

import type { Colour, Frame, HeatArea, HeatCell, Style } from './frame';
import { BLANK_CELL, DEFAULT_COLOUR } from './frame';
import type { Rect } from './heat-painter';
import type { ColourDepth } from './palette';
import { toAnsi16, toXterm256, xterm256Rgb, type RGB } from './palette';

/** blessed's attribute word: flags << 18 | fg << 9 | bg, 0x1ff = default colour. */
export function attrOf(style: Style, depth: ColourDepth): number {
  const colour = (c: Colour): number => {
    if (c === DEFAULT_COLOUR || depth === 'none') return 0x1ff;
    const rgb: RGB = [(c >> 16) & 255, (c >> 8) & 255, c & 255];
    return depth === '16' ? toAnsi16(rgb) : toXterm256(rgb);
  };
  return ((style.bold ? 1 : 0) << 18) | (colour(style.fg) << 9) | colour(style.bg);
}

/** Whether blessed's 256-colour attributes show a colour exactly at this depth. */
function blessedShows(c: Colour, depth: ColourDepth): boolean {
  if (c === DEFAULT_COLOUR || depth !== 'truecolor') return true;
  const [r, g, b] = xterm256Rgb(toXterm256([(c >> 16) & 255, (c >> 8) & 255, c & 255]));
  return ((r << 16) | (g << 8) | b) === c;
}

/**
 * Text rows blessed cannot draw faithfully (the legend's swatches in truecolor: blessed would
 * snap them to 256 colours, merging neighbouring steps), as cell rows for a painter of their own.
 */
export function directRows(frame: Frame, depth: ColourDepth): Map<number, HeatArea> {
  const out = new Map<number, HeatArea>();
  for (const run of frame.text) {
    if (out.has(run.y) || (blessedShows(run.style.fg, depth) && blessedShows(run.style.bg, depth))) continue;
    out.set(run.y, { x: 0, y: run.y, width: frame.cols, height: 1, cells: new Array<HeatCell>(frame.cols).fill(BLANK_CELL) });
  }
  for (const run of frame.text) {
    const row = out.get(run.y);
    if (!row) continue;
    let x = run.x;
    // Bold is lost on these rows; none of the rows drawn this way uses it.
    for (const ch of run.text) {
      if (x >= 0 && x < frame.cols) row.cells[x] = { ch, fg: run.style.fg, bg: run.style.bg };
      x++;
    }
  }
  return out;
}

/** An attribute blessed never produces: an `olines` cell holding it is always redrawn. */
export const NEVER_DRAWN = -1;

/** The help box for a screen size: its rectangle and its rows of text, border included. */
export function helpBox(help: readonly string[], cols: number, rows: number, name = 'keys'): Rect & { text: string[] } {
  const inner = Math.max(...help.map((l) => l.length), 6);
  const width = Math.min(cols, inner + 4);
  const shown = Math.max(0, Math.min(help.length, rows - 2));
  const height = shown + 2;
  const room = Math.max(0, width - 4);
  const fit = (l: string) => (l.length > room ? `${l.slice(0, Math.max(0, room - 1))}…` : l.padEnd(room));
  const title = `─ ${name} `;
  const top = `┌${title}${'─'.repeat(Math.max(0, width - 2 - title.length))}`.slice(0, width - 1) + '┐';
  const body = help.slice(0, shown).map((l, i) => `│ ${i === shown - 1 && shown < help.length ? fit('…') : fit(l)} │`);
  const bottom = `└${'─'.repeat(Math.max(0, width - 2))}┘`;
  return { x: Math.floor((cols - width) / 2), y: Math.floor((rows - height) / 2), width, height, text: [top, ...body, bottom] };
}
