//! What the view needs from outside the model and the keys: when the data started (wall-clock
//! labels when scrolled back), the probe effect for the status line, and SVG export of the view
//! (`s`) or of the whole run (--export). The app's loop calls it; the file writes happen here.

import fs from 'node:fs';
import { defaultAxisMode } from '../model/axis';
import type { Heatmap } from '../model/heatmap';
import { selectionTitle } from '../model/key-selection';
import type { Snapshot, Unit } from '../model/snapshot';
import type { SourceInfo } from '../sources/source';
import { heatmapSvg } from '../export/heatmap-svg';
import { ProbeMeter } from '../probe/probe-meter';
import type { ViewState } from './view-state';

export class ViewExtras {
  private readonly probe: ProbeMeter;
  private lastT: number | null = null;

  constructor(
    /** Epoch ms when the app started (the source starts then, unless it says otherwise). */
    private readonly appStartedMs: number,
    live = true,
  ) {
    this.probe = new ProbeMeter(live);
  }

  /** Epoch ms of t = 0: a replay's recorded start, else the app's start. */
  startedMs(info: SourceInfo): number {
    const recorded = info.detail?.started;
    const ms = typeof recorded === 'string' ? Date.parse(recorded) : NaN;
    return Number.isFinite(ms) ? ms : this.appStartedMs;
  }

  /** One snapshot arrived: samples the probe effect. */
  onSnapshot(snapshot: Snapshot, model: Heatmap): void {
    const intervalMs = this.lastT === null ? snapshot.t : snapshot.t - this.lastT;
    this.lastT = snapshot.t;
    this.probe.sample(model.newest()?.total ?? 0, intervalMs);
  }

  probeText(): string | null {
    return this.probe.text();
  }

  /** Writes the columns on screen as heat-tracer-<time>.svg in the working directory; returns a status message. */
  exportView(model: Heatmap, view: ViewState, title: string, unit: Unit | null, width: number, info: SourceInfo, intervalMs: number): string {
    const endSeq = view.pausedAtSeq ?? model.totalPushed - 1;
    const file = `heat-tracer-${new Date().toISOString().replace(/[:.]/g, '-')}.svg`;
    try {
      this.write(file, model, view, title, unit, model.window(endSeq, width), info, intervalMs);
      return `saved ${file}`;
    } catch (err) {
      return `cannot save ${file}: ${(err as Error).message}`;
    }
  }

  /** Writes every retained column (the whole run, up to --history) to `file`. */
  exportRun(file: string, model: Heatmap, view: ViewState, title: string, unit: Unit | null, info: SourceInfo, intervalMs: number): void {
    const first = model.firstSeq;
    this.write(file, model, view, title, unit, model.window(model.totalPushed - 1, Math.max(1, model.totalPushed - first)), info, intervalMs);
  }

  private write(file: string, model: Heatmap, view: ViewState, title: string, unit: Unit | null, columns: ReturnType<Heatmap['window']>, info: SourceInfo, intervalMs: number): void {
    const names = new Set<string>();
    for (const c of columns) for (const k of c?.keyNames() ?? []) names.add(k);
    const agg = model.aggregation ? ` @${model.aggregation}` : '';
    const svg = heatmapSvg(columns, {
      title: selectionTitle(`${title}${agg}`, view.keys, [...names]),
      subtitle: `${columns.filter(Boolean).length} columns · ${view.keys.mode === 'all' ? 'all keys' : 'selected keys'}`,
      unit: unit ?? model.unit,
      axisMode: view.axisMode ?? defaultAxisMode(model.kind),
      keys: view.keys,
      intervalMs,
      startedMs: this.startedMs(info),
      sloNs: view.sloNs,
    });
    fs.writeFileSync(file, svg);
  }
}
