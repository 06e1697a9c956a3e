import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BIN, TmuxSession, tmuxAvailable, withExitCode } from './tmux-session';

/** The heat rows of a capture with escapes, from the first heat row to the x-axis. */
const heatRows = (screen: string, rows: number) => screen.split('\n').slice(1, rows - 3).join('\n');

test('in tmux, a picture drawn column by column (rows shifted with DCH) equals the same picture redrawn whole', { timeout: 60_000 }, async (t) => {
  if (!tmuxAvailable()) return t.skip('needs tmux (apt-get install tmux; .ci/run installs it)');
  const rows = 40;
  const s = new TmuxSession(withExitCode(`node ${BIN} --demo --interval 100`), 120, rows);
  try {
    // Let the picture scroll well past the width of the heat area.
    await s.waitFor((scr) => /every 0\.1s/.test(scr));
    await new Promise((r) => setTimeout(r, 15_000));
    s.keys('p');
    await s.waitFor((scr) => /PAUSED/.test(scr));
    await new Promise((r) => setTimeout(r, 500));
    const incremental = heatRows(s.capture(true), rows);
    // Three palette changes come back to the first palette; each recolours every cell, so the
    // last one rewrites the whole heat area from the frame.
    for (let i = 0; i < 3; i++) {
      s.keys('c');
      await new Promise((r) => setTimeout(r, 400));
    }
    const redrawn = heatRows(s.capture(true), rows);
    assert.ok((incremental.match(/[▀▄]/g) ?? []).length > 500, 'the heat area is well filled');
    assert.equal(redrawn, incremental);
    s.keys('q');
    assert.equal(await s.waitForExit(), 0);
  } finally {
    s.kill();
  }
});
