//! The run: one event loop that takes source events, keys, resizes, signals and timers, reduces
//! them into the model and view state, schedules renders, and shuts everything down on every exit
//! path (terminal restored, tracer stopped, recording complete).

import type { RunConfig } from './config';
import { EXIT, HeatError, formatError } from './errors';
import { Heatmap } from './model/heatmap';
import { MetricsExport } from './metrics/metrics-export';
import { defaultAxisMode } from './model/axis';
import { RecordingWriter } from './record/recording-writer';
import { SummaryAccumulator } from './report/summary';
import type { Source, SourceEvent } from './sources/source';
import { Renderer, heatLayout } from './tui/render';
import type { ColourDepth } from './tui/palette';
import { actionForKey } from './tui/keymap';
import { Screen } from './tui/screen';
import { sideColumns } from './tui/side-panels';
import { initialViewState, reduce, typeIntoFilter, type ViewState } from './tui/view-state';
import { ViewExtras } from './tui/view-extras';

/** Everything the loop can be woken by. */
export type LoopEvent =
  | { type: 'source'; event: SourceEvent }
  | { type: 'key'; full: string }
  | { type: 'resize' }
  | { type: 'signal'; signal: NodeJS.Signals }
  | { type: 'duration' };

export interface AppIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** For tests: a terminal stand-in; defaults to the process's. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
  depth: ColourDepth;
  /** Register process signal handlers (off in tests that run several apps in one process). */
  handleSignals: boolean;
}

/** Bytes queued to a slow terminal past which frames are skipped (data never is). */
const MAX_BACKLOG_BYTES = 256 * 1024;

export class App {
  readonly model: Heatmap;
  view: ViewState;
  private screen: Screen | null = null;
  /** Keeps axis, colours and drawn columns between frames, so a tick draws one column. */
  private readonly renderer = new Renderer();
  private recorder: RecordingWriter | null = null;
  /** --serve-metrics: the Prometheus exporter, fed every snapshot. */
  private metrics: MetricsExport | null = null;
  private readonly summary: SummaryAccumulator;
  private renderPending = false;
  private lostTotal = 0;
  private message: string | null = null;
  private messageIsError = false;
  private ended: SourceEvent & { type: 'end' } | null = null;
  private finishing: Promise<number> | null = null;
  private resolveDone!: (code: number) => void;
  readonly done: Promise<number>;
  private durationTimer: NodeJS.Timeout | null = null;
  private readonly cleanups: Array<() => void> = [];
  private started = false;
  /** Probe effect, wall-clock start, SVG export: what the view needs from outside the model. */
  private readonly extras: ViewExtras;

