//! libdtrace's compile errors ("[D_SYNTAX] line 3: syntax error near \";\"") as positioned
//! Diagnostics, and what the source needs to know about a -c command before compiling: how
//! dtrace(1) splits it, and when tracing of it starts (evaltime). Pure.

import type { Diagnostic } from '../errors';

/** A libdtrace message taken apart: the error tag (ETAGS), the 1-based line, the text. */
export interface ParsedDtraceError {
  tag: string | null;
  line: number | null;
  text: string;
}

/** Splits "cannot compile the D program: [D_TAG] line N: text" (any prefix, tag and line optional). */
export function parseDtraceError(message: string): ParsedDtraceError {
  const m = /(?:^|: )(?:\[(D_[A-Z0-9_]+)\] )?(?:"[^"]*", )?line (\d+): (.*)$/s.exec(message);
  if (m) return { tag: m[1] ?? null, line: Number(m[2]), text: m[3] };
  const t = /(?:^|: )\[(D_[A-Z0-9_]+)\] (.*)$/s.exec(message);
  if (t) return { tag: t[1], line: null, text: t[2] };
  return { tag: null, line: null, text: message };
}

/**
 * The token a message is about, to underline it: libdtrace gives a line but no column. Ordered
 * by how often each message shape shows up.
 */
function tokenOf(text: string): string | null {
  const patterns = [
    /syntax error near "(.+)"$/,
    /probe description (\S+) does not match/,
    /failed to resolve ([^:\s]+)/,
    /(\$\d+|\$\$\d+|\$target)/,
    /^(\w+)\( \) /,
    /undefined (?:function|variable|aggregation|action) ([^\s:]+)/,
    /"([^"]+)"/,
  ];
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m[1];
  }
  return null;
}

/** Column (1-based) and length to underline on `lineText` for a message `text`. */
export function locateInLine(lineText: string, text: string): { column: number; length: number } {
  const token = tokenOf(text);
  if (token !== null) {
    const at = lineText.indexOf(token);
    if (at >= 0) return { column: at + 1, length: Math.max(1, token.length) };
  }
  const first = lineText.search(/\S/);
  if (first < 0) return { column: 1, length: 1 };
  return { column: first + 1, length: Math.max(1, lineText.trimEnd().length - first) };
}

/**
 * A libdtrace compile error as one Diagnostic against `source`, or null when the message has no
 * line to point at (then the message alone is shown). Codes are DTrace's tags ("D_SYNTAX").
 */
export function compileDiagnostic(message: string, source: string): Diagnostic | null {
  const parsed = parseDtraceError(message);
  if (parsed.line === null) return null;
  const lines = source.split(/\r?\n/);
  const lineText = lines[parsed.line - 1] ?? '';
  const { column, length } = locateInLine(lineText, parsed.text);
  return { code: parsed.tag ?? 'D_ERROR', message: parsed.text, line: parsed.line, column, length, severity: 'error' };
}

/**
 * A -c command line as argv, split as dtrace(1) does (on blanks, no shell), with '…' and "…"
 * quoting and backslash escapes so arguments can hold spaces. Throws on an unterminated quote.
 */
export function splitCommand(command: string): string[] {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (quote !== null) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote} quote`);
  if (inWord) argv.push(cur);
  return argv;
}

/**
 * When DTrace should start tracing a -c command: the script's own `#pragma D option evaltime=`,
 * else 'exec' (like bpftrace's -c: the dynamic loader's syscalls count too) unless the script
 * uses pid-provider probes, which need the libraries loaded first (DTrace's default, postinit).
 * The option must be set before the process is created, so it cannot wait for the compiler.
 */
export function evaltimeFor(text: string): string {
  const pragma = /^\s*#\s*pragma\s+D\s+option\s+evaltime\s*=\s*(\w+)/m.exec(text);
  if (pragma) return pragma[1];
  return /\bpid(?:\$target|\d+)\s*:/.test(text) ? 'postinit' : 'exec';
}
