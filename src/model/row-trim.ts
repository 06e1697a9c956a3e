//! Trimming empty latency rows: the rows empty in every column of the view are hidden and the
//! rest stretched over the screen, so a gap between two modes takes no room. Pure: a map from
//! drawn rows to axis rows, which labels, markers and readouts follow (so they stay truthful).

/**
 * Drawn row → axis row (both bottom first), over `rows` drawn rows: the non-empty axis rows in
 * order, each repeated about rows / kept times. null when nothing would be trimmed.
 */
export function trimmedRowMap(counts: readonly Float64Array[], rows: number): Int32Array | null {
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (counts.some((c) => c[r] > 0)) kept.push(r);
  }
  if (kept.length === 0 || kept.length === rows) return null;
  const map = new Int32Array(rows);
  for (let i = 0; i < rows; i++) map[i] = kept[Math.floor((i * kept.length) / rows)];
  return map;
}

/** Counts of one column on drawn rows. */
export function remapCounts(counts: Float64Array, map: Int32Array): Float64Array {
  const out = new Float64Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = counts[map[i]];
  return out;
}

/**
 * The drawn row showing axis row r: its first drawn row; for a trimmed (empty) axis row, the
 * first drawn row above it, or -1 when none is (the value lies above everything shown).
 */
export function drawnRowOf(map: Int32Array, r: number): number {
  for (let i = 0; i < map.length; i++) if (map[i] >= r) return i;
  return -1;
}
