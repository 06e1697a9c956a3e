//! The golden translation cases: every D script in test/fixtures/d/ with the options it is
//! translated with, and the files its translation is kept in. Shared by the golden test and
//! scripts/regen-d-golden.ts, so both always agree on what is compared.

import fs from 'node:fs';
import path from 'node:path';
import { dScriptPlan, type DPlanOptions } from '../../src/d/d-plan';
import type { ProgramPlan } from '../../src/sources/program-plan';

/** The repository root, from dist/test/d or dist/scripts (compiled) alike. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CORPUS_DIR = path.join(ROOT, 'test', 'fixtures', 'd');
export const GOLDEN_DIR = path.join(ROOT, 'test', 'fixtures', 'd-golden');

export interface GoldenCase {
  name: string;
  file: string;
  opts: DPlanOptions;
}

/** Fixed so the output does not depend on the machine or the clock. */
const BASE: DPlanOptions = { args: [], pid: 4242, command: false, arch: 'x86_64', wallOffsetNs: 1_700_000_000_000_000_000n };

/** Per-script options beyond BASE, and extra variants of a script under another name. */
const SPECIAL: Record<string, Partial<DPlanOptions>> = {
  'macro-args': { args: ['1234', '3'] },
};
const VARIANTS: { name: string; script: string; opts: Partial<DPlanOptions> }[] = [
  { name: 'syscall-count-target.command', script: 'syscall-count-target', opts: { pid: null, command: true } },
];

/** Every case, sorted by name. */
export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = fs.readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.d'))
    .map((f) => {
      const name = f.slice(0, -2);
      return { name, file: path.join(CORPUS_DIR, f), opts: { ...BASE, ...SPECIAL[name] } };
    });
  for (const v of VARIANTS) cases.push({ name: v.name, file: path.join(CORPUS_DIR, `${v.script}.d`), opts: { ...BASE, ...v.opts } });
  return cases.sort((a, b) => a.name.localeCompare(b.name));
}

/** The golden files' contents for one case: the program, and the plan without the program. */
export function renderGolden(c: GoldenCase): { bt: string; json: string } {
  const plan: ProgramPlan = dScriptPlan(c.file, c.opts);
  const rest = {
    aggregations: plan.aggregations,
    exits: plan.exits ?? false,
    warnings: plan.warnings.map((w) => `${w.line}:${w.column} ${w.severity} ${w.code}: ${w.message}`),
  };
  return { bt: plan.program, json: `${JSON.stringify(rest, null, 2)}\n` };
}

/** Where a case's golden files live. */
export function goldenPaths(c: GoldenCase): { bt: string; json: string } {
  return { bt: path.join(GOLDEN_DIR, `${c.name}.bt`), json: path.join(GOLDEN_DIR, `${c.name}.plan.json`) };
}
