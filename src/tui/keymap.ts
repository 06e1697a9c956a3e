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
  { keys: ['left', 'h'], label: '←', action: 'cursorLeft', help: 'cursor one column back (readout in the status line)' },
  { keys: ['right'], label: '→', action: 'cursorRight', help: 'cursor one column forward' },
  { keys: ['up'], label: '↑', action: 'cursorUp', help: 'cursor one row up' },
  { keys: ['down'], label: '↓', action: 'cursorDown', help: 'cursor one row down' },
  { keys: ['escape'], label: 'esc', action: 'cursorOff', help: 'hide the cursor / close help' },
  { keys: ['%'], label: '%', action: 'togglePercentiles', help: 'show / hide p50, p90, p99 markers' },
  { keys: ['?'], label: '?', action: 'toggleHelp', help: 'this help' },
  { keys: ['q', 'C-c'], label: 'q, Ctrl-C', action: 'quit', help: 'quit' },
];

/** The footer's short hints, from the same table. */
export const FOOTER_HINTS = 'q quit  p pause  +/- zoom  a fit  l scale  c palette  ←/→ cursor  % pctl  ? help';

const byKey = new Map<string, ActionName>();
for (const b of KEY_TABLE) for (const k of b.keys) byKey.set(k, b.action);

/** The action bound to a key, if any. */
export function actionForKey(full: string): ActionName | undefined {
  return byKey.get(full);
}

/** Help overlay lines, generated from the table. */
export function helpLines(): string[] {
  const w = Math.max(...KEY_TABLE.map((b) => b.label.length));
  return KEY_TABLE.map((b) => `${b.label.padEnd(w)}  ${b.help}`);
}
