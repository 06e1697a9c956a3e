//! What the native eBPF engine adds to the shared -c command wrapper (held-command.ts): the
//! programs attach in milliseconds, not bpftrace's second, so before attaching it waits until the
//! wrapper shell has finished starting and sits in its read() of stdin. Otherwise the shell's own
//! start-up syscalls (dash calls getppid) would be counted under the command's pid.

import fs from 'node:fs';
import { HeatError } from '../errors';
import { syscallNumber } from './syscall-names';

/** How long the wrapper may take to start (a loaded machine, setpriv then /bin/sh). */
const HOLD_TIMEOUT_MS = 5000;
const POLL_MS = 1;

/** The process state letter from /proc/<pid>/stat ('S', 'T', 'Z'...), or null when it is gone. */
export function procState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the state follows the last ')'.
    const at = stat.lastIndexOf(')') + 2;
    return stat.slice(at, at + 1) || null;
  } catch {
    return null;
  }
}

/** True when /proc/<pid>/syscall says the process is blocked in read() on fd 0. */
export function blockedInStdinRead(syscallFile: string, readNr: number): boolean {
  const [nr, fd] = syscallFile.trim().split(/\s+/);
  return nr === String(readNr) && fd !== undefined && BigInt(fd) === 0n;
}

/**
 * Resolves once process `pid` is blocked reading its stdin (the held wrapper's `read`);
 * rejects with HeatError 'command-failed' when it exits first or takes too long.
 */
export async function waitUntilHeld(pid: number, exited: () => boolean): Promise<void> {
  const readNr = syscallNumber('read');
  if (readNr === undefined) throw new HeatError('command-failed', `no read() syscall number for ${process.arch}`);
  const deadline = Date.now() + HOLD_TIMEOUT_MS;
  for (;;) {
    let text = '';
    try {
      text = fs.readFileSync(`/proc/${pid}/syscall`, 'utf8');
    } catch {
      // gone, or not readable yet: the checks below decide
    }
    if (text !== '' && blockedInStdinRead(text, readNr)) return;
    if (exited() || procState(pid) === null || procState(pid) === 'Z') {
      throw new HeatError('command-failed', 'the command exited before tracing started');
    }
    if (Date.now() > deadline) throw new HeatError('command-failed', `the command's wrapper did not start within ${HOLD_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
