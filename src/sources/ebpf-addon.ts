//! Finds and loads the native eBPF engine's addon (src/native/ebpf, built at install when clang
//! and libbpf are present) and says whether the engine can run here; ebpf.ts drives it.

import fs from 'node:fs';
import path from 'node:path';
import { EBPF_LAYOUT, EBPF_PRESETS, type EbpfRows } from './ebpf-snapshot';

/** An opaque handle: the loaded, attached BPF object (its fds die with this process). */
export type EbpfHandle = { readonly __brand: 'EbpfHandle' };

/** The addon's functions (src/native/ebpf/heat_ebpf.c). */
export interface EbpfAddon {
  /** Opens, loads and attaches every program of the object; targetTgid 0 traces every process. */
  open(objectPath: string, targetTgid: number): EbpfHandle;
  /** Cumulative counts since open, summed over CPUs. */
  read(handle: EbpfHandle): EbpfRows;
  /** Detaches and frees now; idempotent. */
  close(handle: EbpfHandle): void;
  layout: { maxKeys: number; buckets: number };
  /** libbpf's version as (major << 16) | minor. */
  libbpfVersion: number;
}

/** Where node-gyp puts the addon and the BPF objects (from dist/src/sources: the repo root is three up). */
export const EBPF_BUILD_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'native', 'ebpf', 'build', 'Release');

const ADDON_FILE = 'heat_ebpf.node';

export type Availability = { ok: true } | { ok: false; why: string };

let loaded: { addon: EbpfAddon } | { why: string } | undefined;

/** The addon, loaded once; the reason when it cannot be. */
export function loadEbpfAddon(): { addon: EbpfAddon } | { why: string } {
  if (loaded) return loaded;
  const file = path.join(EBPF_BUILD_DIR, ADDON_FILE);
  if (process.platform !== 'linux') loaded = { why: `eBPF needs Linux (this is ${process.platform})` };
  else if (!fs.existsSync(file)) loaded = { why: 'the native eBPF engine is not built (it needs clang and libbpf-dev at npm ci)' };
  else {
    try {
      const addon = require(file) as EbpfAddon;
      const { maxKeys, buckets } = addon.layout;
      if (maxKeys !== EBPF_LAYOUT.maxKeys || buckets !== EBPF_LAYOUT.buckets) {
        loaded = { why: `the native eBPF engine was built from other sources (layout ${maxKeys}x${buckets}); rebuild it with npm run build:native` };
      } else loaded = { addon };
    } catch (err) {
      loaded = { why: `the native eBPF engine does not load: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return loaded;
}

/** The BPF object file of a preset, or undefined when the preset has no native program. */
export function ebpfObjectPath(preset: string): string | undefined {
  const p = EBPF_PRESETS[preset];
  return p === undefined ? undefined : path.join(EBPF_BUILD_DIR, p.object);
}

/**
 * Whether the native engine can run `preset` here (default: the syscall preset): Linux, root,
 * the addon built and loadable, the preset's BPF object present. Cheap and without side effects:
 * the kernel may still refuse the programs, which EbpfSource.start() reports ('ebpf-load-failed').
 */
export function ebpfAvailable(preset = 'syscall'): Availability {
  if (EBPF_PRESETS[preset] === undefined) return { ok: false, why: `the preset '${preset}' has no native eBPF program` };
  const a = loadEbpfAddon();
  if ('why' in a) return { ok: false, why: a.why };
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0) {
    return { ok: false, why: 'loading eBPF programs needs root (CAP_BPF and CAP_PERFMON)' };
  }
  const object = ebpfObjectPath(preset);
  if (object === undefined || !fs.existsSync(object)) return { ok: false, why: `the BPF object for '${preset}' is not built` };
  return { ok: true };
}
