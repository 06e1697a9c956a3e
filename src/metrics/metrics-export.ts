//! --serve-metrics: what the event loop (app.ts) calls to export a run to Prometheus. Snapshots
//! go into the exposition (histogram-export.ts); the HTTP server (metrics-server.ts) serves it.
//! The run is headless; after the source ends cleanly (a replay's last interval) it keeps serving
//! until SIGINT/SIGTERM, so the final counts can still be scraped.

import type { MetricsExportConfig } from '../config';
import type { Snapshot, Unit } from '../model/snapshot';
import type { SourceInfo } from '../sources/source';
import { HistogramExport } from './histogram-export';
import { MetricsServer, formatAddress } from './metrics-server';

export interface MetricsExportContext {
  unitOverride: Unit | null;
  /** The running source's description (read when an aggregation first appears). */
  info: () => SourceInfo;
  stderr: NodeJS.WritableStream;
}

/** Presets and recordings of them whose keys are disks. */
const DISK_PRESETS = new Set(['io', 'biolatency']);

/** The label that names an aggregation's key: what the key is where we know it, else `key`. */
export function keyLabelFor(aggregation: string, info: SourceInfo): string {
  if (aggregation === 'syscall') return 'syscall';
  const detail = info.detail ?? {};
  const recorded = (detail.recorded as SourceInfo | undefined)?.detail ?? {};
  if (aggregation === 'io' || DISK_PRESETS.has(String(detail.preset)) || DISK_PRESETS.has(String(recorded.preset))) return 'disk';
  return 'key';
}

/** The exporter of one run: listening, fed with snapshots, closed at the end. */
export class MetricsExport {
  private constructor(
    private readonly exposition: HistogramExport,
    private readonly server: MetricsServer,
    private readonly stderr: NodeJS.WritableStream,
  ) {}

  /** Listens (rejecting with a HeatError when it cannot) and says where on stderr. */
  static async start(config: MetricsExportConfig, ctx: MetricsExportContext): Promise<MetricsExport> {
    const warn = (message: string) => ctx.stderr.write(`heat-tracer-tui: warning: ${message}\n`);
    const exposition = new HistogramExport({ topKeys: config.topKeys, unitOverride: ctx.unitOverride, keyLabel: (agg) => keyLabelFor(agg, ctx.info()), warn });
    const server = new MetricsServer(exposition);
    const bound = await server.listen({ host: config.host, port: config.port });
    ctx.stderr.write(`heat-tracer-tui: serving metrics on http://${formatAddress(bound)}/metrics (top ${config.topKeys} keys per aggregation)\n`);
    return new MetricsExport(exposition, server, ctx.stderr);
  }

  add(snapshot: Snapshot): void {
    this.exposition.add(snapshot);
  }

  /** The source ended without an error: the counts stay served until the process is stopped. */
  sourceEnded(reason: string): void {
    this.stderr.write(`heat-tracer-tui: source ${reason === 'finished' ? 'finished' : 'ended'}; still serving metrics until stopped (Ctrl-C or SIGTERM)\n`);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
