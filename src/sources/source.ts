//! The interface every data source implements (demo, replay, bpftrace, libdtrace, native eBPF):
//! start it, it emits events into the one event loop, stop it and it releases everything.

import type { HeatError } from '../errors';
import type { Snapshot } from '../model/snapshot';

/** What a source tells the loop. Snapshots always carry per-interval counts. */
export type SourceEvent =
  | { type: 'snapshot'; snapshot: Snapshot }
  /** Text the traced program printed (printf/trace/printa); shown in a log line, never on the raw terminal. */
  | { type: 'output'; text: string }
  /** Something the user should know that does not stop the run (an ignored option, a fixed-up bound). */
  | { type: 'warning'; message: string }
  /**
   * The source has nothing more to give: a replay reached its end, the script called exit(),
   * the `-c` command exited, or the tracer died (then `error` says why). The collected
   * heatmap stays on screen; the loop decides whether to exit (headless) or wait for `q`.
   */
  | { type: 'end'; reason: 'finished' | 'exit' | 'command-exited' | 'died'; error?: HeatError };

/** What ran: goes into the title and into the recording header's "source" field. */
export interface SourceInfo {
  engine: 'demo' | 'replay' | 'bpftrace' | 'libdtrace' | 'ebpf' | 'prometheus';
  /** What is traced, for the title: "syscall latency", "block I/O latency", "probe.d". */
  title: string;
  /** Engine-specific facts for the recording header (preset, script path, seed, bpftrace version). */
  detail?: Record<string, unknown>;
}

export type Emit = (event: SourceEvent) => void;

export interface Source {
  readonly info: SourceInfo;
  /**
   * Starts the source; resolves once it is producing (probes attached), rejects with a
   * HeatError when it cannot start (tracer missing, script error, no permission).
   */
  start(emit: Emit): Promise<void>;
  /**
   * Stops it: final partial-interval data is emitted as one last snapshot before this resolves,
   * and every child process, file descriptor and timer is released. Idempotent.
   */
  stop(): Promise<void>;
}
