//! Golden translations: every D script of the corpus (test/fixtures/d/) must translate to exactly
//! the reviewed bpftrace program and plan in test/fixtures/d-golden/. After an intended change,
//! run `node dist/scripts/regen-d-golden.js` and review the diff.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { goldenCases, goldenPaths, renderGolden } from './golden-cases';

const cases = goldenCases();

test('the corpus holds the scripts the golden files were made from', () => {
  assert.ok(cases.length >= 20, `only ${cases.length} cases`);
  for (const c of cases) {
    const p = goldenPaths(c);
    assert.ok(fs.existsSync(p.bt) && fs.existsSync(p.json), `golden files for ${c.name} (run node dist/scripts/regen-d-golden.js)`);
  }
});

for (const c of cases) {
  test(`${c.name} translates to its golden bpftrace program and plan`, () => {
    const out = renderGolden(c);
    const p = goldenPaths(c);
    assert.equal(out.bt, fs.readFileSync(p.bt, 'utf8'));
    assert.equal(out.json, fs.readFileSync(p.json, 'utf8'));
  });
}
