//! The -c command: started by the tool before bpftrace, held in a tiny shell wrapper until the
//! probes are attached, then released to exec the command under the same pid (which the program
//! filters on). Its stdout and stderr go to a log file, never to the screen or bpftrace's JSON.
//!
//! Why not `bpftrace -c`: 0.17 splits the command on spaces (no quoting), refuses names found
//! twice in PATH (/bin/ls and /usr/bin/ls) and non-ELF files, and gives the command bpftrace's own
//! stdout (our JSON pipe). A shell wrapper started by bpftrace would make its own syscalls (dash
//! calls getppid() at start) under the traced pid. Held here, the wrapper does its start-up before
//! the probes exist; after release it only returns from read() and calls execve().

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, HeatError } from '../errors';

/** Where the command's output goes unless told otherwise (relative to the working directory). */
export const DEFAULT_COMMAND_LOG = 'heat-tracer-tui-command.log';

/** Splits a command line into words like sh does for quotes and backslashes (no expansion). */
export function splitCommandLine(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && /["\\$`]/.test(command[i + 1] ?? '')) word += command[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word ??= '';
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < command.length) word += command[++i];
      else word += c;
    }
  }
  if (quote) throw new HeatError('command-syntax', `unbalanced ${quote} in the command: ${command}`, { exitCode: EXIT.usage });
  if (word !== null) words.push(word);
  return words;
}

/** The executable a command word names: a path as given, else the first match in PATH. */
export function resolveExecutable(word: string, envPath = process.env.PATH ?? ''): string | null {
  const candidates = word.includes('/') ? [path.resolve(word)] : envPath.split(':').filter((d) => d !== '').map((d) => path.join(d, word));
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here: try the next
    }
  }
  return null;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HeldCommandOptions {
  command: string;
  /** A private directory for the wrapper script. */
  dir: string;
  logFile?: string;
  /** setpriv, to give the command a parent-death signal; null when util-linux's setpriv is missing. */
  setpriv: string | null;
}

export class HeldCommand {
  readonly argv: string[];
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exitInfo: { code: number | null; signal: string | null } | null = null;
  private readonly exitWaiters: Array<() => void> = [];

  /** Validates the command (a clear error when it does not exist) and writes the wrapper. */
  constructor(private readonly opts: HeldCommandOptions) {
    const words = splitCommandLine(opts.command);
    if (words.length === 0) throw new HeatError('command-empty', 'the -c command is empty', { exitCode: EXIT.usage });
    const exe = resolveExecutable(words[0]);
    if (!exe) {
      throw new HeatError('command-not-found', `cannot run the command: ${words[0]}: not found${words[0].includes('/') ? ' or not executable' : ' in PATH'}`, { exitCode: EXIT.usage });
    }
    this.argv = [exe, ...words.slice(1)];
    this.logFile = opts.logFile ?? DEFAULT_COMMAND_LOG;
  }

  /** The pid, once started. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the wrapper, which waits (before any traced syscall) for `release()`. Returns its pid. */
  start(onExit: (code: number | null, signal: string | null) => void): number {
    const wrapper = path.join(this.opts.dir, 'command.sh');
    // read returns on our newline (or fails on EOF if the tool went away first); exec keeps the pid.
    fs.writeFileSync(wrapper, `read -r _ || exit 125\nexec ${this.argv.map(shellQuote).join(' ')}\n`, { mode: 0o600 });
    const logFd = openLog(this.logFile);
    const argv = this.opts.setpriv ? [this.opts.setpriv, '--pdeathsig', 'TERM', '--', '/bin/sh', wrapper] : ['/bin/sh', wrapper];
    try {
      this.child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', logFd.fd, logFd.fd] });
    } finally {
      fs.closeSync(logFd.fd);
    }
    (this as { logFile: string }).logFile = logFd.path;
    this.child.stdin?.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      onExit(code, signal);
      for (const w of this.exitWaiters.splice(0)) w();
    });
    if (this.child.pid === undefined) throw new HeatError('command-failed', `cannot start the command: ${this.argv[0]}`);
    return this.child.pid;
  }

  /** Lets the command run (bpftrace is attached). Its stdin then reads end-of-file. */
  release(): void {
    this.child?.stdin?.end('\n');
  }

  /** True once the command (or its wrapper) has exited. */
  get exited(): boolean {
    return this.exitInfo !== null;
  }

  /** Ends the command (SIGTERM, then SIGKILL after `graceMs`); resolves when it is gone. */
  async stop(graceMs = 1000): Promise<void> {
    if (!this.child || this.exitInfo) return;
    const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.child.stdin?.destroy();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** Opens the log for writing (truncated); falls back to a temp file when the directory is read-only. */
function openLog(file: string): { fd: number; path: string } {
  try {
    return { fd: fs.openSync(file, 'w', 0o644), path: path.resolve(file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw new HeatError('command-log', `cannot write the command's log ${file}: ${String(code)}`, { cause: err });
    const fallback = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heat-tracer-tui-')), 'command.log');
    return { fd: fs.openSync(fallback, 'w', 0o600), path: fallback };
  }
}
