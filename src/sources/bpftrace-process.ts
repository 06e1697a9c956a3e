//! The small OS-facing helpers of the bpftrace source: line splitting of its pipes, its version,
//! its dry run, process liveness, and disk names for block-device keys.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Calls `onLine` for each complete line of a stream, and for a last unterminated one at its end. */
export function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (buffered + chunk).split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream.on('end', () => {
    if (buffered !== '') onLine(buffered);
    buffered = '';
  });
}

/** True while a process with this pid exists (one we may not signal counts). */
export function processExists(pid: number): boolean {
  try {
    // A zombie has exited: only its parent has not collected it yet.
    return !/^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** "v0.17.0" from `bpftrace --version`, or null when it does not say. */
export function bpftraceVersion(bpftrace: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(bpftrace, ['--version'], { timeout: 5000 }, (err, stdout) => {
      resolve(err ? null : (/v?(\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1] ?? null));
    });
  });
}

/** A disk's name from the kernel ("vda"), through /sys/dev/block/MAJOR:MINOR. */
export function blockDevName(major: number, minor: number): string | undefined {
  try {
    return path.basename(fs.readlinkSync(`/sys/dev/block/${major}:${minor}`));
  } catch {
    return undefined;
  }
}

/** bpftrace's stderr for a dry run (-d: parse and check, attach nothing) of the same invocation. */
export function dryRunStderr(bpftrace: string, args: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(bpftrace, args, { timeout: 10000, maxBuffer: 64 * 1024 * 1024 }, (_err, _stdout, stderr) => resolve(String(stderr).split('\n')));
  });
}