  constructor(
    private readonly config: RunConfig,
    private readonly source: Source,
    private readonly io: AppIO,
  ) {
    this.model = new Heatmap(config.historyColumns, config.aggregation);
    this.view = initialViewState({ colourScale: config.colorScale, palette: config.palette, sloNs: config.sloNs ?? null });
    this.extras = new ViewExtras(Date.now(), source.info.engine !== 'replay' && source.info.engine !== 'demo');
    this.summary = new SummaryAccumulator();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** What is traced and by which engine: "syscall latency (ebpf)". */
  private get title(): string {
    const { title, engine } = this.source.info;
    return engine === 'demo' || engine === 'replay' || title.includes(`(${engine})`) ? title : `${title} (${engine})`;
  }

  /** The source's own interval (a replay's recorded one), else the configured one. */
  private get intervalMs(): number {
    const recorded = this.source.info.detail?.intervalMs;
    return typeof recorded === 'number' && recorded > 0 ? recorded : this.config.intervalMs;
  }

  /** Starts screen, recording and source; resolves with the exit code when the run ends. */
  async run(): Promise<number> {
    if (this.io.handleSignals) this.installSignalHandlers();
    try {
      if (!this.config.headless) this.startScreen();
      if (this.config.recordFile) this.recorder = RecordingWriter.open(this.config.recordFile, { started: new Date(), intervalMs: this.intervalMs, source: this.source.info });
      if (this.config.serveMetrics) this.metrics = await MetricsExport.start(this.config.serveMetrics, { unitOverride: this.config.unit, info: () => this.source.info, stderr: this.io.stderr });
      this.message = 'starting…';
      this.scheduleRender();
      await this.source.start((event) => this.dispatch({ type: 'source', event }));
      this.started = true;
      if (this.message === 'starting…') this.message = null;
      this.scheduleRender();
      if (this.config.durationS !== null) this.durationTimer = setTimeout(() => this.dispatch({ type: 'duration' }), this.config.durationS * 1000);
    } catch (err) {
      return this.finish(err instanceof HeatError ? err.exitCode : EXIT.runtime, err);
    }
    return this.done;
  }

  private startScreen(): void {
    this.screen = new Screen({ depth: this.io.depth, input: this.io.input, output: this.io.output, terminal: this.io.terminal });
    this.screen.onKey((full) => this.dispatch({ type: 'key', full }));
    this.screen.onResize(() => this.dispatch({ type: 'resize' }));
  }

  private installSignalHandlers(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const handler = () => this.dispatch({ type: 'signal', signal });
      process.on(signal, handler);
      this.cleanups.push(() => process.off(signal, handler));
    }
    const onCrash = (err: unknown) => void this.finish(EXIT.runtime, err);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    this.cleanups.push(() => {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    });
  }

  /** The one reducer of loop events. */
  dispatch(ev: LoopEvent): void {
    if (this.finishing) return;
    switch (ev.type) {
      case 'source':
        return this.onSource(ev.event);
      case 'key': {
        const typed = typeIntoFilter(this.view, ev.full);
        if (typed) {
          this.view = typed;
          this.scheduleRender();
          return;
        }
        const action = actionForKey(ev.full);
        if (!action) return;
        const cols = this.screen?.cols ?? 80;
        const side = sideColumns(this.view, cols);
        const layout = heatLayout(cols, this.screen?.rows ?? 24, this.io.depth, side.panel + side.histogram);
        this.view = reduce(this.view, action, {
          newestSeq: this.model.totalPushed - 1,
          heatColumns: layout.width,
          latencyRows: layout.latencyRows,
          defaultAxisMode: defaultAxisMode(this.model.kind),
          firstSeq: this.model.firstSeq,
          panelKeys: this.renderer.panelKeys,
          cursorValueNs: this.renderer.cursorValueNs(this.view, this.config.unit ?? this.model.unit),
        });
        if (this.view.exportRequested) {
          this.view = { ...this.view, exportRequested: false };
          this.setMessage(this.extras.exportView(this.model, this.view, this.title, this.config.unit, layout.width, this.source.info, this.intervalMs), false);
        }
        if (this.view.quit) {
          void this.finish(this.ended?.error ? EXIT.runtime : EXIT.ok);
          return;
        }
        this.scheduleRender();
        return;
      }
      case 'resize':
        this.scheduleRender();
        return;
      case 'signal':
        // Interrupted before anything ran: the conventional 128 + signal number.
        if (!this.started) void this.finish(ev.signal === 'SIGINT' ? EXIT.interrupted : ev.signal === 'SIGTERM' ? 143 : 129);
        else void this.finish(EXIT.ok);
        return;
      case 'duration':
        void this.finish(EXIT.ok);
        return;
    }
  }

