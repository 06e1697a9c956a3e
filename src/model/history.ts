//! Scrolling through the retained ring while paused: which newest column a scrolled view may
//! end on, and the wall-clock time of a column. Pure; the reducer and the x-axis read it.

/** The oldest and newest end seq a view `width` columns wide may show. */
export function scrollBounds(firstSeq: number, newestSeq: number, width: number): { min: number; max: number } {
  const max = Math.max(0, newestSeq);
  // The oldest full screen ends width − 1 columns after the oldest held column.
  const min = Math.min(max, firstSeq + Math.max(0, width - 1));
  return { min, max };
}

/** Moves a paused view's end seq by `delta` columns, within the retained history. */
export function scrollBy(endSeq: number, delta: number, firstSeq: number, newestSeq: number, width: number): number {
  const { min, max } = scrollBounds(firstSeq, newestSeq, width);
  return Math.max(min, Math.min(max, endSeq + delta));
}

/** Wall-clock time of a column that ended `tMs` after the source started at `startedMs` (epoch ms). */
export function wallClock(startedMs: number, tMs: number): Date {
  return new Date(startedMs + tMs);
}

/** "14:03:07" in local time: what an x-axis label shows when scrolled back. */
export function clockText(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
