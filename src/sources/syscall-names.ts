//! Syscall numbers <-> names for x86_64 and arm64: labels the keys of raw_syscalls-based programs
//! (the bpftrace source's 'syscall' key decoder) and lets the D front end turn names into numbers.

import { SYSCALLS_ARM64 } from './syscall-table-arm64';
import { SYSCALLS_X86_64 } from './syscall-table-x86_64';

export type SyscallArch = 'x86_64' | 'arm64';

const TABLES: Record<SyscallArch, Readonly<Record<number, string>>> = {
  x86_64: SYSCALLS_X86_64,
  arm64: SYSCALLS_ARM64,
};

const reverse = new Map<SyscallArch, Map<string, number>>();

/** The syscall table of the machine we run on (Node's 'x64' is x86_64, 'arm64' is arm64). */
export function currentArch(): SyscallArch {
  return process.arch === 'arm64' ? 'arm64' : 'x86_64';
}

function tableFor(arch: string | undefined): Readonly<Record<number, string>> | undefined {
  const a = normalizeArch(arch);
  return a === undefined ? undefined : TABLES[a];
}

/** Accepts our names and the common aliases (x64, amd64, aarch64); undefined arch is the current one. */
function normalizeArch(arch: string | undefined): SyscallArch | undefined {
  if (arch === undefined) return currentArch();
  switch (arch) {
    case 'x86_64': case 'x64': case 'amd64': return 'x86_64';
    case 'arm64': case 'aarch64': return 'arm64';
    default: return undefined;
  }
}

/** The name of syscall `nr` on `arch` (default: this machine), or undefined when not in the table. */
export function syscallName(nr: number, arch?: string): string | undefined {
  const table = tableFor(arch);
  if (table === undefined || !Number.isInteger(nr)) return undefined;
  return Object.prototype.hasOwnProperty.call(table, nr) ? table[nr] : undefined;
}

/** The number of syscall `name` on `arch` (default: this machine), or undefined when unknown. */
export function syscallNumber(name: string, arch?: string): number | undefined {
  const a = normalizeArch(arch);
  if (a === undefined) return undefined;
  let byName = reverse.get(a);
  if (byName === undefined) {
    byName = new Map();
    for (const [nr, n] of Object.entries(TABLES[a])) byName.set(n, Number(nr));
    reverse.set(a, byName);
  }
  return byName.get(name);
}

/** A key label for syscall `nr`: its name, or "syscall_NNN" when the table does not know it. */
export function syscallLabel(nr: number, arch?: string): string {
  return syscallName(nr, arch) ?? `syscall_${nr}`;
}
