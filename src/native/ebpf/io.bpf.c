// SPDX-License-Identifier: GPL-2.0
//! The `io` preset in the kernel: block I/O latency, issue to completion, per disk; the same
//! probes, key and bucket layout as scripts/presets/io.bt, read by the loader like every preset.

#define HEAT_RAW_KEYS
#include "heat.bpf.h"

// Classic tracepoints, not raw ones: their records carry dev and sector already, where the raw
// tracepoint's struct request would need pointer chasing. Block I/O is rare next to syscalls,
// so their extra cost per event does not matter. Only the fields we read are declared; CO-RE
// (preserve_access_index) finds them in this kernel's layout.
struct trace_event_raw_block_rq {
	__u32 dev;
	__u64 sector;
} __attribute__((preserve_access_index));

struct trace_event_raw_block_rq_completion {
	__u32 dev;
	__u64 sector;
} __attribute__((preserve_access_index));

struct rq_key {
	__u64 dev;
	__u64 sector;
};

// In-flight requests; one disk queue holds at most a few thousand.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct rq_key);
	__type(value, __u64);
} start_ns SEC(".maps");

SEC("tracepoint/block/block_rq_issue")
int heat_rq_issue(struct trace_event_raw_block_rq *ctx)
{
	// -p: the issuing process, as io.bt's predicate on block_rq_issue.
	if (target_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	struct rq_key k = { .dev = ctx->dev, .sector = ctx->sector };
	__u64 now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start_ns, &k, &now, BPF_ANY))
		__sync_fetch_and_add(&shared.lost, 1);
	return 0;
}

SEC("tracepoint/block/block_rq_complete")
int heat_rq_complete(struct trace_event_raw_block_rq_completion *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	struct rq_key k = { .dev = ctx->dev, .sector = ctx->sector };
	__u64 *ts = bpf_map_lookup_elem(&start_ns, &k);
	if (!ts)
		return 0; // issued before we attached, or by another process under -p
	__u64 latency_ns = now - *ts;
	bpf_map_delete_elem(&start_ns, &k);
	__u32 row = row_of(k.dev);
	count_latency(row, latency_ns);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
