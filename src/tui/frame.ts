//! The renderer's output: plain cells and text runs for one screen size. The screen module turns
//! a Frame into terminal output; tests read Frames directly.

/** A colour: -1 is the terminal's default, else 0xRRGGBB (the screen reduces it to the depth). */
export type Colour = number;
export const DEFAULT_COLOUR: Colour = -1;

export interface Style {
  fg: Colour;
  bg: Colour;
  bold?: boolean;
}

export interface TextRun {
  x: number;
  y: number;
  text: string;
  style: Style;
}

/** One heatmap cell: usually '▀' with fg = upper latency row, bg = lower latency row. */
export interface HeatCell {
  ch: string;
  fg: Colour;
  bg: Colour;
}

export interface HeatArea {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Row-major, height × width. */
  cells: HeatCell[];
  /**
   * Sequence number of the right-most column, when columns are drawn: a painter may shift what
   * it drew left by the difference from the last frame's, then draw only what still differs.
   */
  endSeq?: number;
}

export interface Frame {
  cols: number;
  rows: number;
  heat: HeatArea;
  /** Everything outside the heat area: title, labels, legend, status. */
  text: TextRun[];
  /** Overlay box lines (help, the cell breakdown), or null. */
  help: string[] | null;
  /** The overlay box's title ('keys' when absent). */
  helpTitle?: string;
  /**
   * Identity of everything that decides how a column is drawn (axis rows, colour mapping,
   * palette, size). Two frames with the same layout differ only in their columns.
   */
  layoutKey: string;
}

export const BLANK_CELL: HeatCell = { ch: ' ', fg: DEFAULT_COLOUR, bg: DEFAULT_COLOUR };
