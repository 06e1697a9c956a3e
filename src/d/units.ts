//! Unit inference for histogram axes: follows timestamps through subtraction, division and variables
//! so `(timestamp - self->ts) / 1000` is known to be microseconds. Pure; used by the translator.

import type { Expr } from './ast';
import type { Unit } from '../model/snapshot';

/** 'abs' is a point in time (a timestamp); a Unit is a duration in that unit; null is unknown. */
export type TimeKind = 'abs' | Unit | null;

const LADDER: readonly Unit[] = ['ns', 'us', 'ms', 's'];
const CLOCKS = new Set(['timestamp', 'vtimestamp', 'walltimestamp']);

/** A duration unit moved `steps` thousands up (positive) or down (negative), or null off the ladder. */
function shift(unit: Unit, steps: number): Unit | null {
  const i = LADDER.indexOf(unit) + steps;
  return i >= 0 && i < LADDER.length ? LADDER[i] : null;
}

/** Powers of 1000 a constant is, or null: 1000 → 1, 1000000 → 2, 1000000000 → 3. */
function thousands(e: Expr): number | null {
  if (e.kind !== 'int') return null;
  for (let k = 1; k <= 3; k++) if (e.value === 1000n ** BigInt(k)) return k;
  return null;
}

/**
 * The time kind of a D expression. `variable` answers for self->, this->, globals and arrays
 * (from what the program assigns to them); everything unrecognised is null.
 */
export function timeKindOf(e: Expr, variable: (e: Expr) => TimeKind): TimeKind {
  switch (e.kind) {
    case 'ident':
      return CLOCKS.has(e.name) ? 'abs' : variable(e);
    case 'self':
    case 'this':
    case 'index':
      return variable(e);
    case 'cast':
      return timeKindOf(e.expr, variable);
    case 'ternary': {
      const a = timeKindOf(e.then, variable);
      return a === timeKindOf(e.else, variable) ? a : null;
    }
    case 'binary': {
      const l = timeKindOf(e.left, variable);
      if (e.op === '-' || e.op === '+') {
        const r = timeKindOf(e.right, variable);
        if (e.op === '-' && l === 'abs' && r === 'abs') return 'ns';
        if (l !== null && l !== 'abs' && l === r) return l;
        if (l === 'abs' && r !== 'abs' && r !== null) return 'abs';
        return null;
      }
      if (l === null || l === 'abs') return null;
      const k = thousands(e.right);
      if (k === null) return null;
      if (e.op === '/') return shift(l, k);
      if (e.op === '*') return shift(l, -k);
      return null;
    }
    default:
      return null;
  }
}
