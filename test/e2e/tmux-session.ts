//! Test support: runs the real binary in a detached tmux session, as a user would see it, and
//! reads the screen back with capture-pane (colours included).

import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'heat-tracer-tui');

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

let counter = 0;

/** A shell line that runs `command`, then prints its exit code and stays alive for a while. */
export function withExitCode(command: string): string {
  return `${command}; echo EXIT=$?; sleep 60`;
}

export class TmuxSession {
  readonly name: string;

  /** Starts `command` (a shell line) in a new session of cols × rows; the pane stays after exit. */
  constructor(command: string, cols = 160, rows = 48, env: Record<string, string> = {}) {
    this.name = `htt-test-${process.pid}-${++counter}`;
    const envArgs = Object.entries({ TERM: 'xterm-256color', COLORTERM: 'truecolor', ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // Each session gets its own tmux server (-L): killing the last session of a shared server
    // stops it, and a session started at that moment would meet the dying server.
    const args = ['-L', this.name, 'new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), ...envArgs, command];
    for (let attempt = 0; ; attempt++) {
      const res = spawnSync('tmux', args, { encoding: 'utf8' });
      if (res.status === 0) break;
      if (attempt >= 10) throw new Error(`tmux new-session failed: ${res.stderr}`);
      execFileSync('sleep', ['0.2']);
    }
    execFileSync('tmux', ['-L', this.name, 'set-option', '-t', this.name, 'remain-on-exit', 'on']);
  }

  /** The pane's text; with escapes (colours) when `escapes`. */
  capture(escapes = false): string {
    return execFileSync('tmux', ['-L', this.name, 'capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name], { encoding: 'utf8' });
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.name, 'send-keys', '-t', this.name, ...keys]);
  }

  /** A tmux format value for the pane, e.g. '#{pane_dead}', '#{pane_dead_status}', '#{alternate_on}'. */
  query(format: string): string {
    return execFileSync('tmux', ['-L', this.name, 'display-message', '-p', '-t', this.name, format], { encoding: 'utf8' }).trim();
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

  /**
   * Waits for the program's exit code, printed by the shell line `withExitCode` wraps it in:
   * the shell then keeps the pane alive, as a user's shell would, so the terminal's state
   * after the program (alternate screen, cursor) can be checked.
   */
  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const screen = await this.waitFor((scr) => /EXIT=\d+/.test(scr), timeoutMs);
    return Number(/EXIT=(\d+)/.exec(screen)![1]);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.name, 'kill-server']);
  }
}
