//! Test support: runs the real binary in a detached tmux session, as a user would see it, and
//! reads the screen back with capture-pane (colours included).

import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'heat-tracer-tui');

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

let counter = 0;

export class TmuxSession {
  readonly name: string;

  /** Starts `command` (a shell line) in a new session of cols × rows; the pane stays after exit. */
  constructor(command: string, cols = 160, rows = 48, env: Record<string, string> = {}) {
    this.name = `htt-test-${process.pid}-${++counter}`;
    const envArgs = Object.entries({ TERM: 'xterm-256color', COLORTERM: 'truecolor', ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), ...envArgs, command]);
    execFileSync('tmux', ['set-option', '-t', this.name, 'remain-on-exit', 'on']);
  }

  /** The pane's text; with escapes (colours) when `escapes`. */
  capture(escapes = false): string {
    return execFileSync('tmux', ['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name], { encoding: 'utf8' });
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** A tmux format value for the pane, e.g. '#{pane_dead}', '#{pane_dead_status}', '#{alternate_on}'. */
  query(format: string): string {
    return execFileSync('tmux', ['display-message', '-p', '-t', this.name, format], { encoding: 'utf8' }).trim();
  }

  /** Polls until `pred` holds on the captured screen, or fails after timeoutMs. */
  async waitFor(pred: (screen: string) => boolean, timeoutMs = 10_000, escapes = false): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      last = this.capture(escapes);
      if (pred(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting; screen was:\n${last}`);
  }

  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.query('#{pane_dead}') === '1') return Number(this.query('#{pane_dead_status}'));
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the program did not exit');
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}
