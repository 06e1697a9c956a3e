//! What successive dtrace_work() results add up to for the libdtrace source: whole output lines,
//! a few runtime-error warnings (then a count), drops since the last interval, exited targets,
//! whether exit() ran. Pure: results in, SourceEvents out.

import type { WorkResult } from './libdtrace-addon';
import type { SourceEvent } from './source';

/** At most this many runtime-error warnings are shown one by one; the rest are counted. */
export const MAX_FAULT_WARNINGS = 5;

export class WorkTally {
  /** Drops since the last `takeLost()`. */
  private lost = 0;
  private partialLine = '';
  private shown = 0;
  private hidden = 0;
  /** Traced processes that went away so far. */
  procsExited = 0;
  /** The exit() action ran. */
  sawExit = false;

  /** Folds one result in; returns the events it produces (output lines, warnings). */
  take(w: WorkResult): SourceEvent[] {
    this.lost += w.drops;
    this.procsExited += w.procsExited;
    if (w.exited) this.sawExit = true;
    const events = w.output ? this.lines(w.output) : [];
    for (const m of w.messages) {
      if (this.shown < MAX_FAULT_WARNINGS) {
        this.shown++;
        events.push({ type: 'warning', message: `dtrace: ${m}` });
      } else this.hidden++;
    }
    // Faults beyond the few messages the addon keeps per call are only counted.
    this.hidden += Math.max(0, w.faults - w.messages.length);
    return events;
  }

  /** Drops since the previous call: the `lost` of the interval that ends now. */
  takeLost(): number {
    const n = this.lost;
    this.lost = 0;
    return n;
  }

  /** At the end: a last unterminated line, and how many runtime errors went unshown. */
  flush(): SourceEvent[] {
    const events = this.partialLine !== '' ? this.lines('\n') : [];
    if (this.hidden > 0) events.push({ type: 'warning', message: `dtrace: ${this.hidden} more runtime errors not shown` });
    this.hidden = 0;
    return events;
  }

  /** Output split into whole lines; a trailing fragment waits for the rest of its line. */
  lines(text: string): SourceEvent[] {
    const parts = (this.partialLine + text).split('\n');
    this.partialLine = parts.pop() as string;
    return parts.map((line) => ({ type: 'output', text: line }));
  }
}
