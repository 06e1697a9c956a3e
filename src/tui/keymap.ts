//! The key table: every binding, its named action and its help text, in one constant so the help
//! overlay, the footer hints and the bindings can never disagree.

export type ActionName =
  | 'pause'
  | 'zoomIn'
  | 'zoomOut'
  | 'autoFit'
  | 'toggleAxisMode'
  | 'cycleColourScale'
  | 'saturationDown'
  | 'saturationUp'
  | 'cyclePalette'
  | 'cursorLeft'
  | 'cursorRight'
  | 'cursorUp'
  | 'cursorDown'
  | 'cursorOff'
  | 'togglePercentiles'
  | 'pageBack'
  | 'pageForward'
  | 'historyStart'
  | 'historyEnd'
  | 'toggleKeyPanel'
  | 'isolateKey'
  | 'excludeKey'
  | 'allKeys'
  | 'filterKeys'
  | 'toggleBreakdown'
  | 'toggleHistogram'
  | 'histogramScope'
  | 'sloAtCursor'
  | 'toggleTrim'
  | 'exportSvg'
  | 'toggleHelp'
  | 'quit';

export interface Binding {
  /** Key names as blessed reports them (`key.full`). */
  keys: readonly string[];
  /** How the key is shown in help. */
  label: string;
  action: ActionName;
  help: string;
}

export const KEY_TABLE: readonly Binding[] = [
  { keys: ['p', 'space'], label: 'p, space', action: 'pause', help: 'pause / resume the display (data keeps being collected)' },
  { keys: ['+', '='], label: '+', action: 'zoomIn', help: 'zoom in on the latency axis' },
  { keys: ['-', '_'], label: '-', action: 'zoomOut', help: 'zoom out on the latency axis' },
  { keys: ['a'], label: 'a', action: 'autoFit', help: 'auto-fit the latency axis to the data' },
  { keys: ['y'], label: 'y', action: 'toggleAxisMode', help: 'log / linear latency axis' },
  { keys: ['l'], label: 'l', action: 'cycleColourScale', help: 'colour scale: linear, log, rank, % of column' },
  { keys: ['['], label: '[', action: 'saturationDown', help: 'saturate at a lower percentile (brighter)' },
  { keys: [']'], label: ']', action: 'saturationUp', help: 'saturate at a higher percentile (darker)' },
  { keys: ['c'], label: 'c', action: 'cyclePalette', help: 'palette: heat, viridis (colour-blind safe), grey' },
  { keys: ['left'], label: '←', action: 'cursorLeft', help: 'cursor one column back; paused, scrolls back through history' },
  { keys: ['right'], label: '→', action: 'cursorRight', help: 'cursor one column forward; paused, scrolls forward' },
  { keys: ['up'], label: '↑', action: 'cursorUp', help: 'cursor one row up (in the key panel: previous key)' },
  { keys: ['down'], label: '↓', action: 'cursorDown', help: 'cursor one row down (in the key panel: next key)' },
  { keys: ['pageup'], label: 'PgUp', action: 'pageBack', help: 'pause and scroll one screen back in history' },
  { keys: ['pagedown'], label: 'PgDn', action: 'pageForward', help: 'scroll one screen forward in history' },
  { keys: ['home'], label: 'Home', action: 'historyStart', help: 'pause at the oldest retained column' },
  { keys: ['end'], label: 'End', action: 'historyEnd', help: 'back to the newest column' },
  { keys: ['enter'], label: 'enter', action: 'toggleBreakdown', help: 'breakdown of the cursor cell: range, count, % of column, keys' },
  { keys: ['k'], label: 'k', action: 'toggleKeyPanel', help: 'key panel: keys by events in view, count, share, p99' },
  { keys: ['i'], label: 'i', action: 'isolateKey', help: 'key panel: show only the selected key(s) (toggle, several allowed)' },
  { keys: ['x'], label: 'x', action: 'excludeKey', help: 'key panel: hide the selected key (toggle)' },
  { keys: ['*'], label: '*', action: 'allKeys', help: 'show all keys again' },
  { keys: ['/'], label: '/', action: 'filterKeys', help: 'key panel: filter keys by typing (enter/esc ends)' },
  { keys: ['h'], label: 'h', action: 'toggleHistogram', help: 'side histogram of the cursor column (or the view)' },
  { keys: ['H'], label: 'H', action: 'histogramScope', help: 'side histogram: cursor column / everything in view' },
  { keys: ['t'], label: 't', action: 'sloAtCursor', help: 'threshold (SLO) line at the cursor row; again to clear' },
  { keys: ['e'], label: 'e', action: 'toggleTrim', help: 'trim latency rows empty across the view' },
  { keys: ['s'], label: 's', action: 'exportSvg', help: 'save the current view as SVG (heat-tracer-<time>.svg)' },
  { keys: ['escape'], label: 'esc', action: 'cursorOff', help: 'close an overlay / hide the cursor' },
  { keys: ['%'], label: '%', action: 'togglePercentiles', help: 'show / hide p50, p90, p99 markers' },
  { keys: ['?'], label: '?', action: 'toggleHelp', help: 'this help' },
  { keys: ['q', 'C-c'], label: 'q, Ctrl-C', action: 'quit', help: 'quit' },
];

/** The footer's short hints, from the same table. */
export const FOOTER_HINTS = 'q quit  p pause  +/- zoom  l scale  ←→↑↓ cursor  k keys  h hist  s svg  ? help';

const byKey = new Map<string, ActionName>();
for (const b of KEY_TABLE) for (const k of b.keys) byKey.set(k, b.action);

/** The action bound to a key, if any. */
export function actionForKey(full: string): ActionName | undefined {
  return byKey.get(full);
}

/**
 * Help overlay lines, generated from the table: one column when `maxRows` allows, else two side
 * by side, each cut to fit `maxWidth` (the box's inner width).
 */
export function helpLines(maxRows = Infinity, maxWidth = Infinity): string[] {
  const w = Math.max(...KEY_TABLE.map((b) => b.label.length));
  const lines = KEY_TABLE.map((b) => `${b.label.padEnd(w)}  ${b.help}`);
  if (lines.length <= maxRows) return lines;
  const half = Math.ceil(lines.length / 2);
  const colWidth = Math.max(10, Math.min(Math.max(...lines.map((l) => l.length)), Math.floor((maxWidth - 3) / 2)));
  const cut = (l: string) => (l.length > colWidth ? `${l.slice(0, colWidth - 1)}…` : l.padEnd(colWidth));
  return Array.from({ length: half }, (_, i) => `${cut(lines[i])} │ ${lines[half + i] !== undefined ? cut(lines[half + i]) : ''}`.trimEnd());
}
