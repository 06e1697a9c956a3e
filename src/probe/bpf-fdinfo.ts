//! The probe effect, read from the kernel: BPF programs' own run time and run count from
//! /proc/<pid>/fdinfo/<fd> (`run_time_ns`, `run_cnt`, kept while kernel.bpf_stats_enabled is
//! 1). A pure parser plus a small reader of the tracer's processes (ours and our children).

import fs from 'node:fs';

/** One BPF program as its fdinfo describes it. */
export interface BpfProgramInfo {
  progId: number;
  progType: number;
  runTimeNs: number;
  runCnt: number;
}

/** Parses one fdinfo text; null when the fd is not a BPF program (no prog_id line). */
export function parseBpfFdinfo(text: string): BpfProgramInfo | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+):\s*(.*)$/.exec(line);
    if (m) fields.set(m[1], m[2].trim());
  }
  const id = fields.get('prog_id');
  if (id === undefined) return null;
  const num = (k: string) => {
    const v = Number(fields.get(k) ?? 0);
    return Number.isFinite(v) ? v : 0;
  };
  return { progId: num('prog_id'), progType: num('prog_type'), runTimeNs: num('run_time_ns'), runCnt: num('run_cnt') };
}

/** Sums programs by id (one program can be open on several fds and in several processes). */
export function sumPrograms(programs: readonly BpfProgramInfo[]): { programs: number; runTimeNs: number; runCnt: number } {
  const byId = new Map<number, BpfProgramInfo>();
  for (const p of programs) byId.set(p.progId, p);
  let runTimeNs = 0;
  let runCnt = 0;
  for (const p of byId.values()) {
    runTimeNs += p.runTimeNs;
    runCnt += p.runCnt;
  }
  return { programs: byId.size, runTimeNs, runCnt };
}

/** Whether the kernel keeps BPF run-time statistics now; null when it cannot say. */
export function bpfStatsEnabled(procRoot = '/proc'): boolean | null {
  try {
    return fs.readFileSync(`${procRoot}/sys/kernel/bpf_stats_enabled`, 'utf8').trim() === '1';
  } catch {
    return null;
  }
}

/** pid and its direct children (bpftrace runs as our child; the native engine in our process). */
export function tracerPids(pid: number, procRoot = '/proc'): number[] {
  const out = [pid];
  let names: string[] = [];
  try {
    names = fs.readdirSync(procRoot).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  for (const n of names) {
    try {
      const stat = fs.readFileSync(`${procRoot}/${n}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(n));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return out;
}

/** The BPF programs open in these processes. */
export function readBpfPrograms(pids: readonly number[], procRoot = '/proc'): BpfProgramInfo[] {
  const out: BpfProgramInfo[] = [];
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`${procRoot}/${pid}/fd/${fd}`) !== 'anon_inode:bpf-prog') continue;
        const info = parseBpfFdinfo(fs.readFileSync(`${procRoot}/${pid}/fdinfo/${fd}`, 'utf8'));
        if (info) out.push(info);
      } catch {
        // The fd closed between listing and reading.
      }
    }
  }
  return out;
}
