//! The one module that owns blessed: creates the screen, paints Frames (text and the help box
//! through blessed's cell buffer, the heat area through HeatPainter), reports keys and resizes,
//! restores the terminal.

import blessed from 'blessed';
import type { Frame, HeatArea, TextRun } from './frame';
import { DEFAULT_COLOUR } from './frame';
import { HeatPainter, type Rect } from './heat-painter';
import type { ColourDepth } from './palette';
import { NEVER_DRAWN, attrOf, directRows, helpBox } from './screen-layers';

export { helpBox };

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
  /** Per row, what writeText last put in blessed's buffer (a signature of the row's runs). */
  private rowSigs: string[] = [];
  private lastFrame: Frame | null = null;
  /** The heat area of the last frame painted. */
  private heatRect: Rect | null = null;
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
      this.rowSigs = [];
      this.box = null;
      this.heatRect = null;
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
    const box = frame.help ? helpBox(frame.help, frame.cols, frame.rows, frame.helpTitle) : null;
    const direct = directRows(frame, this.opts.depth);
    this.writeText(frame, box, direct);
    this.screen.render();
    let out = this.painter.paint(frame.heat, box, frame.heat.x + frame.heat.width === frame.cols);
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
   * draws. Rows whose runs are as last time are left alone (a tick changes one or two rows).
   */
  private writeText(frame: Frame, box: (Rect & { text: string[] }) | null, direct: Map<number, HeatArea>): void {
    const { lines, olines } = this.screen as unknown as BlessedBuffers;
    const { heat } = frame;
    const depth = this.opts.depth;
    const blank = attrOf({ fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR }, depth);
    const rows = Math.min(frame.rows, lines.length);
    const cols = frame.cols;
    const runsByRow: TextRun[][] = Array.from({ length: rows }, () => []);
    for (const run of frame.text) if (run.y >= 0 && run.y < rows) runsByRow[run.y].push(run);
    const inBox = (b: Rect | null, x: number, y: number) => b !== null && x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;
    const boxMoved = !sameRect(this.box, box);
    // Cells the heat painter drew that the heat area no longer covers (a panel opened): blessed
    // believes them blank, so it must be told to draw whatever goes there now.
    const heatRect: Rect = { x: heat.x, y: heat.y, width: heat.width, height: heat.height };
    const heatShrunk = this.heatRect !== null && !sameRect(this.heatRect, heatRect) ? this.heatRect : null;
    this.heatRect = heatRect;
    const attrs = new Int32Array(cols);
    const chars = new Array<string>(cols);
    const put = (x: number, text: string, attr: number) => {
      for (const ch of text) {
        if (x >= 0 && x < cols) {
          attrs[x] = attr;
          chars[x] = ch;
        }
        x++;
      }
    };
    for (let y = 0; y < rows; y++) {
      const line = lines[y];
      const directRow = direct.has(y);
      const boxText = box && y >= box.y && y < box.y + box.height ? box.text[y - box.y] : '';
      const inHeatRows = y >= heat.y && y < heat.y + heat.height;
      const sig = `${cols},${line.length},${directRow},${inHeatRows ? `${heat.x},${heat.width}` : ''}|${boxText}|${runsByRow[y].map((r) => `${r.x},${attrOf(r.style, depth)},${r.text}`).join('|')}`;
      if (!boxMoved && this.rowSigs[y] === sig) continue;
      this.rowSigs[y] = sig;
      // A row a painter gave back: blessed must redraw all of it, blanks included.
      const returned = !directRow && this.rowPainters.delete(y);
      attrs.fill(blank);
      chars.fill(' ');
      if (!directRow) for (const run of runsByRow[y]) put(run.x, run.text, attrOf(run.style, depth));
      if (box && boxText) put(box.x, boxText, blank);
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
        if ((painted && boxMoved) || returned || (heatShrunk !== null && inBox(heatShrunk, x, y))) {
          olines[y][x] = [NEVER_DRAWN, ''];
          line.dirty = true;
        }
        const cell = line[x];
        if (cell[0] !== attrs[x] || cell[1] !== chars[x]) {
          line[x] = [attrs[x], chars[x]];
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
