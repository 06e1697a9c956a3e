//! Re-runs the bucket capture programs on the real bpftrace and checks its output still matches
//! the fixtures the bucket tests read: the fixtures are the engine's words, not ours.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/bpftrace');

function whyNot(): string | null {
  if (process.getuid?.() !== 0) return 'needs root: bpftrace attaches BEGIN probes';
  try {
    execFileSync('bpftrace', ['--version'], { stdio: 'pipe' });
  } catch {
    return 'needs bpftrace in PATH';
  }
  return null;
}

/** The printf and hist messages of a run, without attach notices and blank lines. */
function dataLines(text: string): string[] {
  return text.split('\n').filter((l) => l.includes('"type": "printf"') || l.includes('"type": "hist"'));
}

for (const name of ['hist', 'lhist', 'keyed']) {
  test(`bpftrace prints the buckets-${name} fixture again when its program is re-run`, (t) => {
    const reason = whyNot();
    if (reason) {
      t.skip(reason);
      return;
    }
    const out = execFileSync('bpftrace', ['-f', 'json', path.join(FIXTURES, `buckets-${name}.bt`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
    const want = dataLines(fs.readFileSync(path.join(FIXTURES, `buckets-${name}.json`), 'utf8'));
    assert.ok(want.length > 5);
    assert.deepEqual(dataLines(out), want);
  });
}
