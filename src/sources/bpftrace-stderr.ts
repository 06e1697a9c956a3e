//! bpftrace's stderr (compile errors, missing probes, attach failures, permission) turned into one
//! short HeatError with bpftrace's own words, positioned in the user's file. Pure.
//!
//! 0.17 writes `FILE:LINE:COL-ENDCOL: ERROR: message` (or `FILE:LINE-ENDLINE:`, or no position),
//! then the source line and a `~~~` underline, which we drop (the error printer redraws them).

import { EXIT, HeatError, type Diagnostic } from '../errors';

export interface StderrMessage {
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  length?: number;
}

const LINE_RE = /^(?:(.+?):(\d+)(?::(\d+)(?:-(\d+))?|-(\d+))?: )?(ERROR|WARNING): (.*)$/;

/** Messages bpftrace prints as ERROR that do not stop it (0.17 in containers and on new kernels). */
const HARMLESS = [/couldn't set RLIMIT_MEMLOCK/];

/** One stderr line as an error or warning, or null for context lines and noise. */
export function parseStderrLine(line: string): StderrMessage | null {
  const m = LINE_RE.exec(line.trimEnd());
  if (!m) return null;
  const [, file, lineNo, col, endCol, , level, message] = m;
  if (HARMLESS.some((re) => re.test(message))) return null;
  const out: StderrMessage = { severity: level === 'ERROR' ? 'error' : 'warning', message };
  if (file !== undefined) {
    out.file = file;
    out.line = Number(lineNo);
    out.column = col === undefined ? 1 : Number(col);
    out.length = col !== undefined && endCol !== undefined ? Math.max(1, Number(endCol) - Number(col)) : 1;
  }
  return out;
}

/** What the error needs to point at the user's file instead of the tool's temp copy. */
export interface ProgramFiles {
  /** The path bpftrace was given (a temp file), or "stdin". */
  programPath: string;
  /** How to call it in messages: the user's script, or the preset file. */
  displayFile: string;
  /** The text positions refer to (the user's part of the program). */
  source: string;
  /** Lines of `source`: positions beyond it are in what the tool appended. */
  sourceLines: number;
}

/**
 * The HeatError for a bpftrace that failed (exited non-zero, or was killed) with `stderr` lines.
 * `died` says it failed mid-run rather than at start.
 */
export function bpftraceFailure(stderr: readonly string[], files: ProgramFiles, exit: { code: number | null; signal: string | null }, died = false): HeatError {
  const messages = stderr.map(parseStderrLine).filter((m): m is StderrMessage => m !== null);
  const errors = messages.filter((m) => m.severity === 'error');
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (errors.length === 0) {
    const tail = stderr.map((l) => l.trim()).filter((l) => l !== '' && !HARMLESS.some((re) => re.test(l))).slice(-3);
    const detail = tail.length > 0 ? `: ${tail.join('; ')}` : '';
    return new HeatError(died ? 'bpftrace-died' : 'bpftrace-failed', `bpftrace ${how}${detail}`);
  }
  const first = errors[0];
  const diagnostics: Diagnostic[] = [];
  for (const e of errors) {
    if (e.line === undefined || (e.file !== files.programPath && e.file !== files.displayFile)) continue;
    if (e.line > files.sourceLines) continue;
    diagnostics.push({ code: 'bpftrace', message: e.message, line: e.line, column: e.column ?? 1, length: e.length ?? 1, severity: 'error' });
  }
  const code = classify(first.message, died);
  const message = diagnostics.length > 0 ? `bpftrace rejected ${files.displayFile}` : `bpftrace: ${first.message}`;
  return new HeatError(code, message, {
    hint: hintFor(code, first.message),
    exitCode: EXIT.runtime,
    file: diagnostics.length > 0 ? files.displayFile : undefined,
    source: diagnostics.length > 0 ? files.source : undefined,
    diagnostics,
  });
}

/** The error code for bpftrace's message: what tests and the screen can rely on. */
export function classify(message: string, died = false): string {
  if (/Failed to fork child/i.test(message)) return 'command-not-found';
  if (/only supports running as the root user|Operation not permitted|permission denied/i.test(message)) return 'not-root';
  if (/tracepoint not found|No probes to attach|does not exist or is not executable|Could not resolve symbol|no matching probe|not found:/i.test(message)) return 'probe-not-found';
  if (/Error attaching probe|Could not attach|failed to attach/i.test(message)) return 'probe-attach-failed';
  if (/BTF|kernel headers|linux-headers/i.test(message)) return 'kernel-support';
  return died ? 'bpftrace-died' : 'bpftrace-script';
}

function hintFor(code: string, message: string): string | undefined {
  switch (code) {
    case 'not-root':
      return 'run it as root (sudo heat-tracer-tui ...), or try --demo';
    case 'probe-not-found':
      return 'list the probes this kernel has with: bpftrace -l \'tracepoint:*\'';
    case 'probe-attach-failed':
      return /kprobe|kretprobe|kfunc|fentry/.test(message) ? 'this kernel may not allow kprobes: use tracepoints (bpftrace -l \'tracepoint:*\')' : undefined;
    case 'kernel-support':
      return 'bpftrace needs kernel BTF (/sys/kernel/btf/vmlinux) or the headers: apt-get install linux-headers-$(uname -r)';
    default:
      return undefined;
  }
}
