// SPDX-License-Identifier: GPL-2.0
//! Sizes shared by the BPF programs and the loader; src/sources/ebpf-snapshot.ts repeats
//! them (and a test checks that the addon reports the same values).

#ifndef HEAT_LAYOUT_H
#define HEAT_LAYOUT_H

// Keys per histogram: syscall numbers on x86-64 and arm64 stay below 512.
#define HEAT_MAX_KEYS 512

// Log-linear buckets, the layout of DTrace's llquantize(ns, 2, 0, 35, 8) and of the bpftrace
// preset scripts/presets/syscall.bt, so both engines draw the same rows: index i < 4 holds the
// value i, then 4 buckets per power of two up to 2^36 ns (68.7 s); the last, index 140, is
// open-ended and holds [2^36, inf).
#define HEAT_BUCKETS 141

// Globals the BPF programs write and the loader reads through the mmapped .bss: which keys have
// counts (so the loader reads only those rows of the per-CPU histograms), events dropped (a key
// out of range, a full map, a failed allocation), and, for presets whose keys are not small
// numbers (a dev_t), the raw key each row index stands for (0 until it is known).
struct heat_shared {
	unsigned char seen[HEAT_MAX_KEYS];
	unsigned long long lost;
	unsigned long long raw_key[HEAT_MAX_KEYS];
	unsigned int next_key;
};

#endif
