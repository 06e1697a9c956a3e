// SPDX-License-Identifier: GPL-2.0
//! The `runq` preset in the kernel: run queue latency, from wakeup (or preemption) to running,
//! all CPUs, one key; the same events and bucket layout as scripts/presets/runq.bt.

#include "heat.bpf.h"
#include <stdbool.h>
#include <bpf/bpf_tracing.h>

// tp_btf: the tracepoints pass task pointers, which BTF lets us read directly (the probe_read
// helpers are refused under lockdown). Only the fields we read are declared; CO-RE relocates them.
struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

// When each task became runnable: task-local storage, freed with the task (see syscall.bpf.c).
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} queued_ns SEC(".maps");

static __always_inline bool targeted(struct task_struct *p)
{
	return p->pid != 0 && (!target_tgid || (__u32)p->tgid == target_tgid);
}

static __always_inline void enqueued(struct task_struct *p)
{
	if (!targeted(p))
		return;
	__u64 *ts = bpf_task_storage_get(&queued_ns, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ts)
		*ts = bpf_ktime_get_ns();
	else
		__sync_fetch_and_add(&shared.lost, 1);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(heat_wakeup, struct task_struct *p)
{
	enqueued(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(heat_wakeup_new, struct task_struct *p)
{
	enqueued(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(heat_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	// A task switched out while still runnable (preempted) waits in the queue from now.
	if ((prev_state & 0xff) == 0)
		enqueued(prev);
	if (!targeted(next))
		return 0;
	__u64 *ts = bpf_task_storage_get(&queued_ns, next, 0, 0);
	if (!ts || !*ts)
		return 0;
	__u64 latency_ns = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	count_latency(0, latency_ns);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
