//! Finds and loads the libdtrace addon (src/native/libdtrace, built at install where a libdtrace
//! is found) and says why it cannot when it is absent; libdtrace.ts drives it.

import fs from 'node:fs';
import path from 'node:path';
import { HeatError } from '../errors';
import type { AggwalkRecord } from './libdtrace-aggregations';

/** What strcompile() learned about the program (dtrace_proginfo_t). */
export interface CompileInfo {
  matches: number;
  aggregates: number;
  recgens: number;
  speculations: number;
}

/** One dtrace_work() call: trace output, handler tallies since the previous call. */
export interface WorkResult {
  /** 'done' once tracing stopped (exit(), dtrace_stop, a filled buffer). */
  status: 'okay' | 'done';
  /** printf()/trace()/printa() output formatted by libdtrace. */
  output: string;
  drops: number;
  /** Runtime errors in D clauses (invalid address, division by zero). */
  faults: number;
  /** Fault and process messages (not drops), at most a few per call. */
  messages: string[];
  /** Traced processes (-c/-p) that went away. */
  procsExited: number;
  /** The exit() action ran. */
  exited: boolean;
  exitStatus: number;
}

/**
 * The addon's Consumer: one libdtrace handle, one D program. Async calls must not overlap.
 * One per process: Oracle's libdtrace 2.0.1 cannot start a second handle after closing one.
 */
export interface LibdtraceConsumer {
  setopt(name: string, value?: string): void;
  /** Runs argv stopped at exec: it starts at go() and is the program's $target. Before strcompile. */
  createProcess(argv: string[]): number;
  /** Grabs a running process as $target. Before strcompile. */
  grabProcess(pid: number): void;
  /** Compiles and enables the program (once); argv[0] is the script name, argv[1] is $1. */
  strcompile(program: string, argv?: string[]): Promise<CompileInfo>;
  go(): Promise<void>;
  work(): Promise<WorkResult>;
  /** Snapshot and walk: per interval (classic) or totals since go() (when `cumulative`). */
  aggwalk(): Promise<AggwalkRecord[]>;
  stop(): Promise<void>;
  close(): void;
}

export interface LibdtraceAddon {
  Consumer: new () => LibdtraceConsumer;
  version(): string;
  /** Which libdtrace the addon was built against. */
  abi: 'oracle' | 'classic';
  /** True when aggwalk() returns totals since tracing began rather than one interval's data. */
  cumulative: boolean;
}

/** The addon's directory (from dist/src/sources, the repo root is three up). */
export const LIBDTRACE_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'native', 'libdtrace');
const ADDON_FILE = path.join(LIBDTRACE_DIR, 'build', 'Release', 'heat_libdtrace.node');

let loaded: { addon: LibdtraceAddon } | { why: string } | undefined;

/** Why the build skipped the addon, as prereqs.js sees this machine now. */
function whyNotBuilt(): string {
  try {
    const prereqs = require(path.join(LIBDTRACE_DIR, 'prereqs.js')) as { missing(): string[] };
    const missing = prereqs.missing();
    if (missing.length > 0) return `the libdtrace engine is not built: missing ${missing.join(', ')}`;
    return 'the libdtrace engine is not built (libdtrace is there now: run npm run build:native)';
  } catch (err) {
    return `the libdtrace engine is not built (${(err as Error).message})`;
  }
}

/** The addon, loaded once; the reason when it cannot be. */
export function loadLibdtraceAddon(): { addon: LibdtraceAddon } | { why: string } {
  if (loaded) return loaded;
  if (!fs.existsSync(ADDON_FILE)) loaded = { why: whyNotBuilt() };
  else {
    try {
      loaded = { addon: require(ADDON_FILE) as LibdtraceAddon };
    } catch (err) {
      loaded = { why: `the libdtrace engine does not load: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return loaded;
}

/** The addon, or HeatError 'libdtrace-unavailable' saying why not. */
export function requireLibdtraceAddon(): LibdtraceAddon {
  const got = loadLibdtraceAddon();
  if ('why' in got) {
    throw new HeatError('libdtrace-unavailable', `cannot use libdtrace: ${got.why}`, {
      hint: 'install DTrace (set HEAT_TRACER_LIBDTRACE_PREFIX for a non-standard prefix) and run npm run build:native, or use --backend bpftrace',
    });
  }
  return got.addon;
}

/** Whether the libdtrace engine can be tried here: the addon loads (root is checked at open). */
export function libdtraceAvailable(): { ok: true } | { ok: false; why: string } {
  const got = loadLibdtraceAddon();
  return 'why' in got ? { ok: false, why: got.why } : { ok: true };
}
