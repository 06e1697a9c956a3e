//! The one module that owns blessed: creates the screen, paints Frames (text through blessed's
//! cell buffer, the heat area through HeatPainter), reports keys and resizes, restores the terminal.

import blessed from 'blessed';
import type { Colour, Frame, Style } from './frame';
import { DEFAULT_COLOUR } from './frame';
import { HeatPainter } from './heat-painter';
import type { ColourDepth } from './palette';
import { toAnsi16, toXterm256, type RGB } from './palette';

export interface ScreenOptions {
  depth: ColourDepth;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Terminal type for blessed's terminfo; defaults to $TERM. */
  terminal?: string;
}

type Cell = [number, string];
type Line = Cell[] & { dirty?: boolean };

/** blessed's attribute word: flags << 18 | fg << 9 | bg, 0x1ff = default colour. */
function attrOf(style: Style, depth: ColourDepth): number {
  const colour = (c: Colour): number => {
    if (c === DEFAULT_COLOUR || depth === 'none') return 0x1ff;
    const rgb: RGB = [(c >> 16) & 255, (c >> 8) & 255, c & 255];
    return depth === '16' ? toAnsi16(rgb) : toXterm256(rgb);
  };
  return ((style.bold ? 1 : 0) << 18) | (colour(style.fg) << 9) | colour(style.bg);
}

export class Screen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly painter: HeatPainter;
  private readonly helpBox: blessed.Widgets.BoxElement;
  private destroyed = false;
  private helpShown = false;
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
    this.helpBox = blessed.box({
      parent: this.screen,
      top: 'center',
      left: 'center',
      width: 'shrink',
      height: 'shrink',
      border: { type: 'line' },
      label: ' keys ',
      padding: { left: 1, right: 1 },
      hidden: true,
      tags: false,
    });
    const program = this.screen.program as unknown as { _owrite: (s: string) => boolean };
    const owrite = program._owrite.bind(program);
    program._owrite = (s: string) => {
      this.bytesWritten += Buffer.byteLength(s);
      return owrite(s);
    };
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
    this.screen.on('resize', () => {
      this.painter.invalidate();
      cb();
    });
  }

  /** Bytes queued to the terminal and not yet taken by it: a slow link shows here. */
  backlog(): number {
    const w = this.output as NodeJS.WritableStream & { writableLength?: number };
    return w.writableLength ?? 0;
  }

  /** Draws a frame: text cells through blessed's diff, heat cells through the painter. */
  paint(frame: Frame): void {
    if (this.destroyed) return;
    this.lastFrame = frame;
    this.writeText(frame);
    const showHelp = frame.help !== null;
    if (showHelp !== this.helpShown) {
      this.helpShown = showHelp;
      if (showHelp) {
        this.helpBox.setContent(frame.help!.join('\n'));
        this.helpBox.show();
      } else {
        this.helpBox.hide();
      }
      this.painter.invalidate();
    }
    this.screen.render();
    if (!showHelp) {
      const out = this.painter.paint(frame.heat);
      if (out) (this.screen.program as unknown as { _write: (s: string) => void })._write(out);
    }
  }

  private writeText(frame: Frame): void {
    const lines = (this.screen as unknown as { lines: Line[] }).lines;
    const { heat } = frame;
    const depth = this.opts.depth;
    const blank = attrOf({ fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR }, depth);
    const rows = Math.min(frame.rows, lines.length);
    // Desired content of every non-heat cell: blank, then the text runs.
    const want: (Cell | undefined)[][] = [];
    for (let y = 0; y < rows; y++) want.push([]);
    for (const run of frame.text) {
      if (run.y < 0 || run.y >= rows) continue;
      const attr = attrOf(run.style, depth);
      let x = run.x;
      for (const ch of run.text) {
        if (x >= 0 && x < frame.cols) want[run.y][x] = [attr, ch];
        x++;
      }
    }
    for (let y = 0; y < rows; y++) {
      const line = lines[y];
      const inHeatRows = y >= heat.y && y < heat.y + heat.height;
      for (let x = 0; x < line.length; x++) {
        if (inHeatRows && x >= heat.x && x < heat.x + heat.width) continue;
        const w = want[y][x] ?? [blank, ' '];
        const cell = line[x];
        if (cell[0] !== w[0] || cell[1] !== w[1]) {
          line[x] = [w[0], w[1]];
          line.dirty = true;
        }
      }
    }
  }

  /** Forces the next paint to redraw the heat area completely. */
  invalidate(): void {
    this.painter.invalidate();
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
