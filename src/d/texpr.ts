//! The translator's value for a translated expression (bpftrace text plus type, precedence and
//! known constants) and the per-clause context every expression is translated in.

import { bpfString } from './bpf-text';
import type { ProbeTarget } from './probes';
import type { DType } from './program-state';

/** A translated expression: bpftrace text plus what the translator needs to combine it. */
export interface TExpr {
  text: string;
  type: DType;
  /** 0 for atoms and calls, then C's precedence levels (1 unary ... 12 ternary); parenthesise by it. */
  prec: number;
  constStr?: string;
  constInt?: bigint;
  /** Known never to be 0 (timestamps): storing it needs no delete-on-zero check. */
  nonZero?: boolean;
  /** Already 0 or 1 (a comparison or logical operator). */
  bool?: boolean;
}

/** Per clause-translation facts: the probe, and what the clause turned out to need. */
export interface ClauseEnv {
  target: ProbeTarget;
  /** The thread the clause speaks for: `tid`, or the incoming thread in sched:::on-cpu. */
  tid: string;
  usesVtimestamp: boolean;
  /** Stored a non-zero value in a self/global variable (so a vtimestamp may outlive the firing). */
  storesPersistent: boolean;
  /** this-> variables assigned so far by the clauses of this attach point (shared). */
  assignedThis: Set<string>;
}

/** An integer-typed translation. */
export const int = (text: string, prec = 0, extra: Partial<TExpr> = {}): TExpr => ({ text, type: 'int', prec, ...extra });
/** A string constant's translation. */
export const str = (value: string): TExpr => ({ text: bpfString(value), type: 'string', prec: 0, constStr: value });

/** `t`'s text, parenthesised when it binds looser than `prec`. */
export function wrap(t: TExpr, prec: number): string {
  return t.prec > prec ? `(${t.text})` : t.text;
}

