//! Finds D's destructive actions (system, raise, copyout, chill, ...) in a script, for engines that
//! run D natively (libdtrace): the tool refuses them on every engine, not only in the translation.

import type { Diagnostic } from '../errors';
import { walkStmts } from './analyze';
import { refusedCall } from './bpf-text';
import { DiagnosticSink } from './diagnostic-sink';
import { parseD } from './parser';

/**
 * Positioned 'd-destructive' diagnostics for every destructive action call in `text` (and the
 * option that enables them, as a warning). Syntax errors are left to the engine's own compiler.
 */
export function destructiveDiagnostics(text: string): Diagnostic[] {
  const parsed = new DiagnosticSink(text);
  const program = parseD(text, parsed);
  const sink = new DiagnosticSink(text);
  for (const item of program.items) {
    if (item.kind === 'pragma' && item.directive === 'option' && item.name === 'destructive') {
      sink.warning('d-destructive', "option 'destructive' is ignored: destructive actions are refused", item.span);
    }
    if (item.kind !== 'clause') continue;
    walkStmts(item.body ?? [], (e) => {
      if (e.kind !== 'call') return;
      const refused = refusedCall(e.callee);
      if (refused?.code === 'd-destructive') sink.error('d-destructive', refused.message, e.calleeSpan);
    });
  }
  return sink.sorted();
}
