//! The fleet options of the command line (cli.ts calls these): --serve-metrics (export to
//! Prometheus) and --prometheus/--query/--by/--bearer-token-file (read a fleet back from it).

import type { Command } from 'commander';
import type { RunConfig, SourceMode } from './config';
import { usageError } from './errors';
import { DEFAULT_TOP_KEYS } from './metrics/histogram-export';
import { parseListenAddress, type ListenAddress } from './metrics/metrics-server';
import { TOKEN_ENV } from './sources/prometheus';
import { checkByLabel, parseSelector } from './sources/prometheus-query';

/** Prometheus' default scrape interval: a finer column would mostly be empty. */
export const FLEET_DEFAULT_INTERVAL_MS = 15_000;

export const FLEET_EXAMPLES = `  sudo heat-tracer-tui --preset io --serve-metrics 9464   # export block I/O latency to Prometheus (127.0.0.1:9464)
  heat-tracer-tui --prometheus http://prom:9090 --query heat_tracer_syscall_seconds --by instance
                                              # the fleet: every host's syscall latency, one key per host`;

export interface FleetOpts {
  serveMetrics?: ListenAddress;
  metricsKeys: number;
  prometheus?: string;
  query?: string;
  by?: string;
  bearerTokenFile?: string;
}

/** Adds the fleet options to the program. */
export function addFleetOptions(p: Command, positiveInt: (flag: string, max: number) => (v: string) => number): Command {
  return p
    .option('--serve-metrics <[addr:]port>', 'serve what is traced as Prometheus histograms on http://ADDR:PORT/metrics (GET only; a bare port binds 127.0.0.1); runs headless until stopped', parseListenAddress)
    .option('--metrics-keys <n>', `with --serve-metrics: keys exported per aggregation (the first to appear); the rest are summed as "(other)"`, positiveInt('--metrics-keys', 10_000), DEFAULT_TOP_KEYS)
    .option('--prometheus <url>', 'draw a fleet heatmap from a Prometheus-compatible server (Prometheus, Thanos, Mimir, Cortex)')
    .option('--query <selector>', 'with --prometheus: the histogram to draw, e.g. heat_tracer_syscall_seconds{job="heat"}')
    .option('--by <label>', 'with --prometheus: one key per value of this label (instance, syscall, disk...)')
    .option('--bearer-token-file <file>', `with --prometheus: send the token in FILE (else $${TOKEN_ENV}); never on the command line`);
}

/** The --prometheus source, once cli.ts knows it is the one chosen. */
export function fleetSourceMode(o: FleetOpts): SourceMode {
  if (o.prometheus === undefined) throw new Error('fleetSourceMode without --prometheus');
  if (o.query === undefined) throw usageError('prometheus-without-query', '--prometheus needs --query <histogram selector>', 'for example --query heat_tracer_syscall_seconds');
  parseSelector(o.query);
  return { kind: 'prometheus', url: o.prometheus, query: o.query, by: o.by === undefined ? null : checkByLabel(o.by), tokenFile: o.bearerTokenFile ?? null };
}

/** Sets the fleet fields of a config (listener, headless, the fleet's interval) and checks combinations. */
export function applyFleetOptions(config: RunConfig, o: FleetOpts, intervalGiven: boolean): void {
  const fleet = config.source.kind === 'prometheus';
  for (const [flag, given] of [['--query', o.query], ['--by', o.by], ['--bearer-token-file', o.bearerTokenFile]] as const) {
    if (given !== undefined && !fleet) throw usageError('fleet-option-without-prometheus', `${flag} only applies to --prometheus`);
  }
  if (o.serveMetrics !== undefined) {
    if (fleet) throw usageError('conflicting-sources', '--serve-metrics exports what this machine traces; it cannot re-export --prometheus');
    config.serveMetrics = { host: o.serveMetrics.host, port: o.serveMetrics.port, topKeys: o.metricsKeys };
    config.headless = true;
  }
  if (fleet && !intervalGiven) config.intervalMs = FLEET_DEFAULT_INTERVAL_MS;
}
