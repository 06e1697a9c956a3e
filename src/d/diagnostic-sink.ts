//! Collects the problems every D front-end stage finds (scanner, parser, translator) as positioned
//! Diagnostics, so a file's errors are all reported together instead of stopping at the first.

import type { Diagnostic } from '../errors';
import type { Span } from './ast';

/** Diagnostic codes the D front end uses; tests assert these, not the wording. */
export type DCode =
  | 'd-syntax'
  | 'd-unsupported'
  | 'd-destructive'
  | 'd-probe'
  | 'd-semantic'
  | 'd-option'
  | 'd-ignored';

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  private lineStarts: number[] | null = null;

  constructor(readonly source: string) {}

  error(code: DCode, message: string, span: Span): void {
    this.add(code, message, span, 'error');
  }

  warning(code: DCode, message: string, span: Span): void {
    this.add(code, message, span, 'warning');
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  /** Diagnostics in file order (stages run one after another, so they arrive out of order). */
  sorted(): Diagnostic[] {
    return [...this.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
  }

  private add(code: DCode, message: string, span: Span, severity: 'error' | 'warning'): void {
    const { line, column } = this.position(span.offset);
    // Never underline past the end of the line: multi-line spans show their first line only.
    const lineEnd = this.source.indexOf('\n', span.offset);
    const room = (lineEnd < 0 ? this.source.length : lineEnd) - span.offset;
    const length = Math.max(1, Math.min(span.length, room));
    const dup = this.diagnostics.some((d) => d.line === line && d.column === column && d.message === message);
    if (!dup) this.diagnostics.push({ code, message, line, column, length, severity });
  }

  /** 1-based line and column of a UTF-16 offset. */
  position(offset: number): { line: number; column: number } {
    if (this.lineStarts === null) {
      this.lineStarts = [0];
      for (let i = 0; i < this.source.length; i++) if (this.source[i] === '\n') this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }
}
