//! Plans a user's bpftrace script (--script file.bt): the text runs unchanged; the plan lists its
//! hist()/lhist() maps (what the tool reads every interval) with the units their names suggest.
//! Checked before bpftrace starts: a missing or empty file, a script with nothing to draw.

import fs from 'node:fs';
import path from 'node:path';
import { EXIT, HeatError, type Diagnostic } from '../errors';
import type { Unit } from '../model/snapshot';
import { blankCommentsAndStrings, callsExit, findMapAssignments, integerLiteral, type MapUse } from './bt-scan';
import type { AggregationPlan, ProgramPlan } from './program-plan';

/** Builds the plan for the bpftrace script at `file`; throws a HeatError when there is nothing to draw. */
export function btScriptPlan(file: string): ProgramPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HeatError('script-not-found', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`, { exitCode: EXIT.usage, cause: err });
  }
  return btProgramPlan(text, file);
}

/** The plan for bpftrace program `text` (read from `file`, used in messages). */
export function btProgramPlan(text: string, file: string): ProgramPlan {
  const blanked = blankCommentsAndStrings(text.replace(/^#![^\n]*/, (s) => ' '.repeat(s.length)));
  if (blanked.trim() === '') {
    throw new HeatError('script-empty', `${file} is empty: it has no probes`, { exitCode: EXIT.usage, hint: 'a bpftrace script needs at least one probe that fills a hist() or lhist() map' });
  }
  const uses = findMapAssignments(blanked);
  const aggregations: Record<string, AggregationPlan> = {};
  const warnings: Diagnostic[] = [];
  for (const use of uses) {
    if ((use.func !== 'hist' && use.func !== 'lhist') || aggregations[use.map]) continue;
    const unit = unitFromName(use.map);
    aggregations[use.map] = { name: use.map.slice(1), map: use.map, kind: use.func, unit, linear: linearOf(use) };
    if (unit) {
      const { line, column } = positionOf(text, use.offset);
      warnings.push({ code: 'unit-from-name', message: `assuming ${use.map} is in ${unit} (from its name); --unit overrides`, line, column, length: use.map.length, severity: 'warning' });
    }
  }
  if (Object.keys(aggregations).length === 0) {
    throw new HeatError('script-no-histogram', `${file} has no hist() or lhist() map to draw (${foundText(uses)})`, {
      exitCode: EXIT.usage,
      hint: 'assign a histogram, e.g. @us = hist((nsecs - @start[tid]) / 1000);',
    });
  }
  return {
    program: text,
    origin: { kind: 'bt', file },
    title: path.basename(file),
    aggregations,
    warnings,
    exits: callsExit(blanked),
  };
}

function foundText(uses: MapUse[]): string {
  const seen = new Map<string, string>();
  for (const u of uses) if (!seen.has(u.map) || (u.func && seen.get(u.map) === 'map')) seen.set(u.map, u.func ?? 'map');
  if (seen.size === 0) return 'found no maps';
  return `found ${[...seen].map(([map, func]) => (func === 'map' ? `${map} (plain map)` : `${map} = ${func}()`)).join(', ')}`;
}

/** lhist(value, min, max, step) with literal bounds: lets the engine label the overflow exactly. */
function linearOf(use: MapUse): AggregationPlan['linear'] {
  if (use.func !== 'lhist' || use.args.length !== 4) return undefined;
  const [low, high, step] = use.args.slice(1).map(integerLiteral);
  return low === null || high === null || step === null ? undefined : { low, high, step };
}

/** bpftrace's tools name maps by unit (@usecs, @ns, @latency_ms): take the hint when it is clear. */
export function unitFromName(map: string): Unit | null {
  const name = map.slice(1).toLowerCase();
  const m = /(?:^|_)(ns|nsecs?|us|usecs?|ms|msecs?|secs?)$/.exec(name);
  if (!m) return null;
  const u = m[1];
  if (u.startsWith('n')) return 'ns';
  if (u.startsWith('u')) return 'us';
  if (u.startsWith('m')) return 'ms';
  return 's';
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
