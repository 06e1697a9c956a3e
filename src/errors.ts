//! The one error type people see: a code (what tests assert), a message, an optional hint and
//! the exit code it ends the process with. Printed once, after the terminal is restored.

/** A positioned problem in a user's file (a D or bpftrace script, a recording). */
export interface Diagnostic {
  code: string;
  message: string;
  /** 1-based line and column; column counts UTF-16 code units from the line start. */
  line: number;
  column: number;
  /** How many characters the caret line underlines (at least 1). */
  length: number;
  severity: 'error' | 'warning';
}

/** Exit codes, as the house style sets them. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

export interface HeatErrorOptions {
  hint?: string;
  exitCode?: number;
  /** The file the diagnostics refer to, and its text (for caret lines). */
  file?: string;
  source?: string;
  diagnostics?: Diagnostic[];
  cause?: unknown;
}

/** An error meant for a person: never shown with a stack trace. */
export class HeatError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  readonly file?: string;
  readonly source?: string;
  readonly diagnostics: Diagnostic[];

  constructor(code: string, message: string, opts: HeatErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HeatError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT.runtime;
    this.file = opts.file;
    this.source = opts.source;
    this.diagnostics = opts.diagnostics ?? [];
  }
}

/** A usage error (bad flag, bad value): exit code 2. */
export function usageError(code: string, message: string, hint?: string): HeatError {
  return new HeatError(code, message, { hint, exitCode: EXIT.usage });
}

const PROG = 'heat-tracer-tui';

/** Formats diagnostics compiler-style: `file:line:col: error: message`, the line, a caret. */
export function formatDiagnostics(file: string, source: string | undefined, diags: readonly Diagnostic[]): string {
  const lines = source === undefined ? [] : source.split(/\r?\n/);
  const out: string[] = [];
  for (const d of diags) {
    out.push(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
    const text = lines[d.line - 1];
    if (text !== undefined) {
      const shown = text.replace(/\t/g, ' ');
      out.push(`    ${shown}`);
      const len = Math.max(1, Math.min(d.length, Math.max(1, shown.length - d.column + 1)));
      out.push(`    ${' '.repeat(Math.max(0, d.column - 1))}^${'~'.repeat(len - 1)}`);
    }
  }
  return out.join('\n');
}

/** The text printed on stderr for any error; unknown errors are reported without a stack. */
export function formatError(err: unknown): string {
  if (err instanceof HeatError) {
    const parts: string[] = [];
    if (err.diagnostics.length > 0 && err.file) {
      parts.push(formatDiagnostics(err.file, err.source, err.diagnostics));
      const n = err.diagnostics.filter((d) => d.severity === 'error').length;
      parts.push(`${PROG}: error: ${err.message}${n > 1 ? ` (${n} errors)` : ''}`);
    } else {
      parts.push(`${PROG}: error: ${err.message}`);
    }
    if (err.hint) parts.push(`hint: ${err.hint}`);
    return parts.join('\n');
  }
  const message = err instanceof Error ? err.message : String(err);
  return `${PROG}: error: internal error: ${message}\nhint: this is a bug in ${PROG}; set HEAT_TRACER_DEBUG=1 for a stack trace and report it`;
}

/** The exit code for any thrown value. */
export function exitCodeOf(err: unknown): number {
  return err instanceof HeatError ? err.exitCode : EXIT.runtime;
}
