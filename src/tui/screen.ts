//! The one module that owns blessed: creates the screen, paints Frames (text and the help box
//! through blessed's cell buffer, the heat area through HeatPainter), reports keys and resizes,
//! restores the terminal.

import blessed from 'blessed';
import type { Colour, Frame, HeatArea, HeatCell, Style } from './frame';
import { BLANK_CELL, DEFAULT_COLOUR } from './frame';
import { HeatPainter, type Rect } from './heat-painter';
import type { ColourDepth } from './palette';
import { toAnsi16, toXterm256, xterm256Rgb, type RGB } from './palette';

export interface ScreenOptions {
  depth: ColourDepth;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Terminal type for blessed's terminfo; defaults to $TERM. */
  terminal?: string;
}

/** blessed's cell: [attribute word, character]. */
type Cell = [number, string];
type Line = Cell[] & { dirty?: boolean };
interface BlessedBuffers {
  lines: Line[];
  olines: Line[];
}

/** blessed's attribute word: flags << 18 | fg << 9 | bg, 0x1ff = default colour. */
function attrOf(style: Style, depth: ColourDepth): number {
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
function directRows(frame: Frame, depth: ColourDepth): Map<number, HeatArea> {
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
const NEVER_DRAWN = -1;

/** The help box for a screen size: its rectangle and its rows of text, border included. */
export function helpBox(help: readonly string[], cols: number, rows: number): Rect & { text: string[] } {
  const inner = Math.max(...help.map((l) => l.length), 6);
  const width = Math.min(cols, inner + 4);
  const shown = Math.max(0, Math.min(help.length, rows - 2));
  const height = shown + 2;
  const room = Math.max(0, width - 4);
  const fit = (l: string) => (l.length > room ? `${l.slice(0, Math.max(0, room - 1))}…` : l.padEnd(room));
  const title = '─ keys ';
  const top = `┌${title}${'─'.repeat(Math.max(0, width - 2 - title.length))}`.slice(0, width - 1) + '┐';
  const body = help.slice(0, shown).map((l, i) => `│ ${i === shown - 1 && shown < help.length ? fit('…') : fit(l)} │`);
  const bottom = `└${'─'.repeat(Math.max(0, width - 2))}┘`;
  return { x: Math.floor((cols - width) / 2), y: Math.floor((rows - height) / 2), width, height, text: [top, ...body, bottom] };
}

const sameRect = (a: Rect | null, b: Rect | null) =>
  a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);

export class Screen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly painter: HeatPainter;
  /** Painters of the text rows blessed cannot draw faithfully, by row. */
  private rowPainters = new Map<number, HeatPainter>();
  private destroyed = false;
  /** Where the help box is on the terminal, or null. */
  private box: Rect | null = null;
  private lastFrame: Frame | null = null;
  private readonly output: NodeJS.WritableStream;
  /** Bytes written to the terminal since start (for the benchmark). */
  bytesWritten = 0;

  constructor(private readonly opts: ScreenOptions) {
    this.output = opts.output ?? process.stdout;
    this.screen = blessed.screen({
      input: opts.input as never,
      output: this.output as never,
      terminal: opts.terminal,
      smartCSR: false,
      fullUnicode: true,
      warnings: false,
      autoPadding: false,
      dockBorders: false,
      // We handle Ctrl-C ourselves, as a named action.
      ignoreLocked: ['C-c'],
    } as blessed.Widgets.IScreenOptions);
    // Write box-drawing and math characters as UTF-8, never through the VT100 alternate character
    // set: blessed would send '│' as ACS 'x', which tmux's capture-pane (and copy/paste) show as 'x'.
    const tput = this.screen.tput as unknown as { brokenACS: boolean; unicode: boolean };
    tput.brokenACS = true;
    tput.unicode = true;
    this.painter = new HeatPainter(opts.depth);
    const program = this.screen.program as unknown as { _owrite: (s: string) => boolean };
    const owrite = program._owrite.bind(program);
    program._owrite = (s: string) => {
      this.bytesWritten += Buffer.byteLength(s);
      return owrite(s);
    };
    // blessed clears the terminal and its buffers on resize: nothing we drew is left.
    this.screen.on('resize', () => {
      this.painter.invalidate();
      this.rowPainters.clear();
      this.box = null;
    });
    this.screen.program.hideCursor();
  }

  get cols(): number {
    return this.screen.cols;
  }
  get rows(): number {
    return this.screen.rows;
  }

  /** Calls back with blessed's full key name ('q', 'C-c', 'left', 'space'). */
  onKey(cb: (full: string) => void): void {
    this.screen.on('keypress', (_ch: string, key: { full?: string; name?: string } | undefined) => {
      const full = key?.full ?? key?.name ?? _ch;
      if (full) cb(full);
    });
  }

  onResize(cb: () => void): void {
    this.screen.on('resize', cb);
  }

  /** Bytes queued to the terminal and not yet taken by it: a slow link shows here. */
  backlog(): number {
    const w = this.output as NodeJS.WritableStream & { writableLength?: number };
    return w.writableLength ?? 0;
  }

  /** Draws a frame: text and help through blessed's diff, heat cells and direct rows through painters. */
  paint(frame: Frame): void {
    if (this.destroyed) return;
    this.lastFrame = frame;
    const box = frame.help ? helpBox(frame.help, frame.cols, frame.rows) : null;
    const direct = directRows(frame, this.opts.depth);
    this.writeText(frame, box, direct);
    this.screen.render();
    let out = this.painter.paint(frame.heat, box);
    for (const [y, area] of direct) {
      let painter = this.rowPainters.get(y);
      if (!painter) this.rowPainters.set(y, (painter = new HeatPainter(this.opts.depth)));
      out += painter.paint(area, box);
    }
    if (out) (this.screen.program as unknown as { _write: (s: string) => void })._write(out);
  }

  /**
   * Brings blessed's `lines` to the frame's text and help box. Cells the painters own (the heat
   * area, direct rows) stay blank in blessed's buffers, except under the help box, which blessed
   * draws.
   */
  private writeText(frame: Frame, box: (Rect & { text: string[] }) | null, direct: Map<number, HeatArea>): void {
    const { lines, olines } = this.screen as unknown as BlessedBuffers;
    const { heat } = frame;
    const depth = this.opts.depth;
    const blank = attrOf({ fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR }, depth);
    const rows = Math.min(frame.rows, lines.length);
    const cols = frame.cols;
    const attrs = new Int32Array(rows * cols).fill(blank);
    const chars = new Array<string>(rows * cols).fill(' ');
    const put = (x: number, y: number, text: string, attr: number) => {
      for (const ch of text) {
        if (x >= 0 && x < cols && y >= 0 && y < rows) {
          attrs[y * cols + x] = attr;
          chars[y * cols + x] = ch;
        }
        x++;
      }
    };
    for (const run of frame.text) if (!direct.has(run.y)) put(run.x, run.y, run.text, attrOf(run.style, depth));
    if (box) box.text.forEach((t, i) => put(box.x, box.y + i, t, blank));
    const inBox = (b: Rect | null, x: number, y: number) => b !== null && x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;
    const boxMoved = !sameRect(this.box, box);
    for (let y = 0; y < rows; y++) {
      const line = lines[y];
      const directRow = direct.has(y);
      // A row a painter gave back: blessed must redraw all of it, blanks included.
      const returned = !directRow && this.rowPainters.delete(y);
      const inHeatRows = y >= heat.y && y < heat.y + heat.height;
      for (let x = 0; x < line.length && x < cols; x++) {
        const painted = directRow || (inHeatRows && x >= heat.x && x < heat.x + heat.width);
        if (painted && !inBox(box, x, y)) {
          // Where the box was, blessed must write blanks before the painter repaints the cells.
          if ((boxMoved && inBox(this.box, x, y)) || line[x][1] !== ' ' || line[x][0] !== blank) {
            line[x] = [blank, ' '];
            line.dirty = true;
          }
          continue;
        }
        // blessed believes painted cells are blank: make it draw every cell of a new box there.
        if ((painted && boxMoved) || returned) {
          olines[y][x] = [NEVER_DRAWN, ''];
          line.dirty = true;
        }
        const attr = attrs[y * cols + x];
        const ch = chars[y * cols + x];
        const cell = line[x];
        if (cell[0] !== attr || cell[1] !== ch) {
          line[x] = [attr, ch];
          line.dirty = true;
        }
      }
    }
    this.box = box === null ? null : { x: box.x, y: box.y, width: box.width, height: box.height };
  }

  /**
   * Forces the next paint to redraw the heat area completely; with `everything`, every other cell
   * too, as blessed does after a resize (the benchmark's full repaint).
   */
  invalidate(everything = false): void {
    this.painter.invalidate();
    for (const p of this.rowPainters.values()) p.invalidate();
    if (!everything) return;
    const { lines, olines } = this.screen as unknown as BlessedBuffers;
    lines.forEach((line, y) => {
      line.dirty = true;
      for (let x = 0; x < olines[y].length; x++) olines[y][x] = [NEVER_DRAWN, ''];
    });
  }

  /** The heat painter's counters: paints, and full repaints among them. */
  get stats(): { readonly paints: number; readonly fullRepaints: number } {
    return this.painter.stats;
  }

  /** Hands what blessed has buffered to the output now rather than on the next tick. */
  flush(): void {
    (this.screen.program as unknown as { flush: () => void }).flush();
  }

  /** Restores the terminal (normal screen, cursor, modes). Safe to call more than once. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.screen.program.showCursor();
      this.screen.destroy();
    } catch {
      // The terminal may already be gone (ssh dropped): nothing left to restore.
    }
  }

  /** The last painted frame (for tests). */
  get frame(): Frame | null {
    return this.lastFrame;
  }
}
