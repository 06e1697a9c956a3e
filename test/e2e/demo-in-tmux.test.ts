import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { BIN, TmuxSession, tmuxAvailable, withExitCode } from './tmux-session';

const heatRows = (screen: string) => screen.split('\n').slice(1, 44).join('\n');

test('the demo in a real terminal draws coloured cells, pauses, zooms and quits with the terminal restored', { timeout: 60_000 }, async (t) => {
  if (!tmuxAvailable()) return t.skip('needs tmux (apt-get install tmux; .ci/run installs it)');
  const s = new TmuxSession(withExitCode(`node ${BIN} --demo --interval 200`));
  try {
    // Coloured half-block cells appear (truecolor SGR on ▀/▄).
    await s.waitFor((scr) => /\x1b\[[0-9;]*38;2;\d+;\d+;\d+[0-9;]*m[▀▄]/.test(scr) && (scr.match(/[▀▄]/g) ?? []).length > 40, 15_000, true);
    assert.equal(s.query('#{alternate_on}'), '1');
    const live = s.capture();
    assert.match(live, /syscall latency \(demo\)/);
    assert.match(live, /p50 .* p99 /);

    s.keys('p');
    const pausedScreen = await s.waitFor((scr) => /PAUSED/.test(scr));
    await new Promise((r) => setTimeout(r, 1000));
    const later = s.capture();
    assert.match(later, /PAUSED \(\+[1-9]\d* new\)/, 'data keeps arriving while paused');
    assert.equal(heatRows(later), heatRows(pausedScreen), 'the heatmap is frozen while paused');

    const labels = (scr: string) => scr.split('\n').slice(1, 44).map((l) => l.slice(0, 9)).join('|');
    const before = labels(later);
    s.keys('+');
    await s.waitFor((scr) => labels(scr) !== before);
    s.keys('a');
    s.keys('q');
    assert.equal(await s.waitForExit(), 0);
    assert.equal(s.query('#{alternate_on}'), '0', 'back on the normal screen');
    assert.equal(s.query('#{cursor_flag}'), '1', 'cursor visible again');
  } finally {
    s.kill();
  }
});

test('SIGTERM ends a live run with exit 0 and the terminal restored', { timeout: 30_000 }, async (t) => {
  if (!tmuxAvailable()) return t.skip('needs tmux (apt-get install tmux; .ci/run installs it)');
  const s = new TmuxSession(withExitCode(`node ${BIN} --demo --interval 201`));
  try {
    await s.waitFor((scr) => /syscall latency/.test(scr));
    // The pane runs a shell; the program is its child.
    const shell = s.query('#{pane_pid}');
    const pid = execFileSync('pgrep', ['-P', shell, '-f', 'heat-tracer-tui'], { encoding: 'utf8' }).trim();
    process.kill(Number(pid), 'SIGTERM');
    assert.equal(await s.waitForExit(), 0);
    assert.equal(s.query('#{alternate_on}'), '0');
  } finally {
    s.kill();
  }
});
