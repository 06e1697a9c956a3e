// SPDX-License-Identifier: GPL-2.0
//! What every preset's BPF program shares with the loader (heat_loader.c): the target filter, the
//! cumulative per-CPU histograms keyed by a small integer, and the log-linear bucket function.
//!
//! No vmlinux.h and no CO-RE: the programs read only raw tracepoint arguments and helper results,
//! never a kernel struct field, so nothing needs relocating and the build needs no bpftool.

#ifndef HEAT_BPF_H
#define HEAT_BPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "heat-layout.h"

_Static_assert((HEAT_MAX_KEYS & (HEAT_MAX_KEYS - 1)) == 0, "HEAT_MAX_KEYS is a power of two");

// Set by the loader before load: 0 traces every process. In .rodata, so the verifier drops the
// test when it is 0.
const volatile __u32 target_tgid = 0;

struct heat_shared shared = {};

// Cumulative counts: one row of HEAT_BUCKETS counters per key, per CPU, never reset. Per-CPU so
// the hot path is a plain increment on a local cache line; the loader sums the CPUs.
struct hist_row {
	__u64 counts[HEAT_BUCKETS];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HEAT_MAX_KEYS);
	__type(key, __u32);
	__type(value, struct hist_row);
} hist SEC(".maps");

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

// Log-linear index, 4 buckets per power of two: values below 4 are their own bucket; above,
// l = floor(log2 v) and the two bits under the top one pick the quarter. The last bucket
// takes everything larger (see heat-layout.h).
static __always_inline __u32 bucket_of(__u64 v)
{
	if (v < 4)
		return (__u32)v;
	__u32 l = log2_u64(v);
	__u32 idx = ((l - 1) << 2) | ((v >> (l - 2)) & 3);
	return idx < HEAT_BUCKETS - 1 ? idx : HEAT_BUCKETS - 1;
}

static __always_inline void count_latency(__u64 key, __u64 latency_ns)
{
	if (key >= HEAT_MAX_KEYS) {
		__sync_fetch_and_add(&shared.lost, 1);
		return;
	}
	__u32 k = (__u32)key;
	struct hist_row *row = bpf_map_lookup_elem(&hist, &k);
	if (!row)
		return;
	__u32 b = bucket_of(latency_ns);
	if (b >= HEAT_BUCKETS) // cannot happen; the verifier wants to see it
		return;
	row->counts[b]++;
	// The mask keeps the verifier sure of the bound (k itself went through the stack). Read
	// before write: after the first event the line stays shared in every CPU's cache.
	__u32 s = (__u32)key & (HEAT_MAX_KEYS - 1);
	if (!shared.seen[s])
		shared.seen[s] = 1;
}

#ifdef HEAT_RAW_KEYS
// Row indexes for keys that are not small numbers, handed out in order of first appearance.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HEAT_MAX_KEYS);
	__type(key, __u64);
	__type(value, __u32);
} key_index SEC(".maps");

// The row of `raw` (HEAT_MAX_KEYS when the rows are used up: counted as lost). Two CPUs seeing
// a new key at once both take an index; the one whose insert loses uses the winner's.
static __always_inline __u32 row_of(__u64 raw)
{
	__u32 *have = bpf_map_lookup_elem(&key_index, &raw);
	if (have)
		return *have;
	__u32 n = __sync_fetch_and_add(&shared.next_key, 1);
	if (n >= HEAT_MAX_KEYS)
		return HEAT_MAX_KEYS;
	if (bpf_map_update_elem(&key_index, &raw, &n, BPF_NOEXIST)) {
		have = bpf_map_lookup_elem(&key_index, &raw);
		return have ? *have : HEAT_MAX_KEYS;
	}
	shared.raw_key[n & (HEAT_MAX_KEYS - 1)] = raw;
	return n;
}
#endif

#endif
