import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, TmuxSession, tmuxAvailable, withExitCode } from './tmux-session';

const RECORDING = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings', 'demo-syscalls.jsonl');

test('on a replayed recording the keys isolate a key, break a cell down, draw a threshold, a histogram and save an SVG', { timeout: 90_000 }, async (t) => {
  if (!tmuxAvailable()) return t.skip('needs tmux (apt-get install tmux; .ci/run installs it)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'htt-inspect-'));
  const s = new TmuxSession(withExitCode(`cd ${dir} && node ${BIN} --replay ${RECORDING} --speed 20 --slo 100us`), 140, 40);
  try {
    await s.waitFor((scr) => /replay finished/.test(scr), 20_000);
    assert.match(s.capture(), />100µs: [\d.]+% now, [\d.]+% in view/);

    s.keys('k');
    const panel = await s.waitFor((scr) => /keys \d+/.test(scr) && /events share/.test(scr));
    const firstKey = /│ {3}(\w+) +\d/.exec(panel)?.[1];
    assert.ok(firstKey, `a key line in the panel:\n${panel}`);
    s.keys('i');
    await s.waitFor((scr) => new RegExp(`— ${firstKey} \\(1 of \\d+ keys\\)`).test(scr));
    s.keys('/', 'w', 'r', 'i');
    await s.waitFor((scr) => /\/wri/.test(scr) && /│ +write +\d/.test(scr) && !/│ +read +\d/.test(scr));
    s.keys('Enter', '*');
    // Escape alone: followed at once by another key, it would read as Alt+key.
    await new Promise((r) => setTimeout(r, 300));
    s.keys('Escape');
    await s.waitFor((scr) => !/keys\)/.test(scr.split('\n')[0]) && !/events share/.test(scr));

    s.keys('Left', 'Enter');
    const cell = await s.waitFor((scr) => /─ cell /.test(scr));
    assert.match(cell, /range +/);
    assert.match(cell, /share +[\d.]+% of column/);
    s.keys('Escape');
    await s.waitFor((scr) => !/─ cell /.test(scr));
    s.keys('h');
    await s.waitFor((scr) => /hist: column/.test(scr) && /█/.test(scr));
    s.keys('s');
    await s.waitFor((scr) => /saved heat-tracer-.*\.svg/.test(scr));
    const saved = fs.readdirSync(dir).filter((f) => f.endsWith('.svg'));
    assert.equal(saved.length, 1);
    assert.match(fs.readFileSync(path.join(dir, saved[0]), 'utf8'), /<title>time /);
    s.keys('q');
    assert.equal(await s.waitForExit(), 0);
  } finally {
    s.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
