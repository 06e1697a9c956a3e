//! The run configuration: what the CLI's options mean, as plain data every other module reads.

import type { Unit } from './model/snapshot';

/** 'column': each cell by its share of its column (% of column). */
export type ColorScaleName = 'linear' | 'log' | 'rank' | 'column';
export const COLOR_SCALES: readonly ColorScaleName[] = ['linear', 'log', 'rank', 'column'];

export type PaletteName = 'heat' | 'viridis' | 'grey';
export const PALETTES: readonly PaletteName[] = ['heat', 'viridis', 'grey'];

export type BackendName = 'auto' | 'bpftrace' | 'libdtrace' | 'ebpf';
export const BACKENDS: readonly BackendName[] = ['auto', 'bpftrace', 'libdtrace', 'ebpf'];

export type SourceMode =
  | { kind: 'demo'; seed: number }
  | { kind: 'replay'; file: string; speed: number | null }
  | { kind: 'preset'; preset: string }
  | { kind: 'script'; file: string; lang: 'd' | 'bt' }
  /** A fleet heatmap from Prometheus (--prometheus URL --query SELECTOR [--by LABEL]). */
  | { kind: 'prometheus'; url: string; query: string; by: string | null; tokenFile: string | null };

/** --serve-metrics: where the Prometheus exporter listens, and how many keys it exports per aggregation. */
export interface MetricsExportConfig {
  host: string;
  port: number;
  topKeys: number;
}

export interface RunConfig {
  source: SourceMode;
  backend: BackendName;
  intervalMs: number;
  /** Exit 0 after this long; null runs until q / the source ends. */
  durationS: number | null;
  historyColumns: number;
  recordFile: string | null;
  palette: PaletteName;
  colorScale: ColorScaleName;
  /** Which aggregation to draw ("time", without '@'); null picks the first histogram. */
  aggregation: string | null;
  /** Overrides the unit a source declares or infers. */
  unit: Unit | null;
  pid: number | null;
  command: string | null;
  /** Macro arguments for D scripts ($1, $2, ...). */
  scriptArgs: string[];
  /** No screen: stdout is not a terminal (or --headless). */
  headless: boolean;
  /** Threshold line (--slo) in ns; absent or null: none. */
  sloNs?: number | null;
  /** Write the whole run as an SVG heatmap here when it ends (--export). */
  exportFile?: string | null;
  /** Serve what is traced to Prometheus (--serve-metrics); absent or null: no listener. */
  serveMetrics?: MetricsExportConfig | null;
}

export const DEFAULT_INTERVAL_MS = 1000;
/** Enough for a 240-column terminal and scroll-back: about an hour at 1 s. */
export const DEFAULT_HISTORY_COLUMNS = 3600;