  private onSource(ev: SourceEvent): void {
    switch (ev.type) {
      case 'snapshot':
        this.model.push(ev.snapshot);
        this.extras.onSnapshot(ev.snapshot, this.model);
        this.lostTotal += ev.snapshot.lost;
        this.recorder?.write(ev.snapshot);
        this.metrics?.add(ev.snapshot);
        this.summary.add(ev.snapshot, this.model.aggregation ?? '');
        // Paused, the heat area stays frozen but the status line counts what arrives.
        this.scheduleRender();
        return;
      case 'output':
        if (this.config.headless) this.io.stdout.write(ev.text.endsWith('\n') ? ev.text : `${ev.text}\n`);
        else this.setMessage(`output: ${ev.text.trim().split('\n').pop() ?? ''}`, false);
        return;
      case 'warning':
        if (this.config.headless) this.io.stderr.write(`heat-tracer-tui: warning: ${ev.message}\n`);
        else this.setMessage(ev.message, false);
        return;
      case 'end':
        this.ended = ev;
        // An exporter keeps serving the final counts until it is stopped.
        if (this.metrics !== null && !ev.error) return this.metrics.sourceEnded(ev.reason);
        if (this.config.headless || ev.reason === 'exit' || ev.reason === 'command-exited') {
          void this.finish(ev.error ? ev.error.exitCode : EXIT.ok, ev.error);
          return;
        }
        this.setMessage(ev.error ? `${formatError(ev.error).split('\n')[0].replace(/^heat-tracer-tui: /, '')} — q to quit` : 'replay finished — q to quit', Boolean(ev.error));
        return;
    }
  }

  private setMessage(text: string, isError: boolean): void {
    this.message = text;
    this.messageIsError = isError;
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (!this.screen || this.renderPending) return;
    this.renderPending = true;
    setImmediate(() => {
      this.renderPending = false;
      this.renderNow();
    });
  }

  /** Draws one frame, unless the terminal is behind: then the frame is dropped (data is not). */
  renderNow(): void {
    const screen = this.screen;
    if (!screen || this.finishing) return;
    if (screen.backlog() > MAX_BACKLOG_BYTES) {
      setTimeout(() => this.scheduleRender(), 50);
      return;
    }
    const frame = this.renderer.render(this.model, this.view, {
      cols: screen.cols,
      rows: screen.rows,
      depth: this.io.depth,
      title: this.title,
      intervalMs: this.intervalMs,
      unit: this.config.unit,
      message: this.message,
      messageIsError: this.messageIsError,
      lostTotal: this.lostTotal,
      startedMs: this.extras.startedMs(this.source.info),
      probe: this.extras.probeText(),
    });
    screen.paint(frame);
  }

  get screenForTests(): Screen | null {
    return this.screen;
  }

  /** Ends the run once: stops the source (final data recorded), restores the terminal, reports. */
  finish(code: number, err?: unknown): Promise<number> {
    if (this.finishing) return this.finishing;
    this.finishing = (async () => {
      if (this.durationTimer) clearTimeout(this.durationTimer);
      let exitCode = code;
      let error = err;
      try {
        await this.source.stop();
      } catch (stopErr) {
        error ??= stopErr;
        exitCode = exitCode || EXIT.runtime;
      }
      try {
        this.recorder?.close();
      } catch (closeErr) {
        error ??= closeErr;
        exitCode = exitCode || EXIT.runtime;
      }
      await this.metrics?.close();
      this.screen?.destroy();
      for (const c of this.cleanups) c();
      if (this.config.exportFile && this.started) {
        try {
          this.extras.exportRun(this.config.exportFile, this.model, this.view, this.title, this.config.unit, this.source.info, this.intervalMs);
        } catch (exportErr) {
          error ??= new HeatError('export-failed', `cannot write ${this.config.exportFile}: ${(exportErr as Error).message}`);
          exitCode = exitCode || EXIT.runtime;
        }
      }
      if (this.config.headless && this.started) this.io.stdout.write(this.summary.format({ title: this.title, intervalMs: this.intervalMs, unit: this.config.unit }));
      if (error !== undefined) {
        this.io.stderr.write(`${formatError(error)}\n`);
        if (process.env.HEAT_TRACER_DEBUG && error instanceof Error) this.io.stderr.write(`${error.stack}\n`);
      }
      this.resolveDone(exitCode);
      return exitCode;
    })();
    return this.finishing;
  }
}
