//! D printf formats to bpftrace printf formats: checks each conversion against its argument, maps
//! the ones bpftrace has, and refuses the DTrace-only ones (%a, %Y, %@, floats) by position.

import type { Span } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';

/** What an argument must be for a conversion: a number or a string. */
export type ArgKind = 'int' | 'string';

export interface FormatPiece {
  /** The bpftrace conversion text (e.g. "%-8s", "%lld"). */
  spec: string;
  kind: ArgKind;
}

const DROPPED_SIZES = /^(hh|h|z|j|t|L)$/;

/**
 * Rebuilds a D format for bpftrace and lists its conversions in order, or returns null after
 * reporting. `span` is the format literal's span (the positions point into it).
 */
export function translateFormat(format: string, span: Span, sink: DiagnosticSink): { format: string; pieces: FormatPiece[] } | null {
  const re = /%([-+ #0']*)([0-9]*|\*)(\.[0-9]*|\.\*)?(hh|h|ll|l|L|z|j|t)?([a-zA-Z@%])/g;
  let out = '';
  let last = 0;
  let ok = true;
  const pieces: FormatPiece[] = [];
  const refuse = (what: string, at: number, len: number): void => {
    // Offsets are into the decoded text: close enough to point at the right conversion.
    sink.error('d-unsupported', `printf conversion '${what}' is not supported`, { offset: span.offset + 1 + at, length: Math.max(1, len) });
    ok = false;
  };
  const literal = (from: number, to: number): void => {
    const text = format.slice(from, to);
    const stray = text.indexOf('%');
    if (stray >= 0) {
      sink.error('d-syntax', "incomplete printf conversion '%'", { offset: span.offset + 1 + from + stray, length: 1 });
      ok = false;
    }
    out += text;
  };
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    literal(last, m.index);
    last = m.index + m[0].length;
    const [whole, flagsRaw, width, precision = '', sizeRaw = '', conv] = m;
    if (conv === '%') {
      out += '%%';
      continue;
    }
    if (width === '*' || precision === '.*') {
      refuse(whole, m.index, whole.length);
      continue;
    }
    const flags = flagsRaw.replace(/'/g, '');
    const size = DROPPED_SIZES.test(sizeRaw) ? '' : sizeRaw;
    const head = `%${flags}${width}${precision}`;
    switch (conv) {
      case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
        pieces.push({ spec: `${head}${size}${conv}`, kind: 'int' });
        out += `${head}${size}${conv}`;
        break;
      case 'p':
        pieces.push({ spec: `0x${head}llx`, kind: 'int' });
        out += `0x${head}llx`;
        break;
      case 's': case 'S':
        pieces.push({ spec: `${head}s`, kind: 'string' });
        out += `${head}s`;
        break;
      default:
        refuse(whole, m.index, whole.length);
    }
  }
  literal(last, format.length);
  return ok ? { format: out, pieces } : null;
}
