// SPDX-License-Identifier: GPL-2.0
//! The `syscall` preset in the kernel: per-syscall latency histograms, log-linear (4 buckets per
//! power of two, DTrace llquantize(2, ..., 8)), counted in cumulative per-CPU arrays that the
//! loader (heat_loader.c) reads each interval; src/sources/ebpf.ts turns them into Snapshots.

#include "heat.bpf.h"

// Where a thread's entry time waits for its sys_exit: task-local storage. We also measured a
// per-CPU slot spilled to a tid-keyed hash on sched_switch (2 vCPU EPYC VM, kernel 6.18, added
// ns per operation over bare, medians of 9-11 alternated runs, system-wide):
//   getppid loop:                  task storage +300 ns/syscall, per-CPU slot +250
//   pipe ping-pong (2 switches and 4 syscalls per round trip, both ends on one CPU):
//                                  task storage +1.4 us/round trip, per-CPU slot +1.5..2.1
// The slot wins only when a thread never leaves the CPU inside a syscall; its sched_switch hook
// costs every context switch on the machine, its hash leaks the entries of threads that die
// inside a syscall and drops events when more threads than it holds block at once. Task
// storage is freed with the task and has no capacity limit, so it stays.
struct entry {
	__u64 ts;
	__u64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct entry);
} starts SEC(".maps");

// raw_tp, not tracepoint/ (≈85 ns more per event) and not fentry (refused under lockdown).
SEC("raw_tp/sys_enter")
int heat_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (target_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	struct entry *e = bpf_task_storage_get(&starts, bpf_get_current_task_btf(), 0,
					       BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!e) {
		__sync_fetch_and_add(&shared.lost, 1);
		return 0;
	}
	e->nr = ctx->args[1]; // sys_enter(struct pt_regs *regs, long id)
	e->ts = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tp/sys_exit")
int heat_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	if (target_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	struct entry *e = bpf_task_storage_get(&starts, bpf_get_current_task_btf(), 0, 0);
	if (!e || !e->ts)
		return 0; // it entered before we attached
	__u64 ts = e->ts;
	e->ts = 0;
	count_latency(e->nr, now - ts);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
