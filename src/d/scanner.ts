//! The D scanner: turns file text into tokens on demand for the parser, which picks the mode
//! (code, or a probe description at the start of a clause, where `-`, `*` and `:` are name chars).

import type { Span } from './ast';
import type { DiagnosticSink } from './diagnostic-sink';

export type TokenKind =
  | 'ident' | 'int' | 'string' | 'punct' | 'agg' | 'macro' | 'pragma' | 'directive' | 'probe' | 'eof';

export interface Token {
  kind: TokenKind;
  /** ident/punct/probe/directive text, string value (escapes decoded), agg/macro name. */
  text: string;
  /** For 'int': the 64-bit value. */
  value?: bigint;
  /** For 'macro': `$$1` (forced string). */
  asString?: boolean;
  span: Span;
}

// Longest first, so `<<=` wins over `<<` and `<`.
const PUNCTS = [
  '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '^^', '+=', '-=',
  '*=', '/=', '%=', '&=', '|=', '^=', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>',
  '=', '?', ':', ';', ',', '.', '(', ')', '[', ']', '{', '}',
];

const ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '?': '?', a: '\x07', b: '\b', f: '\f', v: '\v',
};

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
// Probe descriptions: names, globs (* ? [ ] !), field separators, dashes (tick-1sec), macros.
const isProbeChar = (c: string): boolean => /[A-Za-z0-9_\-*?:.[\]!$+`]/.test(c);

export class Scanner {
  constructor(readonly text: string, private readonly sink: DiagnosticSink) {}

  /** The token starting at or after `pos`, skipping blanks and comments. */
  scan(pos: number, mode: 'code' | 'probe'): Token {
    const t = this.text;
    pos = this.skipBlank(pos);
    if (pos >= t.length) return { kind: 'eof', text: '', span: { offset: t.length, length: 0 } };
    const c = t[pos];
    if (c === '#' && this.atLineStart(pos)) return this.directive(pos);
    if (mode === 'probe' && isProbeChar(c)) {
      let end = pos;
      while (end < t.length && isProbeChar(t[end])) end++;
      return { kind: 'probe', text: t.slice(pos, end), span: { offset: pos, length: end - pos } };
    }
    if (isIdentStart(c)) {
      let end = pos + 1;
      while (end < t.length && isIdentChar(t[end])) end++;
      return { kind: 'ident', text: t.slice(pos, end), span: { offset: pos, length: end - pos } };
    }
    if (/[0-9]/.test(c)) return this.number(pos);
    if (c === '"') return this.string(pos);
    if (c === "'") return this.charConstant(pos);
    if (c === '@') {
      let end = pos + 1;
      while (end < t.length && isIdentChar(t[end])) end++;
      return { kind: 'agg', text: t.slice(pos + 1, end), span: { offset: pos, length: end - pos } };
    }
    if (c === '$') return this.macro(pos);
    for (const p of PUNCTS) {
      if (t.startsWith(p, pos)) return { kind: 'punct', text: p, span: { offset: pos, length: p.length } };
    }
    if (c === '`') {
      let end = pos + 1;
      while (end < t.length && isIdentChar(t[end])) end++;
      this.sink.error('d-unsupported', `kernel symbol references ('${t.slice(pos, end)}') are not supported`, { offset: pos, length: end - pos });
      return { kind: 'int', text: '0', value: 0n, span: { offset: pos, length: end - pos } };
    }
    this.sink.error('d-syntax', `unexpected character '${c}'`, { offset: pos, length: 1 });
    return this.scan(pos + 1, mode);
  }

  /** The offset of the next non-blank character at or after `pos`. */
  skipBlank(pos: number): number {
    const t = this.text;
    for (;;) {
      if (pos === 0 && t.startsWith('#!')) {
        pos = this.lineEnd(pos);
        continue;
      }
      while (pos < t.length && /\s/.test(t[pos])) pos++;
      if (t.startsWith('//', pos)) {
        pos = this.lineEnd(pos);
      } else if (t.startsWith('/*', pos)) {
        const end = t.indexOf('*/', pos + 2);
        if (end < 0) {
          this.sink.error('d-syntax', 'unterminated comment', { offset: pos, length: 2 });
          return t.length;
        }
        pos = end + 2;
      } else {
        return pos;
      }
    }
  }

  private lineEnd(pos: number): number {
    const end = this.text.indexOf('\n', pos);
    return end < 0 ? this.text.length : end;
  }

  private atLineStart(pos: number): boolean {
    let i = pos - 1;
    while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
    return i < 0 || this.text[i] === '\n';
  }

  /** A whole `#...` line (with backslash continuations): a pragma, or a preprocessor directive. */
  private directive(pos: number): Token {
    let end = this.lineEnd(pos);
    while (end < this.text.length && this.text[end - 1] === '\\') end = this.lineEnd(end + 1);
    const text = this.text.slice(pos, end).replace(/\s+$/, '');
    const kind = /^#\s*pragma\b/.test(text) ? 'pragma' : 'directive';
    return { kind, text, span: { offset: pos, length: text.length } };
  }

  private number(pos: number): Token {
    const t = this.text;
    const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)/.exec(t.slice(pos, pos + 40));
    const digits = m ? m[1] : t[pos];
    let length = m ? m[0].length : 1;
    let value: bigint;
    if (/^0[xX]/.test(digits)) value = BigInt(digits);
    else if (digits.length > 1 && digits.startsWith('0')) {
      if (/[89]/.test(digits)) this.sink.error('d-syntax', `invalid octal constant '${digits}'`, { offset: pos, length });
      value = BigInt('0o' + digits.slice(1).replace(/[89]/g, '0'));
    } else value = BigInt(digits);
    if (value > 0xffffffffffffffffn) {
      this.sink.error('d-syntax', `integer constant '${digits}' is too large`, { offset: pos, length });
      value = 0n;
    }
    if (pos + length < t.length && isIdentChar(t[pos + length])) {
      const bad = /^[A-Za-z0-9_]*/.exec(t.slice(pos + length))![0].length;
      this.sink.error('d-syntax', `invalid integer constant '${t.slice(pos, pos + length + bad)}'`, { offset: pos, length: length + bad });
      length += bad;
    }
    return { kind: 'int', text: digits, value, span: { offset: pos, length } };
  }

  private string(pos: number): Token {
    const { value, end } = this.quoted(pos, '"');
    return { kind: 'string', text: value, span: { offset: pos, length: end - pos } };
  }

  private charConstant(pos: number): Token {
    const { value, end } = this.quoted(pos, "'");
    if (value.length !== 1) this.sink.error('d-syntax', 'a character constant holds one character', { offset: pos, length: end - pos });
    const code = value.length > 0 ? value.charCodeAt(0) : 0;
    return { kind: 'int', text: String(code), value: BigInt(code), span: { offset: pos, length: end - pos } };
  }

  /** Reads a quoted literal starting at `pos`; returns the decoded value and the offset after it. */
  private quoted(pos: number, quote: string): { value: string; end: number } {
    const t = this.text;
    let i = pos + 1;
    let value = '';
    while (i < t.length && t[i] !== quote && t[i] !== '\n') {
      if (t[i] !== '\\') {
        value += t[i++];
        continue;
      }
      const e = t[i + 1] ?? '';
      const oct = /^[0-7]{1,3}/.exec(t.slice(i + 1, i + 4));
      if (oct) {
        value += String.fromCharCode(parseInt(oct[0], 8));
        i += 1 + oct[0].length;
      } else if (e in ESCAPES) {
        value += ESCAPES[e];
        i += 2;
      } else {
        this.sink.error('d-syntax', `unknown escape sequence '\\${e}'`, { offset: i, length: 2 });
        value += e;
        i += 2;
      }
    }
    if (t[i] !== quote) {
      this.sink.error('d-syntax', quote === '"' ? 'unterminated string' : 'unterminated character constant', { offset: pos, length: 1 });
      return { value, end: i };
    }
    return { value, end: i + 1 };
  }

  private macro(pos: number): Token {
    const t = this.text;
    const asString = t[pos + 1] === '$';
    const start = pos + (asString ? 2 : 1);
    let end = start;
    while (end < t.length && isIdentChar(t[end])) end++;
    if (end === start) this.sink.error('d-syntax', "expected a macro name after '$'", { offset: pos, length: 1 });
    return { kind: 'macro', text: t.slice(start, end), asString, span: { offset: pos, length: Math.max(1, end - pos) } };
  }
}
