//! Starts the `-c` command for the native eBPF engine so that none of its syscalls is missed: it
//! stops itself before exec, the engine learns its pid, loads the programs filtered on that pid,
//! then lets it run. Its stdout and stderr go to a log file, never to the user's terminal.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { HeatError } from '../errors';

/** How long a command may take to reach its stop (a loaded machine, a slow /bin/sh). */
const STOP_TIMEOUT_MS = 5000;
const POLL_MS = 1;

/** A command that has stopped itself, pid known, not yet running its program. */
export interface StoppedCommand {
  child: ChildProcess;
  pid: number;
  /** Lets it exec the program. */
  resume(): void;
}

/** The process state letter from /proc/<pid>/stat ('T' stopped, 'Z' zombie), or null when gone. */
export function procState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

/**
 * Runs `command` through /bin/sh, which stops itself (SIGSTOP to its own pid) and, once resumed,
 * execs the command in the same process: the pid the programs filter on is the command's.
 * Resolves when the shell is stopped; rejects with HeatError 'command-failed' when it exits or
 * never stops. The shell's own `kill` is traced only by its return (its entry predates the
 * programs) and is not counted; the exec and everything after it are.
 */
export async function startStopped(command: string, logFile: string): Promise<StoppedCommand> {
  let fd: number;
  try {
    fd = fs.openSync(logFile, 'a');
  } catch (err) {
    throw new HeatError('command-failed', `cannot open the command's log file ${logFile}: ${(err as Error).message}`, { cause: err });
  }
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', `kill -STOP $$ && exec ${command}`], { stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd); // the child has its own copy
  }
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (err) => resolve(err));
  });
  if (spawned || child.pid === undefined) {
    throw new HeatError('command-failed', `cannot start the command: ${spawned?.message ?? 'no pid'}`, { cause: spawned });
  }
  const pid = child.pid;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  for (;;) {
    const state = procState(pid);
    if (state === 'T' || state === 't') break;
    if (state === null || state === 'Z' || child.exitCode !== null || Date.now() > deadline) {
      if (state !== null && state !== 'Z') child.kill('SIGKILL');
      throw new HeatError('command-failed', `the command did not start: /bin/sh ${state === null || state === 'Z' ? 'exited' : 'never stopped'}`, {
        hint: `its output is in ${logFile}`,
      });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { child, pid, resume: () => void process.kill(pid, 'SIGCONT') };
}
